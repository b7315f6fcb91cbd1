"""The widget's trust state: intervals and stability of the shown fit, and "sample until stable"."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from lime_widget import ExplanationWidget
from lime_widget.widget import trust


def expected_payload(exp, label, all_shown=False):
    frame = exp.uncertainty(label=label)
    return {
        "label": label,
        "level": 0.95,
        # a fit of every feature: the stability is 1 by construction, so it is not applicable
        "stability": None if all_shown else pytest.approx(exp.stability_of(label)),
        "stability_na": "all features shown" if all_shown else None,
        "num_samples": exp.num_samples,
        "intervals": [[int(r.feature_id), pytest.approx(r.weight), pytest.approx(r.low), pytest.approx(r.high),
                       pytest.approx(r.selection_frequency)] for r in frame.itertuples()],
    }


def assert_payload_matches_fit(widget):
    """The intervals describe exactly the fit on screen (same features, order and weights)."""
    fit = widget.explanation["fits"][str(widget.uncertainty["label"])]
    assert [[fid, w] for fid, w, *_ in widget.uncertainty["intervals"]] == fit["weights"]


def test_the_widget_sends_the_shown_fits_intervals_and_stability(wine_exp):
    exp, counter = wine_exp
    counter.reset()
    w = ExplanationWidget(exp)
    assert w.wait(timeout=60)
    assert w.uncertainty == expected_payload(exp, w.label)
    assert_payload_matches_fit(w)
    low, high = np.array([row[2:4] for row in w.uncertainty["intervals"]]).T
    weights = np.array([row[1] for row in w.uncertainty["intervals"]])
    assert np.all(low <= weights) and np.all(weights <= high) and np.all(high > low)
    assert 0.0 <= w.uncertainty["stability"] <= 1.0
    assert counter.calls == 0


def test_uncertainty_follows_every_surrogate_control_without_model_calls(wine_exp):
    exp, counter = wine_exp
    w = ExplanationWidget(exp)
    counter.reset()
    for name, value in [("num_features", 8), ("label", 0), ("kernel_width", 1.5),
                        ("feature_selection", "highest_weights"), ("label", 2)]:
        setattr(w, name, value)
        assert w.wait(timeout=60)
        shown = exp.refit(num_features=w.num_features, kernel_width=w.kernel_width,
                          feature_selection=w.feature_selection, label=w.label)
        assert w.uncertainty == expected_payload(shown, w.label), name
        assert_payload_matches_fit(w)
    assert counter.calls == 0


def test_a_stale_uncertainty_result_is_dropped(wine_exp, monkeypatch):
    """A result that finishes after a newer request never reaches the view."""
    exp, _ = wine_exp
    w = ExplanationWidget(exp)
    assert w.wait(timeout=60)
    release, entered = threading.Event(), threading.Event()
    original = trust.uncertainty_payload
    slow_labels = []

    def slow(e, label, level=trust.LEVEL):
        if e.settings["num_features"] == 2:  # the superseded request finishes last
            slow_labels.append(label)
            entered.set()
            release.wait(30)
        return original(e, label, level)

    monkeypatch.setattr(trust, "uncertainty_payload", slow)
    sent = []
    w.observe(lambda change: sent.append(change["new"]), names="uncertainty")
    w.num_features = 2
    assert entered.wait(30)  # the request for 2 features is running
    w.num_features = 3  # queued behind it; the one for 2 is now stale
    release.set()
    assert w.wait(timeout=60)
    assert slow_labels == [w.label]
    assert all(len(p["intervals"]) == 3 for p in sent)  # the result for 2 features never reached the view
    assert len(w.uncertainty["intervals"]) == 3
    assert_payload_matches_fit(w)


def test_regression_and_text_and_image_views_get_intervals(wine_model, text_exp, image_exp):
    from lime_widget.lime_tabular import LimeTabularExplainer

    data, _ = wine_model
    coef = np.random.default_rng(0).normal(size=data.data.shape[1])
    explainer = LimeTabularExplainer(data.data, mode="regression", random_state=0)
    reg = explainer.explain_instance(data.data[3], lambda x: x @ coef, num_features=4, num_samples=500)
    for exp in (reg, text_exp[0], image_exp[0]):
        w = ExplanationWidget(exp)
        assert w.wait(timeout=60)
        label = 1 if exp.mode == "regression" else w.label
        # the image explanation shows all of its 4 superpixels (lime's default num_features=100000)
        all_shown = exp.domain_mapper.modality == "image"
        assert (len(w.explanation["fits"][str(label)]["weights"]) == w.num_features_max) == all_shown
        assert w.uncertainty == expected_payload(exp, label, all_shown)
        assert_payload_matches_fit(w)


def test_sample_until_stable_runs_the_adaptive_path_and_the_controls_follow(wine_exp):
    exp, counter = wine_exp
    w = ExplanationWidget(exp)
    w.num_features = 3
    seen = []
    w.observe(lambda change: seen.append(change["new"]), names="progress")
    counter.reset()
    w.sample_until_stable += 1
    assert w.wait(timeout=120)
    shown = w.current_explanation
    assert (w.status, w.error) == ("idle", "")
    assert counter.rows == shown.num_samples - 1 or counter.rows == shown.num_samples
    assert shown.neighborhood.auto_stop is not None and shown.neighborhood is not exp.neighborhood  # the adaptive rounds
    assert w.num_samples == shown.num_samples == w.explanation["settings"]["num_samples"]
    assert w.num_features == 3 and len(w.explanation["fits"][str(w.label)]["weights"]) == 3
    assert seen and seen[0] == 0.0 and seen[-1] == 1.0 and any(0 < p < 1 for p in seen)
    assert w.uncertainty == expected_payload(shown, w.label)
    # showing the new count did not start another run
    calls = counter.calls
    assert w.wait(timeout=60) and counter.calls == calls
    # an integer re-sample still works afterwards
    w.num_samples = 700
    assert w.wait(timeout=60)
    assert w.current_explanation.num_samples == 700 and w.status == "idle"


def test_sample_until_stable_reports_a_failing_model(wine_exp):
    exp, counter = wine_exp
    w = ExplanationWidget(exp)
    counter.fail_with = RuntimeError("the model server is down")
    w.sample_until_stable = 1
    assert w.wait(timeout=60)
    assert w.status == "error" and w.error.startswith("Could not sample until stable")
    assert "the model server is down" in w.error
    assert w.current_explanation is exp


def test_sample_until_stable_in_error_review_reaches_the_row(wine_model):
    from lime_widget import ErrorReview

    data, model = wine_model
    X, y = data.data[:40], data.target[:40].copy()
    y[:3] = (y[:3] + 1) % 3  # three mistakes to review
    review = ErrorReview(model, X, y, training_data=data.data, num_samples=500, num_features=3, random_state=0)
    assert review.wait(timeout=120)
    row_view = review._views[review._index]
    assert row_view.wait(timeout=60)
    assert review.uncertainty == row_view.values["uncertainty"] == expected_payload(review.current_explanation,
                                                                                    review.label)
    review.sample_until_stable = review.sample_until_stable + 1
    assert review.wait(timeout=120) and row_view.wait(timeout=120)
    assert review.num_samples == review.current_explanation.num_samples != 500
    assert review.uncertainty == expected_payload(review.current_explanation, review.label)
