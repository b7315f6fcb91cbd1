"""lime_widget.explain picks the modality and model function; explain_many matches single calls."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

import lime_widget
from lime_widget.convenience import modality_of


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    return X, y, RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)


def test_tabular_explains_the_predicted_class(wine):
    X, _, model = wine
    exp = lime_widget.explain(model, X[60], X, num_features=3)
    predicted = int(np.argmax(model.predict_proba(X[60:61])))
    assert exp.top_labels == [predicted] and len(exp.as_list(predicted)) == 3
    assert exp.as_list(predicted) == lime_widget.explain(model, X[60], X, num_features=3).as_list(predicted)


def test_pandas_row_and_explicit_labels(wine):
    X, y, _ = wine
    df = pd.DataFrame(X, columns=[f"c{i}" for i in range(13)])
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(df, y)
    exp = lime_widget.explain(model, df.iloc[5], df, labels=[0, 2], num_features=2)
    assert sorted(exp.local_exp) == [0, 2] and exp.top_labels is None
    assert all(name.split()[0].startswith("c") or name.split()[-3].startswith("c") for name, _ in exp.as_list(0))


def test_regressor_and_plain_function(wine):
    X, _, _ = wine
    reg = RandomForestRegressor(n_estimators=5, random_state=0).fit(X[:, 1:], X[:, 0])
    exp = lime_widget.explain(reg, X[0, 1:], X[:, 1:], num_samples=300)
    assert exp.mode == "regression"
    fn_exp = lime_widget.explain(lambda rows: np.tile([0.3, 0.7], (len(rows), 1)), X[0], X, num_samples=200)
    assert fn_exp.mode == "classification" and fn_exp.predict_proba.tolist() == [0.3, 0.7]


def test_text_and_image_modalities():
    docs = ["good great fine", "bad awful poor", "great good", "poor bad"] * 5
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(docs, [1, 0, 1, 0] * 5)
    exp = lime_widget.explain(pipe, "good but poor", class_names=["neg", "pos"], num_samples=200)
    assert exp.domain_mapper.modality == "text"
    assert modality_of(np.zeros((8, 8, 3))) == "image" and modality_of(np.zeros(8)) == "tabular"
    assert modality_of(pd.Series([1.0])) == "tabular" and modality_of("x") == "text"


def test_clear_errors(wine):
    X, y, model = wine
    with pytest.raises(ValueError, match="training_data"):
        lime_widget.explain(model, X[0])
    with pytest.raises(ValueError, match="no predict_proba"):
        lime_widget.explain(SVC().fit(X, y), X[0], X, mode="classification")
    with pytest.raises(TypeError, match="estimator or a function"):
        lime_widget.explain(42, X[0], X)


def test_explain_many_matches_single_calls(wine):
    X, _, model = wine
    explainer = lime_widget.LimeTabularExplainer(X, random_state=2)
    many = lime_widget.explain_many(explainer, X[:3], model.predict_proba, n_jobs=2, num_features=3,
                                    num_samples=500)
    single = [explainer.explain_instance(x, model.predict_proba, num_features=3, num_samples=500) for x in X[:3]]
    assert [e.as_list() for e in many] == [e.as_list() for e in single]
