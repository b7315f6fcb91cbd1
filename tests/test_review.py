"""ErrorReview: the queue, filters, navigation, cached explanations, annotations, bad input.

The model is wrapped to count its calls: building the review calls it once (all rows
in one batch); each explained row costs ``NUM_SAMPLES / BATCH`` calls; revisiting a
row, refitting or switching to the true class costs none.
"""

from __future__ import annotations

import io
import json
import threading

import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel, grid_segments, redness, tiny_image
from sklearn.datasets import load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression

from lime_widget import ErrorReview

NUM_SAMPLES = 200
CALLS_PER_ROW = 10  # the review predicts a row's neighbourhood in 10 batches (its progress steps)
WAIT = 60


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.05, max_iter=500).fit(X, y)  # 9 mistakes on its training data
    return X, y, model


def review_of(iris, **kwargs):
    X, y, model = iris
    counter = CountingModel(model.predict_proba)
    kwargs.setdefault("num_samples", NUM_SAMPLES)
    return ErrorReview(counter, X, y, class_names=["setosa", "versicolor", "virginica"], **kwargs), counter


def expected_queue(iris, order="confidence"):
    X, y, model = iris
    proba = model.predict_proba(X)
    pred = proba.argmax(1)
    wrong = np.flatnonzero(pred != y)
    key = -proba[wrong, pred[wrong]] if order == "confidence" else np.log(proba[wrong, y[wrong]])
    return wrong[np.lexsort((wrong, key))].tolist()


# -- queue, orders, filters -------------------------------------------------------------------
def test_queue_is_the_mistakes_most_confident_first(iris):
    r, counter = review_of(iris, prefetch=False)
    X, y, model = iris
    assert r.wait(WAIT)
    # every row predicted in one call, then the neighbourhood of the row shown
    assert counter.calls == 1 + CALLS_PER_ROW and counter.rows == len(X) + NUM_SAMPLES
    assert r.queue == expected_queue(iris)
    assert (r.queue_length, r.position, r.current_row) == (9, 0, r.queue[0])
    assert r.summary["n_errors"] == 9 and r.summary["n_rows"] == 150 and r.summary["n_failed"] == 0
    pred = model.predict_proba(X).argmax(1)
    counts = np.zeros((3, 3), dtype=int)
    np.add.at(counts, (y, pred), 1)
    assert r.confusion == {"labels": ["setosa", "versicolor", "virginica"], "counts": counts.tolist()}
    row = r.row
    assert (row["true_label"], row["pred_label"]) == (y[r.current_row], pred[r.current_row])
    assert row["confidence"] == pytest.approx(model.predict_proba(X)[r.current_row].max())
    assert row["instance"]["kind"] == "tabular" and len(row["instance"]["values"]) == 4
    for trait in ("row", "summary", "confusion"):
        json.dumps(getattr(r, trait))  # what the comm sends must be plain JSON (no NaN, no numpy)
    r.close()


def test_orders_and_the_all_rows_scope_keep_the_row_shown(iris):
    r, _ = review_of(iris, prefetch=False)
    r.position = 3
    shown = r.current_row
    r.order = "loss"
    assert r.queue == expected_queue(iris, "loss")
    assert r.current_row == shown and r.queue[r.position] == shown
    r.order = "index"
    assert r.queue == sorted(r.queue) and r.current_row == shown
    r.order = "true_class"
    assert [iris[1][i] for i in r.queue] == sorted(iris[1][i] for i in r.queue)
    r.scope = "all"
    assert r.queue_length == 150 and r.current_row == shown
    r.order = "nope"  # from the front end: shown, then undone
    assert r.order == "true_class" and "nope" in r.notice
    with pytest.raises(ValueError, match="scope"):
        ErrorReview(*iris, scope="some")
    r.close()


