"""ExplanationController (issue 13 item 4): one code path for every view of an explanation,
background work through one executor, stale work dropped, closed views freed."""

from __future__ import annotations

import gc
import multiprocessing
import sys
import threading
import weakref
from concurrent.futures import Executor, ThreadPoolExecutor

import pytest
from helpers import wait_until
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from lime_widget import ErrorReview, ExplanationWidget
from lime_widget.core import threads
from lime_widget.widget import trust
from lime_widget.widget.controller import ExplanationController
from lime_widget.widget.global_view import GlobalView

WAIT = 60


class Recorder:
    """The owner's side of a controller: every ``on_state`` call, in order."""

    def __init__(self):
        self.calls: list[dict] = []
        self.lock = threading.Lock()

    def __call__(self, changes: dict) -> None:
        with self.lock:
            self.calls.append(dict(changes))

    def shown_num_samples(self) -> list:
        with self.lock:
            return [c["explanation"]["settings"]["num_samples"] for c in self.calls if "explanation" in c]


def attached(exp, **controls):
    controller = ExplanationController(exp, controls or None)
    recorder = Recorder()
    controller.attach(recorder)
    recorder.calls.clear()  # the full state sent on attach
    return controller, recorder


# -- the controller on its own ---------------------------------------------------------------
def test_refits_make_zero_model_calls_and_send_the_refitted_payload(wine_exp):
    exp, counter = wine_exp
    controller, recorder = attached(exp)
    counter.reset()
    controller.set_control("num_features", 3)
    controller.set_control("kernel_width", 2.0)
    controller.set_control("feature_selection", "forward_selection")
    controller.set_control("label", 2)  # a label not explained yet: fitted on the cached neighbourhood
    assert counter.calls == 0
    expected = exp.refit(num_features=3, kernel_width=2.0, feature_selection="forward_selection", label=2)
    assert recorder.calls[-1]["explanation"] == expected.to_dict()
    assert controller.values["explanation"] == expected.to_dict()
    assert controller.values["status"] == "idle" and controller.failure is None


def test_num_features_shown_is_the_one_fit_settings_capped(wine_exp):
    exp, _ = wine_exp
    controller, recorder = attached(exp)
    controller.set_control("num_features", 99)
    assert controller.current_explanation.settings.num_features == 13
    assert recorder.calls[-1]["num_features"] == 13 == controller.values["num_features"]
    # the owner echoing the corrected value is no new request
    before = len(recorder.calls)
    controller.set_control("num_features", 13)
    assert len(recorder.calls) == before


def superseded_then_released(exp, first_run):
    """Request 700 samples (``first_run(original_hook, progress)`` blocks until released), then 900.

    Returns the controller and its recorder once the 900-sample explanation is shown
    and the 700-sample run has been released and has ended.
    """
    original, release = exp.resample, threading.Event()

    def hook(num_samples, progress=None, **extra):
        if num_samples == 700:
            return first_run(original, release)
        return original(num_samples=num_samples, progress=progress)

    exp.resample = hook
    controller, recorder = attached(exp)
    controller.set_control("num_samples", 700)
    controller.set_control("num_samples", 900)
    assert wait_until(lambda: 900 in recorder.shown_num_samples())
    release.set()
    assert controller.wait(WAIT)
    return controller, recorder


def test_a_stale_resample_result_is_dropped(wine_exp):
    def first_run(original, release):
        result = original(num_samples=700, progress=None)  # no progress: cannot stop early
        assert release.wait(WAIT)
        return result

    controller, recorder = superseded_then_released(wine_exp[0], first_run)
    assert recorder.shown_num_samples() == [900]
    assert controller.current_explanation.neighborhood.num_samples == 900
    assert controller.values["status"] == "idle" and controller.values["num_samples"] == 900


def test_the_error_of_a_superseded_run_is_ignored(wine_exp):
    def first_run(original, release):
        assert release.wait(WAIT)
        raise RuntimeError("the first run's model server went down")

    controller, recorder = superseded_then_released(wine_exp[0], first_run)
    assert controller.failure is None and controller.last_exception is None
    assert all(not c.get("error") for c in recorder.calls)
    assert (controller.values["status"], controller.values["num_samples"]) == ("idle", 900)


