"""The fast paths of an explanation give the numbers of the plain ones they replace."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import scipy.linalg
from sklearn.datasets import load_breast_cancer, load_wine
from threadpoolctl import threadpool_info

from lime_widget.core.blas import one_blas_thread
from lime_widget.core.surrogate import WeightedDesign, fit_label
from lime_widget.core.tabular import TabularExplainer


@pytest.mark.parametrize("discretizer", ["quartile", "decile", "entropy"])
@pytest.mark.parametrize("load", [load_breast_cancer, load_wine])
def test_one_row_binning_equals_the_discretizer(load, discretizer):
    X, y = load(return_X_y=True)
    X = X.copy()
    X[:, 2] = np.round(X[:, 2] / X[:, 2].max() * 3)  # a categorical column, left as it is
    explainer = TabularExplainer(X, categorical_features=[2], discretizer=discretizer, training_labels=y,
                                 random_state=0)
    assert explainer._sampler._boundaries is not None
    rows = [*X[:40], X[0] * 1.5, X[0] * 0.5, np.full(X.shape[1], -1e9), np.full(X.shape[1], 1e9)]
    for feature, boundaries in explainer.discretizer.boundaries.items():
        for value in boundaries:  # exactly on a boundary: the lower bin, as searchsorted
            row = X[1].copy()
            row[feature] = value
            rows.append(row)
    for row in rows:
        np.testing.assert_array_equal(explainer._sampler.bin_row(row), explainer.discretizer.discretize(row))


def test_a_discretizer_with_its_own_discretize_is_used_as_is():
    X, _ = load_wine(return_X_y=True)
    explainer = TabularExplainer(X, random_state=0)

    class Shifted(type(explainer.discretizer)):
        def discretize(self, data):
            return super().discretize(data) + 0  # a subclass's own rule, called as it is

    explainer.discretizer.__class__ = Shifted
    from lime_widget.core.tabular_sampling import _boundary_table

    assert _boundary_table(explainer.discretizer) is None


def weighted_reference(data, weights):
    """The weighted, centred Gram matrix and ridge solution, computed the plain way."""
    mean = weights @ data / weights.sum()
    centred = (data - mean) * np.sqrt(weights)[:, None]
    return np.einsum("ij,ik->jk", centred, centred), centred


@pytest.mark.parametrize("boolean", [True, False])
def test_gram_matrix_and_fits_equal_the_plain_computation(boolean):
    rng = np.random.RandomState(0)
    data = rng.rand(3000, 25) < 0.4 if boolean else rng.normal(size=(3000, 25))
    data = np.asfortranarray(data)  # as interpretable rows come (a transposed array)
    weights = np.exp(-rng.rand(3000))
    y = rng.rand(3000)
    design = WeightedDesign(data, weights)
    gram, centred = weighted_reference(data.astype(float), weights)
    np.testing.assert_allclose(design.gram, gram, rtol=1e-12, atol=1e-9)
    fit = fit_label(design, y, 0, 10, "highest_weights")
    # the same fit by a direct ridge solve on the chosen features
    used = np.array([f for f, _ in fit.weights])
    yc = (y - weights @ y / weights.sum()) * np.sqrt(weights)
    coef = np.linalg.solve(gram[np.ix_(used, used)] + np.eye(len(used)), centred[:, used].T @ yc)
    np.testing.assert_allclose([w for _, w in fit.weights], coef, rtol=1e-9, atol=1e-12)
    resid = centred[:, used] @ coef - yc
    assert fit.score == pytest.approx(1 - resid @ resid / (yc @ yc), abs=1e-12)
    # the ridge factor is scipy's cho_factor's, number for number
    factor, lower = design.ridge_factor(0.5)
    expected, expected_lower = scipy.linalg.cho_factor(design.gram + 0.5 * np.eye(25), check_finite=False)
    assert lower == expected_lower
    np.testing.assert_array_equal(np.triu(factor), np.triu(expected))


def test_a_design_gives_the_same_numbers_on_any_thread():
    rng = np.random.RandomState(1)
    data, weights = rng.normal(size=(1000, 100)), rng.rand(1000)  # a shape whose rounding depends on BLAS threads
    here = WeightedDesign(data, weights).gram
    there = []
    worker = threading.Thread(target=lambda: there.append(WeightedDesign(data, weights).gram))
    worker.start()
    worker.join()
    np.testing.assert_array_equal(here, there[0])


def blas_threads():
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_one_blas_thread_nests_and_restores_across_threads():
    before = blas_threads()
    inside, release = threading.Event(), threading.Event()

    def hold():
        with one_blas_thread():
            inside.set()
            release.wait(10)

    other = threading.Thread(target=hold)
    other.start()
    inside.wait(10)
    with one_blas_thread():
        with one_blas_thread():
            assert set(blas_threads()) == {1}
    assert set(blas_threads()) == {1}  # the other thread is still inside
    release.set()
    other.join()
    assert blas_threads() == before
