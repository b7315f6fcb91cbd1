"""Cases found by a fresh user's trial of the package (classifiers without probabilities,
channels-first images, names passed positionally, 'auto' warnings kept on the explanation)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.linear_model import RidgeClassifier
from sklearn.svm import LinearSVC

import lime_widget
from lime_widget.convenience import infer_mode
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer


@pytest.fixture(scope="module")
def wine():
    data = load_wine()
    return data.data, data.target


@pytest.mark.parametrize("make", [lambda: LinearSVC(), lambda: RidgeClassifier()])
def test_a_classifier_without_probabilities_is_refused_with_advice_not_explained_as_a_regressor(wine, make):
    X, y = wine
    model = make().fit(X, y)
    assert infer_mode(model) == "classification"
    with pytest.raises(ValueError, match=r"has no predict_proba.*CalibratedClassifierCV"):
        lime_widget.explain(model, X[0], training_data=X)
    with pytest.raises(ValueError, match=r"has no predict_proba.*CalibratedClassifierCV"):
        lime_widget.ErrorReview(model, X[:20], y[:20], training_data=X)


def test_class_labels_from_predict_get_advice_for_models_without_predict_proba(wine):
    X, y = wine
    model = LinearSVC().fit(X, y)
    with pytest.raises(ValueError, match=r"class labels from predict\(\).*CalibratedClassifierCV"):
        LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict, num_samples=50)


def test_a_channels_first_image_is_refused_before_the_model():
    calls = []

    def classifier(batch):
        calls.append(batch.shape)
        return np.tile([0.5, 0.5], (len(batch), 1))

    image = np.random.RandomState(0).rand(3, 48, 48)
    with pytest.raises(ValueError, match=r"\(3, 48, 48\), which looks channels-first.*np\.moveaxis"):
        LimeImageExplainer(random_state=0).explain_instance(image, classifier, num_samples=20)
    assert calls == []
    # (H, W, C) still works, and a 3-row strip with few channels is not mistaken for one
    LimeImageExplainer(random_state=0).explain_instance(np.moveaxis(image, 0, -1), classifier, num_samples=20,
                                                       segmentation_fn=lambda im: np.arange(48 * 48).reshape(48, 48) // 300)


def test_names_passed_positionally_to_the_tabular_explainer_get_a_keyword_hint(wine):
    X, _ = wine
    names = [f"f{i}" for i in range(X.shape[1])]
    with pytest.raises(ValueError, match=r"look like names passed positionally: pass them by keyword"):
        LimeTabularExplainer(X, names, ["a", "b", "c"])


def test_auto_stop_warnings_are_kept_on_the_explanation(wine):
    X, y = wine
    from sklearn.ensemble import RandomForestClassifier
    model = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    explainer = LimeTabularExplainer(X, random_state=0)
    with pytest.warns(UserWarning, match="num_samples='auto' stopped at") as caught:
        exp = explainer.explain_instance(X[70], model.predict_proba, num_features=10, num_samples="auto",
                                         max_samples=900, labels=(1,))
    message = next(str(w.message) for w in caught if "stopped at" in str(w.message))
    assert message in exp.warnings
    # the printed stability never rounds up to the target it missed
    assert exp.neighborhood.auto_stop.stability < 0.9
    assert f"{np.floor(exp.neighborhood.auto_stop.stability * 100) / 100:.2f}" in message


def test_lime_display_options_are_accepted_and_typos_refused(wine, tmp_path):
    X, y = wine
    from sklearn.ensemble import RandomForestClassifier
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict_proba, num_samples=100)
    exp.as_html(predict_proba=False, show_predicted_value=False, show_table=False, show_all=True)
    exp.save_to_file(str(tmp_path / "x.html"), show_table=True)
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['show_tabel'\]"):
        exp.as_html(show_tabel=False)
    with pytest.raises(ValueError, match="show_all must be True or False"):
        exp.save_to_file(str(tmp_path / "y.html"), show_all="no")