def test_failures_are_kept_by_kind_not_by_message(wine_exp):
    exp, counter = wine_exp
    controller, _ = attached(exp)
    controller.set_control("focused_feature", 40)
    assert controller.failure.kind == "focus" and controller.values["status"] == "error"
    controller.set_control("focused_feature", 2)  # a valid focus clears the focus error only
    assert controller.failure is None and controller.values["error"] == ""
    controller.set_control("kernel_width", -1.0)
    assert controller.failure.kind == "control"
    controller.set_control("focused_feature", 3)  # not the focus error: it stays
    assert controller.failure.kind == "control" and "kernel_width" in controller.values["error"]
    counter.fail_with = RuntimeError("the model server is down")
    controller.set_control("kernel_width", 1.0)
    controller.set_control("num_samples", 500)
    assert controller.wait(WAIT)
    assert controller.failure.kind == "resample" and isinstance(controller.failure.exception, RuntimeError)
    assert controller.values["error"] == controller.failure.message
    assert controller.values["num_samples"] == 1000  # put back: the controls describe what is shown


def test_a_detached_controller_keeps_working_and_sends_nothing(wine_exp):
    exp, _ = wine_exp
    controller, recorder = attached(exp)
    controller.set_control("num_samples", 600)
    controller.detach()
    assert controller.wait(WAIT)
    assert controller.current_explanation.neighborhood.num_samples == 600
    assert recorder.shown_num_samples() == []
    controller.attach(recorder)  # shown again: every value at once
    assert recorder.calls[-1]["explanation"]["settings"]["num_samples"] == 600


# -- one code path for every view -------------------------------------------------------------
def test_widget_review_and_global_view_share_the_controller(monkeypatch):
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.05, max_iter=500).fit(X, y)
    calls: list[str] = []
    set_control = ExplanationController.set_control

    def spy(self, name, value):
        calls.append(name)
        return set_control(self, name, value)

    monkeypatch.setattr(ExplanationController, "set_control", spy)
    review = ErrorReview(model.predict_proba, X, y, num_samples=200, prefetch=False)
    try:
        assert review.wait(WAIT)
        exp = review.current_explanation
        widget = ExplanationWidget(exp)
        view = GlobalView([exp])
        view.selected = 0
        assert isinstance(widget.controller, ExplanationController)
        assert all(isinstance(v, ExplanationController) for v in [*review._views.values(), *view._views.values()])
        calls.clear()
        for shown in (widget, review, view):
            shown.num_features = 2
        assert calls == ["num_features"] * 3
        assert widget.explanation == review.explanation == view.explanation == exp.refit(num_features=2).to_dict()
        assert widget.wait(WAIT) and view._views[0].wait(WAIT)  # no uncertainty left running for later tests
        widget.close()
        view.close()
    finally:
        review.close()


