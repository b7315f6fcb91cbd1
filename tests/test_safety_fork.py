"""Issue 11, item 6: explaining in a forked worker after explaining in the parent never hangs."""

from __future__ import annotations

import multiprocessing
import sys

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lime_widget.core import threads
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the fork start method is Linux's")

X, Y = load_wine(return_X_y=True)
MODEL = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, Y)
STATE: dict = {}


def _explain(row: int) -> list:
    explainer = STATE["explainer"]
    exp = explainer.explain_instance(X[row], MODEL.predict_proba, num_samples=2000, labels=(0,))
    return exp.as_list(label=0)


def _explain_text(_: int) -> list:
    return STATE["text"].explain_instance("the rocket and the moon and the star", STATE["text_model"],
                                          num_samples=500).as_list()


def _text_model(docs):
    p = np.array([d.count("moon") / 3 for d in docs]).clip(0, 1)
    return np.stack([1 - p, p], axis=1)


def test_forked_pool_after_explaining_in_the_parent(monkeypatch):
    # the helper thread is used whenever there are two cores; make sure it is, here too
    monkeypatch.setattr(threads, "available_cores", lambda: 2)
    STATE["explainer"] = LimeTabularExplainer(X, discretize_continuous=False, random_state=0)
    STATE["text"], STATE["text_model"] = LimeTextExplainer(random_state=0), _text_model
    in_parent = [_explain(row) for row in (0, 1)]
    text_in_parent = _explain_text(0)
    assert threads._helper is not None  # the parent's helper thread exists when the pool forks
    with multiprocessing.get_context("fork").Pool(2) as pool:
        tabular = pool.map_async(_explain, [0, 1])
        text = pool.map_async(_explain_text, [0, 1])
        # a hang fails here instead of blocking the test run
        assert tabular.get(timeout=60) == in_parent
        assert text.get(timeout=60) == [text_in_parent, text_in_parent]
    assert _explain(0) == in_parent[0]  # and the parent's helper still works
