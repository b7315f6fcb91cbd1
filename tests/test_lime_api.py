"""lime's public API beyond the explainers, name by name, against lime 0.2.0.1."""

from __future__ import annotations

import string
import warnings

import numpy as np
import pytest
from lime import discretize as lime_discretize
from lime import explanation as lime_explanation
from lime import lime_image as lime_image_ref
from lime import lime_tabular as lime_tabular_ref
from lime import lime_text as lime_text_ref
from lime.utils.generic_utils import has_arg as lime_has_arg
from lime.wrappers import scikit_image as lime_wrappers
from sklearn.datasets import load_iris, load_wine
from sklearn.ensemble import RandomForestClassifier

from lime_widget import discretize, exceptions, explanation, lime_image, lime_tabular, lime_text
from lime_widget.utils.generic_utils import has_arg
from lime_widget.wrappers.scikit_image import BaseWrapper, SegmentationAlgorithm

DISCRETIZERS = ["QuartileDiscretizer", "DecileDiscretizer", "EntropyDiscretizer"]


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    model = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    return X, y, model


def assert_same_explanation(ours, theirs, labels, tol=1e-8):
    for label in labels:
        a, b = ours.as_list(label), theirs.as_list(label)
        assert [n for n, _ in a] == [n for n, _ in b]
        np.testing.assert_allclose([w for _, w in a], [w for _, w in b], atol=tol, rtol=0)
        assert ours.intercept[label] == pytest.approx(theirs.intercept[label], abs=tol)


# -- lime_widget.discretize -------------------------------------------------------------

@pytest.mark.parametrize("name", DISCRETIZERS)
@pytest.mark.parametrize("seed", [10, "instance"])
def test_discretizers_equal_lime_s(name, seed):
    X, y = load_iris(return_X_y=True)
    names = load_iris().feature_names
    rs = (lambda: np.random.RandomState(10)) if seed == "instance" else (lambda: 10)
    theirs = getattr(lime_discretize, name)(X, [1], names, y, random_state=rs())
    ours = getattr(discretize, name)(X, np.array([1]), names, labels=y, random_state=rs())
    assert ours.names == theirs.names
    assert ours.to_discretize == theirs.to_discretize == [0, 2, 3]
    for stat in ("means", "stds", "mins", "maxs"):
        mine, lime_s = getattr(ours, stat), getattr(theirs, stat)
        assert sorted(mine) == sorted(lime_s)
        for f in lime_s:
            np.testing.assert_allclose(mine[f], lime_s[f], rtol=1e-12, atol=0)
    np.testing.assert_array_equal(ours.discretize(X), theirs.discretize(X))
    assert ours.lambdas[0](X[:5, 0]).tolist() == theirs.lambdas[0](X[:5, 0]).tolist()
    for _ in range(2):  # the discretizer's own generator advances, in lime's order
        np.testing.assert_allclose(ours.undiscretize(ours.discretize(X)),
                                   theirs.undiscretize(theirs.discretize(X)), atol=1e-12)
    assert [b.tolist() for b in ours.bins(X, y)] == [b.tolist() for b in theirs.bins(X, y)]


def test_entropy_discretizer_needs_labels():
    X, _ = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="labels"):
        discretize.EntropyDiscretizer(X, [], ["a", "b", "c", "d"])


class _ThirdsOurs(discretize.BaseDiscretizer):
    def bins(self, data, labels):
        return [np.percentile(data[:, f], [33, 66]) for f in self.to_discretize]


class _ThirdsLime(lime_discretize.BaseDiscretizer):
    def bins(self, data, labels):
        return [np.percentile(data[:, f], [33, 66]) for f in self.to_discretize]


@pytest.mark.parametrize("discretizer_seed", [10, 20])
def test_user_discretizer_subclass_equals_lime(wine, discretizer_seed):
    """A user's BaseDiscretizer subclass as ``discretizer=``: lime's bins, names and draws.

    Values inside bins come from the discretizer's own generator (seeded 10 or 20)
    and categories from the explainer's (seeded 10), as in lime.
    """
    X, y, model = wine
    names = [f"f{i}" for i in range(X.shape[1])]
    theirs = lime_tabular_ref.LimeTabularExplainer(
        X, feature_names=names, discretizer=_ThirdsLime(X, [], names, random_state=discretizer_seed),
        random_state=10).explain_instance(X[3], model.predict_proba, num_features=4, top_labels=2,
                                          num_samples=700)
    explainer = lime_tabular.LimeTabularExplainer(
        X, feature_names=names, discretizer=_ThirdsOurs(X, [], names, random_state=discretizer_seed),
        random_state=10)
    for _ in range(2):  # an integer seed: the same answer on every call
        ours = explainer.explain_instance(X[3], model.predict_proba, num_features=4, top_labels=2,
                                          num_samples=700)
        assert ours.top_labels == theirs.top_labels
        assert_same_explanation(ours, theirs, theirs.top_labels)
    bin_names = {n for names_ in explainer.discretizer.names.values() for n in names_}
    assert {n for n, _ in ours.as_list(ours.top_labels[0])} <= bin_names  # the subclass's three bins