def test_confusion_cell_filters_the_queue(iris):
    r, _ = review_of(iris, prefetch=False)
    X, y, model = iris
    pred = model.predict_proba(X).argmax(1)
    r.filter("virginica", "versicolor")
    assert r.cell == [2, 1]
    assert r.queue and all(y[i] == 2 and pred[i] == 1 for i in r.queue)
    assert r.position == 0 and r.current_row == r.queue[0]
    r.cell = [1, 1]  # a diagonal cell: rows the model got right
    assert r.queue_length == int(((y == 1) & (pred == 1)).sum())
    r.cell = [0, 7]  # outside the matrix (from the front end): refused, filter kept
    assert r.cell == [1, 1] and "outside" in r.notice
    r.filter()
    assert r.cell == [] and r.queue == expected_queue(iris)
    with pytest.raises(ValueError, match="not a class"):
        r.filter("daisy", "setosa")
    r.close()


def test_navigation_position_current_row_and_jump(iris):
    r, _ = review_of(iris, prefetch=False)
    queue = r.queue
    r.next()
    r.next()
    assert (r.position, r.current_row, r.row["id"]) == (2, queue[2], str(queue[2]))
    r.prev()
    assert r.current_row == queue[1]
    r.position = 99  # clamped to the queue
    assert r.position == 8 and r.current_row == queue[-1]
    r.next()
    assert r.position == 8
    r.jump(queue[4])
    assert r.position == 4 and r.scope == "errors"
    r.jump(0)  # a correct row: the queue widens to every row
    assert (r.current_row, r.scope) == (0, "all") and "not in the queue" in r.notice
    with pytest.raises(KeyError):
        r.jump(1000)
    r._on_message(r, {"type": "jump", "row": "12"}, [])  # from the jump field: text
    assert r.current_row == 12
    r._on_message(r, {"type": "jump", "row": "no such row"}, [])
    assert r.current_row == 12 and "No row with id" in r.notice
    r.close()


# -- explanations: model calls, cache, prefetch -------------------------------------------------
def test_revisiting_rows_calls_the_model_zero_times(iris):
    r, counter = review_of(iris)
    assert r.wait(WAIT)
    assert r.row_status == "ready" and r.status == "idle"
    first, second, third = r.queue[:3]
    # the row shown, and the next one prefetched in the background
    assert sorted(r.cached_rows) == sorted([first, second])
    assert counter.calls == 1 + 2 * CALLS_PER_ROW

    counter.reset()
    r.next()
    assert r.row_status == "ready"  # prefetched: shown at once
    assert r.wait(WAIT)
    assert counter.calls == CALLS_PER_ROW and third in r.cached_rows  # only the prefetch of the row after
    counter.reset()
    r.prev()
    r.next()
    r.prev()
    assert r.wait(WAIT) and counter.calls == 0
    assert r.explanation_for(first) is r.explanation_for(first)
    assert counter.calls == 0
    r.close()


def test_without_prefetch_only_the_row_shown_is_explained(iris):
    r, counter = review_of(iris, prefetch=False)
    assert r.wait(WAIT)
    assert counter.calls == 1 + CALLS_PER_ROW and r.cached_rows == [r.current_row]
    r.next()
    assert r.row_status == "computing" and r.explanation == {}
    assert r.wait(WAIT)
    assert r.row_status == "ready" and counter.calls == 1 + 2 * CALLS_PER_ROW
    r.close()


def test_predicted_class_first_true_class_one_click_away(iris):
    r, counter = review_of(iris, prefetch=False)
    assert r.wait(WAIT)
    true, pred = r.row["true_label"], r.row["pred_label"]
    assert r.label == pred
    assert sorted(r.explanation["labels"]) == sorted([true, pred])
    exp = r.current_explanation
    shown = [float(v) for v in exp.to_dict()["domain"]["values"]]
    assert shown == pytest.approx([float(v) for v in r.row["instance"]["values"]], abs=0.005)  # the row shown
    counter.reset()
    r.label = true  # the "why not the true class" button
    assert str(true) in r.explanation["fits"] and r.label == true
    r.num_features = 2  # and every other control of the explanation view refits too
    assert all(len(fit["weights"]) == 2 for fit in r.explanation["fits"].values())
    assert counter.calls == 0
    r.close()


