"""Sparse (scipy.sparse) tabular input against lime 0.2.0.1.

lime samples a sparse row only in its non-zero columns. Our neighbourhood (the rows
the model sees) equals lime's draw for draw; the surrogate equals lime's
``LimeBase`` on that neighbourhood divided by the training scale (lime multiplies
sparse rows by the scale, a slip we fix: see the README's differences).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from lime.lime_base import LimeBase
from lime.lime_tabular import LimeTabularExplainer as LimeReference
from sklearn.datasets import make_multilabel_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import pairwise_distances

from lime_widget.lime_tabular import LimeTabularExplainer

TOL = 1e-8


@pytest.fixture(scope="module")
def counts():
    """lime's own sparse test data: word counts from make_multilabel_classification."""
    X, y = make_multilabel_classification(n_samples=100, sparse=True, n_features=20, n_classes=1, n_labels=2,
                                          random_state=0)
    return X, RandomForestClassifier(n_estimators=30, random_state=0).fit(X, y.ravel())


@pytest.fixture(scope="module")
def wide():
    """200 rows x 30 columns at 10% density, a logistic model, and a row with 3 non-zeros (unsorted)."""
    X = sp.random(200, 30, density=0.1, random_state=1, format="csr") * 5
    coef = np.random.RandomState(0).normal(size=30)

    def model(rows):
        p = 1 / (1 + np.exp(-np.asarray(rows @ coef).ravel()))
        return np.stack([1 - p, p], axis=1)

    row = sp.csr_matrix(([1.5, 2.0, 0.7], [7, 3, 21], [0, 3]), shape=(1, 30))
    return X, model, row


def recording(fn):
    def call(rows):
        call.rows.append(rows.copy())
        return fn(rows)
    call.rows = []
    return call


def lime_surrogate_on(rows, predict, scale, label, num_features, feature_selection, metric="euclidean"):
    """lime's LimeBase on ``rows`` divided by ``scale`` (dense), with lime's default kernel."""
    scaled = sp.csr_matrix(rows.multiply(1 / scale)).toarray()
    distances = pairwise_distances(scaled, scaled[:1], metric=metric).ravel()
    width = np.sqrt(rows.shape[1]) * 0.75
    base = LimeBase(lambda d: np.sqrt(np.exp(-(d**2) / width**2)))
    return base.explain_instance_with_data(scaled, predict(rows), distances, label, num_features,
                                           feature_selection=feature_selection)


def assert_same_fit(ours, label, reference):
    intercept, weights, score, local_pred = reference
    assert [i for i, _ in ours.local_exp[label]] == [int(i) for i, _ in weights]
    np.testing.assert_allclose([w for _, w in ours.local_exp[label]], [w for _, w in weights], atol=TOL, rtol=0)
    assert ours.intercept[label] == pytest.approx(intercept, abs=TOL)
    assert ours.scores[label] == pytest.approx(score, abs=TOL)
    assert ours.local_preds[label][0] == pytest.approx(local_pred[0], abs=TOL)


@pytest.mark.parametrize("num_features, feature_selection, metric", [
    (10, "auto", "euclidean"), (3, "auto", "euclidean"), (20, "none", "euclidean"),
    (5, "lasso_path", "euclidean"), (8, "highest_weights", "cosine"), (25, "forward_selection", "manhattan"),
])
def test_sparse_neighbourhood_and_surrogate_equal_lime_s(counts, num_features, feature_selection, metric):
    X, model = counts
    lime_rows = recording(model.predict_proba)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = LimeReference(X, random_state=3)
        reference.explain_instance(X[5], lime_rows, num_samples=300, distance_metric=metric)
    our_rows = recording(model.predict_proba)
    ours = LimeTabularExplainer(X, random_state=3, feature_selection=feature_selection).explain_instance(
        X[5], our_rows, num_samples=300, num_features=num_features, distance_metric=metric)
    assert sp.issparse(our_rows.rows[0]) and our_rows.rows[0].format == "csr"
    assert abs(our_rows.rows[0] - lime_rows.rows[0]).max() == 0.0  # the same draws, draw for draw
    assert our_rows.rows[0].nnz == 300 * X[5].nnz  # only the row's non-zero columns are stored
    assert_same_fit(ours, 1, lime_surrogate_on(lime_rows.rows[0], model.predict_proba, reference.scaler.scale_, 1,
                                               min(num_features, 20), feature_selection, metric))


