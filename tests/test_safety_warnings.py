"""Issue 11, item 4: degenerate fits say so (``exp.warnings``), with a stated R², in the widget too."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lime_widget import ExplanationWidget
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    return X, make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)


def constant(rows):
    return np.tile([0.2, 0.3, 0.5], (len(rows), 1))


def test_a_healthy_explanation_has_no_warnings(wine):
    X, model = wine
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict_proba, labels=(0, 1))
    assert exp.warnings == []
    assert exp.to_dict()["warnings"] == []
    assert 0 < exp.scores[0] < 1


@pytest.mark.parametrize("discretize", [True, False])
def test_tiny_kernel_width_says_only_the_instance_counts(wine, discretize):
    X, model = wine
    explainer = LimeTabularExplainer(X, kernel_width=1e-6, discretize_continuous=discretize, random_state=0)
    exp = explainer.explain_instance(X[0], model.predict_proba, labels=(0,))
    assert len(exp.warnings) == 1 and exp.warnings[0].startswith("Only the explained instance carries weight")
    assert "kernel_width=1e-06" in exp.warnings[0] and "larger kernel_width" in exp.warnings[0]
    assert exp.scores[0] == 0.0 and all(w == 0.0 for _, w in exp.as_list(label=0))
    # the warning follows the kernel width: a refit at a sensible width has none, and back again
    wide = exp.refit(kernel_width=3.0)
    assert wide.warnings == [] and wide.scores[0] > 0
    assert wide.refit(kernel_width=1e-6).warnings == exp.warnings


def test_constant_model_states_r2_the_same_for_every_seed(wine):
    X, _ = wine
    for seed in range(6):
        explainer = LimeTabularExplainer(X, class_names=["a", "b", "c"], random_state=seed)
        exp = explainer.explain_instance(X[0], constant, labels=(0, 1, 2))
        assert exp.scores == {0: 0.0, 1: 0.0, 2: 0.0}
        assert [w[:34] for w in exp.warnings] == ["The model's probability of class a",
                                                 "The model's probability of class b",
                                                 "The model's probability of class c"]
        assert "(0.2)" in exp.warnings[0] and "R² is reported as 0" in exp.warnings[0]
    # the same with a scikit-learn surrogate, and in regression
    exp = explainer.explain_instance(X[0], constant, labels=(0,), model_regressor=Ridge(alpha=1.0))
    assert exp.scores[0] == 0.0 and len(exp.warnings) == 1
    regression = LimeTabularExplainer(X, mode="regression", random_state=0)
    exp = regression.explain_instance(X[0], lambda rows: np.full(len(rows), 3.5))
    assert exp.scores[0] == 0.0 and exp.warnings[0].startswith("The model's prediction is the same (3.5)")


@pytest.mark.parametrize("discretize", [True, False])
def test_one_training_row_says_there_is_no_spread(wine, discretize):
    X, model = wine
    explainer = LimeTabularExplainer(X[:1], discretize_continuous=discretize, random_state=0)
    exp = explainer.explain_instance(X[0], model.predict_proba, labels=(0,))
    assert exp.warnings[0].startswith("training_data has a single row")
    assert len(exp.warnings) == 2  # and why the fit is degenerate
    assert exp.scores[0] == 0.0
    # another row: the samples are the training row and the instance, still said
    assert explainer.explain_instance(X[5], model.predict_proba, labels=(0,)).warnings[0].startswith(
        "training_data has a single row")
    same = LimeTabularExplainer(np.repeat(X[:1], 5, axis=0), random_state=0)
    exp = same.explain_instance(X[0], model.predict_proba, labels=(0,))
    assert exp.warnings[0].startswith("every column of training_data is constant (5 identical rows)")


def test_text_constant_model_warns(wine):
    exp = LimeTextExplainer(random_state=0).explain_instance(
        "one two three four", lambda docs: np.tile([0.4, 0.6], (len(docs), 1)), num_samples=200)
    assert exp.scores[1] == 0.0 and len(exp.warnings) == 1
    assert exp.warnings[0].startswith("The model's probability of class 1 is the same (0.6)")


def test_widget_carries_the_warnings(wine):
    X, model = wine
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict_proba, labels=(0,))
    widget = ExplanationWidget(exp)
    assert widget.explanation["warnings"] == []
    widget.kernel_width = 1e-6
    assert widget.status == "idle"
    assert widget.explanation["warnings"][0].startswith("Only the explained instance carries weight")
    assert widget.current_explanation.warnings == widget.explanation["warnings"]
    widget.kernel_width = 3.0
    assert widget.explanation["warnings"] == []
