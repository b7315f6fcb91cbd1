"""ExplanationWidget: traits, refits without model calls, re-sampling, errors, stale results."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from helpers import wait_until as _wait_until

from lime_widget import ExplanationWidget
from lime_widget.widget import BundleMissingError


def fits_of(widget, label):
    return widget.explanation["fits"][str(label)]


def test_initial_traits_mirror_the_explanation(wine_exp):
    exp, _ = wine_exp
    w = ExplanationWidget(exp)
    assert w.explanation == exp.to_dict()
    assert w.num_features == 5
    assert w.num_features_max == 13
    # labels (0, 1) were explained; the view opens on the more probable one
    assert w.label == int(np.argmax(exp.predict_proba[:2]))
    assert w.kernel_width == pytest.approx(exp.settings["kernel_width"])
    assert w.feature_selection == "auto"
    assert w.num_samples == 1000
    assert (w.status, w.error, w.progress, w.focused_feature) == ("idle", "", 1.0, -1)
    assert w.image == {} and w.segments == {}
    assert w.offline is False
    assert w.current_explanation is exp


def test_surrogate_controls_refit_without_calling_the_model(wine_exp):
    exp, counter = wine_exp
    w = ExplanationWidget(exp)
    counter.reset()

    w.num_features = 8
    assert [len(fits_of(w, label)["weights"]) for label in (0, 1)] == [8, 8]
    assert fits_of(w, 1) == exp.refit(num_features=8).to_dict()["fits"]["1"]

    w.kernel_width = 1.5
    assert w.explanation["settings"]["kernel_width"] == 1.5
    assert fits_of(w, 0) == exp.refit(num_features=8, kernel_width=1.5).to_dict()["fits"]["0"]

    w.feature_selection = "lasso_path"
    assert w.explanation["settings"]["feature_selection"] == "lasso_path"
    expected = exp.refit(num_features=8, kernel_width=1.5, feature_selection="lasso_path")
    assert fits_of(w, 1) == expected.to_dict()["fits"]["1"]

    w.label = 2  # not explained yet: fitted on the cached neighbourhood
    assert w.explanation["labels"] == [0, 1, 2]
    assert len(fits_of(w, 2)["weights"]) == 8
    assert sorted(w.current_explanation.local_exp) == [0, 1, 2]

    w.label = 0
    w.num_features = 3
    assert counter.calls == 0
    assert w.status == "idle" and w.error == ""
    assert w.current_explanation.settings["num_features"] == 3


def test_num_features_above_the_number_of_features_is_capped(wine_exp):
    exp, _ = wine_exp
    w = ExplanationWidget(exp)
    w.num_features = 50
    assert w.num_features == 13
    assert len(fits_of(w, 0)["weights"]) == 13
    assert w.status == "idle"


@pytest.mark.parametrize(("name", "value", "needle"), [
    ("num_features", 0, "num_features must be an integer >= 1"),
    ("kernel_width", -1.0, "kernel_width must be a positive"),
    ("feature_selection", "best", "feature_selection='best' is not known"),
    ("label", 7, "label 7 is not a class of this model"),
    ("num_samples", 1, "num_samples must be an integer >= 2"),
    ("focused_feature", 99, "focused_feature must be -1 (none) or a feature id in 0..12"),
])
def test_bad_control_values_show_an_error_and_keep_the_last_good_explanation(wine_exp, name, value, needle):
    exp, _ = wine_exp
    w = ExplanationWidget(exp)
    w.num_features = 4
    good = w.explanation
    before = getattr(w, name)
    setattr(w, name, value)
    assert w.status == "error"
    assert needle in w.error
    assert w.error.startswith("Could not ")
    assert w.explanation == good
    assert w.last_exception is not None
    assert getattr(w, name) == before  # the control is put back to the value shown


def test_the_error_clears_at_the_next_valid_change(wine_exp):
    exp, _ = wine_exp
    w = ExplanationWidget(exp)
    width = w.kernel_width
    w.kernel_width = 0.0
    assert w.status == "error" and w.kernel_width == width  # put back: the controls describe what is shown
    w.num_features = 6  # the width is the valid one again: this change refits
    assert (w.status, w.error, w.kernel_width) == ("idle", "", width)
    assert len(fits_of(w, 0)["weights"]) == 6
    w.kernel_width = 2.0
    assert (w.status, w.error) == ("idle", "")
    w.focused_feature = 99
    assert w.status == "error" and w.focused_feature == -1
    w.focused_feature = 3
    assert (w.status, w.error, w.focused_feature) == ("idle", "", 3)


def test_constructor_controls_are_applied_and_validated(wine_exp):
    exp, counter = wine_exp
    counter.reset()
    w = ExplanationWidget(exp, num_features=2, label=2, kernel_width=3.0)
    assert (w.num_features, w.label, w.kernel_width) == (2, 2, 3.0)
    assert w.explanation["labels"] == [0, 1, 2]
    assert len(fits_of(w, 2)["weights"]) == 2
    assert counter.calls == 0
    with pytest.raises(ValueError, match="num_features must be an integer >= 1"):
        ExplanationWidget(exp, num_features=0)
    with pytest.raises(TypeError, match="Unknown control"):
        ExplanationWidget(exp, colour="red")


def test_a_non_explanation_is_refused_with_a_clear_error():
    with pytest.raises(TypeError, match="needs a lime-widget Explanation"):
        ExplanationWidget({"weights": [1, 2]})


def test_resampling_calls_the_model_reports_progress_and_keeps_the_controls(wine_exp):
    exp, counter = wine_exp
    w = ExplanationWidget(exp)
    w.num_features = 3
    w.kernel_width = 2.5
    seen = []
    w.observe(lambda change: seen.append(change["new"]), names="progress")
    counter.reset()
    w.num_samples = 1500
    assert w.wait(timeout=60)
    assert counter.rows == 1500 and counter.calls >= 1
    assert (w.status, w.error, w.progress) == ("idle", "", 1.0)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert w.explanation["settings"]["num_samples"] == 1500
    assert w.explanation["settings"]["num_features"] == 3
    assert w.explanation["settings"]["kernel_width"] == 2.5
    assert len(fits_of(w, 0)["weights"]) == 3
    assert w.current_explanation.neighborhood.num_samples == 1500
    # the new explanation refits without the model too
    counter.reset()
    w.num_features = 7
    assert counter.calls == 0 and len(fits_of(w, 1)["weights"]) == 7


def test_a_failing_predict_fn_shows_its_message_and_the_kernel_keeps_working(wine_exp):
    exp, counter = wine_exp
    w = ExplanationWidget(exp)
    good = w.explanation
    counter.fail_with = RuntimeError("the model server is down")
    w.num_samples = 800
    assert w.wait(timeout=60)
    assert w.status == "error"
    assert "the model server is down" in w.error
    assert "num_samples=800" in w.error
    assert w.explanation == good
    # refits still work, and re-sampling recovers once the model does
    w.num_features = 2
    assert w.status == "idle" and len(fits_of(w, 0)["weights"]) == 2
    counter.fail_with = None
    w.num_samples = 600
    assert w.wait(timeout=60)
    assert w.status == "idle" and w.explanation["settings"]["num_samples"] == 600


def test_a_later_resample_request_supersedes_an_earlier_one(wine_exp):
    exp, _ = wine_exp
    original = exp.resample
    release_first = threading.Event()
    first_started = threading.Event()
    finished = []

    def controlled_resample(num_samples, progress=None):
        if num_samples == 700:  # the first, slow request
            first_started.set()
            assert release_first.wait(30)
            progress(0.5)  # a stale run is stopped at its next progress report
        result = original(num_samples=num_samples, progress=progress)
        finished.append(num_samples)
        return result

    exp.resample = controlled_resample
    w = ExplanationWidget(exp)
    progress_values = []
    w.observe(lambda change: progress_values.append(change["new"]), names="progress")
    w.num_samples = 700
    assert first_started.wait(30)
    w.num_samples = 900  # supersedes 700 while it is still running
    assert _wait_until(lambda: 900 in finished)
    release_first.set()
    assert w.wait(timeout=60)
    assert w.explanation["settings"]["num_samples"] == 900
    assert w.num_samples == 900 and w.status == "idle" and w.progress == 1.0
    assert 700 not in finished  # stopped early, and never shown
    assert 0.5 not in progress_values


def test_a_stale_result_is_dropped_even_when_it_finishes_last(wine_exp):
    exp, _ = wine_exp
    original = exp.resample
    release_first = threading.Event()

    def slow_then_fast(num_samples, progress=None):
        result = original(num_samples=num_samples, progress=None)  # no progress: cannot be stopped early
        if num_samples == 700:
            assert release_first.wait(30)
        return result

    exp.resample = slow_then_fast
    w = ExplanationWidget(exp)
    shown = []
    w.observe(lambda change: shown.append(change["new"]["settings"]["num_samples"]), names="explanation")
    w.num_samples = 700
    w.num_samples = 900
    assert _wait_until(lambda: 900 in shown)
    release_first.set()
    assert w.wait(timeout=60)
    assert shown == [900]
    assert w.status == "idle"


def test_an_explanation_without_a_resample_hook_says_so(wine_exp):
    exp, _ = wine_exp
    exp.resample = None
    w = ExplanationWidget(exp)
    w.num_samples = 2000
    assert w.status == "error" and "cannot be re-sampled" in w.error


def test_mimebundle_has_the_widget_view_and_a_text_fallback(wine_exp):
    exp, _ = wine_exp
    data, _meta = exp._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    text = data["text/plain"]
    top_name = exp.as_list(label=0)[0][0] if exp.predict_proba[0] >= exp.predict_proba[1] else exp.as_list(1)[0][0]
    assert "LIME explanation, tabular" in text and top_name in text
    assert isinstance(exp.widget(), ExplanationWidget)


def test_a_missing_bundle_gives_a_build_hint(wine_exp, monkeypatch, tmp_path):
    from lime_widget.widget import explanation_widget

    monkeypatch.setattr(explanation_widget, "BUNDLE_JS", tmp_path / "widget.js")
    with pytest.raises(BundleMissingError, match="npm run build"):
        ExplanationWidget(wine_exp[0])


def test_regression_explanations_show_the_prediction_label(wine_model):
    from lime_widget.lime_tabular import LimeTabularExplainer

    data, _ = wine_model
    rng = np.random.default_rng(0)
    coef = rng.normal(size=data.data.shape[1])
    explainer = LimeTabularExplainer(data.data, mode="regression", feature_names=data.feature_names,
                                     random_state=0)
    exp = explainer.explain_instance(data.data[3], lambda x: x @ coef, num_features=4, num_samples=500)
    w = ExplanationWidget(exp)
    assert w.label == 1 and w.explanation["mode"] == "regression"
    w.num_features = 6
    assert len(fits_of(w, 1)["weights"]) == 6 and w.status == "idle"
    w.label = 0
    assert w.status == "idle"
    w.label = 2
    assert w.status == "error" and "regression" in w.error


def test_text_explanations_refit_without_model_calls(text_exp):
    exp, counter = text_exp
    w = ExplanationWidget(exp)
    assert w.explanation["modality"] == "text"
    assert "".join(piece for piece, _ in w.explanation["domain"]["pieces"]) == w.explanation["domain"]["text"]
    counter.reset()
    w.num_features = 2
    w.label = 0
    w.feature_selection = "highest_weights"
    assert counter.calls == 0
    assert len(fits_of(w, 0)["weights"]) == 2
    w.num_samples = 300
    assert w.wait(timeout=60)
    assert counter.rows == 300 and w.status == "idle"


def test_image_explanations_send_binary_buffers(image_exp):
    exp, counter = image_exp
    w = ExplanationWidget(exp)
    assert w.explanation["modality"] == "image"
    assert w.num_features_max == 6
    image, segments = w.image, w.segments
    assert image["dtype"] == "uint8" and image["shape"] == [24, 32, 3]
    assert segments["dtype"] == "int32" and segments["shape"] == [24, 32]
    assert isinstance(image["data"], memoryview) and isinstance(segments["data"], memoryview)
    pixels = np.frombuffer(bytes(image["data"]), dtype=np.uint8).reshape(24, 32, 3)
    np.testing.assert_array_equal(pixels, exp.image)
    ids = np.frombuffer(bytes(segments["data"]), dtype="<i4").reshape(24, 32)
    assert sorted(np.unique(ids)) == list(range(6))
    counter.reset()
    w.num_features = 2
    assert counter.calls == 0 and len(fits_of(w, w.label)["weights"]) == 2