@pytest.mark.parametrize("name", DISCRETIZERS)
def test_given_discretizer_draws_from_its_own_generator(wine, name):
    X, y, model = wine
    names = [f"f{i}" for i in range(X.shape[1])]
    results = {}
    for seed in (10, 20):
        theirs = lime_tabular_ref.LimeTabularExplainer(
            X, discretizer=getattr(lime_discretize, name)(X, [], names, y, random_state=seed),
            feature_names=names, random_state=10).explain_instance(X[5], model.predict_proba, num_samples=600)
        ours = lime_tabular.LimeTabularExplainer(
            X, discretizer=getattr(discretize, name)(X, [], names, y, random_state=seed),
            feature_names=names, random_state=10).explain_instance(X[5], model.predict_proba, num_samples=600)
        assert_same_explanation(ours, theirs, [1])
        results[seed] = ours.as_map()
    assert results[10] != results[20]


def test_training_data_stats_built_with_public_discretizer(wine):
    X, y, model = wine
    names = [f"f{i}" for i in range(X.shape[1])]
    stats_of = discretize.QuartileDiscretizer(X, [], names, random_state=1)
    binned = stats_of.discretize(X)
    values = {f: np.unique(binned[:, f]).tolist() for f in range(X.shape[1])}
    stats = {"means": stats_of.means, "stds": stats_of.stds, "mins": stats_of.mins, "maxs": stats_of.maxs,
             "bins": {f: b.tolist() for f, b in enumerate(stats_of.bins(X, None))},
             "feature_values": values,
             "feature_frequencies": {f: [int(np.sum(binned[:, f] == v)) for v in values[f]] for f in values}}
    kwargs = dict(feature_names=names, training_data_stats=stats, random_state=3)
    theirs = lime_tabular_ref.LimeTabularExplainer(np.zeros((2, X.shape[1])), **kwargs).explain_instance(
        X[0], model.predict_proba, num_samples=500)
    ours = lime_tabular.LimeTabularExplainer(np.zeros((2, X.shape[1])), **kwargs).explain_instance(
        X[0], model.predict_proba, num_samples=500)
    assert_same_explanation(ours, theirs, [1])


def test_public_discretizers_are_the_core_s():
    from lime_widget.core import discretize as core

    for name in DISCRETIZERS + ["StatsDiscretizer", "BaseDiscretizer"]:
        public = getattr(discretize, name)
        assert getattr(lime_tabular, name) is public  # lime's lime_tabular re-exports them too
        assert issubclass(public, getattr(core, name)) and issubclass(public, discretize.BaseDiscretizer)


@pytest.mark.parametrize("name, kwargs", [("quartile", {}), ("decile", {}), ("entropy", {"training_labels": True})])
def test_explainers_make_public_discretizers(wine, name, kwargs):
    X, y, _ = wine
    if kwargs:
        kwargs = {"training_labels": y}
    explainer = lime_tabular.LimeTabularExplainer(X, discretizer=name, **kwargs)
    cls = getattr(discretize, f"{name.title()}Discretizer")
    assert type(explainer.discretizer) is cls
    assert explainer.discretizer.lambdas[0](X[:3, 0]).tolist() == explainer.discretizer.discretize(X[:3])[:, 0].tolist()
    recurrent = lime_tabular.RecurrentTabularExplainer(X.reshape(len(X), 1, -1), discretizer=name, **kwargs)
    assert type(recurrent.discretizer) is cls


# -- LimeError -----------------------------------------------------------------------------

def test_lime_error_is_one_class_everywhere():
    assert exceptions.LimeError is explanation.LimeError
    assert issubclass(exceptions.InvalidModeError, ValueError)
    assert issubclass(exceptions.LabelNotExplainedError, KeyError)


@pytest.mark.parametrize("make", [
    lambda X: lime_tabular.LimeTabularExplainer(X, mode="clasification"),
    lambda X: explanation.Explanation(explanation.DomainMapper(), mode="ranking"),
])
def test_unknown_mode_is_a_lime_error_and_a_value_error(wine, make):
    X = wine[0]
    for kind in (exceptions.LimeError, ValueError):
        with pytest.raises(kind, match="classification' or 'regression'"):
            make(X)
    with pytest.raises(lime_explanation.LimeError.__mro__[1]):  # lime raises LimeError(Exception) here
        lime_explanation.Explanation(None, mode="ranking")


