"""ErrorReview's bounded cache: compact rows off screen, least recently used rows forgotten beyond the cap."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from helpers import CountingModel
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from lime_widget import ErrorReview
from lime_widget.review.jobs import RowJobs, explanation_bytes
from lime_widget.review.widget import _VIEWS_KEPT
from lime_widget.widget.controller import ExplanationController

NUM_SAMPLES = 200
CALLS_PER_ROW = 10  # a row's neighbourhood is predicted in 10 batches
WAIT = 60


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.05, max_iter=500).fit(X, y)  # 9 mistakes
    return X, y, model


def review(iris, **kwargs):
    X, y, model = iris
    counter = CountingModel(model.predict_proba)
    r = ErrorReview(counter, X, y, num_samples=NUM_SAMPLES, prefetch=False, **kwargs)
    assert r.wait(WAIT)
    return r, counter


def visit(r, position):
    r.position = position
    assert r.wait(WAIT)
    return r.explanation_for(r.current_row)


def weights(exp):
    return {label: exp.local_exp[label] for label in exp.local_exp}, dict(exp.intercept), dict(exp.scores)


def test_rows_off_screen_are_compact_and_come_back_without_the_model(iris):
    r, counter = review(iris)
    shown = visit(r, 0)
    assert not shown.is_compact  # the row on screen is whole
    before = weights(shown.refit(num_features=2))
    visit(r, 1)
    assert shown.is_compact  # left: compact, still cached
    counter.reset()
    back = visit(r, 0)
    assert back is shown and counter.calls == 0
    assert weights(back.refit(num_features=2)) == before
    back.uncertainty()  # rebuilt rows, no model call
    assert counter.calls == 0
    assert r._jobs.evicted == 0
    r.close()


def test_a_small_cap_forgets_least_recently_used_rows_and_keeps_compact_ones(iris):
    probe, _ = review(iris)
    visit(probe, 0)
    visit(probe, 1)
    compact_size = explanation_bytes(probe.explanation_for(probe.queue[0]))  # left: compact
    whole_size = explanation_bytes(probe.explanation_for(probe.queue[1]))  # on screen
    probe.close()
    assert compact_size < whole_size
    cap = 3 * compact_size + compact_size // 2  # three compact rows and a bit
    r, counter = review(iris, cache_bytes=cap)
    first = visit(r, 0)
    kept = weights(first.refit(num_features=2))
    for position in range(1, 7):
        visit(r, position)
    assert r._jobs.evicted >= 3
    assert len(r.cached_rows) <= 4  # the pinned row and at most three compact ones
    assert r.queue[0] not in r.cached_rows  # the least recently used went first
    # the row just left is kept compact: back with zero model calls, the same numbers
    previous = r.queue[5]
    assert previous in r.cached_rows
    counter.reset()
    back = visit(r, 5)
    assert counter.calls == 0 and weights(back) == weights(r.explanation_for(previous))
    # a forgotten row is explained again (the model is called), with the same result (integer seed)
    again = visit(r, 0)
    assert counter.calls == CALLS_PER_ROW
    assert weights(again.refit(num_features=2)) == kept
    r.close()


def test_a_waited_for_row_is_never_forgotten_before_it_is_returned():
    def compute(index, progress):
        return np.zeros(10)

    jobs = RowJobs(compute, max_bytes=0, size_of=lambda value: 100, shrink=lambda value: None)
    for index in range(5):
        assert jobs.result(index, timeout=WAIT).value is not None
    assert jobs.evicted >= 3 and len(jobs.cached) <= 2
    jobs.close()


@pytest.mark.parametrize("bad", [-1, 1.5, "512MB", True])
def test_a_bad_cap_is_refused_before_the_model_is_called(iris, bad):
    X, y, model = iris
    counter = CountingModel(model.predict_proba)
    with pytest.raises(ValueError, match="cache_bytes"):
        ErrorReview(counter, X, y, cache_bytes=bad)
    assert counter.calls == 0



def test_views_of_rows_left_behind_are_freed(iris):
    gc.collect()
    before = {id(o) for o in gc.get_objects() if isinstance(o, ExplanationController)}
    r, _ = review(iris)
    for position in range(9):
        visit(r, position)
    gc.collect()
    kept = {id(view) for view in r._views.values()}
    new = {id(o) for o in gc.get_objects() if isinstance(o, ExplanationController)} - before
    assert len(kept) == _VIEWS_KEPT and new == kept
    r.close()


def test_closing_a_review_drops_its_cache(iris):
    r, _ = review(iris)
    visit(r, 0)
    visit(r, 1)
    assert len(r.cached_rows) == 2
    r.close()
    assert r.cached_rows == [] and r._jobs.cached_bytes == 0 and not r._views
