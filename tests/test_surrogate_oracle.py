"""Our surrogate against lime's LimeBase on the same neighbourhood (oracle, 1e-8)."""

import warnings

import numpy as np
import pytest
from lime.lime_base import LimeBase
from sklearn.linear_model import Lasso, Ridge

from lime_widget.core.neighborhood import Neighborhood
from lime_widget.core.surrogate import FEATURE_SELECTION_METHODS, exponential_kernel

TOL = 1e-8


def make_neighborhood(seed, n=1500, p=14, n_outputs=3, binary=True):
    rng = np.random.RandomState(seed)
    data = (rng.rand(n, p) > 0.4).astype(float) if binary else rng.randn(n, p)
    data[0] = 1.0 if binary else data[0]
    data[:, 5] = data[0, 5]  # a constant column: singular candidate sets in forward selection
    logits = data @ rng.randn(p, n_outputs) + 0.3 * rng.randn(n, n_outputs)
    outputs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    distances = np.sqrt(((data - data[0]) ** 2).sum(axis=1))
    return data, outputs, distances


def lime_fit(data, outputs, distances, label, num_features, method, width, regressor=None):
    base = LimeBase(lambda d: exponential_kernel(d, width))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return base.explain_instance_with_data(data, outputs, distances, label, num_features,
                                               feature_selection=method, model_regressor=regressor)


@pytest.mark.parametrize("method", FEATURE_SELECTION_METHODS)
@pytest.mark.parametrize("num_features", [1, 3, 8, 14])
@pytest.mark.parametrize("binary", [True, False])
def test_same_neighbourhood_same_surrogate(method, num_features, binary):
    data, outputs, distances = make_neighborhood(num_features, binary=binary)
    width = 2.0
    nb = Neighborhood(data, outputs, distances, exponential_kernel, width)
    ours = nb.fit([0, 2], num_features, method)
    for label in (0, 2):
        intercept, exp, score, local_pred = lime_fit(data, outputs, distances, label, num_features, method, width)
        fit = ours[label]
        assert [i for i, _ in fit.weights] == [int(i) for i, _ in exp]
        np.testing.assert_allclose([w for _, w in fit.weights], [w for _, w in exp], atol=TOL, rtol=0)
        assert fit.intercept == pytest.approx(intercept, abs=TOL)
        assert fit.score == pytest.approx(score, abs=TOL)
        assert fit.local_pred == pytest.approx(local_pred[0], abs=TOL)


def test_regression_outputs_match():
    rng = np.random.RandomState(4)
    data = (rng.rand(800, 6) > 0.5).astype(float)
    data[0] = 1
    y = (data @ rng.randn(6) + rng.randn(800) * 0.1)[:, None]
    d = rng.rand(800)
    d[0] = 0
    nb = Neighborhood(data, y, d, exponential_kernel, 0.8)
    fit = nb.fit([0], 4, "auto")[0]
    intercept, exp, score, local_pred = lime_fit(data, y, d, 0, 4, "auto", 0.8)
    np.testing.assert_allclose([w for _, w in fit.weights], [w for _, w in exp], atol=TOL, rtol=0)
    assert fit.score == pytest.approx(score, abs=TOL)
    assert fit.local_pred == pytest.approx(local_pred[0], abs=TOL)


@pytest.mark.parametrize("regressor", [Ridge(alpha=0.5), Lasso(alpha=0.001)])
def test_custom_model_regressor_is_cloned_and_matches(regressor):
    data, outputs, distances = make_neighborhood(7)
    nb = Neighborhood(data, outputs, distances, exponential_kernel, 1.5)
    fit = nb.fit([1], 5, "highest_weights", model_regressor=regressor)[1]
    assert not hasattr(regressor, "coef_"), "the user's regressor must not be fitted in place"
    intercept, exp, score, local_pred = lime_fit(data, outputs, distances, 1, 5, "highest_weights", 1.5,
                                                 regressor=Ridge(alpha=0.5) if isinstance(regressor, Ridge)
                                                 else Lasso(alpha=0.001))
    np.testing.assert_allclose([w for _, w in fit.weights], [w for _, w in exp], atol=TOL, rtol=0)
    assert fit.score == pytest.approx(score, abs=TOL)


