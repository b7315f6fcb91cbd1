"""A rejected control value goes back to the last valid one (the controls always describe what
is shown), the error stays on screen, and the next valid change of any control works: in
ExplanationWidget, ErrorReview and GlobalView's opened row, for every control the
controller accepts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression

from lime_widget import ErrorReview, ExplanationWidget
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.widget.global_view import GlobalView

WAIT = 60

#: (control, rejected value, words of the error); kernel_width=1e-300 passes the front end's
#: own check (> 0); Python refuses it (its square underflows to 0)
REJECTED = [
    ("num_features", 0, "num_features must be an integer >= 1, got 0"),
    ("num_features", -2, "num_features must be an integer >= 1, got -2"),
    ("label", 7, "label 7 is not a class of this model"),
    ("label", -1, "label -1 is not a class of this model"),
    ("kernel_width", -1.0, "kernel_width must be a positive"),
    ("kernel_width", 0.0, "kernel_width must be a positive"),
    ("kernel_width", float("inf"), "kernel_width must be a positive, finite number"),
    ("kernel_width", 1e-300, "kernel_width=1e-300 is too small"),
    ("feature_selection", "best", "feature_selection='best' is not known"),
    ("num_samples", 1, "num_samples must be an integer >= 2"),
    ("focused_feature", 99, "focused_feature must be -1 (none) or a feature id in 0..3"),
    ("focused_feature", -5, "focused_feature must be -1 (none) or a feature id in 0..3"),
]
#: (control, valid value) changes made after a rejection; each must refit or re-focus
NEXT = [("num_features", 2), ("label", 2), ("kernel_width", 1.5), ("feature_selection", "highest_weights"),
        ("focused_feature", 1)]
CONTROLS = ("num_features", "label", "kernel_width", "feature_selection", "num_samples", "focused_feature")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    model = LogisticRegression(C=0.05, max_iter=500).fit(X, y)
    explainer = LimeTabularExplainer(X, class_names=["setosa", "versicolor", "virginica"], random_state=0)
    exp = explainer.explain_instance(X[70], model.predict_proba, labels=(0, 1), num_features=3, num_samples=400)
    return X, y, model, exp


def controls_of(view) -> dict:
    return {name: getattr(view, name) for name in CONTROLS}


def shown_fit(view) -> dict:
    return view.explanation["fits"][str(view.label)]


def check_put_back_then_next_change(view, name, value, needle):
    """Reject ``value`` for ``name``, then make every valid change of NEXT; assert the trait values."""
    before = controls_of(view)
    shown = view.explanation
    setattr(view, name, value)
    assert view.status == "error" and needle in view.error and view.error.startswith("Could not ")
    assert controls_of(view) == before  # the rejected control is back at its last valid value
    assert view.explanation == shown  # and the explanation shown is the one before
    settings = view.explanation["settings"]
    assert (settings["num_features"], settings["kernel_width"], settings["feature_selection"],
            settings["num_samples"]) == (view.num_features, view.kernel_width, view.feature_selection,
                                         view.num_samples)
    for other, new in NEXT:
        setattr(view, other, new)
        assert (view.status, view.error) == ("idle", ""), (other, new, view.error)
        assert getattr(view, other) == new
    settings = view.explanation["settings"]
    assert (view.num_features, view.label, view.kernel_width, view.feature_selection, view.focused_feature) == (
        2, 2, 1.5, "highest_weights", 1)
    assert (settings["num_features"], settings["kernel_width"], settings["feature_selection"]) == (
        2, 1.5, "highest_weights")
    assert len(shown_fit(view)["weights"]) == 2
    assert view.current_explanation.local_exp[2] == view.current_explanation.refit(
        num_features=2, kernel_width=1.5, feature_selection="highest_weights").local_exp[2]


@pytest.mark.parametrize(("name", "value", "needle"), REJECTED)
def test_explanation_widget_puts_a_rejected_control_back(iris, name, value, needle):
    *_, exp = iris
    w = ExplanationWidget(exp)
    check_put_back_then_next_change(w, name, value, needle)


@pytest.mark.parametrize(("name", "value", "needle"), REJECTED)
def test_global_view_row_puts_a_rejected_control_back(iris, name, value, needle):
    *_, exp = iris
    view = GlobalView([exp, exp.refit(num_features=2)])
    view.selected = 0
    check_put_back_then_next_change(view, name, value, needle)
    view.selected = 1
    view.selected = 0  # the row comes back as left: the valid values (on the class the strips show)
    assert (view.num_features, view.label, view.kernel_width, view.feature_selection) == (
        2, view.global_label, 1.5, "highest_weights")
    view.close()


@pytest.mark.parametrize(("name", "value", "needle"), [r for r in REJECTED if r[0] != "num_samples"])
def test_error_review_puts_a_rejected_control_back_and_never_carries_it(iris, name, value, needle):
    X, y, model, _ = iris
    r = ErrorReview(model.predict_proba, X, y, num_features=3, num_samples=300, prefetch=False)
    try:
        assert r.wait(WAIT)
        check_put_back_then_next_change(r, name, value, needle)
        setattr(r, name, value)  # rejected again, then the next row
        assert r.status == "error"
        r.next()
        assert r.wait(WAIT)
        # the next row gets the valid controls carried, not the rejected one
        assert (r.num_features, r.kernel_width, r.feature_selection) == (2, 1.5, "highest_weights")
        assert (r.status, r.error) == ("idle", "")
        assert all(len(fit["weights"]) == 2 for fit in r.explanation["fits"].values())
    finally:
        r.close()


def test_the_issue_sequences(iris):
    """num_features=0 then label=2; label=7 then num_features=4 (the fresh-user trial)."""
    *_, exp = iris
    w = ExplanationWidget(exp)
    w.num_features = 0
    assert (w.num_features, w.status) == (3, "error")
    w.label = 2
    assert (w.label, w.num_features, w.status, w.error) == (2, 3, "idle", "")
    assert len(shown_fit(w)["weights"]) == 3
    w.label = 7
    assert (w.label, w.status) == (2, "error") and "label 7" in w.error
    w.num_features = 4
    assert (w.label, w.num_features, w.status, w.error) == (2, 4, "idle", "")
    assert [f for f, _ in shown_fit(w)["weights"]] == [f for f, _ in exp.refit(num_features=4, label=2).local_exp[2]]


def test_a_regression_view_puts_a_bad_label_back():
    X, y = load_diabetes(return_X_y=True)
    model = LinearRegression().fit(X, y)
    exp = LimeTabularExplainer(X, mode="regression", random_state=0).explain_instance(
        X[0], model.predict, num_features=4, num_samples=300)
    w = ExplanationWidget(exp)
    assert w.label == 1
    w.label = 3
    assert (w.label, w.status) == (1, "error") and "labels 0 (mirror) and 1 (prediction), not 3" in w.error
    w.num_features = 2
    assert (w.label, w.num_features, w.status) == (1, 2, "idle")
    assert len(w.explanation["fits"]["1"]["weights"]) == 2


def test_each_rejection_is_one_update_with_the_error(iris):
    """The error and the value put back reach the front end together (one hold_sync)."""
    *_, exp = iris
    w = ExplanationWidget(exp)
    sent: list[dict] = []
    w.send_state = lambda key=None: sent.append(sorted([key] if isinstance(key, str) else key or []))
    w.kernel_width = -1.0
    assert w.kernel_width == pytest.approx(exp.settings.kernel_width)
    together = [keys for keys in sent if "error" in keys]
    assert together and "kernel_width" in together[0] and "status" in together[0]
    assert np.isfinite(w.kernel_width)
