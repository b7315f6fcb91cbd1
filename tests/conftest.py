"""Shared fixtures: small real models and explanations made with a call-counting model."""

from __future__ import annotations

import pytest
from helpers import CountingModel, grid_segments, redness, tiny_image


@pytest.fixture(scope="session")
def wine_model():
    from sklearn.datasets import load_wine
    from sklearn.ensemble import RandomForestClassifier

    data = load_wine()
    model = RandomForestClassifier(n_estimators=30, random_state=0).fit(data.data, data.target)
    return data, model


@pytest.fixture
def wine_exp(wine_model):
    """A tabular explanation of wine row 0 (labels 0 and 1) and its counting model."""
    from lime_widget.lime_tabular import LimeTabularExplainer

    data, model = wine_model
    counter = CountingModel(model.predict_proba)
    explainer = LimeTabularExplainer(data.data, feature_names=data.feature_names,
                                     class_names=list(data.target_names), random_state=0)
    exp = explainer.explain_instance(data.data[0], counter, labels=(0, 1), num_features=5, num_samples=1000)
    return exp, counter


@pytest.fixture(scope="session")
def text_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    docs = ["god is great and church is good", "the church and the bible", "pray to god every day",
            "atheism rejects god", "no god exists, only science", "science and reason, not faith",
            "bible study at church", "evidence and reason matter", "faith in god", "reason over dogma"]
    y = [1, 1, 1, 0, 0, 0, 1, 0, 1, 0]
    return make_pipeline(TfidfVectorizer(), LogisticRegression(C=10.0)).fit(docs, y)


@pytest.fixture
def text_exp(text_model):
    from lime_widget.lime_text import LimeTextExplainer

    counter = CountingModel(text_model.predict_proba)
    explainer = LimeTextExplainer(class_names=["atheism", "christian"], random_state=0)
    doc = "I pray to god at church, but reason and science matter to me too."
    exp = explainer.explain_instance(doc, counter, labels=(0, 1), num_features=4, num_samples=500)
    return exp, counter


@pytest.fixture
def image_exp():
    from lime_widget.lime_image import LimeImageExplainer

    counter = CountingModel(redness)
    explainer = LimeImageExplainer(random_state=0)
    exp = explainer.explain_instance(tiny_image(), counter, top_labels=2, num_samples=200,
                                     segmentation_fn=grid_segments, progress_bar=False)
    return exp, counter
