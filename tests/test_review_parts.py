"""Error review building blocks: rows, predictions, queue orders, annotations, the row cache."""

from __future__ import annotations

import io
import threading

import numpy as np
import pandas as pd
import pytest

from lime_widget.review.annotations import COLUMNS, Annotations, read_annotations
from lime_widget.review.data import ReviewData, infer_modality
from lime_widget.review.jobs import RowJobs
from lime_widget.review.outcomes import Outcomes, build_outcomes, encode_targets, predict_all
from lime_widget.review.queue import build_queue, confusion


def outcomes_of(proba, true, errors=None) -> Outcomes:
    proba = np.asarray(proba, dtype=float)
    return build_outcomes(proba, errors or {}, np.asarray(true), "classification", ["a", "b", "c"])


# six rows, three classes: rows 1, 2, 4 and 5 are wrong
PROBA = [[0.8, 0.1, 0.1],   # 0: true a, pred a
         [0.3, 0.6, 0.1],   # 1: true a, pred b (0.6)
         [0.1, 0.1, 0.8],   # 2: true b, pred c (0.8)
         [0.1, 0.7, 0.2],   # 3: true b, pred b
         [0.05, 0.9, 0.05],  # 4: true c, pred b (0.9)
         [0.4, 0.35, 0.25]]  # 5: true c, pred a (0.4)
TRUE = [0, 0, 1, 1, 2, 2]


# -- rows -------------------------------------------------------------------------------
def test_modality_follows_the_input():
    assert infer_modality(np.zeros((4, 3))) == "tabular"
    assert infer_modality(pd.DataFrame({"a": [1, 2]})) == "tabular"
    assert infer_modality(["a doc", "another"]) == "text"
    assert infer_modality(pd.Series(["a doc", "another"])) == "text"
    assert infer_modality(np.array(["a doc", "another"])) == "text"
    assert infer_modality(np.zeros((2, 8, 8, 3))) == "image"
    assert infer_modality([np.zeros((8, 8)), np.zeros((6, 6))]) == "image"
    with pytest.raises(TypeError, match="single string"):
        infer_modality("one document")


def test_pandas_rows_keep_their_index_labels():
    frame = pd.DataFrame({"x": [1.5, 2.0, 3.25], "colour": ["red", "blue", "red"]}, index=["r1", "r2", "r3"])
    data = ReviewData(frame)
    assert data.ids == ["r1", "r2", "r3"]
    assert isinstance(data.batch([0, 2]), pd.DataFrame) and list(data.batch([0, 2]).index) == ["r1", "r3"]
    assert data.instance(1)["colour"] == "blue"
    assert data.display(2) == {"kind": "tabular", "columns": ["x", "colour"], "values": ["3.25", "red"]}
    assert data.find("r2") == 1 and data.find("nope") is None


def test_text_and_image_rows():
    texts = ReviewData(pd.Series(["good film", "bad plot"], index=[10, 20]))
    assert texts.ids == [10, 20] and texts.batch([1]) == ["bad plot"]
    assert texts.find("20") == 1  # typed into the jump field: text
    with pytest.raises(TypeError, match="strings"):
        ReviewData(["fine", 3], modality="text")
    grey = np.arange(2 * 4 * 5, dtype=np.uint8).reshape(2, 4, 5)
    images = ReviewData(grey)
    assert images.batch([0, 1]).shape == (2, 4, 5, 3)  # greyscale made RGB, as the explainer does
    pixels = images.pixels(1)
    assert pixels["shape"] == [4, 5, 3] and pixels["dtype"] == "uint8"
    assert bytes(pixels["data"])[:3] == bytes([20, 20, 20])
    mixed = ReviewData([np.zeros((4, 4, 3)), np.zeros((5, 5, 3))])
    assert not mixed.stackable


# -- targets and predictions -------------------------------------------------------------
def test_targets_match_classes_names_or_indices():
    assert encode_targets(["cat", "dog", "cat"], 3, "classification", classes=np.array(["cat", "dog"])).tolist() == [0, 1, 0]
    assert encode_targets(np.array([2, 0]), 2, "classification", classes=np.array([0, 1, 2])).tolist() == [2, 0]
    assert encode_targets(["b", "a"], 2, "classification", class_names=["a", "b"]).tolist() == [1, 0]
    assert encode_targets([1.0, 0.0], 2, "classification").tolist() == [1, 0]
    with pytest.raises(ValueError, match="X has 3 rows but y has 2 labels"):
        encode_targets([0, 1], 3, "classification")
    with pytest.raises(ValueError, match="not among the model's classes_: 'bird'"):
        encode_targets(["cat", "bird"], 2, "classification", classes=np.array(["cat", "dog"]))
    with pytest.raises(ValueError, match="class_names"):
        encode_targets(["cat", "dog"], 2, "classification")


def test_predictions_single_out_the_rows_the_model_fails_on():
    X = np.arange(20, dtype=float).reshape(10, 2)
    calls = []

    def model(rows):
        calls.append(len(rows))
        if np.any(rows[:, 0] == 6.0) or np.any(rows[:, 0] == 14.0):  # rows 3 and 7
            raise ValueError("cannot score this row")
        p = 1 / (1 + np.exp(-rows[:, 0] + 9))
        return np.stack([1 - p, p], axis=1)

    outputs, errors = predict_all(model, ReviewData(X), "classification")
    assert sorted(errors) == [3, 7]
    assert "ValueError: cannot score this row" in errors[3]
    assert np.isnan(outputs[[3, 7]]).all() and np.isfinite(np.delete(outputs, [3, 7], axis=0)).all()
    assert calls[0] == 10 and len(calls) < 2 * 10  # one batch, then bisection, not one call per row


