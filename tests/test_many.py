"""explain_many: every engine and chunking gives what single explain_instance calls give; bad input."""

from __future__ import annotations

import os
import threading
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel, grid_segments, redness, tiny_image, topic_pipeline
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier

import lime_widget
from lime_widget.core.many import ExplainManyError, ExplainManyWarning, ExplanationList, RowFailure, explain_many
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer

KW = {"num_features": 3, "num_samples": 300}


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    return X, y, model


def same(a, b):
    """Two explanations with the same weights, intercepts, scores, local predictions and model outputs."""
    assert sorted(a.local_exp) == sorted(b.local_exp)
    for label in a.local_exp:
        assert a.as_list(label) == b.as_list(label)
        assert a.intercept[label] == b.intercept[label] and a.scores[label] == b.scores[label]
        np.testing.assert_array_equal(a.local_preds[label], b.local_preds[label])
    np.testing.assert_array_equal(a.neighborhood.outputs, b.neighborhood.outputs)
    np.testing.assert_array_equal(a.neighborhood.data, b.neighborhood.data)
    assert a.top_labels == b.top_labels


class UnpickleLog:
    """predict_proba of a model that writes a line to ``path`` each time it is unpickled."""

    def __init__(self, model, path):
        self.model, self.path = model, path

    def __call__(self, rows):
        return self.model.predict_proba(rows)

    def __setstate__(self, state):
        self.__dict__.update(state)
        with open(self.path, "a") as log:
            log.write(f"{os.getpid()}\n")


class LockedModel:
    """A model holding a lock: it cannot be pickled."""

    def __init__(self, model):
        self.model, self.lock = model, threading.Lock()

    def __call__(self, rows):
        with self.lock:
            return self.model.predict_proba(rows)


def test_sequential_and_stacked_equal_single_calls(wine):
    X, _, model = wine
    explainer = LimeTabularExplainer(X, random_state=3)
    single = [explainer.explain_instance(x, model.predict_proba, labels=(0, 2), **KW) for x in X[:7]]
    counter = CountingModel(model.predict_proba)
    many = explain_many(explainer, X[:7], counter, labels=(0, 2), **KW)
    assert isinstance(many, ExplanationList) and many.failures == [] and many.row_ids == list(range(7))
    assert counter.calls == 7
    for a, b in zip(many, single):
        same(a, b)
    counter.reset()
    # three rows at a time (900 // 300), in chunks of 5: the last chunk's 2 rows share a call
    stacked = explain_many(explainer, X[:7], counter, labels=(0, 2), batch_rows=900, chunk_size=5, **KW)
    assert counter.calls == 3 and counter.rows == 7 * 300
    for a, b in zip(stacked, single):
        same(a, b)
    # refit after the designs were released gives the single call's refit
    assert stacked[4].refit(num_features=6, kernel_width=2.0).as_list(0) == \
        single[4].refit(num_features=6, kernel_width=2.0).as_list(0)
    # the resample hook is bound to the caller's model, not the stacking stand-in
    assert stacked[0].resample.args[1] is counter and stacked[0].resample.func.__self__ is explainer


def test_worker_processes_load_the_model_once_and_equal_single_calls(wine, tmp_path):
    X, y, model = wine
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(13)], index=[f"r{i}" for i in range(len(X))])
    frame["colour"] = pd.Categorical(np.where(y == 0, "red", np.where(y == 1, "white", "rose")))
    frame_model = RandomForestClassifier(n_estimators=10, random_state=0).fit(
        frame.assign(colour=frame["colour"].cat.codes), y)

    def predict(rows):  # a closure: cloudpickle sends it by value
        return frame_model.predict_proba(rows.assign(colour=rows["colour"].cat.codes))

    predict_fn = UnpickleLog(model, str(tmp_path / "unpickled.log"))
    explainer = LimeTabularExplainer(X, random_state=1)
    single = [explainer.explain_instance(x, model.predict_proba, **KW) for x in X[:9]]
    stream = explain_many(explainer, X[:9], predict_fn, n_jobs=2, chunk_size=2, batch_rows=600,
                          return_as="generator", **KW)
    assert not isinstance(stream, list)
    many = list(stream)
    for a, b in zip(many, single):
        same(a, b)
    assert [e.row_id for e in many] == list(range(9))
    loads = (tmp_path / "unpickled.log").read_text().split()
    assert 1 <= len(loads) <= 2 and len(set(loads)) == len(loads)  # 5 chunks, one load per worker process
    assert many[3].resample.args[1] is predict_fn and many[3].resample.func.__self__ is explainer

    # a DataFrame's rows (not its column names), with their index labels as row ids
    frame_explainer = LimeTabularExplainer(frame, random_state=0)
    rows = frame.iloc[[0, 70, 140, 5]]
    frame_single = [frame_explainer.explain_instance(rows.iloc[i], predict, **KW) for i in range(4)]
    with joblib.parallel_config(n_jobs=2):  # each worker stacks two rows' DataFrames into one model call
        frame_many = explain_many(frame_explainer, rows, predict, batch_rows=600, **KW)
    assert frame_many.row_ids == ["r0", "r70", "r140", "r5"] and [e.row_id for e in frame_many] == frame_many.row_ids
    for a, b in zip(frame_many, frame_single):
        same(a, b)
    assert "colour=red" in frame_many[0].domain_mapper.feature_names()


