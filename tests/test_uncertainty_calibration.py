"""Calibration against a known answer: models linear in the interpretable features (issue 14, item 5).

Across 100 seeds, the 95% intervals that one neighbourhood gives must contain the
across-seed mean weight in at least 85% of (seed, feature) pairs, and interval widths
must shrink about as 1/sqrt(num_samples).
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer

SEEDS = range(100)


def coverage_and_widths(explain, seeds, label):
    weights, lows, highs = [], [], []
    for seed in seeds:
        frame = explain(seed).uncertainty(label=label).sort_values("feature_id")
        weights.append(frame.weight.to_numpy())
        lows.append(frame.low.to_numpy())
        highs.append(frame.high.to_numpy())
    weights, lows, highs = map(np.array, (weights, lows, highs))
    mean = weights.mean(axis=0)
    covered = (lows <= mean) & (mean <= highs)
    return covered.mean(), (highs - lows).mean(axis=0), weights


# -- tabular, no discretization: a regression model linear in the (scaled) features, plus "noise" -------
@pytest.fixture(scope="module")
def tabular_case():
    rng = np.random.RandomState(0)
    training = rng.normal(size=(300, 5)) * [1.0, 2.0, 0.5, 3.0, 1.0] + [0, 5, -1, 2, 0]
    beta = np.array([1.0, -0.5, 2.0, 0.3, 0.0])

    def model(rows):
        rows = np.asarray(rows, dtype=float)
        # a deterministic high-frequency term: the model is not exactly linear, so weights vary by sample
        wiggle = np.sin(40.0 * rows @ np.array([0.7, 0.3, -0.5, 0.2, 0.9]))
        return rows @ beta + 0.8 * wiggle

    explainer_args = dict(mode="regression", discretize_continuous=False)

    def explain(seed, num_samples=500):
        explainer = LimeTabularExplainer(training, random_state=seed, **explainer_args)
        return explainer.explain_instance(training[7], model, num_features=5, num_samples=num_samples)

    return explain


def test_tabular_intervals_cover_the_mean_weight(tabular_case):
    coverage, _, weights = coverage_and_widths(tabular_case, SEEDS, label=1)
    assert weights.std(axis=0).min() > 0  # the weights do vary from seed to seed
    assert coverage >= 0.85, coverage


def test_tabular_widths_shrink_as_one_over_sqrt_n(tabular_case):
    seeds = range(15)
    _, small, _ = coverage_and_widths(lambda s: tabular_case(s, 500), seeds, label=1)
    _, large, _ = coverage_and_widths(lambda s: tabular_case(s, 2000), seeds, label=1)
    ratio = small / large  # 4x the rows: about half the width
    assert np.all((ratio > 1.6) & (ratio < 2.5)), ratio


# -- text with known word weights --------------------------------------------------------------------------
WORDS = [f"word{i}" for i in range(15)]
WORD_WEIGHTS = dict(zip(WORDS, np.random.RandomState(1).uniform(-0.03, 0.03, len(WORDS))))


def word_model(docs):
    """P(class 1) = 0.5 + the weights of the words present + a deterministic 'noise' per document."""
    p = []
    for doc in docs:
        noise = (zlib.crc32(doc.encode()) / 2**32 - 0.5) * 0.2
        p.append(0.5 + sum(WORD_WEIGHTS[w] for w in set(doc.split()) if w in WORD_WEIGHTS) + noise)
    p = np.array(p)
    return np.c_[1 - p, p]


def explain_text(seed, num_samples=500):
    explainer = LimeTextExplainer(random_state=seed)
    return explainer.explain_instance(" ".join(WORDS), word_model, num_features=len(WORDS),
                                      num_samples=num_samples)


def test_text_intervals_cover_the_mean_weight():
    coverage, _, weights = coverage_and_widths(explain_text, SEEDS, label=1)
    # the mean weights recover the known word weights
    exp = explain_text(0)
    words = [exp.domain_mapper.indexed_string.word(i) for i in range(len(WORDS))]
    known = np.array([WORD_WEIGHTS[w] for w in words])
    np.testing.assert_allclose(weights.mean(axis=0), known, atol=0.01)
    assert coverage >= 0.85, coverage


def test_text_widths_shrink_as_one_over_sqrt_n():
    seeds = range(10)
    _, small, _ = coverage_and_widths(lambda s: explain_text(s, 500), seeds, label=1)
    _, large, _ = coverage_and_widths(lambda s: explain_text(s, 2000), seeds, label=1)
    ratio = small / large
    assert np.all((ratio > 1.6) & (ratio < 2.5)), ratio
