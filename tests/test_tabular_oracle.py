"""The tabular explainer against lime 0.2.0.1: same seed, same explanation."""

import warnings

import numpy as np
import pytest
from lime import lime_tabular as reference
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

from lime_widget import lime_tabular

TOL = 1e-8


@pytest.fixture(scope="module", params=["wine", "breast_cancer"])
def dataset(request):
    X, y = (load_wine if request.param == "wine" else load_breast_cancer)(return_X_y=True)
    model = RandomForestClassifier(n_estimators=25, random_state=0).fit(X, y)
    return X, y, model


def with_categorical(X):
    """X with its first column replaced by a 3-level integer category."""
    X = X.copy()
    X[:, 0] = np.digitize(X[:, 0], np.percentile(X[:, 0], [33, 66]))
    return X


CONFIGS = {
    "quartile": {},
    "no_discretization": {"discretize_continuous": False},
    "decile": {"discretizer": "decile"},
    "entropy": {"discretizer": "entropy"},
    "categorical": {"categorical_features": [0], "categorical_names": {0: ["low", "mid", "high"]}},
    "categorical_continuous": {"categorical_features": [0], "discretize_continuous": False},
    "around_instance": {"discretize_continuous": False, "sample_around_instance": True},
}


def assert_same(ours, theirs, labels):
    for label in labels:
        a, b = ours.as_list(label), theirs.as_list(label)
        assert [n for n, _ in a] == [n for n, _ in b]
        np.testing.assert_allclose([w for _, w in a], [w for _, w in b], atol=TOL, rtol=0)
        assert ours.intercept[label] == pytest.approx(theirs.intercept[label], abs=TOL)


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("num_features", [3, 10])
def test_first_call_equals_fresh_lime(dataset, config, num_features):
    X, y, model = dataset
    kwargs = dict(CONFIGS[config])
    if "categorical_features" in kwargs:
        X = with_categorical(X)
        model = RandomForestClassifier(n_estimators=25, random_state=0).fit(X, y)
    if kwargs.get("discretizer") == "entropy":
        kwargs["training_labels"] = y
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference.LimeTabularExplainer(X, random_state=11, **kwargs).explain_instance(
            X[7], model.predict_proba, num_features=num_features, top_labels=2)
    ours = lime_tabular.LimeTabularExplainer(X, random_state=11, **kwargs).explain_instance(
        X[7], model.predict_proba, num_features=num_features, top_labels=2)
    assert ours.top_labels == theirs.top_labels
    np.testing.assert_allclose(ours.predict_proba, theirs.predict_proba)
    assert_same(ours, theirs, theirs.available_labels())
    # lime keeps the last fitted label's score/local_pred; we keep every label's too
    assert ours.score == pytest.approx(theirs.score, abs=TOL)
    assert ours.local_pred[0] == pytest.approx(theirs.local_pred[0], abs=TOL)


def test_regression_matches_lime():
    X, _ = load_wine(return_X_y=True)
    target = X[:, 0]
    features = X[:, 1:]
    model = RandomForestRegressor(n_estimators=20, random_state=0).fit(features, target)
    theirs = reference.LimeTabularExplainer(features, mode="regression", random_state=2).explain_instance(
        features[3], model.predict, num_features=5)
    ours = lime_tabular.LimeTabularExplainer(features, mode="regression", random_state=2).explain_instance(
        features[3], model.predict, num_features=5)
    assert_same(ours, theirs, [1])
    assert ours.local_exp[0] == theirs.local_exp[0] or np.allclose(
        [w for _, w in ours.local_exp[0]], [w for _, w in theirs.local_exp[0]], atol=TOL)
    assert ours.predicted_value == pytest.approx(theirs.predicted_value)
    assert (ours.min_value, ours.max_value) == pytest.approx((theirs.min_value, theirs.max_value))