@pytest.mark.parametrize("num_features, feature_selection", [(10, "auto"), (4, "auto"), (10, "none")])
def test_fewer_non_zeros_than_features(wide, num_features, feature_selection):
    """Zero columns get weight 0 and pad the list in column order, as lime's dense surrogate does."""
    X, model, row = wide
    lime_rows = recording(model)
    reference = LimeReference(X, random_state=4)
    reference.explain_instance(row, lime_rows, num_samples=200, num_features=num_features)
    our_rows = recording(model)
    ours = LimeTabularExplainer(X, random_state=4, feature_selection=feature_selection).explain_instance(
        row, our_rows, num_samples=200, num_features=num_features)
    assert abs(our_rows.rows[0] - lime_rows.rows[0]).max() == 0.0
    expected = lime_surrogate_on(lime_rows.rows[0], model, reference.scaler.scale_, 1, num_features,
                                 feature_selection)
    assert_same_fit(ours, 1, expected)
    assert [i for i, _ in ours.local_exp[1][:3]] == [3, 21, 7] and ours.local_exp[1][3] == (0, 0.0)
    assert len(ours.as_list()) == (30 if feature_selection == "none" else num_features)


def test_lime_s_own_sparse_test_gives_ten_features(counts):
    X, model = counts
    exp = LimeTabularExplainer(X, feature_names=[f"feature{i}" for i in range(20)],
                               discretize_continuous=True).explain_instance(X[7], model.predict_proba)
    assert len(exp.as_list()) == 10
    assert all(name.startswith("feature") and "<" not in name for name, _ in exp.as_list())  # never binned


def test_same_seed_same_answer_and_refit(wide):
    X, model, row = wide
    explainer = LimeTabularExplainer(X, random_state=1)
    first = explainer.explain_instance(row, model, num_samples=150)
    second = explainer.explain_instance(row, model, num_samples=150)
    assert first.as_map() == second.as_map()
    refit = first.refit(num_features=2)
    assert [i for i, _ in refit.local_exp[1]] == [3, 21]
    assert first.refit(feature_selection="none").local_exp[1][:3] == first.local_exp[1][:3]


def test_sample_around_instance_and_lhs(wide):
    X, model, row = wide
    rows = recording(model)
    LimeTabularExplainer(X, random_state=2, sample_around_instance=True).explain_instance(row, rows, num_samples=4000)
    values = rows.rows[0][1:, [3, 7, 21]].toarray()
    np.testing.assert_allclose(values.mean(axis=0), [2.0, 1.5, 0.7], atol=0.15)  # centred on the row
    rows = recording(model)
    LimeTabularExplainer(X, random_state=2).explain_instance(row, rows, num_samples=100, sampling_method="lhs")
    assert rows.rows[0].nnz == 300


def test_all_zero_row_and_dense_row(wide):
    X, model, _ = wide
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(sp.csr_matrix((1, 30)), model, num_samples=50)
    assert exp.as_list()[:2] == [("0", 0.0), ("1", 0.0)]
    # a dense row with sparse training data is perturbed in every column, as lime does
    rows = recording(model)
    LimeTabularExplainer(X, random_state=0).explain_instance(X[0].toarray()[0], rows, num_samples=50)
    assert isinstance(rows.rows[0], np.ndarray) and rows.rows[0].shape == (50, 30)


def test_sparse_row_with_a_dense_explainer_is_read_densely(wide):
    X, model, row = wide
    dense = LimeTabularExplainer(X.toarray(), random_state=0)
    assert dense.explain_instance(row, model, num_samples=60).as_map() == dense.explain_instance(
        row.toarray()[0], model, num_samples=60).as_map()


def test_wide_sparse_data_is_never_densified():
    """20,000 columns: dense training data would take 80 MB, a dense neighbourhood 16 MB."""
    import tracemalloc

    X = sp.random(500, 20_000, density=0.002, random_state=0, format="csr")
    weights = np.random.RandomState(1).normal(size=20_000)

    def model(rows):
        p = 1 / (1 + np.exp(-np.asarray(rows @ weights).ravel()))
        return np.stack([1 - p, p], axis=1)

    tracemalloc.start()
    try:
        exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[3], model, num_samples=100)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12e6
    assert {i for i, w in exp.local_exp[1] if w != 0} <= set(X[3].indices.tolist())


def test_bad_sparse_input_is_explained(wide):
    X, model, row = wide
    bad = X.copy()
    bad.data[0] = np.nan
    with pytest.raises(ValueError, match="training_data contains NaN"):
        LimeTabularExplainer(bad)
    with pytest.raises(ValueError, match="categorical_features are not supported with sparse"):
        LimeTabularExplainer(X, categorical_features=[1])
    explainer = LimeTabularExplainer(X)
    with pytest.raises(ValueError, match=r"one row of 30 values.*\(2, 30\)"):
        explainer.explain_instance(X[:2], model)
    bad_row = row.copy()
    bad_row.data[1] = np.inf
    with pytest.raises(ValueError, match="data_row contains NaN"):
        explainer.explain_instance(bad_row, model)
    with pytest.raises(ValueError, match="training_data is empty"):
        LimeTabularExplainer(sp.csr_matrix((0, 5)))