# -- one executor for all background work ------------------------------------------------------
class SeamExecutor(Executor):
    """Runs work on a pool of its own and marks its threads, so a test sees what ran there."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="test-seam")
        self.mark = threading.local()
        self.submitted = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1

        def run():
            self.mark.here = True
            return fn(*args, **kwargs)

        return self.pool.submit(run)

    def here(self) -> bool:
        return getattr(self.mark, "here", False)


def test_resampling_uncertainty_and_review_rows_run_on_the_one_executor(monkeypatch):
    # earlier tests' work in flight would run on the real pools, beside the seam
    assert all(wait_until(lambda real=real: not real._work and real._idle == real._threads)
               for real in threads._background.values())
    seam = SeamExecutor()
    monkeypatch.setattr(threads, "background_executor", lambda kind: seam)
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.05, max_iter=500).fit(X, y)
    main = threading.main_thread()
    where: list[tuple[str, bool]] = []  # (thread name, on the seam's thread) of every call off the main thread

    def predict(rows):
        if threading.current_thread() is not main:
            where.append((threading.current_thread().name, seam.here()))
        return model.predict_proba(rows)

    payload = trust.uncertainty_payload

    def traced_payload(exp, label):
        where.append((threading.current_thread().name, seam.here()))
        return payload(exp, label)

    monkeypatch.setattr(trust, "uncertainty_payload", traced_payload)
    review = ErrorReview(predict, X, y, num_samples=200, prefetch=False)
    try:
        assert review.wait(WAIT)
        review.num_samples = 300
        assert review.wait(WAIT) and review.explanation["settings"]["num_samples"] == 300
    finally:
        review.close()
    names = {name for name, _ in where}
    assert {"lime-widget-review", "lime-widget-resample", "lime-widget-uncertainty"} <= names
    assert all(on_seam for _, on_seam in where), where
    assert seam.submitted >= 3
    seam.pool.shutdown()


def test_review_rows_and_uncertainty_never_share_a_thread(monkeypatch):
    # each thread has its own malloc arena: the review's long-lived cache next to the
    # bootstrap's temporaries fragmented them (bench_review_cache: 370 KB per row, not 86)
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.05, max_iter=500).fit(X, y)
    main = threading.main_thread()
    review_threads, trust_threads = set(), set()

    def predict(rows):
        if threading.current_thread() is not main:
            review_threads.add(threading.get_ident())
        return model.predict_proba(rows)

    payload = trust.uncertainty_payload

    def traced_payload(exp, label):
        trust_threads.add(threading.get_ident())
        return payload(exp, label)

    monkeypatch.setattr(trust, "uncertainty_payload", traced_payload)
    review = ErrorReview(predict, X, y, num_samples=200)
    try:
        for position in range(6):
            review.position = position
            assert review.wait(WAIT)
    finally:
        review.close()
    assert review_threads and trust_threads
    assert not review_threads & trust_threads


def test_the_daemon_executor_runs_work_in_parallel_and_reports_errors():
    pool = threads.DaemonExecutor(2, "test-daemon", idle_seconds=0.2)
    gate, inside = threading.Event(), []

    def blocked(tag):
        inside.append((tag, threading.current_thread().daemon))
        assert gate.wait(WAIT)
        return tag

    first, second = pool.submit(blocked, "a"), pool.submit(blocked, "b")
    assert wait_until(lambda: len(inside) == 2)  # both run at once: a blocked run holds up no other
    assert all(daemon for _, daemon in inside)  # never holds up the end of the process
    gate.set()
    assert (first.result(WAIT), second.result(WAIT)) == ("a", "b")
    with pytest.raises(ZeroDivisionError):
        pool.submit(lambda: 1 / 0).result(WAIT)
    assert wait_until(lambda: pool._threads == 0)  # idle threads end
    assert pool.submit(lambda: 42).result(WAIT) == 42
    pool.shutdown()
    with pytest.raises(RuntimeError, match="shutdown"):
        pool.submit(lambda: 1)


def _in_background_in_child(_: int) -> int:
    return threads.in_background("test", lambda: 7).result(timeout=30)


@pytest.mark.skipif(sys.platform != "linux", reason="the fork start method is Linux's")
def test_background_work_in_a_forked_child_after_the_parent_used_it():
    assert threads.in_background("test", lambda: 7).result(WAIT) == 7
    assert threads._background  # the parent's pool exists when the child forks
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map_async(_in_background_in_child, [0, 1]).get(timeout=60) == [7, 7]


# -- closed views are freed ----------------------------------------------------------------------
def test_closed_views_are_freed(wine_exp):
    exp, _ = wine_exp
    data_x, data_y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.05, max_iter=500).fit(data_x, data_y)
    refs = []
    widget = ExplanationWidget(exp)
    widget.num_samples = 400  # work in flight when it closes
    widget.close()
    assert widget.wait(WAIT)
    refs.append(weakref.ref(widget))
    view = GlobalView([exp, exp.refit(num_features=3)])
    view.selected = 1
    view.num_features = 2
    view.close()
    refs.append(weakref.ref(view))
    review = ErrorReview(model.predict_proba, data_x, data_y, num_samples=200)
    assert review.wait(WAIT)
    review.close()
    refs.append(weakref.ref(review))
    del widget, view, review
    gc.collect()
    assert [ref() is None for ref in refs] == [True, True, True]


def test_bundles_are_given_to_anywidget_as_text_unless_hot_reloading(monkeypatch):
    from lime_widget.widget.bundle import BUNDLE_JS, bundle_source

    monkeypatch.delenv("ANYWIDGET_HMR", raising=False)
    text = bundle_source(BUNDLE_JS)
    assert isinstance(text, str) and "\n" in text and text.strip() == BUNDLE_JS.read_text(encoding="utf8").strip()
    assert ExplanationWidget._esm == text  # no path: anywidget connects no instance to a file signal
    monkeypatch.setenv("ANYWIDGET_HMR", "1")
    assert bundle_source(BUNDLE_JS) == BUNDLE_JS


def test_a_closed_widget_is_not_updated_by_work_still_running(wine_exp):
    exp, _ = wine_exp
    widget = ExplanationWidget(exp)
    shown = widget.explanation
    widget.num_samples = 400
    widget.close()
    assert widget.wait(WAIT)
    assert widget.explanation == shown and widget.controller.current_explanation.neighborhood.num_samples == 400
