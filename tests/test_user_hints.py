"""Mistakes found in a fresh-user trial: each gets advice that names the argument and the fix."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

import lime_widget
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer


def never_called(rows):
    raise AssertionError("the model must not be called")


@pytest.mark.parametrize("make", [
    lambda: LimeTextExplainer(["neg", "pos"]),                # kernel_width
    lambda: LimeTextExplainer(25, None, ["neg", "pos"]),      # verbose
    lambda: LimeImageExplainer(0.25, ["cat", "dog"]),         # kernel
    lambda: LimeImageExplainer(0.25, None, False, ["a", "b"]),  # feature_selection
])
def test_class_names_in_any_leading_position_get_the_keyword_advice(make):
    with pytest.raises((TypeError, ValueError), match=r"class_names=\[\.\.\.\]"):
        make()


@pytest.fixture(scope="module")
def iris_exp():
    data = load_iris()
    model = LogisticRegression(max_iter=500).fit(data.data, data.target)
    explainer = LimeTabularExplainer(data.data, feature_names=data.feature_names,
                                     class_names=list(data.target_names), random_state=0)
    return explainer.explain_instance(data.data[0], model.predict_proba, labels=(0,), num_samples=300)


def test_a_class_name_as_label_is_told_its_index(iris_exp):
    with pytest.raises(KeyError, match=r"'setosa' is class 0, so use label=0\."):
        iris_exp.as_list(label="setosa")
    with pytest.raises(KeyError, match=r"'virginica' is class 2, so it was not explained; use "
                                       r"exp\.refit\(labels=\[2\]\)"):
        iris_exp.uncertainty(label="virginica")
    # the advice works
    refit = iris_exp.refit(labels=[2])
    assert len(refit.as_list(label=2)) == len(iris_exp.as_list(label=0))


@pytest.mark.parametrize("path", ["/tmp/cat.png", b"/tmp/cat.png"])
def test_an_image_file_name_is_refused_with_how_to_load_it(path):
    with pytest.raises(TypeError, match=r"image must be an array of pixels.*skimage\.io\.imread"):
        LimeImageExplainer(random_state=0).explain_instance(path, never_called, num_samples=10)


def test_to_frame_of_nothing_says_what_it_needs():
    with pytest.raises(TypeError, match="to_frame needs an explanation.*got NoneType"):
        lime_widget.to_frame(None)
    with pytest.raises(TypeError, match="got str"):
        lime_widget.to_frame("exp")
    assert lime_widget.to_frame([]).empty


@pytest.mark.parametrize("extra", [{"max_samples": 3000}, {"stability_target": 0.8}])
def test_auto_only_arguments_with_an_integer_num_samples_are_refused(extra):
    data = load_iris()
    explainer = LimeTabularExplainer(data.data, random_state=0)
    name = next(iter(extra))
    with pytest.raises(ValueError, match=rf"{name}=.* applies only with num_samples='auto'"):
        explainer.explain_instance(data.data[0], never_called, num_samples=500, **extra)
    with pytest.raises(ValueError, match=rf"{name}=.* applies only with num_samples='auto'"):
        LimeTextExplainer(random_state=0).explain_instance("a b c", never_called, num_samples=500, **extra)


def test_auto_refuses_a_fit_of_every_feature_before_the_model():
    data = load_iris()  # 4 features
    explainer = LimeTabularExplainer(data.data, random_state=0)
    with pytest.raises(ValueError, match=r"num_features=10 covers all 4 features.*below 4"):
        explainer.explain_instance(data.data[0], never_called, num_samples="auto", num_features=10)
    explainer.feature_selection = "none"
    with pytest.raises(ValueError, match="feature_selection='none' shows every feature"):
        explainer.explain_instance(data.data[0], never_called, num_samples="auto", num_features=2)
    with pytest.raises(ValueError, match=r"num_features=3 covers all 3 words"):
        LimeTextExplainer(random_state=0).explain_instance("a b c", never_called, num_samples="auto",
                                                           num_features=3)
    image = np.zeros((8, 8, 3))
    two_segments = np.repeat([[0] * 4 + [1] * 4], 8, axis=0)
    with pytest.raises(ValueError, match=r"num_features=100000 covers all 2 superpixels"):
        LimeImageExplainer(random_state=0).explain_instance(
            image, never_called, num_samples="auto", segmentation_fn=lambda img: two_segments)


def test_explain_many_refuses_auto_over_every_feature_once():
    from lime_widget.core.many import explain_many

    data = load_iris()
    with pytest.raises(ValueError, match=r"num_features=10 covers all 4 features"):
        explain_many(LimeTabularExplainer(data.data, random_state=0), data.data[:5], never_called,
                     num_samples="auto")


def test_a_kernel_width_whose_square_underflows_is_refused_without_numpy_warnings():
    import warnings

    data = load_iris()
    model = LogisticRegression(max_iter=500).fit(data.data, data.target)
    exp = LimeTabularExplainer(data.data, random_state=0).explain_instance(data.data[0], model.predict_proba,
                                                                          num_samples=300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from numpy before the message
        with pytest.raises(ValueError, match=r"kernel_width=1e-300 is too small: its square underflows"):
            exp.refit(kernel_width=1e-300)
        with pytest.raises(ValueError, match=r"kernel_width=1e-300 is too small"):
            LimeTextExplainer(kernel_width=1e-300)