def test_controls_carry_over_to_the_next_row(iris):
    r, _ = review_of(iris, num_features=4)
    assert r.wait(WAIT)
    r.num_features = 2
    r.feature_selection = "highest_weights"
    r.next()
    assert r.wait(WAIT)
    assert (r.num_features, r.feature_selection) == (2, "highest_weights")
    assert all(len(fit["weights"]) == 2 for fit in r.explanation["fits"].values())
    assert r.label == r.row["pred_label"]  # the class shown is per row: the prediction
    r.close()


def test_progress_moves_while_a_row_is_explained(iris):
    r, _ = review_of(iris, prefetch=False)
    assert r.wait(WAIT)
    seen: list[float] = []
    statuses: list[str] = []
    r.observe(lambda c: seen.append(c["new"]), names=["row_progress"])
    r.observe(lambda c: statuses.append(c["new"]), names=["row_status"])
    r.next()
    assert r.wait(WAIT)
    assert statuses == ["computing", "ready"]
    assert seen[-1] == 1.0 and any(0 < v < 1 for v in seen) and seen == sorted(seen)
    r.close()


def test_resampling_a_row_never_lands_on_another_row(iris):
    X, y, model = iris
    gate = threading.Event()

    def predict(rows):
        # hold only the re-sampling thread, so the review can move on meanwhile
        if threading.current_thread().name.startswith("lime-widget-resample"):
            gate.wait(WAIT)
        return model.predict_proba(rows)

    r = ErrorReview(predict, X, y, num_samples=NUM_SAMPLES, prefetch=False)
    assert r.wait(WAIT)
    first = r.current_row
    view = r._views[first]
    r.num_samples = 300  # the row re-samples in ExplanationWidget's worker thread
    assert r.status == "computing"
    r.next()
    assert r.wait(WAIT) and r.row_status == "ready"
    second_values = r.explanation["domain"]["values"]
    gate.set()
    assert view.wait(WAIT)
    assert r.explanation["domain"]["values"] == second_values and r.status == "idle"
    r.prev()
    assert r.current_row == first and r.explanation["settings"]["num_samples"] == 300
    r.close()


# -- annotations ---------------------------------------------------------------------------------
def test_annotations_from_the_front_end_and_from_python(iris, tmp_path):
    r, _ = review_of(iris, prefetch=False)
    first, second = r.queue[:2]
    r._on_message(r, {"type": "annotate", "index": first, "tag": "label noise"}, [])
    r._on_message(r, {"type": "annotate", "index": first, "note": "petal looks like setosa"}, [])
    assert (r.row["tag"], r.row["note"], r.annotated) == ("label noise", "petal looks like setosa", 1)
    r.annotate("model error", row=second)
    r.next()
    assert r.row["tag"] == "model error"
    r.prev()
    assert r.row["tag"] == "label noise"
    # what a new view of the widget receives (re-display): the annotation is in the state
    assert r.get_state()["row"]["tag"] == "label noise"

    frame = r.annotations
    assert list(frame.columns) == ["row_id", "true", "predicted", "confidence", "tag", "note"]
    assert frame["row_id"].tolist() == sorted([first, second])
    by_id = frame.set_index("row_id")
    X, y, model = iris
    names = ["setosa", "versicolor", "virginica"]
    assert by_id.loc[first, "true"] == names[y[first]]
    assert by_id.loc[first, "predicted"] == names[model.predict_proba(X)[first].argmax()]
    assert by_id.loc[first, "confidence"] == pytest.approx(model.predict_proba(X)[first].max())
    assert by_id.loc[first, "note"] == "petal looks like setosa"

    path = tmp_path / "notes.csv"
    r.save_annotations(path)
    again, _ = review_of(iris, prefetch=False, annotations=path)
    pd.testing.assert_frame_equal(again.annotations, frame)
    assert again.row["tag"] == "label noise" and again.annotated == 2

    r.annotate(tag="", note="", row=first)  # cleared: no longer listed
    assert r.annotations["row_id"].tolist() == [second]
    r._on_message(r, {"type": "annotate", "index": 10_000, "tag": "x"}, [])
    assert "No row" in r.notice
    with pytest.warns(UserWarning, match="not in this review"):
        assert r.load_annotations(io.StringIO("row_id,tag,note\n7,ambiguous,\nzzz,ambiguous,\n")) == 1
    assert r.annotations.set_index("row_id").loc[7, "tag"] == "ambiguous"
    r.close()


