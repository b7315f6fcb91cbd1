"""Issue 10's kinds of mistake, in the other places they could happen.

Array-valued arguments read element by element (never by truthiness), numbers
never silently truncated (``int(1.7)``), and arguments of every entry point
checked before the model is first called.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel
from sklearn.linear_model import Ridge

import lime_widget
from lime_widget import export
from lime_widget.core.frames import as_frame_codec
from lime_widget.core.validation import check_labels
from lime_widget.lime_base import LimeBase
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer
from lime_widget.review.data import ReviewData
from lime_widget.review.explaining import RowExplainer
from lime_widget.submodular_pick import SubmodularPick


class NoWeights:
    def fit(self, X, y):
        return self

    def get_params(self, deep=True):
        return {}


@pytest.fixture(scope="module")
def table():
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.randint(0, 3, 200), rng.uniform(size=200), rng.normal(size=200)])

    def model(rows):
        p = 1 / (1 + np.exp(-np.asarray(rows, dtype=float) @ [0.8, 1.0, -0.5]))
        return np.column_stack([1 - p, p])

    return X, model


# -- explanation.refit ----------------------------------------------------------------------------------

def test_refit_checks_its_arguments(table):
    X, model = table
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model, num_samples=200)
    with pytest.raises(ValueError, match="labels must be a non-empty sequence"):
        exp.refit(labels=())
    with pytest.raises(ValueError, match=r"label 1.7 is not a class"):
        exp.refit(labels=[1.7])
    with pytest.raises(ValueError, match="kernel_width must be a positive, finite number, got 'wide'"):
        exp.refit(kernel_width="wide")
    with pytest.raises(ValueError, match="feature_selection='best' is not known"):
        exp.refit(feature_selection="best")
    with pytest.raises(ValueError, match="takes no sample_weight"):
        exp.refit(model_regressor=NoWeights())
    assert exp.refit(labels=np.array([0, 1])).local_exp.keys() == {0, 1}


# -- export ---------------------------------------------------------------------------------------------

def test_export_labels_are_not_truncated(table):
    X, model = table
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model, num_samples=200)
    with pytest.raises(ValueError, match=r"integer class indices, got \[1.5\]"):
        export.offline_state(exp, labels=[1.5])
    with pytest.raises(ValueError, match="at least one class"):
        export.offline_state(exp, labels=np.array([], dtype=int))
    assert sorted(export.offline_state(exp, labels=np.array([0]))["traits"]["explanation"]["fits"]) == ["0"]


# -- LimeBase -------------------------------------------------------------------------------------------

def test_lime_base_checks_before_fitting():
    rng = np.random.RandomState(0)
    data = rng.randint(0, 2, (50, 4)).astype(float)
    y = np.column_stack([1 - data[:, 0] * 0.5, data[:, 0] * 0.5])
    base = LimeBase(lambda d: np.exp(-(d**2)))
    distances = rng.uniform(size=50)
    with pytest.raises(ValueError, match="takes no sample_weight"):
        base.explain_instance_with_data(data, y, distances, 1, 2, model_regressor=NoWeights())
    with pytest.raises(ValueError, match="label 2 is not a class"):
        base.explain_instance_with_data(data, y, distances, 2, 2)
    with pytest.raises(ValueError, match="one finite weight per distance"):
        LimeBase(lambda d: 1.0).explain_instance_with_data(data, y, distances, 1, 2)
    _, weights, _, _ = base.explain_instance_with_data(data, y, distances, 1, 2, model_regressor=Ridge())
    assert weights[0][0] == 0
    with pytest.raises(TypeError, match="kernel_fn must be a function"):
        LimeBase(0.25)


# -- convenience explain() ----------------------------------------------------------------------------

def test_explain_passes_array_labels_and_checks_names(table):
    X, model = table
    counting = CountingModel(model)
    exp = lime_widget.explain(counting, X[0], training_data=X, labels=np.array([0]), num_samples=100)
    assert list(exp.local_exp) == [0]
    counting.reset()
    with pytest.raises(ValueError, match=r"'b' is class 1 of class_names; use labels=\(1,\)"):
        lime_widget.explain(counting, X[0], training_data=X, class_names=["a", "b"], labels=["b"])
    with pytest.raises(ValueError, match="explainer_kwargs must be a dict"):
        lime_widget.explain(counting, X[0], training_data=X, explainer_kwargs=[("kernel_width", 1)])
    assert counting.calls == 0


# -- ErrorReview's row explainer ------------------------------------------------------------------------

def test_review_counts_are_not_truncated(table):
    X, model = table
    data = ReviewData(X)
    with pytest.raises(ValueError, match="num_features must be an integer >= 1, got 2.5"):
        RowExplainer(None, model, data, None, num_features=2.5)
    with pytest.raises(ValueError, match="num_samples must be an integer >= 2"):
        RowExplainer(None, model, data, None, num_samples="100")


# -- SubmodularPick ---------------------------------------------------------------------------------------

def test_submodular_pick_counts_are_not_truncated(table):
    X, model = table
    counting = CountingModel(model)
    with pytest.raises(ValueError, match="num_exps_desired must be an integer >= 1, got 1.5"):
        SubmodularPick(LimeTabularExplainer(X), X[:5], counting, num_exps_desired=1.5)
    assert counting.calls == 0


# -- DataFrames: categorical_features as an array -------------------------------------------------------

def test_frame_categorical_features_as_array():
    frame = pd.DataFrame({"colour": [0, 1, 2, 1] * 10, "size": np.linspace(0, 1, 40)})
    codec = as_frame_codec(frame, np.array([0]))
    assert codec.categorical_features == [0]
    explainer = LimeTabularExplainer(frame, categorical_features=np.array(["colour"]))
    assert explainer.original_categorical == [0]
    with pytest.raises(ValueError, match=r"categorical_names\[0\] names 2 categories, but column 'colour' has 3"):
        LimeTabularExplainer(frame, categorical_features=[0], categorical_names={0: ["a", "b"]})


# -- constructors -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda X: LimeTabularExplainer(X, class_names="ab"), "class_names must be a sequence of names"),
    (lambda X: LimeTextExplainer(class_names="ab"), "class_names must be a sequence of names"),
    (lambda X: LimeImageExplainer(class_names="ab"), "class_names must be a sequence of names"),
    (lambda X: LimeTabularExplainer(X, random_state=1.5), "random_state must be None, an int"),
    (lambda X: LimeTextExplainer(random_state="0"), "random_state must be None, an int"),
    (lambda X: LimeImageExplainer(random_state=np.random.default_rng(0)), "random_state must be None, an int"),
    (lambda X: LimeTabularExplainer(X, kernel=3), "kernel must be a function"),
    (lambda X: LimeTextExplainer(kernel="exp"), "kernel must be a function"),
    (lambda X: LimeImageExplainer(feature_selection="best"), "feature_selection='best' is not known"),
    (lambda X: LimeTextExplainer(split_expression=3), "split_expression must be"),
    (lambda X: LimeTextExplainer(mask_string=0), "mask_string must be a str"),
    (lambda X: LimeTabularExplainer(X, feature_names="abc"), "feature_names must be a sequence of names"),
    (lambda X: LimeTabularExplainer(X, discretizer="entropy", training_labels=np.zeros(3)),
     r"one label per row .*\(200\)"),
    (lambda X: LimeTabularExplainer(X, categorical_features=[0], training_data_stats=[1]),
     "training_data_stats must be a dict"),
])
def test_constructor_arguments(table, make, message):
    X, _ = table
    with pytest.raises((ValueError, TypeError), match=message):
        make(X)


# -- explain_instance: the model object instead of its method, progress, a bad kernel -------------------

def test_model_instead_of_predict_proba(table):
    X, model = table
    estimator = Ridge().fit(X, X[:, 1])
    with pytest.raises(TypeError, match=r"predict_fn must be a function .* Pass its method, e.g. "
                                        r"predict_fn=model.predict"):
        LimeTabularExplainer(X, mode="regression").explain_instance(X[0], estimator)


def test_bad_kernel_fails_before_the_model(table):
    X, model = table
    counting = CountingModel(model)
    with pytest.raises(ValueError, match="kernel raised TypeError"):
        LimeTabularExplainer(X, kernel=lambda d: d).explain_instance(X[0], counting)
    with pytest.raises(ValueError, match="kernel must return one finite weight per distance"):
        LimeTextExplainer(kernel=lambda d, w: 1.0).explain_instance("a b c", counting)
    with pytest.raises(TypeError, match="progress must be a function"):
        LimeTabularExplainer(X).explain_instance(X[0], counting, progress="yes")
    assert counting.calls == 0


def test_check_labels_reads_arrays_and_ignores_labels_with_top_labels():
    assert check_labels(np.array([2, 0, 2]), None) == ([0, 2], None)
    assert check_labels(None, 2) == ([], 2)
    assert check_labels((1,), 0) == ([1], None)  # lime treats top_labels=0 as unset
    with pytest.raises(ValueError, match=r"labels \[3\] are not classes of this model: class_names has 2"):
        check_labels([3], None, ["a", "b"])


# -- yes/no arguments are not read by truthiness --------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda X: LimeTabularExplainer(X, discretize_continuous="false"), "discretize_continuous must be True or False"),
    (lambda X: LimeTabularExplainer(X, sample_around_instance="yes"), "sample_around_instance must be True or False"),
    (lambda X: LimeTextExplainer(bow="False"), "bow must be True or False, got 'False'"),
    (lambda X: LimeTextExplainer(char_level=np.array([1, 0])), "char_level must be True or False"),
    (lambda X: LimeImageExplainer(verbose="no"), "verbose must be True or False"),
])
def test_flags(table, make, message):
    X, _ = table
    with pytest.raises(ValueError, match=message):
        make(X)


def test_frame_categorical_names_by_column_name():
    frame = pd.DataFrame({"colour": pd.Categorical(["r", "g", "b", "g"] * 10), "size": np.linspace(0, 1, 40)})
    explainer = LimeTabularExplainer(frame, categorical_names={"colour": ["blue", "green", "red"]}, random_state=0)
    assert explainer.categorical_names[0] == ["blue", "green", "red"]


def test_recurrent_classifier_fn_is_checked():
    from lime_widget.lime_tabular import RecurrentTabularExplainer

    X = np.random.RandomState(0).normal(size=(30, 4, 2))
    with pytest.raises(TypeError, match="classifier_fn must be a function"):
        RecurrentTabularExplainer(X).explain_instance(X[0], "model")


def test_error_review_checks_counts_before_predicting_every_row(table):
    from lime_widget import ErrorReview

    X, model = table
    counting = CountingModel(model)
    with pytest.raises(ValueError, match="num_features must be an integer >= 1, got 2.5"):
        ErrorReview(counting, X, (X[:, 0] > 1).astype(int), num_features=2.5)
    with pytest.raises(ValueError, match="num_samples must be an integer >= 2"):
        ErrorReview(counting, X, (X[:, 0] > 1).astype(int), num_samples=1)
    assert counting.calls == 0


def test_explain_gives_image_class_names_to_the_explainer():
    image = np.zeros((12, 12, 3), dtype=np.uint8)
    image[:6] = 200

    def model(images):
        p = np.asarray(images, dtype=float)[:, :6, :, 0].mean(axis=(1, 2)) / 255
        return np.column_stack([1 - p, p])

    exp = lime_widget.explain(model, image, class_names=["dark", "bright"], num_samples=20,
                              explainer_kwargs={}, segmentation_fn=lambda im: np.arange(144).reshape(12, 12) // 72,
                              progress_bar=False)
    assert exp.class_names == ["dark", "bright"]


def test_check_labels_keeps_lime_fit_order():
    assert check_labels((0, 1, 0), None) == ([1, 0], None)  # lime's score is the last fitted label's
    assert check_labels({2, 0}, None) == ([0, 2], None)


@pytest.mark.parametrize("hide_color", [300, float("nan"), "red", (1, 2)])
def test_hide_color_is_checked_before_the_model(hide_color):
    image = np.zeros((8, 8, 3), dtype=np.uint8)
    counting = CountingModel(lambda images: np.tile([0.5, 0.5], (len(images), 1)))
    with pytest.raises(ValueError, match=r"hide_color=.* cannot fill an image of shape \(8, 8, 3\)"):
        LimeImageExplainer().explain_instance(image, counting, hide_color=hide_color, num_samples=10,
                                              segmentation_fn=lambda im: np.arange(64).reshape(8, 8) // 32)
    assert counting.calls == 0
