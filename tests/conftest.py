"""Shared test helpers: small real models and a model wrapper that counts calls."""

from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np
import pytest


class CountingModel:
    """Wraps a prediction function; counts calls and rows, and can be told to fail.

    Thread-safe, because the widget re-samples in a worker thread.
    """

    def __init__(self, fn: Callable[[Any], Any]):
        self.fn = fn
        self.calls = 0
        self.rows = 0
        self.fail_with: Exception | None = None
        self._lock = threading.Lock()

    def __call__(self, rows: Any) -> Any:
        with self._lock:
            self.calls += 1
            self.rows += len(rows)
        if self.fail_with is not None:
            raise self.fail_with
        return self.fn(rows)

    def reset(self) -> None:
        with self._lock:
            self.calls = 0
            self.rows = 0


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


def tiny_image() -> np.ndarray:
    """A 24 x 32 RGB uint8 image with four colour blocks."""
    image = np.zeros((24, 32, 3), dtype=np.uint8)
    image[:12, :16] = (220, 30, 30)
    image[:12, 16:] = (30, 200, 30)
    image[12:, :16] = (30, 30, 220)
    image[12:, 16:] = (230, 230, 40)
    return image


def grid_segments(image: np.ndarray) -> np.ndarray:
    """Six superpixels in a 2 x 3 grid (labels 0..5)."""
    h, w = image.shape[:2]
    rows = (np.arange(h)[:, None] * 2) // h
    cols = (np.arange(w)[None, :] * 3) // w
    return (rows * 3 + cols).astype(np.int64)


def redness(images: np.ndarray) -> np.ndarray:
    """A cheap 'classifier': the probability of class 1 is the mean red share."""
    images = np.asarray(images, dtype=float)
    red = images[..., 0].mean(axis=(1, 2)) / (images.sum(axis=-1).mean(axis=(1, 2)) + 1e-9)
    p1 = np.clip(red, 0.0, 1.0)
    return np.stack([1 - p1, p1], axis=1)


@pytest.fixture
def image_exp():
    from lime_widget.lime_image import LimeImageExplainer

    counter = CountingModel(redness)
    explainer = LimeImageExplainer(random_state=0)
    exp = explainer.explain_instance(tiny_image(), counter, top_labels=2, num_samples=200,
                                     segmentation_fn=grid_segments, progress_bar=False)
    return exp, counter