# -- modalities ------------------------------------------------------------------------------------
def test_pandas_rows_with_string_labels(iris):
    X, y, _ = iris
    names = np.array(["setosa", "versicolor", "virginica"])
    frame = pd.DataFrame(X, columns=["sepal length", "sepal width", "petal length", "petal width"],
                         index=[f"flower-{i}" for i in range(len(X))])
    model = LogisticRegression(C=0.05, max_iter=500).fit(frame, names[y])
    seen_types = set()
    original = model.predict_proba

    class Spy:  # an estimator-like model that records what it is given
        classes_ = model.classes_

        def predict_proba(self, rows):
            seen_types.add(type(rows).__name__)
            return original(rows)

        def predict(self, rows):
            return model.predict(rows)

    r = ErrorReview(Spy(), frame, pd.Series(names[y], index=frame.index), num_samples=NUM_SAMPLES, prefetch=False)
    assert all(isinstance(i, str) and i.startswith("flower-") for i in r.queue)
    assert r.wait(WAIT) and r.row_status == "ready"
    assert r.explanation["domain"]["columns"] == list(frame.columns)
    assert seen_types == {"DataFrame"}
    assert r.row["true"] in names and r.row["id"] == r.current_row
    r.jump(r.queue[2])
    r.annotate("ambiguous")
    assert r.annotations["row_id"].tolist() == [r.queue[2]]
    buffer = io.StringIO()
    r.save_annotations(buffer)
    buffer.seek(0)
    fresh = ErrorReview(Spy(), frame, names[y], num_samples=NUM_SAMPLES, prefetch=False, annotations=buffer)
    assert fresh.annotations["row_id"].tolist() == [r.queue[2]]
    r.close()
    fresh.close()


def test_text_rows(text_model):
    docs = ["I pray to god at church", "science and reason, not faith", "the bible and church",
            "evidence matters more than dogma", "faith in god every day"]
    y = [0, 1, 1, 1, 0]  # rows 0, 1, 3, 4 are labelled against the model
    counter = CountingModel(text_model.predict_proba)
    r = ErrorReview(counter, docs, y, class_names=["atheism", "christian"], num_samples=NUM_SAMPLES, num_features=4)
    assert r.summary["modality"] == "text" and sorted(r.queue) == [0, 1, 3, 4]
    assert r.row["instance"] == {"kind": "text", "text": docs[r.current_row], "truncated": False}
    assert r.wait(WAIT) and r.row_status == "ready"
    assert r.explanation["modality"] == "text" and r.explanation["domain"]["text"] == docs[r.current_row]
    r.next()
    assert r.wait(WAIT)  # the row after it is prefetched meanwhile
    counter.reset()
    r.prev()
    r.next()
    assert r.wait(WAIT) and counter.calls == 0
    r.close()


