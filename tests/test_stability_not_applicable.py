"""A fit that shows every feature has stability 1 by construction (every sample's top set is
all features): the widget's badge and the offline export say "not applicable" instead of 1.00,
while its intervals still say how sure each weight is."""

from __future__ import annotations

import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge

from lime_widget import ExplanationWidget, export
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.widget import serialization

WAIT = 60


@pytest.fixture(scope="module")
def diabetes_exp():
    X, y = load_diabetes(return_X_y=True)
    model = Ridge().fit(X, y)
    explainer = LimeTabularExplainer(X, mode="regression", random_state=0)
    return explainer.explain_instance(X[0], model.predict, num_features=10, num_samples=500)


def crossing_zero(payload) -> int:
    return sum(low <= 0 <= high for _, _, low, high, _ in payload["intervals"])


def test_ten_of_ten_features_is_not_applicable_in_the_widget(diabetes_exp):
    exp = diabetes_exp
    # the core's number is 1 whatever the intervals say: what the badge used to show
    assert exp.stability_of(1) == 1.0
    w = ExplanationWidget(exp)
    assert w.wait(WAIT)
    assert (w.num_features, w.num_features_max) == (10, 10)
    u = w.uncertainty
    assert (u["stability"], u["stability_na"]) == (None, "all features shown")
    assert len(u["intervals"]) == 10 and crossing_zero(u) >= 1  # 5 of 10 cross zero here
    w.num_features = 9  # one feature left out: the stability means something again
    assert w.wait(WAIT)
    assert w.uncertainty["stability_na"] is None
    assert w.uncertainty["stability"] == pytest.approx(exp.refit(num_features=9).stability_of(1))
    assert w.uncertainty["stability"] < 1.0
    w.num_features = 10
    w.feature_selection = "none"  # every feature too
    assert w.wait(WAIT)
    assert (w.uncertainty["stability"], w.uncertainty["stability_na"]) == (None, "all features shown")
    w.num_features, w.feature_selection = 3, "none"
    assert w.wait(WAIT) and w.uncertainty["stability_na"] == "all features shown"
    assert len(w.explanation["fits"]["1"]["weights"]) == 10


def test_the_export_says_so_for_the_fits_of_every_feature(diabetes_exp):
    exp = diabetes_exp
    traits = export.offline_state(exp, intervals="all")["traits"]
    offline = traits["explanation"]["offline"]["1"]
    assert (traits["uncertainty"]["stability"], traits["uncertainty"]["stability_na"]) == (
        None, "all features shown")
    assert (offline["10"]["uncertainty"]["stability"], offline["10"]["uncertainty"]["stability_na"]) == (
        None, "all features shown")
    for k in range(1, 10):
        embedded = offline[str(k)]["uncertainty"]
        assert embedded["stability_na"] is None
        assert embedded["stability"] == pytest.approx(exp.refit(num_features=k).stability_of(1), rel=1e-3)
    page = export.explanation_html(exp)
    assert '"stability_na":"all features shown"' in page


def test_the_rule():
    assert serialization.stability_not_applicable(10, 10) == "all features shown"
    assert serialization.stability_not_applicable(4, 4) == "all features shown"
    assert serialization.stability_not_applicable(9, 10) is None
    assert serialization.stability_not_applicable(1, 2) is None


def test_sample_until_stable_is_refused_for_a_fit_of_every_feature(diabetes_exp):
    """num_samples='auto' would stop at its first round (stability 1): the view keeps its rows."""
    exp = diabetes_exp
    w = ExplanationWidget(exp)
    w.sample_until_stable += 1
    assert w.wait(WAIT)
    assert w.status == "error" and w.error.startswith("Could not sample until stable: the stability does not apply")
    assert "all features shown: 10 of 10 features" in w.error
    assert w.current_explanation is exp and w.num_samples == 500
    w.num_features = 9  # fewer features: the run goes, and the controls follow
    assert (w.status, w.error) == ("idle", "")
    w.sample_until_stable += 1
    assert w.wait(120)
    assert (w.status, w.error) == ("idle", "")
    assert w.num_samples == w.current_explanation.num_samples != 500
