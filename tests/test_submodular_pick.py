"""Submodular pick: lime's algorithm (oracle) and real explainers."""

import warnings

import numpy as np
import pandas as pd
import pytest
from lime import submodular_pick as lime_sp
from sklearn.datasets import load_wine
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lime_widget.core.pick import explanation_matrix, global_importance, greedy_pick
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.submodular_pick import SubmodularPick


class FakeExplanation:
    """Just what submodular pick reads: mode, available_labels, as_list."""

    def __init__(self, weights, mode="classification"):
        self.weights = weights  # {label: [(name, weight), ...]}
        self.mode = mode

    def available_labels(self):
        return list(self.weights)

    def as_list(self, label=1, **kwargs):
        return list(self.weights[label])


class ReplayExplainer:
    """Returns a fixed explanation per row index, counting calls; works for lime's class too."""

    def __init__(self, explanations, random_state=None):
        self.explanations = explanations
        self.random_state = random_state
        self.calls = []

    def explain_instance(self, row, predict_fn, num_features=10, top_labels=1, **kwargs):
        self.calls.append((int(row), num_features, top_labels, kwargs))
        return self.explanations[int(row)]


def random_explanations(seed, n=40, n_names=25, with_ties=True):
    rng = np.random.RandomState(seed)
    names = [f"f{j}" for j in range(n_names)]
    out = []
    for _ in range(n):
        weights = {}
        for label in rng.choice(3, size=rng.randint(1, 3), replace=False):
            chosen = rng.choice(n_names, size=rng.randint(0, 6), replace=False)
            weights[int(label)] = [(names[j], float(rng.randn())) for j in chosen]
        out.append(FakeExplanation(weights))
    if with_ties:
        out[7] = out[3]  # identical coverage: lime keeps the later index
        out[12] = FakeExplanation({0: []})  # covers nothing
        out[20] = FakeExplanation({0: [("f1", 0.5)], 1: [("f1", -0.5)]})  # cancels to zero
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 5, 40])
def test_full_pick_equals_lime(seed, k):
    exps = random_explanations(seed)
    data = np.arange(len(exps))
    theirs = lime_sp.SubmodularPick(ReplayExplainer(exps), data, None, method="full", num_exps_desired=k)
    ours = SubmodularPick(ReplayExplainer(exps), data, None, method="full", num_exps_desired=k)
    assert ours.V == theirs.V
    assert all(a is b for a, b in zip(ours.sp_explanations, theirs.sp_explanations))


def test_sample_pick_equals_lime_with_the_global_generator():
    exps = random_explanations(1, n=30)
    data = np.arange(len(exps))
    np.random.seed(123)
    theirs = lime_sp.SubmodularPick(ReplayExplainer(exps), data, None, sample_size=10, num_exps_desired=4,
                                    num_features=7, num_samples=50)
    explainer = ReplayExplainer(exps, random_state=None)
    np.random.seed(123)
    ours = SubmodularPick(explainer, data, None, sample_size=10, num_exps_desired=4, num_features=7, num_samples=50)
    assert [e for e in ours.explanations] == [e for e in theirs.explanations]
    assert ours.V == theirs.V
    assert [c[0] for c in explainer.calls] == list(ours.sample_indices)
    assert explainer.calls[0][1:] == (7, 1, {"num_samples": 50})


def test_sample_is_seeded_by_the_explainer():
    exps = random_explanations(2, n=30)
    data = np.arange(30)
    a = SubmodularPick(ReplayExplainer(exps, random_state=5), data, None, sample_size=8)
    np.random.seed(0)  # the global generator plays no part with a seeded explainer
    b = SubmodularPick(ReplayExplainer(exps, random_state=5), data, None, sample_size=8)
    np.testing.assert_array_equal(a.sample_indices, b.sample_indices)
    np.testing.assert_array_equal(a.sample_indices, np.random.RandomState(5).permutation(30)[:8])
    c = SubmodularPick(ReplayExplainer(exps, random_state=6), data, None, sample_size=8)
    assert list(c.sample_indices) != list(a.sample_indices)


def test_matrix_importance_and_greedy_coverage():
    exps = [
        FakeExplanation({1: [("a", 1.0), ("b", -2.0)]}),
        FakeExplanation({1: [("c", 4.0)]}),
        FakeExplanation({1: [("a", 1.0)], 0: [("a", 2.0), ("d", 0.25)]}),
    ]
    W, names = explanation_matrix(exps)
    assert names == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(W, [[1, -2, 0, 0], [0, 0, 4, 0], [3, 0, 0, 0.25]])
    np.testing.assert_allclose(global_importance(W), np.sqrt([4, 2, 4, 0.25]))
    # c covers 2; a+b cover 2+1.41; then, a and b covered, d adds 0.5 and c adds 2
    assert greedy_pick(W, 3) == [0, 1, 2]
    assert greedy_pick(np.zeros((4, 2)), 3) == [3, 2, 1]  # all ties: highest index first, as lime