def test_predictions_raise_when_nothing_works_or_the_output_is_wrong():
    X = np.zeros((4, 2))
    with pytest.raises(RuntimeError, match="failed on every row"):
        predict_all(lambda rows: 1 / 0, ReviewData(X), "classification")
    with pytest.raises(ValueError, match="predict_proba"):
        predict_all(lambda rows: np.zeros(len(rows)), ReviewData(X), "classification")


# -- queue --------------------------------------------------------------------------------
def test_queue_orders():
    o = outcomes_of(PROBA, TRUE)
    assert o.pred.tolist() == [0, 1, 2, 1, 1, 0]
    # most confident mistakes first: 4 (0.9), 2 (0.8), 1 (0.6), 5 (0.4)
    assert build_queue(o, "confidence").tolist() == [4, 2, 1, 5]
    # log loss of the true class: 4 (p=.05), 2 (p=.1), 5 (p=.25), 1 (p=.3)
    assert build_queue(o, "loss").tolist() == [4, 2, 5, 1]
    assert build_queue(o, "index").tolist() == [1, 2, 4, 5]
    assert build_queue(o, "true_class").tolist() == [1, 2, 4, 5]
    assert build_queue(o, "confidence", scope="all").tolist() == [4, 0, 2, 3, 1, 5]
    with pytest.raises(ValueError, match="order='nope'"):
        build_queue(o, "nope")


def test_true_class_order_groups_then_ranks_by_confidence():
    o = outcomes_of([[0.2, 0.8, 0], [0.1, 0.9, 0], [0.4, 0.6, 0], [0, 0.3, 0.7]], [0, 0, 0, 1])
    assert build_queue(o, "true_class").tolist() == [1, 0, 2, 3]


def test_cells_filter_and_the_confusion_matrix_counts():
    o = outcomes_of(PROBA, TRUE)
    assert confusion(o).tolist() == [[1, 1, 0], [0, 1, 1], [1, 1, 0]]
    assert build_queue(o, cell=[2, 1]).tolist() == [4]
    assert build_queue(o, cell=[1, 1]).tolist() == [3]  # a diagonal cell: the correct rows, whatever the scope
    with pytest.raises(ValueError, match="outside"):
        build_queue(o, cell=[3, 0])


def test_failed_rows_are_reviewed_last_and_never_in_a_cell():
    proba = np.array(PROBA)
    proba[1] = np.nan
    o = outcomes_of(proba, TRUE, errors={1: "boom"})
    assert o.pred[1] == -1 and bool(o.wrong[1])
    assert build_queue(o, "confidence").tolist() == [4, 2, 5, 1]
    assert build_queue(o, "loss").tolist() == [4, 2, 5, 1]
    assert build_queue(o, "index").tolist() == [1, 2, 4, 5]
    assert confusion(o).sum() == 5
    assert 1 not in build_queue(o, cell=[0, 1]).tolist()


def test_regression_queue_is_the_largest_absolute_residuals():
    o = build_outcomes(np.array([[1.0], [5.0], [2.5], [3.0]]), {}, np.array([1.0, 2.0, 3.0, 4.0]), "regression", None)
    assert build_queue(o).tolist() == [1, 3, 2]  # residuals 3, 1, 0.5; row 0 is exact
    assert build_queue(o, "loss").tolist() == [1, 3, 2]
    assert build_queue(o, scope="all").tolist() == [1, 3, 2, 0]
    assert confusion(o) is None


# -- annotations --------------------------------------------------------------------------
def test_annotations_frame_and_csv_round_trip():
    notes = Annotations()
    assert notes.set(4, tag="label noise")
    assert notes.set(2, note='says "maybe", then, a comma')
    assert not notes.set(4, tag="label noise")  # no change
    assert notes.set(5, tag="ambiguous") and notes.set(5, tag="")  # cleared: dropped
    frame = notes.frame(lambda i: {"row_id": f"r{i}", "true": "a", "predicted": "b", "confidence": 0.5})
    assert list(frame.columns) == list(COLUMNS)
    assert frame["row_id"].tolist() == ["r2", "r4"]
    assert frame["tag"].tolist() == ["", "label noise"]
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    assert read_annotations(io.StringIO(buffer.getvalue())) == [
        ("r2", "", 'says "maybe", then, a comma'), ("r4", "label noise", "")]
    with pytest.raises(ValueError, match="row_id"):
        read_annotations(pd.DataFrame({"tag": ["x"]}))


# -- the row cache ------------------------------------------------------------------------
def test_row_jobs_compute_once_the_urgent_row_first_and_cache_errors():
    order: list[int] = []
    gate, started = threading.Event(), threading.Event()

    def compute(index, progress):
        if index == 0:
            started.set()
            gate.wait(10)  # hold the worker so the queue builds up behind it
        order.append(index)
        progress(1.0)
        if index == 3:
            raise RuntimeError("model down")
        return f"exp{index}"

    done: list[int] = []
    jobs = RowJobs(compute, on_done=done.append)
    jobs.request(0, urgent=True)
    assert started.wait(10)
    jobs.request(1)
    jobs.request(2)
    jobs.request(3, urgent=True)  # the row on screen jumps the prefetch queue
    jobs.keep_only({0, 3, 2})     # the user moved on: row 1 is no longer wanted
    gate.set()
    assert jobs.wait(10)
    assert order == [0, 3, 2]
    assert done == [0, 3, 2]
    assert jobs.get(2).value == "exp2" and isinstance(jobs.get(3).error, RuntimeError)
    jobs.request(2, urgent=True)  # cached: nothing runs again
    assert jobs.wait(10) and order == [0, 3, 2]
    assert jobs.result(1, timeout=10).value == "exp1"
    assert order == [0, 3, 2, 1]
    jobs.close()
