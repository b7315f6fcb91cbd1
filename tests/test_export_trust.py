"""The offline export carries the intervals and stability of its fits (zero model calls)."""

from __future__ import annotations

import pytest

from lime_widget import export
from lime_widget.widget import trust


def rows_close(actual, expected):
    """Interval rows as exported (ends and frequency to 4 significant digits, weights exact)."""
    assert [r[:2] for r in actual] == [r[:2] for r in expected]
    for a, e in zip(actual, expected):
        assert a[2:] == pytest.approx(e[2:], rel=1e-3, abs=1e-12)


def test_the_shown_fits_carry_their_intervals_by_default(wine_exp):
    exp, counter = wine_exp
    counter.reset()
    traits = export.offline_state(exp)["traits"]
    assert counter.calls == 0
    offline = traits["explanation"]["offline"]
    n = traits["num_features"]
    for label in ("0", "1"):
        for k, fit in offline[label].items():
            assert ("uncertainty" in fit) == (int(k) == n)
        payload = trust.uncertainty_payload(exp, int(label))
        embedded = offline[label][str(n)]["uncertainty"]
        assert embedded["label"] == int(label) and embedded["level"] == 0.95
        assert embedded["stability"] == pytest.approx(exp.stability_of(int(label)), rel=1e-3)
        rows_close(embedded["intervals"], payload["intervals"])
        # the intervals describe the fit they sit in
        assert [r[:2] for r in embedded["intervals"]] == offline[label][str(n)]["weights"]
    # the view's own trait: the shown label's, so the badge shows at once
    assert traits["uncertainty"] == offline[str(traits["label"])][str(n)]["uncertainty"]
    # the explanation itself is unchanged
    shown = dict(traits["explanation"])
    shown.pop("offline")
    assert shown == exp.to_dict()


def test_every_fit_can_carry_them(wine_exp):
    exp, counter = wine_exp
    counter.reset()
    offline = export.offline_state(exp, num_features_cap=4, intervals="all")["traits"]["explanation"]["offline"]
    assert counter.calls == 0
    for label in ("0", "1"):
        for k in ("1", "3", "5"):
            refit = exp.refit(num_features=int(k))
            embedded = offline[label][k]["uncertainty"]
            rows_close(embedded["intervals"], trust.uncertainty_payload(refit, int(label))["intervals"])
            assert embedded["stability"] == pytest.approx(refit.stability_of(int(label)), rel=1e-3)


def test_none_and_bad_values(wine_exp):
    exp, _ = wine_exp
    traits = export.offline_state(exp, intervals="none")["traits"]
    assert traits["uncertainty"] == {}
    assert not any("uncertainty" in fit for by_k in traits["explanation"]["offline"].values()
                   for fit in by_k.values())
    with pytest.raises(ValueError, match=r"intervals must be one of \('shown', 'all', 'none'\), got True"):
        export.offline_state(exp, intervals=True)


def test_a_regression_export_has_intervals_for_the_prediction(wine_model):
    from lime_widget.lime_tabular import LimeTabularExplainer

    data, _ = wine_model
    explainer = LimeTabularExplainer(data.data, mode="regression", random_state=0)
    exp = explainer.explain_instance(data.data[3], lambda x: x[:, 0] * 2.0 - x[:, 5], num_features=3,
                                     num_samples=500)
    traits = export.offline_state(exp)["traits"]
    offline = traits["explanation"]["offline"]
    assert "uncertainty" in offline["1"]["3"] and "uncertainty" not in offline["0"]["3"]
    assert traits["uncertainty"]["label"] == 1
    rows_close(traits["uncertainty"]["intervals"], trust.uncertainty_payload(exp, 1)["intervals"])