def test_regression_explanations_use_label_1():
    exps = [FakeExplanation({1: [("x", 1.0)]}, mode="regression"),
            FakeExplanation({1: [("y", 3.0)]}, mode="regression")]
    W, names = explanation_matrix(exps)
    assert names == ["x", "y"] and greedy_pick(W, 1) == [1]


def test_bad_arguments_and_warnings():
    exps = random_explanations(0, n=5, with_ties=False)
    data = np.arange(5)
    with pytest.raises(ValueError, match="method"):
        SubmodularPick(ReplayExplainer(exps), data, None, method="random")
    with pytest.raises(ValueError, match="empty"):
        SubmodularPick(ReplayExplainer(exps), [], None)
    with pytest.raises(ValueError, match="num_exps_desired"):
        SubmodularPick(ReplayExplainer(exps), data, None, num_exps_desired="many")
    with pytest.raises(ValueError, match="sample_size"):
        SubmodularPick(ReplayExplainer(exps), data, None, sample_size=0)
    with pytest.warns(UserWarning, match="sample size"):
        sp = SubmodularPick(ReplayExplainer(exps), data, None, sample_size=50, num_exps_desired=2)
    assert len(sp.explanations) == 5
    with pytest.warns(UserWarning, match="only 5"):
        sp = SubmodularPick(ReplayExplainer(exps), data, None, method="full", num_exps_desired=9)
    assert sorted(sp.V) == [0, 1, 2, 3, 4]


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True, as_frame=True)
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X.values, y)
    return X, y, model


def test_pick_with_the_tabular_explainer_matches_lime_s_algorithm(wine):
    X, y, model = wine
    explainer = LimeTabularExplainer(X.values, feature_names=list(X.columns), class_names=["a", "b", "c"],
                                     random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sp = SubmodularPick(explainer, X.values, model.predict_proba, sample_size=12, num_exps_desired=3,
                            num_features=4, num_samples=300)
        again = SubmodularPick(explainer, X.values, model.predict_proba, sample_size=12, num_exps_desired=3,
                               num_features=4, num_samples=300)
    assert sp.V == again.V and list(sp.sample_indices) == list(again.sample_indices)
    assert len(sp.explanations) == 12 and len(sp.sp_explanations) == 3
    assert all(len(e.top_labels) == 1 for e in sp.explanations)  # lime's default top_labels=1
    assert set(sp.features) == {name for e in sp.explanations for name, _ in e.as_list(e.top_labels[0])}
    # lime's own greedy loop, fed the same explanations, picks the same ones
    replay = ReplayExplainer(sp.explanations)
    theirs = lime_sp.SubmodularPick(replay, np.arange(12), None, method="full", num_exps_desired=3)
    assert theirs.V == sp.V


def test_pick_on_dataframe_rows_and_regression(wine):
    X, y, _ = wine
    reg = LinearRegression().fit(X, X["alcohol"] * 0 + y)
    explainer = LimeTabularExplainer(X, mode="regression", random_state=1)
    sp = SubmodularPick(explainer, X.iloc[:6], reg.predict, method="full", num_exps_desired=2, num_features=3,
                        num_samples=200)
    assert len(sp.explanations) == 6 and len(sp.V) == 2
    # each explanation is of the right row (the data row is a DataFrame row, not a column)
    first = explainer.explain_instance(X.iloc[0], reg.predict, num_features=3, num_samples=200)
    assert sp.explanations[0].as_list() == first.as_list()
    assert isinstance(X.iloc[:6], pd.DataFrame)


def test_pick_over_image_explanations():
    # lime's ImageExplanation has no as_list, so lime cannot do this; ours names superpixels
    from lime_widget.lime_image import LimeImageExplainer

    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, (4, 16, 16, 3)).astype(np.uint8)
    grid = lambda im: (np.arange(16)[:, None] // 8) * 2 + np.arange(16)[None, :] // 8  # noqa: E731

    def classify(batch):
        s = batch[:, :8, :8].mean(axis=(1, 2, 3)) / 255.0
        return np.stack([1 - s, s], axis=1)

    sp = SubmodularPick(LimeImageExplainer(random_state=0), images, classify, method="full", num_exps_desired=2,
                        segmentation_fn=grid, num_samples=40, progress_bar=False)
    assert len(sp.V) == 2 and set(sp.features) <= {f"superpixel {i}" for i in range(4)}
    # the only region the model looks at is the most important feature globally
    assert sp.features[int(np.argmax(sp.importance))] == "superpixel 0"


def test_parallel_candidates_give_the_same_pick(wine):
    from joblib import parallel_config

    X, y, model = wine
    explainer = LimeTabularExplainer(X.values, random_state=3)
    kwargs = dict(method="full", num_exps_desired=3, num_features=4, num_samples=200)
    serial = SubmodularPick(explainer, X.values[:8], model.predict_proba, **kwargs)
    with parallel_config(backend="threading"):
        parallel = SubmodularPick(explainer, X.values[:8], model.predict_proba, n_jobs=2, **kwargs)
    assert parallel.V == serial.V
    assert [e.as_list(e.top_labels[0]) for e in parallel.explanations] == \
        [e.as_list(e.top_labels[0]) for e in serial.explanations]
