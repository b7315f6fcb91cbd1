"""Issue 10: reports from lime's users, replayed after changing only the import.

One test per numbered case of the issue (the right value, or the right message
before any model call), then the rule for the whole family: arguments are
checked before the first model call, and common wrong model outputs get a
message saying what to return instead. Other places where the same kinds of
mistake could happen are in ``test_validation_everywhere.py``.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel
from lime import lime_image as lime_image_ref
from lime import lime_tabular as lime_tabular_ref
from lime import lime_text as lime_text_ref
from sklearn.linear_model import Ridge

from lime_widget.core.discretize import QuartileDiscretizer
from lime_widget.core.predict import MultiLabelWarning
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer

DOC = "the movie was good but the ending was bad and slow"


def assert_same_explanation(ours, theirs, labels, atol=1e-8):
    for label in labels:
        a, b = ours.local_exp[label], theirs.local_exp[label]
        assert [f for f, _ in a] == [f for f, _ in b]
        np.testing.assert_allclose([w for _, w in a], [w for _, w in b], atol=atol)
        assert ours.intercept[label] == pytest.approx(theirs.intercept[label], abs=atol)


def sentiment(texts):
    """Two-class probabilities from the words 'good' and 'bad'."""
    good = np.array(["good" in t for t in texts], dtype=float)
    bad = np.array(["bad" in t for t in texts], dtype=float)
    p = 1 / (1 + np.exp(-(2 * good - 1.5 * bad)))
    return np.column_stack([1 - p, p])


def multi_label(texts):
    """Independent per-label probabilities (one-vs-rest): 'good' and 'slow'."""
    good = np.array(["good" in t for t in texts], dtype=float)
    slow = np.array(["slow" in t for t in texts], dtype=float)
    return np.column_stack([0.2 + 0.7 * good, 0.1 + 0.6 * slow])


# -- 1. array-valued arguments -------------------------------------------------------------

@pytest.fixture(scope="module")
def colours():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.randint(0, 3, 500), rng.uniform(size=500)]).astype(float)

    def model(rows):
        p = np.where(np.asarray(rows)[:, 0] == 2, 0.9, 0.1)  # only colour == blue matters
        return np.column_stack([1 - p, p])

    return X, model


@pytest.mark.parametrize("categorical", [np.array([0]), pd.Series([0]), (0,), [0]],
                         ids=["array", "series", "tuple", "list"])
def test_1_categorical_features_as_an_array_equals_lime(colours, categorical):
    X, model = colours
    kwargs = dict(feature_names=["colour", "size"], categorical_names={0: ["red", "green", "blue"]},
                  random_state=0)
    row = np.array([2.0, 0.6])
    ours = LimeTabularExplainer(X, categorical_features=categorical, **kwargs).explain_instance(
        row, model, num_features=2, num_samples=1000)
    theirs = lime_tabular_ref.LimeTabularExplainer(X, categorical_features=[0], **kwargs).explain_instance(
        row, model, num_features=2, num_samples=1000)
    name, weight = ours.as_list()[0]
    assert name == "colour=blue" and weight == pytest.approx(0.79, abs=0.02)
    assert [n for n, _ in ours.as_list()] == [n for n, _ in theirs.as_list()]
    assert_same_explanation(ours, theirs, [1])


def test_1_two_categorical_columns_as_an_array(colours):
    X, model = colours
    X3 = np.column_stack([X, X[:, 0][::-1]])
    explainer = LimeTabularExplainer(X3, categorical_features=np.array([0, 2]), random_state=0)
    assert explainer.categorical_features == [0, 1, 2] and explainer.original_categorical == [0, 2]
    exp = explainer.explain_instance(X3[0], model, num_samples=200)
    assert {name.split("=")[0] for name, _ in exp.as_list()} >= {"0", "2"}


# -- 2. image feature ids are segment labels -------------------------------------------------

def cells_image():
    """32 x 32 image of 16 flat 8 x 8 cells, and its segmentation labelled 1..16 (like slic)."""
    rng = np.random.RandomState(3)
    colours = rng.randint(40, 220, (16, 3))
    labels = (np.arange(32)[:, None] // 8) * 4 + (np.arange(32)[None, :] // 8) + 1
    return colours[labels - 1].astype(np.uint8), labels


def one_cell_model(images):
    """Reacts only to cell 7 (rows 8..15, columns 16..23): its red level."""
    red = np.asarray(images, dtype=float)[:, 8:16, 16:24, 0].mean(axis=(1, 2)) / 255
    return np.column_stack([1 - red, red])


def test_2_local_exp_keys_are_segment_labels():
    image, labels = cells_image()
    assert labels[8, 16] == 7
    exp = LimeImageExplainer(random_state=0).explain_instance(
        image, one_cell_model, labels=(1,), top_labels=None, hide_color=0, num_samples=300,
        segmentation_fn=lambda im: labels, progress_bar=False)
    weights = dict(exp.local_exp[1])
    assert set(weights) == set(range(1, 17))  # every segment perturbed, 16 included
    assert max(weights, key=lambda k: abs(weights[k])) == 7
    # the heatmap recipe of lime's users peaks on the cell the model reads
    heatmap = np.vectorize(weights.get)(exp.segments)
    assert (heatmap == heatmap.max()).sum() == 64 and heatmap[8:16, 16:24].min() == heatmap.max()
    # and agrees with get_image_and_mask
    _, mask = exp.get_image_and_mask(1, positive_only=True, num_features=1, hide_rest=False)
    np.testing.assert_array_equal(mask == 1, labels == 7)
    assert exp.as_list(1)[0][0] == "superpixel 7"


def test_2_ids_equal_lime_on_labels_that_start_at_zero():
    image, labels = cells_image()
    zero_based = labels - 1
    kwargs = dict(labels=(1,), top_labels=None, hide_color=0, num_samples=200, segmentation_fn=lambda im: zero_based)
    ours = LimeImageExplainer(random_state=0).explain_instance(image, one_cell_model, progress_bar=False, **kwargs)
    theirs = lime_image_ref.LimeImageExplainer(random_state=0).explain_instance(image, one_cell_model,
                                                                                 **kwargs)
    assert_same_explanation(ours, theirs, [1])


# -- 3. training_data_stats ------------------------------------------------------------------

@pytest.fixture(scope="module")
def stats_case():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(300, 3)) * [1.0, 2.0, 0.5] + [0.0, 1.0, -1.0]
    disc = QuartileDiscretizer(X, [], ["a", "b", "c"])
    binned = disc.discretize(X)
    values, freqs = {}, {}
    for f in range(3):
        v, c = np.unique(binned[:, f], return_counts=True)
        values[f], freqs[f] = v.tolist(), c.tolist()
    stats = {"means": disc.means, "stds": disc.stds, "mins": disc.mins, "maxs": disc.maxs,
             "feature_values": values, "feature_frequencies": freqs,
             "bins": {f: disc.boundaries[f].tolist() for f in range(3)}}

    def model(rows):
        p = 1 / (1 + np.exp(-(np.asarray(rows) @ [1.5, -0.5, 0.2])))
        return np.column_stack([1 - p, p])

    return X, stats, model


def _stats_explanation(X, stats, model):
    explainer = LimeTabularExplainer(X, feature_names=["a", "b", "c"], training_data_stats=stats, random_state=0)
    return explainer.explain_instance(X[5], model, num_features=3, num_samples=800)


def test_3_stats_without_bins_derive_them(stats_case):
    X, stats, model = stats_case
    with_bins = _stats_explanation(X, stats, model)
    theirs = lime_tabular_ref.LimeTabularExplainer(
        X, feature_names=["a", "b", "c"], training_data_stats=stats, random_state=0).explain_instance(
        X[5], model, num_features=3, num_samples=800)
    assert_same_explanation(with_bins, theirs, [1])
    without = _stats_explanation(X, {k: v for k, v in stats.items() if k != "bins"}, model)
    assert without.as_list() == with_bins.as_list()
    weights = [w for _, w in without.as_list()]
    assert len(set(np.round(weights, 12))) == 3  # not "every weight equal"
    assert all("<" in name or ">" in name for name, _ in without.as_list())  # rules, not bare names


def test_3_stats_after_a_json_round_trip(stats_case):
    X, stats, model = stats_case
    shipped = json.loads(json.dumps({k: {f: np.asarray(v).tolist() for f, v in d.items()} for k, d in stats.items()}))
    assert "0" in shipped["means"]
    assert _stats_explanation(X, shipped, model).as_list() == _stats_explanation(X, stats, model).as_list()
    shipped.pop("bins")
    assert _stats_explanation(X, shipped, model).as_list() == _stats_explanation(X, stats, model).as_list()


def test_3_stats_that_cannot_give_bins_name_the_key(stats_case):
    X, stats, _ = stats_case
    broken = {k: dict(v) for k, v in stats.items() if k != "bins"}
    broken["mins"][1] = [0.0]  # no boundaries left to derive
    with pytest.raises(ValueError, match=r"no 'bins' for column 1.*'bins': \{1:"):
        LimeTabularExplainer(X, training_data_stats=broken)
    missing = {k: v for k, v in stats.items() if k != "stds"}
    with pytest.raises(ValueError, match=r"missing the keys \['stds'\]"):
        LimeTabularExplainer(X, training_data_stats=missing)
    bad_key = {k: dict(v) for k, v in stats.items()}
    bad_key["means"]["first"] = bad_key["means"].pop(0)
    with pytest.raises(ValueError, match=r"training_data_stats\['means'\] has the key 'first'"):
        LimeTabularExplainer(X, training_data_stats=bad_key)


# -- 4. multi-label models ---------------------------------------------------------------------

def test_4_multi_label_text_model_equals_lime_with_one_warning():
    explainer = LimeTextExplainer(class_names=["good", "slow"], random_state=0)
    with pytest.warns(MultiLabelWarning, match="independent per-label probabilities"):
        ours = explainer.explain_instance(DOC, multi_label, labels=(0, 1), num_samples=500)
    theirs = lime_text_ref.LimeTextExplainer(class_names=["good", "slow"], random_state=0).explain_instance(
        DOC, multi_label, labels=(0, 1), num_samples=500)
    assert_same_explanation(ours, theirs, [0, 1])
    assert ours.as_list(0)[0][0] == "good" and ours.as_list(1)[0][0] == "slow"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once per explainer
        explainer.explain_instance(DOC, multi_label, labels=(0, 1), num_samples=100)


def test_4_multi_label_tabular_and_image():
    X = np.random.RandomState(0).uniform(size=(100, 2))

    def tab(rows):
        return np.column_stack([np.asarray(rows)[:, 0], 0.5 * np.asarray(rows)[:, 1]]).clip(0, 1)

    with pytest.warns(MultiLabelWarning):
        ours = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], tab, labels=(0, 1), num_samples=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lime warns that the rows do not sum to 1, then explains each label
        theirs = lime_tabular_ref.LimeTabularExplainer(X, random_state=0).explain_instance(
            X[0], tab, labels=(0, 1), num_samples=200)
    assert_same_explanation(ours, theirs, [0, 1])
    image, labels = cells_image()

    def img(images):
        red = one_cell_model(images)[:, 1]
        return np.column_stack([red, 0.3 * np.ones_like(red)])

    with pytest.warns(MultiLabelWarning):
        LimeImageExplainer(random_state=0).explain_instance(image, img, segmentation_fn=lambda im: labels,
                                                            num_samples=30, progress_bar=False)


def test_4_values_outside_0_1_stay_an_error():
    counting = CountingModel(lambda texts: 3 * sentiment(texts) - 1)
    with pytest.raises(ValueError, match="between 0 and 1.*logits or decision scores.*softmax"):
        LimeTextExplainer().explain_instance(DOC, counting, num_samples=50)
    with pytest.raises(ValueError, match="log probabilities.*np.exp"):
        LimeTextExplainer().explain_instance(DOC, lambda t: np.log(sentiment(t)), num_samples=50)


# -- 5. class names passed positionally ----------------------------------------------------------

def test_5_class_names_as_kernel_width():
    with pytest.raises(ValueError, match=r"kernel_width must be a positive, finite number, got \['neg', 'pos'\]"
                                         r".*class_names=\[\.\.\.\]"):
        LimeTextExplainer(["neg", "pos"])
    with pytest.raises(ValueError, match="class_names="):
        LimeImageExplainer(["cat", "dog"])


# -- 6. num_samples=1 ------------------------------------------------------------------------------

def test_6_num_samples_1_is_refused_before_the_model_runs():
    counting = CountingModel(sentiment)
    with pytest.raises(ValueError, match=r"num_samples must be an integer >= 2 .* got 1"):
        LimeTextExplainer().explain_instance(DOC, counting, num_samples=1)
    image, labels = cells_image()
    with pytest.raises(ValueError, match=r"num_samples must be an integer >= 2 .* got 1"):
        LimeImageExplainer().explain_instance(image, counting, num_samples=1, segmentation_fn=lambda im: labels)
    assert counting.calls == 0


# -- 7. labels given as names ------------------------------------------------------------------------

def test_7_labels_as_names():
    counting = CountingModel(sentiment)
    with pytest.raises(ValueError, match=r"integer class indices, got 'neg'.*'neg' is class 0 of class_names; "
                                         r"use labels=\(0, 1\)"):
        LimeTextExplainer(class_names=["neg", "pos"]).explain_instance(DOC, counting, labels=["neg", "pos"])
    with pytest.raises(ValueError, match="class indices .* not class names"):
        LimeTextExplainer().explain_instance(DOC, counting, labels=["neg"])
    assert counting.calls == 0


# -- 8. categorical_names as a list ------------------------------------------------------------------

def test_8_categorical_names_as_a_list(colours):
    X, _ = colours
    with pytest.raises(ValueError, match=r"categorical_names must be a dict \{column index: \[name of code 0.*got "
                                         r"list \['a', 'b'\]"):
        LimeTabularExplainer(X, categorical_features=[0], categorical_names=["a", "b"])


# -- 9. (H, W, 1) images --------------------------------------------------------------------------

def keras_like(images):
    images = np.asarray(images)
    if images.shape[1:] != (28, 28, 1):
        raise ValueError(f"expected input shape (None, 28, 28, 1), got {images.shape}")
    p = images[:, 10:18, 10:18, 0].mean(axis=(1, 2)) / 255
    return np.column_stack([1 - p, p])


@pytest.mark.parametrize("segmentation", ["default", "grid"])
def test_9_model_gets_the_callers_layout(segmentation):
    rng = np.random.RandomState(0)
    image = (rng.uniform(size=(28, 28, 1)) * 255).astype(np.uint8)
    image[10:18, 10:18] = 250
    grid = (np.arange(28)[:, None] // 7) * 4 + np.arange(28)[None, :] // 7
    kwargs = {} if segmentation == "default" else {"segmentation_fn": lambda im: grid}
    model = CountingModel(keras_like)
    exp = LimeImageExplainer(random_state=0).explain_instance(image, model, num_samples=40, progress_bar=False,
                                                              **kwargs)
    assert model.calls == 4 and exp.image.shape == (28, 28, 1)
    top = exp.as_list(1)[0]
    assert top[1] > 0
    if segmentation == "grid":  # the bright block covers grid cells 5, 6, 9, 10
        assert dict(exp.local_exp[1]).keys() == set(range(16))
        assert exp.local_exp[1][0][0] in {5, 6, 9, 10}


def test_9_two_dimensional_images_still_become_rgb_as_in_lime():
    image = np.zeros((16, 16), dtype=np.uint8)
    seen = []

    def model(images):
        seen.append(np.asarray(images).shape)
        return np.tile([0.5, 0.5], (len(images), 1))

    LimeImageExplainer(random_state=0).explain_instance(image, model, num_samples=10, progress_bar=False,
                                                        segmentation_fn=lambda im: np.zeros((16, 16), int))
    assert seen[0][1:] == (16, 16, 3)


# -- 10. found by fuzzing ----------------------------------------------------------------------------

class NoWeights:
    """A regressor whose fit takes no sample_weight."""

    def fit(self, X, y):
        return self

    def get_params(self, deep=True):
        return {}


@pytest.mark.parametrize("kwargs, message", [
    ({"labels": None}, r"labels=None: give the class indices"),
    ({"top_labels": 1.5}, r"top_labels must be an integer >= 0, got 1.5"),
    ({"labels": (1.7,)}, r"labels must hold integer class indices, got 1.7"),
    ({"labels": ()}, r"labels is empty"),
    ({"model_regressor": NoWeights()}, r"model_regressor NoWeights's fit\(\) takes no sample_weight"),
    ({"model_regressor": Ridge}, r"pass Ridge\(\) instead"),
    ({"distance_metric": "cosinus"}, r"distance_metric='cosinus' is not a metric"),
    ({"batch_size": 2.5}, r"batch_size must be a positive integer or None, got 2.5"),
])
@pytest.mark.parametrize("modality", ["tabular", "text", "image"])
def test_10_explain_instance_arguments_before_the_model(colours, modality, kwargs, message):
    X, model = colours
    counting = CountingModel(model if modality == "tabular" else sentiment)
    if modality == "image":
        if "batch_size" in kwargs:
            message = "batch_size must be an integer >= 1, got 2.5"
        image, labels = cells_image()
        counting = CountingModel(one_cell_model)
        call = lambda: LimeImageExplainer().explain_instance(  # noqa: E731
            image, counting, segmentation_fn=lambda im: labels, **{"top_labels": None, **kwargs})
    elif modality == "text":
        call = lambda: LimeTextExplainer().explain_instance(DOC, counting, **kwargs)  # noqa: E731
    else:
        call = lambda: LimeTabularExplainer(X).explain_instance(X[0], counting, **kwargs)  # noqa: E731
    with pytest.raises((ValueError, TypeError), match=message):
        call()
    assert counting.calls == 0


@pytest.mark.parametrize("width", [0, float("nan"), -1, "25", None])
def test_10_text_kernel_width(width):
    with pytest.raises(ValueError, match=r"kernel_width must be a positive, finite number"):
        LimeTextExplainer(kernel_width=width)
    explainer = LimeTextExplainer()
    explainer.kernel_width = width  # changed after construction: checked again before the model runs
    counting = CountingModel(sentiment)
    with pytest.raises(ValueError, match=r"kernel_width must be a positive, finite number"):
        explainer.explain_instance(DOC, counting, num_samples=20)
    assert counting.calls == 0


def test_10_entropy_discretizer_training_labels_length(colours):
    X, _ = colours
    with pytest.raises(ValueError, match=r"training_labels must hold one label per row of training_data \(500\), "
                                         r"got shape \(10,\)"):
        LimeTabularExplainer(X, discretizer="entropy", training_labels=np.arange(10) % 2)


@pytest.mark.parametrize("categorical, message", [
    ([3, 3], r"categorical_features lists column 3 more than once"),
    ([4], r"categorical_features has 4, which is not a column index \(0\.\.3\)"),
    ([1.5], r"categorical_features must hold integer column indices, got 1.5"),
    ("0", r"categorical_features must be a sequence of column indices, got '0'"),
    ([True], r"integer column indices, got True"),
])
def test_10_categorical_features(categorical, message):
    X = np.random.RandomState(0).randint(0, 3, (50, 4)).astype(float)
    with pytest.raises(ValueError, match=message):
        LimeTabularExplainer(X, categorical_features=categorical)


# -- the rule: common wrong outputs say what to return -------------------------------------------------

@pytest.mark.parametrize("output, message", [
    (lambda n: np.full((n, 1), 0.3), r"one probability per row.*np.column_stack\(\[1 - p, p\]\)"),
    (lambda n: np.full(n, 0.3), r"one probability per row.*np.column_stack"),
    (lambda n: np.arange(n) % 3, r"look[s]? like class labels from predict\(\).*predict_proba"),
    (lambda n: np.tile([2.0, -1.0], (n, 1)), r"logits or decision scores"),
    (lambda n: np.array([0.3, 0.7]), r"looks like a single row.*wrap it"),
    (lambda n: np.ones((2, n)) / 2, r"looks transposed"),
    (lambda n: 0.5, r"a single number"),
])
def test_common_wrong_outputs_say_what_to_return(colours, output, message):
    X, _ = colours
    with pytest.raises(ValueError, match=message):
        LimeTabularExplainer(X, random_state=0).explain_instance(X[0], lambda rows: output(len(rows)),
                                                                  num_samples=50)


def test_regression_output_with_columns_says_what_to_return(colours):
    X, model = colours
    with pytest.raises(ValueError, match=r"one number per row.*mode='classification'"):
        LimeTabularExplainer(X, mode="regression").explain_instance(X[0], lambda r: np.ones((len(r), 3)),
                                                                     num_samples=50)


# -- the rule: categorical values are the codes their names cover ---------------------------------------

def test_categorical_values_are_codes_their_names_cover(colours):
    X, model = colours
    counting = CountingModel(model)
    explainer = LimeTabularExplainer(X, categorical_features=[0], categorical_names={0: ["red", "green", "blue"]})
    with pytest.raises(ValueError, match=r"data_row: categorical column 0 \('0'\) holds the code 3, but "
                                         r"categorical_names\[0\] names only codes 0\.\.2"):
        explainer.explain_instance(np.array([3.0, 0.5]), counting)
    with pytest.raises(ValueError, match=r"data_row: categorical column 0 \('0'\) holds 1.5"):
        explainer.explain_instance(np.array([1.5, 0.5]), counting)
    assert counting.calls == 0
    with pytest.raises(ValueError, match=r"training_data: categorical column 0 \('colour'\) holds the code 2, but "
                                         r"categorical_names\[0\] names only codes 0\.\.1"):
        LimeTabularExplainer(X, feature_names=["colour", "size"], categorical_features=[0],
                             categorical_names={0: ["red", "green"]})
    with pytest.raises(ValueError, match=r"categorical_names has names for column 1, which is not in "
                                         r"categorical_features \[0\]"):
        LimeTabularExplainer(X, categorical_features=[0], categorical_names={1: ["a"]})
    # JSON-style string keys are column indices
    exp = LimeTabularExplainer(X, categorical_features=[0], categorical_names={"0": ["red", "green", "blue"]},
                               random_state=0).explain_instance(np.array([2.0, 0.5]), model, num_samples=200)
    assert "0=blue" in dict(exp.as_list())
