"""Test helpers shared by several test files: a counting model wrapper, tiny images,
and a small two-topic text corpus with a model trained on it."""

from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np


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


SPACE = "planet orbit rocket launch star galaxy moon comet telescope astronaut".split()
HEALTH = "doctor patient vaccine clinic fever surgery nurse virus therapy dose".split()
FILLER = "the a of and to in is was it for on with as this that by".split()


def make_document(rng: np.random.RandomState, topic: list[str], n_words: int) -> str:
    """A document of ``n_words`` words, about 30% from ``topic``, with punctuation."""
    words = np.where(rng.rand(n_words) < 0.3, rng.choice(topic, n_words), rng.choice(FILLER, n_words))
    seps = rng.choice([" ", " ", " ", ", ", ". "], n_words - 1)
    return "".join(w + s for w, s in zip(words, seps)) + words[-1] + "."


def topic_pipeline():
    """TF-IDF + LogisticRegression trained to tell SPACE (1) from HEALTH (0) documents."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    rng = np.random.RandomState(0)
    docs = [make_document(rng, SPACE if i % 2 else HEALTH, rng.randint(8, 40)) for i in range(200)]
    return make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(docs, [i % 2 for i in range(200)])


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll ``predicate`` every 20 ms until it holds (``True``) or ``timeout`` seconds pass (its last value)."""
    done = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return True
        done.wait(0.02)
    return predicate()
