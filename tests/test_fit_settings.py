"""One value for the surrogate's settings, and one rule for num_features (issue 13)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import CountingModel, grid_segments, redness, tiny_image
from lime.lime_text import LimeTextExplainer as LimeOracle

from lime_widget import export
from lime_widget.core.settings import FitSettings, cap_num_features
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer
from lime_widget.widget import ExplanationWidget, state

DOC = "god and church and reason"  # 4 distinct words (bag of words)


def _seen_everywhere(exp) -> dict:
    """The num_features that core, widget state, the live widget and the offline export show."""
    return {
        "core": exp.settings.num_features,
        "as_list": len(exp.as_list(label=state.default_label(exp))),
        "to_dict": exp.to_dict()["settings"]["num_features"],
        "refit": exp.refit(num_features=10**6).settings.num_features,
        "widget state": state.controls(exp)["num_features"],
        "widget": ExplanationWidget(exp).num_features,
        "export": export.offline_state(exp)["traits"]["num_features"],
    }


def test_text_caps_num_features_at_the_words_everywhere(text_model):
    exp = LimeTextExplainer(random_state=0).explain_instance(DOC, text_model.predict_proba, num_features=100,
                                                             num_samples=300)
    assert set(_seen_everywhere(exp).values()) == {4}
    # lime lists every word, whatever the request, with the same weights
    theirs = LimeOracle(random_state=0).explain_instance(DOC, text_model.predict_proba, num_features=100,
                                                         num_samples=300)
    assert [name for name, _ in exp.as_list()] == [name for name, _ in theirs.as_list()]
    assert np.allclose([w for _, w in exp.as_list()], [w for _, w in theirs.as_list()], rtol=0, atol=1e-8)
    assert exp.score == pytest.approx(theirs.score, abs=1e-8)


def test_auto_selection_is_decided_on_the_request_before_the_cap():
    # lime: forward selection for at most 6 requested features, else highest weights
    assert FitSettings(num_features=10, n_features=4, kernel_width=1.0).selection_method == "highest_weights"
    assert FitSettings(num_features=5, n_features=4, kernel_width=1.0).selection_method == "forward_selection"
    capped = FitSettings(num_features=10, n_features=4, kernel_width=1.0)
    assert capped.replace(num_features=3).selection_method == "forward_selection"
    assert capped.replace(kernel_width=2.0).selection_method == "highest_weights"  # the request is kept
    assert capped.replace(feature_selection="none").selection_method == "none"


def test_tabular_and_image_cap_num_features_the_same_way(wine_model):
    data, model = wine_model
    tab = LimeTabularExplainer(data.data, random_state=0).explain_instance(data.data[0], model.predict_proba,
                                                                           num_features=50, num_samples=300)
    assert set(_seen_everywhere(tab).values()) == {13}
    img = LimeImageExplainer(random_state=0).explain_instance(tiny_image(), CountingModel(redness), top_labels=1,
                                                              num_samples=60, segmentation_fn=grid_segments,
                                                              progress_bar=False)
    assert set(_seen_everywhere(img).values()) == {6}  # default num_features=100000, six superpixels


def test_a_refit_below_the_cap_is_seen_unchanged(text_exp):
    exp, counter = text_exp
    calls = counter.calls
    small = exp.refit(num_features=2)
    assert small.settings.num_features == 2 == state.controls(small)["num_features"]
    assert exp.settings.num_features == 4  # the original is not changed
    assert counter.calls == calls


def test_settings_are_checked_once_and_frozen():
    settings = FitSettings(num_features=8, n_features=5, kernel_width=2)
    assert settings.num_features == 5 and settings.kernel_width == 2.0 and settings.cap(3) == 3
    assert cap_num_features(np.int64(7), 5) == 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.num_features = 2
    with pytest.raises(ValueError, match=r"num_features must be an integer >= 1, got 0\."):
        settings.replace(num_features=0)
    with pytest.raises(ValueError, match="num_features must be an integer >= 1, got 2.0"):
        FitSettings(num_features=2.0, n_features=5, kernel_width=1.0)
    with pytest.raises(ValueError, match="kernel_width must be a positive, finite number, got -1"):
        settings.replace(kernel_width=-1)
    with pytest.raises(ValueError, match="feature_selection='best' is not known"):
        settings.replace(feature_selection="best")
    assert settings.replace(kernel_width=None) is settings  # None keeps a setting
    # read as the dict it replaces
    assert dict(settings) == settings.as_dict() and settings["num_features"] == 5
    assert settings.get("model_regressor") is None and settings.get("nothing") is None


def test_a_callable_metric_stays_json_able(wine_model):
    data, model = wine_model

    def manhattan(a, b):
        return np.abs(a - b).sum()

    exp = LimeTabularExplainer(data.data, random_state=0).explain_instance(
        data.data[0], model.predict_proba, num_samples=100, distance_metric=manhattan)
    assert exp.settings.distance_metric is manhattan
    assert exp.to_dict()["settings"]["distance_metric"] == repr(manhattan)


def test_every_explainer_passes_kernel_width_by_keyword(wine_model, text_model):
    seen = []

    def kernel(d, *, kernel_width):  # keyword-only: lime's explainers pass it by name
        seen.append(kernel_width)
        return np.sqrt(np.exp(-(d**2) / kernel_width**2))

    data, model = wine_model
    LimeTabularExplainer(data.data, kernel=kernel, kernel_width=3.0, random_state=0).explain_instance(
        data.data[0], model.predict_proba, num_samples=100)
    LimeTextExplainer(kernel=kernel, kernel_width=0.5, random_state=0).explain_instance(
        DOC, text_model.predict_proba, num_samples=100)
    LimeImageExplainer(kernel=kernel, kernel_width=0.25, random_state=0).explain_instance(
        tiny_image(), redness, num_samples=40, segmentation_fn=grid_segments, progress_bar=False)
    assert {3.0, 0.5, 0.25} <= set(seen)


def test_verbose_prints_every_fitted_label_as_lime_does(wine_model, capsys):
    data, model = wine_model
    exp = LimeTabularExplainer(data.data, verbose=True, random_state=0).explain_instance(
        data.data[0], model.predict_proba, labels=(0, 2), num_samples=100)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["Intercept", "Prediction_local", "Right:"] * 2
    assert lines[0] == f"Intercept {exp.intercept[0]}" and lines[3] == f"Intercept {exp.intercept[2]}"


# -- one set of validation helpers (scikit-learn's check_scalar / check_random_state underneath) --

def test_seeds_numpy_refuses_are_refused_with_a_message(wine_model):
    data, _ = wine_model
    for seed in (2**40, -1):
        with pytest.raises(ValueError, match=rf"random_state must be None, an int or a numpy.random.RandomState, "
                                             rf"got {seed}\."):
            LimeTabularExplainer(data.data, random_state=seed)
        with pytest.raises(ValueError, match="random_state must be None"):
            LimeTextExplainer(random_state=seed)


def test_options_given_as_arrays_get_the_message_not_numpy_s(wine_model):
    from lime_widget.core.validation import check_integer, check_option

    data, model = wine_model
    with pytest.raises(ValueError, match=r"sampling_method=array\(\['lhs'\].* is not known; expected 'gaussian' "
                                         "or 'lhs'"):
        LimeTabularExplainer(data.data, random_state=0).explain_instance(
            data.data[0], model.predict_proba, num_samples=50, sampling_method=np.array(["lhs"]))
    with pytest.raises(ValueError, match="feature_selection='best' is not known; expected one of 'auto', "):
        check_option("feature_selection", "best", ("auto", "none", "lasso_path"))
    assert check_integer("n", np.int32(3)) == 3
    with pytest.raises(ValueError, match=r"n must be a positive integer, got True\."):
        check_integer("n", True, expected="a positive integer")


def test_submodular_pick_names_an_unknown_method(wine_model):
    from lime_widget.submodular_pick import SubmodularPick

    data, model = wine_model
    counter = CountingModel(model.predict_proba)
    with pytest.raises(ValueError, match="method='all' is not known; expected 'sample' or 'full'"):
        SubmodularPick(LimeTabularExplainer(data.data, random_state=0), data.data, counter, method="all")
    assert counter.calls == 0


def test_one_resample_hook_for_every_explainer(wine_model, text_model):
    data, model = wine_model
    segmented = []

    def segments(image):
        segmented.append(1)
        return grid_segments(image)

    tab = LimeTabularExplainer(data.data, random_state=0).explain_instance(data.data[0], model.predict_proba,
                                                                           num_features=3, num_samples=100)
    txt = LimeTextExplainer(random_state=0).explain_instance(DOC, text_model.predict_proba, num_features=3,
                                                             num_samples=100)
    img = LimeImageExplainer(random_state=0).explain_instance(tiny_image(), redness, num_features=3, num_samples=40,
                                                              segmentation_fn=segments, progress_bar=False)
    for exp in (tab, txt, img):
        seen = []
        fresh = exp.resample(num_samples=60, progress=seen.append)
        assert type(fresh) is type(exp) and fresh.num_samples == 60 and seen[-1] == 1.0
        assert fresh.settings.replace(num_samples=exp.num_samples) == exp.settings
    assert len(segmented) == 1  # the image's segments are reused
    # the same explanation as a fresh call with those arguments
    again = LimeTextExplainer(random_state=0).explain_instance(DOC, text_model.predict_proba, num_features=3,
                                                               num_samples=60)
    assert txt.resample(num_samples=60).as_list() == again.as_list()
