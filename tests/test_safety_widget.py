"""Issue 11, items 8 and 10, driven from Python: the widget's controls always describe what
is shown, a num_samples beyond the memory bound is a clear error, and a superseded
re-sample stops at its next batch."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lime_widget import ExplanationWidget
from lime_widget.core import predict
from lime_widget.core.memory import memory_budget
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer

WAIT = 60


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    return X, make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)


class FailsAfter:
    """A model that answers ``ok_calls`` times, then raises."""

    def __init__(self, fn, ok_calls=1):
        self.fn, self.ok_calls, self.calls = fn, ok_calls, 0

    def __call__(self, rows):
        self.calls += 1
        if self.calls > self.ok_calls:
            raise RuntimeError("the model server went away")
        return self.fn(rows)


def shown_samples(w):
    return w.explanation["settings"]["num_samples"], w.current_explanation.neighborhood.num_samples


def test_a_failed_resample_puts_num_samples_back_and_keeps_the_error(wine):
    X, model = wine
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], FailsAfter(model.predict_proba),
                                                                   num_samples=500)
    w = ExplanationWidget(exp)
    w.num_samples = 700
    assert w.wait(WAIT)
    assert w.status == "error" and "the model server went away" in w.error and "num_samples=700" in w.error
    assert w.num_samples == 500 and shown_samples(w) == (500, 500)  # the field says what is shown
    w.num_features = 2  # a valid change: the error clears, and everything still agrees
    assert w.status == "idle" and w.error == ""
    assert w.num_samples == 500 and shown_samples(w) == (500, 500)
    assert len(w.explanation["fits"][str(w.label)]["weights"]) == 2


@pytest.mark.parametrize("value", [1, 0, -3])
def test_a_rejected_num_samples_is_put_back(wine, value):
    X, model = wine
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict_proba, num_samples=500)
    w = ExplanationWidget(exp)
    w.num_samples = value
    assert w.status == "error" and "num_samples must be an integer >= 2" in w.error
    assert w.num_samples == 500 and shown_samples(w) == (500, 500)
    w.num_features = 3
    assert (w.status, w.num_samples, shown_samples(w)) == ("idle", 500, (500, 500))
    w.num_samples = 600  # and a valid value still re-samples
    assert w.wait(WAIT) and (w.status, w.num_samples, shown_samples(w)) == ("idle", 600, (600, 600))


# tracemalloc counts the allocations of every thread of the process: background
# work an earlier test left running (another view's resample or intervals, a
# cluster's threads) once pushed the peak to 24 MB. The measurement runs in a
# fresh process, where the only threads are this view's.
_MEMORY_BOUND_SCRIPT = """
import json, tracemalloc
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from lime_widget import ExplanationWidget
from lime_widget.core.memory import memory_budget
from lime_widget.lime_tabular import LimeTabularExplainer

X, y = load_wine(return_X_y=True)
model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict_proba, num_samples=500)
w = ExplanationWidget(exp)
good = w.explanation
assert w.wait(WAIT)  # the intervals of the shown fit are computed in the background first
with memory_budget(32 << 20):
    tracemalloc.start()
    try:
        w.num_samples = 10**8
        waited = w.wait(WAIT)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
print(json.dumps({"waited": waited, "peak": peak, "status": w.status, "error": w.error,
                  "num_samples": w.num_samples, "same": w.explanation == good}))
"""


def test_num_samples_beyond_the_memory_bound_is_a_clear_error():
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _MEMORY_BOUND_SCRIPT.replace("WAIT", str(WAIT))],
                          capture_output=True, text=True, timeout=4 * WAIT)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["waited"] and out["status"] == "error"
    assert "num_samples=100,000,000 is too large" in out["error"] and "upper bound here is num_samples <=" in out["error"]
    assert out["peak"] < 4 << 20  # refused before any neighbourhood was allocated
    assert out["num_samples"] == 500 and out["same"]


def test_a_superseded_resample_stops_at_its_next_batch(wine, monkeypatch):
    X, model = wine
    monkeypatch.setattr(predict, "_BATCH_SECONDS", 0.05)
    started = threading.Event()
    rows_by_size = {}

    def slow(rows):
        started.set()
        # the 600-sample run sends batches of at most 600 rows; the big one's are larger
        rows_by_size.setdefault("big" if len(rows) > 600 else "small", []).append(len(rows))
        time.sleep(2e-5 * len(rows))
        return model.predict_proba(rows)

    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict_proba, num_samples=500)
    exp.resample = _with_model(exp.resample, slow)
    w = ExplanationWidget(exp)
    big = 200_000  # 4 s of model time in batches of about 0.05 s
    w.num_samples = big
    assert started.wait(WAIT)
    w.num_samples = 600
    assert w.wait(WAIT)
    assert (w.status, w.num_samples, shown_samples(w)) == ("idle", 600, (600, 600))
    big_rows = sum(rows_by_size.get("big", []))
    assert big_rows < big / 4, f"the superseded run predicted {big_rows} of {big} rows"


def _with_model(resample, model):
    def call(num_samples, progress=None):
        return resample.func(resample.args[0], model, num_samples=num_samples, progress=progress,
                             **resample.keywords)
    return call


def test_text_widget_reports_progress_in_steps(monkeypatch):
    monkeypatch.setattr(predict, "_BATCH_SECONDS", 0.02)

    def slow(docs):
        time.sleep(1e-4 * len(docs))
        p = np.array([min(len(d) / 60.0, 1.0) for d in docs])
        return np.stack([1 - p, p], axis=1)

    exp = LimeTextExplainer(random_state=0).explain_instance("the rocket and the moon over the sea", slow,
                                                            num_samples=300)
    w = ExplanationWidget(exp)
    seen = []
    w.observe(lambda change: seen.append(change["new"]), names="progress")
    w.num_samples = 3000
    assert w.wait(WAIT)
    steps = [p for p in seen if 0 < p < 1]
    assert len(steps) >= 3 and steps == sorted(steps)
    assert (w.status, w.num_samples, shown_samples(w)) == ("idle", 3000, (3000, 3000))


def test_error_review_puts_a_failed_num_samples_back_too():
    from sklearn.datasets import load_iris

    from lime_widget import ErrorReview

    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.05, max_iter=500).fit(X, y)
    r = ErrorReview(model.predict_proba, X, y, num_samples=200, prefetch=False)
    try:
        assert r.wait(WAIT)
        r.num_samples = 1
        assert r.status == "error" and "num_samples must be an integer >= 2" in r.error
        assert r.num_samples == 200 and r.explanation["settings"]["num_samples"] == 200
        with memory_budget(8 << 20):
            r.num_samples = 10**9
            assert r._views[r.current_row].wait(WAIT)
        assert r.status == "error" and "upper bound here" in r.error
        assert r.num_samples == 200 and r.explanation["settings"]["num_samples"] == 200
        r.num_features = 2
        assert r.status == "idle" and r.num_samples == 200
    finally:
        r.close()