def test_worker_processes_keep_an_unchanged_payload_across_calls(wine, tmp_path):
    X, _, model = wine
    log = tmp_path / "unpickled.log"
    predict_fn = UnpickleLog(model, str(log))
    explainer = LimeTabularExplainer(X, random_state=3)
    first = explain_many(explainer, X[:6], predict_fn, n_jobs=2, chunk_size=1, **KW)
    loaded = log.read_text().split()
    assert 1 <= len(loaded) <= 2
    again = explain_many(explainer, X[:6], predict_fn, n_jobs=2, chunk_size=1, **KW)
    both = log.read_text().split()
    # the same bytes: a worker reuses what it loaded (one that had no task in the first call loads now)
    assert both[:len(loaded)] == loaded and len(set(both)) == len(both)
    for a, b in zip(first, again):
        same(a, b)
    explainer.kernel_width = 1.5  # a changed explainer is sent and loaded again
    changed = explain_many(explainer, X[:6], predict_fn, n_jobs=2, chunk_size=1, **KW)
    assert len(log.read_text().split()) > len(both)
    for a, x in zip(changed, X[:6]):
        same(a, explainer.explain_instance(x, model.predict_proba, **KW))


class BlasThreadsLog:
    """predict_proba that writes the BLAS thread limits of the process it runs in to ``path``."""

    def __init__(self, model, path):
        self.model, self.path = model, path

    def __call__(self, rows):
        from threadpoolctl import threadpool_info

        with open(self.path, "a") as log:
            log.write(" ".join(str(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas")
                      + "\n")
        return self.model.predict_proba(rows)


def test_worker_processes_run_blas_on_one_thread(wine, tmp_path):
    """Two workers on two cores: BLAS threads inside them would only compete (no oversubscription)."""
    X, _, model = wine
    log = tmp_path / "blas.log"
    explain_many(LimeTabularExplainer(X, random_state=0), X[:4], BlasThreadsLog(model, str(log)), n_jobs=2,
                 chunk_size=1, **KW)
    lines = log.read_text().split("\n")[:-1]
    assert len(lines) == 4 and all(set(line.split()) == {"1"} for line in lines)


def test_threads_share_the_objects_and_equal_single_calls(wine):
    X, _, model = wine
    explainer = LimeTabularExplainer(X, random_state=5)
    locked = LockedModel(model)  # not picklable: fine on threads
    single = [explainer.explain_instance(x, locked, **KW) for x in X[10:16]]
    with joblib.parallel_config(backend="threading", n_jobs=2):
        many = explain_many(explainer, X[10:16], locked, chunk_size=2, batch_rows=600, **KW)
    for a, b in zip(many, single):
        same(a, b)


def test_text_rows_and_stacking():
    pipe = topic_pipeline()
    docs = ["the rocket and the moon", "a nurse gave the vaccine dose", "the comet and the doctor",
            "a star, a planet, a fever"]
    explainer = LimeTextExplainer(random_state=0)
    single = [explainer.explain_instance(d, pipe.predict_proba, num_features=2, num_samples=200) for d in docs]
    counter = CountingModel(pipe.predict_proba)
    many = explain_many(explainer, docs, counter, batch_rows=800, num_features=2, num_samples=200)
    assert counter.calls == 1 and counter.rows == 800
    for a, b in zip(many, single):
        same(a, b)
    as_series = explain_many(explainer, pd.Series(docs, index=[10, 11, 12, 13]), pipe.predict_proba,
                             num_features=2, num_samples=200)
    assert as_series.row_ids == [10, 11, 12, 13] and as_series[2].as_list() == single[2].as_list()


def test_image_rows_as_list_and_array():
    base = tiny_image()
    images = [base, base[::-1].copy(), base[:, ::-1].copy()]
    explainer = LimeImageExplainer(random_state=0)
    kwargs = {"top_labels": 2, "num_samples": 60, "segmentation_fn": grid_segments}
    single = [explainer.explain_instance(im, redness, progress_bar=False, **kwargs) for im in images]
    for instances in (images, np.stack(images)):
        counter = CountingModel(redness)
        # calls of 10 images (batch_size): 12 rows at once, so the three images' calls go together
        many = explain_many(explainer, instances, counter, batch_rows=120, **kwargs)
        assert counter.calls == 6 and counter.rows == 3 * 60
        for a, b in zip(many, single):
            same(a, b)
            np.testing.assert_array_equal(a.segments, b.segments)


def test_streaming_order_and_progress(wine):
    X, _, model = wine
    explainer = LimeTabularExplainer(X, random_state=0)
    seen = []
    stream = explain_many(explainer, X[:5], model.predict_proba, return_as="generator", progress=seen.append, **KW)
    first = next(stream)
    assert first.row_id == 0 and seen == [0.2]
    assert [e.row_id for e in stream] == [1, 2, 3, 4] and seen == [0.2, 0.4, 0.6, 0.8, 1.0]


def test_empty_rows_give_an_empty_result_without_model_calls(wine):
    X, _, model = wine
    explainer = LimeTabularExplainer(X, random_state=0)
    counter = CountingModel(model.predict_proba)
    for empty in ([], X[:0], pd.DataFrame(X[:0])):
        out = explain_many(explainer, empty, counter, n_jobs=2)
        assert out == [] and out.failures == [] and isinstance(out, ExplanationList)
        assert list(explain_many(explainer, empty, counter, return_as="generator")) == []
    assert counter.calls == 0


def test_a_failing_row_is_reported_with_its_id_and_the_others_finish(wine):
    X, _, model = wine
    explainer = LimeTabularExplainer(X, random_state=0)
    rows = X[:6].copy()
    rows[2, 4] = np.nan
    counter = CountingModel(model.predict_proba)
    with pytest.warns(ExplainManyWarning, match=r"1 of 6 rows.*row 2 \(position 2\): ValueError: data_row contains NaN"):
        out = explain_many(explainer, rows, counter, **KW)
    assert counter.calls == 5
    assert isinstance(out[2], RowFailure) and out.failures == [out[2]]
    assert out[2].row_id == 2 and out[2].error_type == "ValueError" and isinstance(out[2].error, ValueError)
    same(out[3], explainer.explain_instance(rows[3], model.predict_proba, **KW))

    # a model that fails on one row's neighbourhood, in worker processes, with ids from a DataFrame
    frame = pd.DataFrame(rows[[0, 1, 3]], index=["a", "b", "c"])
    frame_explainer = LimeTabularExplainer(pd.DataFrame(X), random_state=0)
    with pytest.warns(ExplainManyWarning, match=r"row 'b' \(position 1\): PredictFnError: .*too wide"):
        out = explain_many(frame_explainer, frame, FailOnWideRows(model, X[1, 0]), n_jobs=2, chunk_size=1, **KW)
    assert [type(x).__name__ for x in out] == ["Explanation", "RowFailure", "Explanation"]

    counter.reset()
    with pytest.raises(ExplainManyError, match=r"row 2 \(position 2\): ValueError") as info:
        explain_many(explainer, rows, counter, errors="raise", **KW)
    assert counter.calls == 2 and isinstance(info.value.__cause__, ValueError)  # stopped at the first failure


class FailOnWideRows:
    """predict_proba, except that it fails on a neighbourhood around ``value`` in column 0."""

    def __init__(self, model, value):
        self.model, self.value = model, value

    def __call__(self, rows):
        if np.isclose(np.asarray(rows)[0, 0], self.value):
            raise ArithmeticError("too wide")
        return self.model.predict_proba(np.asarray(rows))


def test_an_unpicklable_model_with_processes_gets_a_clear_error(wine):
    X, _, model = wine
    explainer = LimeTabularExplainer(X, random_state=0)
    with pytest.raises(TypeError, match=r"predict_fn cannot be pickled.*n_jobs=2.*module level.*threading"):
        explain_many(explainer, X[:3], LockedModel(model), n_jobs=2, **KW)
    explainer.lock = threading.Lock()
    with pytest.raises(TypeError, match=r"The explainer cannot be pickled"):
        explain_many(explainer, X[:3], model.predict_proba, n_jobs=2, **KW)


def test_a_model_the_workers_cannot_import_gets_a_clear_error(wine, tmp_path, monkeypatch):
    X, _, model = wine
    (tmp_path / "vanishing_model.py").write_text(
        "class Model:\n"
        "    def __init__(self, model):\n"
        "        self.model = model\n"
        "    def __call__(self, rows):\n"
        "        return self.model.predict_proba(rows)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import vanishing_model

    explainer = LimeTabularExplainer(X, random_state=0)
    stream = explain_many(explainer, X[:4], vanishing_model.Model(model), n_jobs=2, return_as="generator", **KW)
    (tmp_path / "vanishing_model.py").unlink()  # pickled already; the workers look for it now
    with pytest.raises(RuntimeError, match=r"worker could not load the explainer and predict_fn "
                                           r"\(ModuleNotFoundError.*importable module"):
        list(stream)


def test_rows_of_the_wrong_or_mixed_kinds_are_refused_before_the_model(wine):
    X, _, model = wine
    counter = CountingModel(model.predict_proba)
    tabular = LimeTabularExplainer(X, random_state=0)
    text = LimeTextExplainer(random_state=0)
    cases = [
        (text, "just one document", r"single string.*\[doc\]"),
        (text, ["a doc", X[0], "another"], r"instances\[1\] is a 1-d array; LimeTextExplainer needs each row to be "
                                            r"a string \(one document\) \(1 of 3"),
        (tabular, X[0], r"shape \(13,\), a single row"),
        (tabular, [X[0], pd.Series(X[1])], r"mixes kinds of rows: instances\[0\] is a 1-d array, instances\[1\] is a "
                                           r"Series"),
        (tabular, ["a", "b"], r"instances\[0\] is a str"),
        (LimeImageExplainer(), [tiny_image(), "x"], r"instances\[1\] is a str"),
        (LimeImageExplainer(), pd.DataFrame(X), r"DataFrame"),
        (tabular, 42, r"sequence of rows"),
    ]
    for explainer, instances, message in cases:
        with pytest.raises(TypeError, match=message):
            explain_many(explainer, instances, counter)
    for bad, message in [({"return_as": "dict"}, "return_as='dict'"), ({"errors": "ignore"}, "errors='ignore'"),
                         ({"n_jobs": 0}, "n_jobs must be"), ({"batch_rows": 0}, "batch_rows must be"),
                         ({"chunk_size": 1.5}, "chunk_size must be"), ({"progress": "yes"}, "progress must be")]:
        with pytest.raises(ValueError, match=message):
            explain_many(tabular, X[:2], counter, **bad)
    with pytest.raises(TypeError, match="client must be a dask.distributed.Client"):
        explain_many(tabular, X[:2], counter, client="tcp://scheduler:8786")
    with pytest.raises(TypeError, match="predict_fn must be a function"):
        explain_many(tabular, X[:2], model)
    assert counter.calls == 0


def test_public_name_and_submodular_pick_with_jobs(wine):
    X, _, model = wine
    explainer = lime_widget.LimeTabularExplainer(X, random_state=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        many = lime_widget.explain_many(explainer, X[:3], model.predict_proba, **KW)
    assert [e.as_list() for e in many] == \
        [explainer.explain_instance(x, model.predict_proba, **KW).as_list() for x in X[:3]]


def test_submodular_pick_stops_at_a_failing_row(wine):
    from lime_widget.submodular_pick import SubmodularPick

    X, _, model = wine
    data = X[:6].copy()
    data[4, 0] = np.inf
    with pytest.raises(ExplainManyError, match=r"row 4 \(position 4\): ValueError: data_row contains NaN or infinite"):
        SubmodularPick(LimeTabularExplainer(X, random_state=0), data, model.predict_proba, method="full",
                       num_samples=200)


def test_sequences_unordered_stream_and_a_progress_bar(capsys):
    from lime_widget.lime_tabular import RecurrentTabularExplainer

    rng = np.random.RandomState(0)
    sequences = rng.rand(40, 4, 3)

    def model(batch):  # (n, timesteps, features) -> probabilities from feature 0
        p = batch[:, :, 0].mean(axis=1)
        return np.column_stack([1 - p, p])

    explainer = RecurrentTabularExplainer(sequences, random_state=0)
    single = [explainer.explain_instance(s, model, num_samples=200) for s in sequences[:5]]
    with joblib.parallel_config(backend="threading", n_jobs=2):
        stream = explain_many(explainer, sequences[:5], model, return_as="generator_unordered", chunk_size=1,
                              progress=True, num_samples=200)
        results = sorted(stream, key=lambda e: e.row_id)
    assert [e.row_id for e in results] == [0, 1, 2, 3, 4]
    for a, b in zip(results, single):
        same(a, b)
    assert "5/5" in capsys.readouterr().err  # tqdm's bar reached every row
