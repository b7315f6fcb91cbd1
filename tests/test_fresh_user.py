"""What a lime user meets first with ``lime_widget.explain``: the model's own class names,
and mistakes refused before the model is called."""

import warnings

import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import lime_widget
from lime_widget.convenience import default_class_names

DOCS = ["good great fun", "bad awful boring", "great good plot", "awful bad plot"] * 3


@pytest.fixture(scope="module")
def wine():
    data = load_wine()
    X = pd.DataFrame(data.data, columns=data.feature_names)
    names = np.array(["barolo", "grignolino", "barbera"])[data.target]
    return X, names, RandomForestClassifier(n_estimators=10, random_state=0).fit(X, names)


def test_string_classes_name_the_classes(wine):
    X, _, model = wine
    exp = lime_widget.explain(model, X.iloc[0], training_data=X, num_features=3)
    # predict_proba's columns follow classes_, which scikit-learn sorts
    assert exp.class_names == ["barbera", "barolo", "grignolino"] == list(model.classes_)
    assert exp.class_names[exp.top_labels[0]] == model.predict(X.iloc[:1])[0] == "barolo"
    named = lime_widget.explain(model, X.iloc[0], training_data=X, num_features=3,
                                class_names=["barbera", "barolo", "grignolino"])
    assert exp.as_list(exp.top_labels[0]) == named.as_list(named.top_labels[0])


def test_class_names_given_win_and_regressors_have_none(wine):
    X, _, model = wine
    exp = lime_widget.explain(model, X.iloc[0], training_data=X, num_features=2, class_names=["a", "b", "c"])
    assert exp.class_names == ["a", "b", "c"]
    reg = RandomForestRegressor(n_estimators=5, random_state=0).fit(X.iloc[:, 1:], X.iloc[:, 0])
    assert default_class_names(reg, "regression") is None
    assert default_class_names(lambda rows: rows, "classification") is None


def test_text_pipeline_classes():
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(DOCS, ["pos", "neg"] * 6)
    exp = lime_widget.explain(pipe, "awful boring plot", num_samples=300)
    assert exp.class_names == ["neg", "pos"]
    assert exp.class_names[exp.top_labels[0]] == pipe.predict(["awful boring plot"])[0] == "neg"


@pytest.mark.parametrize("docs", [["good plot"], ("good plot", "bad plot"), pd.Series(["good plot"]),
                                  np.array(["good plot"])])
def test_documents_in_a_container_are_refused_before_the_model(docs):
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(DOCS, [1, 0] * 6)
    predict = CountingModel(pipe.predict_proba)
    with pytest.raises(ValueError, match=r"instance is a \w+ of \d string\(s\); explain\(\) explains one document"):
        lime_widget.explain(predict, docs)
    assert predict.calls == 0


def test_a_table_row_of_strings_with_training_data_is_still_tabular():
    frame = pd.DataFrame({"city": ["paris", "rome", "oslo"] * 20, "job": ["a", "b"] * 30})
    model = CountingModel(lambda rows: np.tile([0.25, 0.75], (len(rows), 1)))
    exp = lime_widget.explain(model, frame.iloc[0], training_data=frame, num_samples=50)
    assert exp.domain_mapper.modality == "tabular" and model.calls >= 1


def test_a_model_class_is_refused_before_any_call(wine):
    X, _, _ = wine
    with pytest.raises(TypeError, match=r"got the class RandomForestClassifier; pass an instance fitted"):
        lime_widget.explain(RandomForestClassifier, X.iloc[0], training_data=X)


def test_explain_passes_auto_num_samples_through(wine):
    X, _, model = wine
    with warnings.catch_warnings():  # "auto" may warn that it stopped below its target
        warnings.simplefilter("ignore")
        exp = lime_widget.explain(model, X.iloc[7], training_data=X, num_features=3, num_samples="auto")
        same = lime_widget.LimeTabularExplainer(X, class_names=list(model.classes_), random_state=0).explain_instance(
            X.iloc[7], model.predict_proba, num_features=3, num_samples="auto", top_labels=1)
    assert exp.num_samples == same.num_samples and exp.num_samples % 500 == 0
    assert exp.as_list(exp.top_labels[0]) == same.as_list(same.top_labels[0])