def test_unexplained_label_is_a_lime_error_and_a_key_error(wine):
    X, y, model = wine
    exp = lime_tabular.LimeTabularExplainer(X, random_state=0).explain_instance(
        X[0], model.predict_proba, labels=(0,), num_samples=300)
    for kind in (exceptions.LimeError, KeyError):
        with pytest.raises(kind, match="Label 2 was not explained"):
            exp.as_list(label=2)
    try:
        exp.as_list(label=2)
    except KeyError as exc:
        assert str(exc).startswith("Label 2 was not explained")  # a sentence, not a quoted repr

    image = np.zeros((8, 8, 3))
    image[:, 4:] = 1.0
    img_exp = lime_image.LimeImageExplainer(random_state=0).explain_instance(
        image, lambda b: np.stack([b.mean(axis=(1, 2, 3)), 1 - b.mean(axis=(1, 2, 3))], 1), top_labels=None,
        labels=(0,), num_samples=20, segmentation_fn=lambda im: (np.arange(8)[None, :] // 4).repeat(8, 0),
        progress_bar=False)
    with pytest.raises(exceptions.LimeError):
        img_exp.get_image_and_mask(1)


# -- utils, wrappers, id_generator ----------------------------------------------------------

class _Callable:
    def __init__(self, word):
        self.word = word

    def __call__(self, message, *args, flag=True, **kwargs):
        return message

    def method(self, a, b=2, /, c=3):
        return a


@pytest.mark.parametrize("fn, name", [
    (_Callable("x"), "message"), (_Callable("x"), "flag"), (_Callable("x"), "args"), (_Callable("x"), "kwargs"),
    (_Callable("x"), None), (_Callable("x").method, "a"), (_Callable("x").method, "c"),
    (_Callable("x").method, "self"), (len, "obj"), (np.add, "out"), (lambda x, *, y: x, "y"),
])
def test_has_arg_equals_lime_s(fn, name):
    assert has_arg(fn, name) == lime_has_arg(fn, name)


def test_has_arg_of_a_non_callable_is_a_type_error():
    with pytest.raises(TypeError):
        has_arg(42, "x")


def test_base_wrapper_behaves_as_lime_s():
    def fn(a, b=1):
        return a + b

    for cls in (BaseWrapper, lime_wrappers.BaseWrapper):
        w = cls(fn, a=1, zz=3)
        assert w.target_params == {"a": 1, "zz": 3}
        assert w.filter_params(fn) == {"a": 1}
        assert w.filter_params(fn, override={"b": 5}) == {"a": 1, "b": 5}
        w.set_params(b=4)
        assert w.target_params == {"b": 4}
        with pytest.raises(ValueError):
            w.set_params(c=1)
        with pytest.raises(TypeError):
            w._check_params("a")
        with pytest.raises(TypeError):
            w._check_params(None)
        with pytest.raises(AttributeError):
            cls([1, 2], x=1)._check_params(["x"])
        with pytest.raises(TypeError):
            cls()._check_params(["x"])


def test_segmentation_algorithm_is_a_base_wrapper():
    from skimage.data import chelsea
    from skimage.segmentation import slic

    image = chelsea()[::4, ::4]
    seg = SegmentationAlgorithm("slic", n_segments=20, start_label=0)
    assert isinstance(seg, BaseWrapper)
    np.testing.assert_array_equal(seg(image), slic(image, n_segments=20, start_label=0))
    with pytest.raises(ValueError, match="not_a_param"):
        seg.set_params(not_a_param=1)
    seg.set_params(n_segments=5)
    assert seg.target_params == {"n_segments": 5}


def test_id_generator_equals_lime_s():
    for size in (1, 15, 40):
        assert explanation.id_generator(size, np.random.RandomState(7)) == lime_explanation.id_generator(
            size, np.random.RandomState(7))
    ident = explanation.id_generator()
    assert len(ident) == 15 and set(ident) <= set(string.ascii_uppercase + string.digits)
    assert explanation.id_generator(random_state=3) == explanation.id_generator(random_state=3)


# -- LimeTabularExplainer's static helpers, attribute values --------------------------------

def test_convert_and_round_equals_lime_s():
    values = np.array([1.234, -0.005, 2.0, 1e6, -3.14159])
    for call in (lime_tabular.LimeTabularExplainer.convert_and_round,
                 lime_tabular.LimeTabularExplainer(np.eye(3)).convert_and_round):
        assert call(values) == lime_tabular_ref.LimeTabularExplainer.convert_and_round(values)


def test_validate_training_data_stats():
    stats = {k: {} for k in ("means", "mins", "maxs", "stds", "feature_values", "feature_frequencies")}
    assert lime_tabular.LimeTabularExplainer.validate_training_data_stats(stats) is None
    del stats["stds"], stats["mins"]
    with pytest.raises(ValueError, match=r"missing the keys \['mins', 'stds'\]"):
        lime_tabular.LimeTabularExplainer.validate_training_data_stats(stats)
    with pytest.raises(Exception, match="Missing keys"):  # noqa: B017 - lime raises a bare Exception
        lime_tabular_ref.LimeTabularExplainer.validate_training_data_stats(stats)


@pytest.mark.parametrize("given", [np.array([0]), [0], (0,), np.array([0], dtype=np.int32)])
def test_categorical_features_kept_as_list_of_ints(given):
    data = np.array([[0.0, 1.0], [1.0, 0.0]])
    explainer = lime_tabular.LimeTabularExplainer(data, categorical_features=given, discretize_continuous=False)
    assert explainer.categorical_features == [0]
    assert all(type(c) is int for c in explainer.categorical_features)
    import pandas as pd

    frame = pd.DataFrame({"a": [0, 1, 2, 1], "b": [1.0, 2.0, 3.0, 4.0]})
    assert lime_tabular.LimeTabularExplainer(frame, categorical_features=given).original_categorical == [0]


@pytest.mark.parametrize("text", ["Please, take your time. Please", "aa bb aa cc", "", "one"])
@pytest.mark.parametrize("bow", [True, False])
def test_indexed_positions_in_lime_s_shapes(text, bow):
    for ours, theirs in ((lime_text.IndexedString(text, bow=bow), lime_text_ref.IndexedString(text, bow=bow)),
                         (lime_text.IndexedCharacters(text, bow=bow),
                          lime_text_ref.IndexedCharacters(text, bow=bow))):
        assert type(ours.positions) is type(theirs.positions)
        if bow:
            assert ours.positions == theirs.positions
            assert all(type(i) is int for p in ours.positions for i in p)
        else:
            np.testing.assert_array_equal(ours.positions, theirs.positions)
        for i in range(ours.num_words()):
            np.testing.assert_array_equal(ours.string_position(i), theirs.string_position(i))


# -- LimeImageExplainer.data_labels ---------------------------------------------------------

def _mean_classifier(batch):
    m = np.asarray(batch, dtype=float).reshape(len(batch), -1).mean(axis=1) / 255.0
    return np.stack([m, 1 - m], axis=1)


@pytest.mark.parametrize("grey", [False, True])
def test_data_labels_equal_lime_s(grey):
    rng = np.random.RandomState(0)
    image = rng.randint(0, 256, size=(12, 15, 3)).astype(np.uint8)
    if grey:
        image = image[..., 0]
    segments = (np.arange(12)[:, None] // 4) * 3 + np.arange(15)[None, :] // 5
    fudged = np.full_like(image, 77)
    calls = {"ours": [], "lime": []}

    def recording(name):
        def fn(batch):
            calls[name].append(np.array(batch))
            return _mean_classifier(batch)
        return fn

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = lime_image_ref.LimeImageExplainer(random_state=5).data_labels(
            image, fudged, segments, recording("lime"), 33, batch_size=8)
    explainer = lime_image.LimeImageExplainer(random_state=5)
    ours = explainer.data_labels(image, fudged, segments, recording("ours"), 33, batch_size=8, progress_bar=False)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_allclose(ours[1], theirs[1], rtol=0, atol=1e-12)
    assert [b.shape for b in calls["ours"]] == [b.shape for b in calls["lime"]]
    for a, b in zip(calls["ours"], calls["lime"]):
        np.testing.assert_array_equal(a, b)
    again = explainer.data_labels(image, fudged, segments, _mean_classifier, 33, batch_size=8, progress_bar=False)
    np.testing.assert_array_equal(again[0], ours[0])


def test_data_labels_checks_its_arguments():
    explainer = lime_image.LimeImageExplainer(random_state=0)
    image = np.zeros((4, 4, 3))
    with pytest.raises(ValueError, match="fudged_image"):
        explainer.data_labels(image, np.zeros((4, 4)), np.zeros((4, 4), int), _mean_classifier, 5)
    with pytest.raises(ValueError, match="num_samples"):
        explainer.data_labels(image, image, np.zeros((4, 4), int), _mean_classifier, 0)
    with pytest.raises(ValueError, match="shape"):
        explainer.data_labels(image, image, np.zeros((3, 4), int), _mean_classifier, 5)