def test_image_rows():
    base = tiny_image()
    images = np.stack([base, base[:, ::-1], base[::-1], np.full_like(base, 200)])
    p_red = redness(images)[:, 1]
    y = (p_red < 0.5).astype(int)  # every label is the opposite of the model's answer
    r = ErrorReview(redness, images, y, num_samples=60,
                    explain_kwargs={"segmentation_fn": grid_segments, "hide_color": 0})
    assert r.summary["modality"] == "image" and r.queue_length == 4
    assert r.row["instance"] == {"kind": "image", "height": 24, "width": 32}
    assert r.row_image["shape"] == [24, 32, 3] and r.row_image["dtype"] == "uint8"
    assert r.wait(WAIT) and r.row_status == "ready"
    assert r.explanation["modality"] == "image"
    assert r.image["shape"] == [24, 32, 3] and r.segments["shape"] == [24, 32]
    r.close()


def test_regression_reviews_the_largest_residuals():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.normal(scale=0.3, size=40)
    model = LinearRegression().fit(X, y)
    r = ErrorReview(model, X, y, num_samples=NUM_SAMPLES, prefetch=False)
    residuals = np.abs(y - model.predict(X))
    assert r.queue[:5] == np.argsort(-residuals)[:5].tolist()
    assert r.confusion == {} and r.summary["mode"] == "regression"
    assert r.row["residual"] == pytest.approx(y[r.current_row] - model.predict(X)[r.current_row])
    assert r.wait(WAIT) and r.explanation["mode"] == "regression" and r.label == 1
    json.dumps(r.row)
    r.close()


# -- bad input -----------------------------------------------------------------------------------
def test_x_and_y_of_different_lengths_fail_before_calling_the_model(iris):
    X, y, model = iris
    counter = CountingModel(model.predict_proba)
    with pytest.raises(ValueError, match="X has 150 rows but y has 149 labels"):
        ErrorReview(counter, X, y[:-1])
    assert counter.calls == 0


def test_no_errors_is_a_friendly_empty_state(iris):
    X, _, model = iris
    perfect = model.predict(X)
    r = ErrorReview(model, X, perfect, num_samples=NUM_SAMPLES)
    assert (r.queue_length, r.row_status, r.row, r.current_row) == (0, "empty", {}, None)
    assert r.summary["n_errors"] == 0 and r.explanation == {}
    r.next()
    r.prev()
    assert r.position == 0 and r.wait(WAIT) and r.cached_rows == []
    assert "0 mistakes" in repr(r)
    r.scope = "all"  # teaching mode still walks every row
    assert r.queue_length == 150 and r.current_row is not None
    r.close()


def test_a_model_failing_on_some_rows(iris):
    X, y, model = iris
    bad_rows = {70, 83}  # two of the mistakes: their own prediction fails
    bad_values = {tuple(X[i]) for i in bad_rows}
    explain_fails = 106  # another mistake: its neighbourhood cannot be predicted

    def fragile(rows):
        rows = np.asarray(rows)
        if any(tuple(row) in bad_values for row in rows):
            raise ValueError("feature out of range")
        if len(rows) == NUM_SAMPLES // CALLS_PER_ROW and np.array_equal(rows[0], X[explain_fails]):
            raise ConnectionError("model service dropped the batch")
        return model.predict_proba(rows)

    r = ErrorReview(fragile, X, y, num_samples=NUM_SAMPLES, order="index")
    assert r.summary["n_failed"] == 2 and r.summary["n_errors"] == 7
    assert bad_rows <= set(r.queue) and explain_fails in r.queue
    assert sum(map(sum, r.confusion["counts"])) == 148
    for row_id in r.queue:
        r.jump(row_id)
        assert r.wait(WAIT)
        if row_id in bad_rows:
            assert r.row_status == "error" and "feature out of range" in r.row_error
            assert r.row["failed"] and r.row["pred"] is None and r.explanation == {}
        elif row_id == explain_fails:
            assert r.row_status == "error" and "model service dropped the batch" in r.row_error
        else:
            assert r.row_status == "ready" and r.row_error == "" and r.explanation["modality"] == "tabular"
    json.dumps(r.row)
    r.close()