def test_kernel_width_change_reweights():
    data, outputs, distances = make_neighborhood(3)
    nb = Neighborhood(data, outputs, distances, exponential_kernel, 2.0)
    narrow = nb.fit([1], 4, "auto", kernel_width=0.7)[1]
    intercept, exp, score, _ = lime_fit(data, outputs, distances, 1, 4, "auto", 0.7)
    np.testing.assert_allclose([w for _, w in narrow.weights], [w for _, w in exp], atol=TOL, rtol=0)
    assert narrow.score == pytest.approx(score, abs=TOL)


def test_bad_surrogate_settings_are_explained():
    data, outputs, distances = make_neighborhood(1)
    nb = Neighborhood(data, outputs, distances, exponential_kernel, 2.0)
    with pytest.raises(ValueError, match="feature_selection"):
        nb.fit([0], 3, "best")
    with pytest.raises(ValueError, match="num_features must be an integer >= 1"):
        nb.fit([0], 0)
    with pytest.raises(ValueError, match="kernel_width"):
        nb.fit([0], 3, kernel_width=-1)
    with pytest.raises(ValueError, match="label 7"):
        nb.fit([7], 3)


@pytest.mark.parametrize("method", ["auto", "highest_weights", "none", "forward_selection", "all_highest"])
def test_more_features_than_samples(method):
    """Long positional texts: the dual (samples x samples) path, as sklearn's Ridge."""
    rng = np.random.RandomState(9)
    n, p = 250, 600
    data = (rng.rand(n, p) > 0.3).astype(float)
    data[0] = 1.0
    logits = data @ rng.randn(p, 2) * 0.05
    outputs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    distances = 100 * (1 - data.sum(axis=1) / p)
    nb = Neighborhood(data, outputs, distances, exponential_kernel, 25.0)
    # "all_highest": every feature, in highest-weights order (a permutation) for the final ridge
    num_features = {"forward_selection": 4, "all_highest": p}.get(method, 8)
    method = "highest_weights" if method == "all_highest" else method
    fit = nb.fit([1], num_features, method)[1]
    intercept, exp, score, local_pred = lime_fit(data, outputs, distances, 1, num_features, method, 25.0)
    assert [i for i, _ in fit.weights] == [int(i) for i, _ in exp]
    np.testing.assert_allclose([w for _, w in fit.weights], [w for _, w in exp], atol=TOL, rtol=0)
    assert fit.score == pytest.approx(score, abs=TOL)
    assert fit.local_pred == pytest.approx(local_pred[0], abs=TOL)
    assert nb.design()._gram is None, "no features x features Gram when features outnumber samples"


def test_lime_base_drop_in():
    from lime_widget.lime_base import LimeBase as OurLimeBase

    data, outputs, distances = make_neighborhood(5)
    ours = OurLimeBase(lambda d: exponential_kernel(d, 2.0)).explain_instance_with_data(
        data, outputs, distances, 1, 4, feature_selection="forward_selection")
    theirs = lime_fit(data, outputs, distances, 1, 4, "forward_selection", 2.0)
    assert [i for i, _ in ours[1]] == [int(i) for i, _ in theirs[1]]
    np.testing.assert_allclose([w for _, w in ours[1]], [w for _, w in theirs[1]], atol=TOL, rtol=0)
    assert ours[0] == pytest.approx(theirs[0], abs=TOL) and ours[2] == pytest.approx(theirs[2], abs=TOL)
    np.testing.assert_allclose(ours[3], theirs[3], atol=TOL)


@pytest.mark.parametrize("seed", range(6))
def test_forward_selection_breaks_ties_between_duplicate_columns_as_lime(seed):
    # Identical columns score identically in lime, which keeps the first; rounding must not pick the copy.
    # Not beyond 8 features: once a spanned column is the best lime can do, its unregularised fits on a
    # singular design return R² values that are rounding noise (even above the least-squares optimum).
    data, outputs, distances = make_neighborhood(seed, binary=bool(seed % 2))
    data[:, 9] = data[:, 2]
    nb = Neighborhood(data, outputs, distances, exponential_kernel, 2.0)
    for num_features in (4, 8):
        ours = nb.fit([1], num_features, "forward_selection")[1]
        _, exp, _, _ = lime_fit(data, outputs, distances, 1, num_features, "forward_selection", 2.0)
        assert sorted(i for i, _ in ours.weights) == sorted(int(i) for i, _ in exp)