def test_training_data_stats_matches_lime():
    X, y = load_wine(return_X_y=True)
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    fitted = reference.LimeTabularExplainer(X, random_state=0).discretizer
    stats = {
        "means": fitted.means, "stds": fitted.stds, "mins": fitted.mins, "maxs": fitted.maxs,
        "bins": {f: np.percentile(X[:, f], [25, 50, 75]) for f in range(X.shape[1])},
        "feature_values": {f: [0.0, 1.0, 2.0, 3.0] for f in range(X.shape[1])},
        "feature_frequencies": {f: [0.25, 0.25, 0.25, 0.25] for f in range(X.shape[1])},
    }
    theirs = reference.LimeTabularExplainer(X, random_state=5, training_data_stats=stats).explain_instance(
        X[1], model.predict_proba, num_features=4)
    ours = lime_tabular.LimeTabularExplainer(X, random_state=5, training_data_stats=stats).explain_instance(
        X[1], model.predict_proba, num_features=4)
    assert_same(ours, theirs, [1])


def test_same_seed_same_answer_every_call(dataset):
    X, _, model = dataset
    explainer = lime_tabular.LimeTabularExplainer(X, random_state=3)
    first = explainer.explain_instance(X[2], model.predict_proba, num_features=5)
    second = explainer.explain_instance(X[2], model.predict_proba, num_features=5)
    assert first.as_list() == second.as_list()
    # lime's explainer drifts between calls (documented difference)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference.LimeTabularExplainer(X, random_state=3)
        a = theirs.explain_instance(X[2], model.predict_proba, num_features=5).as_list()
        b = theirs.explain_instance(X[2], model.predict_proba, num_features=5).as_list()
    assert a != b


def test_recurrent_explainer_matches_lime():
    rng = np.random.RandomState(0)
    sequences = rng.randn(300, 4, 3)  # (samples, timesteps, features)
    weights = rng.randn(4, 3)

    def classifier(batch):
        assert batch.ndim == 3 and batch.shape[1:] == (4, 3)
        p = 1 / (1 + np.exp(-(batch * weights).sum(axis=(1, 2))))
        return np.stack([1 - p, p], axis=1)

    names = ["a", "b", "c"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference.RecurrentTabularExplainer(sequences, feature_names=names, random_state=1).explain_instance(
            sequences[5], classifier, num_features=4)
    ours = lime_tabular.RecurrentTabularExplainer(sequences, feature_names=names, random_state=1).explain_instance(
        sequences[5], classifier, num_features=4)
    assert_same(ours, theirs, [1])
    assert all("_t-" in name for name, _ in ours.as_list())  # one feature per (feature, timestep)
    with pytest.raises(ValueError, match="n_timesteps, n_features"):
        lime_tabular.RecurrentTabularExplainer(sequences, feature_names=names).explain_instance(
            sequences[5].T, classifier)


@pytest.mark.parametrize("config", ["quartile", "categorical_continuous"])
def test_later_rows_equal_a_fresh_lime_explainer(dataset, config):
    # with an integer seed the explainer keeps its draws; any later row must still be lime's first call
    X, y, model = dataset
    kwargs = dict(CONFIGS[config])
    if "categorical_features" in kwargs:
        X = with_categorical(X)
        model = RandomForestClassifier(n_estimators=25, random_state=0).fit(X, y)
    ours = lime_tabular.LimeTabularExplainer(X, random_state=11, **kwargs)
    ours.explain_instance(X[7], model.predict_proba, num_features=4)
    for index in (9, 30):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = reference.LimeTabularExplainer(X, random_state=11, **kwargs).explain_instance(
                X[index], model.predict_proba, num_features=4)
        assert_same(ours.explain_instance(X[index], model.predict_proba, num_features=4), theirs, [1])


def test_a_random_state_instance_drifts_through_lime_s_draws(dataset):
    # a RandomState object is one stream across calls, in lime as here: call k equals lime's call k
    X, _, model = dataset
    ours = lime_tabular.LimeTabularExplainer(X, random_state=np.random.RandomState(4))
    theirs = reference.LimeTabularExplainer(X, random_state=np.random.RandomState(4))
    answers = []
    for _ in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = theirs.explain_instance(X[3], model.predict_proba, num_features=4)
        got = ours.explain_instance(X[3], model.predict_proba, num_features=4)
        assert_same(got, expected, [1])
        answers.append(got.as_list())
    assert answers[0] != answers[1]
