"""Oracle: the text explainer against lime 0.2.0.1 itself.

(a) The same neighbourhood (rows, model outputs, distances) gives lime's
    ``LimeBase.explain_instance_with_data`` weights within 1e-8, and our tokens,
    perturbed strings and distances equal lime's.
(b) The same integer ``random_state`` gives the same explanation as a fresh lime
    explainer's first call (lime's later calls drift; ours do not).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
import sklearn.metrics
from helpers import SPACE, make_document, topic_pipeline
from lime import lime_base
from lime import lime_text as reference

from lime_widget.core.neighborhood import Neighborhood
from lime_widget.core.random import random_state_for_call
from lime_widget.core.surrogate import exponential_kernel
from lime_widget.core.text_index import IndexedCharacters, IndexedString
from lime_widget.core.text_sampling import neighborhood_distances, sample_active
from lime_widget.lime_text import LimeTextExplainer


@pytest.fixture(scope="module")
def model():
    return topic_pipeline()


DOC = make_document(np.random.RandomState(1), SPACE, 30) + " Rocket-launch: 3 moons!"
SHORT = "the rocket and the moon, then a clinic."

# (explainer keyword arguments, document); char level runs on a short document to stay fast
SETTINGS = [
    pytest.param({}, DOC, id="word-bow"),
    pytest.param({"bow": False}, DOC, id="word-positional"),
    pytest.param({"bow": False, "mask_string": "<?>"}, DOC, id="word-positional-mask"),
    pytest.param({"split_expression": r"[\s,.]+"}, DOC, id="word-custom-regex"),
    pytest.param({"split_expression": str.split}, DOC, id="word-callable-split"),
    pytest.param({"char_level": True}, SHORT, id="char-bow"),
    pytest.param({"char_level": True, "bow": False}, SHORT, id="char-positional"),
]


def indexed_pair(kwargs, text):
    if kwargs.get("char_level"):
        return (reference.IndexedCharacters(text, bow=kwargs.get("bow", True), mask_string=kwargs.get("mask_string")),
                IndexedCharacters(text, bow=kwargs.get("bow", True), mask_string=kwargs.get("mask_string")))
    args = {k: v for k, v in kwargs.items() if k != "char_level"}
    return reference.IndexedString(text, **args), IndexedString(text, **args)


@pytest.mark.parametrize("kwargs, text", SETTINGS)
def test_tokens_strings_and_distances_equal_lime(kwargs, text):
    theirs, ours = indexed_pair(kwargs, text)
    assert ours.as_list == theirs.as_list
    assert ours.inverse_vocab == list(theirs.inverse_vocab)
    assert np.array_equal(ours.string_start, theirs.string_start)
    for i in range(theirs.num_words()):
        assert np.array_equal(ours.string_position(i), theirs.string_position(i))

    active = sample_active(np.random.RandomState(7), ours.num_words(), 300)
    strings = ours.perturb(active)
    assert strings == [theirs.inverse_removing(np.flatnonzero(~row)) for row in active]

    data = active.astype(float)
    lime_distances = sklearn.metrics.pairwise.pairwise_distances(
        scipy.sparse.csr_matrix(data), scipy.sparse.csr_matrix(data)[0], metric="cosine").ravel() * 100
    assert np.allclose(neighborhood_distances(active), lime_distances, rtol=0, atol=1e-10)


def test_masks_use_lime_random_draws():
    # lime: randint(1, d + 1, n - 1), then choice(range(d), size, replace=False) per row
    d, n = 23, 400
    rng = np.random.RandomState(3)
    sizes = rng.randint(1, d + 1, n - 1)
    expected = np.ones((n, d), dtype=bool)
    for i, size in enumerate(sizes, start=1):
        expected[i, rng.choice(range(d), size, replace=False)] = False
    ours_rng = np.random.RandomState(3)
    assert np.array_equal(sample_active(ours_rng, d, n), expected)
    # the generator is left exactly where lime leaves it
    assert ours_rng.randint(1 << 30) == rng.randint(1 << 30)


# every tokenisation with lime's default selection ('auto': forward selection up to 6
# features, highest weights above); every selection method on word and character level
NEIGHBOURHOOD_CASES = [
    pytest.param(p.values[0], p.values[1], "auto", nf, id=f"{p.id}-auto-{nf}") for p in SETTINGS for nf in (3, 8)
] + [
    pytest.param(SETTINGS[i].values[0], SETTINGS[i].values[1], fs, nf, id=f"{SETTINGS[i].id}-{fs}-{nf}")
    for i in (0, 6) for fs, nf in (("highest_weights", 5), ("lasso_path", 5), ("none", 1), ("forward_selection", 2))
]


@pytest.mark.parametrize("kwargs, text, feature_selection, num_features", NEIGHBOURHOOD_CASES)
def test_same_neighbourhood_same_weights_as_lime_base(model, kwargs, text, feature_selection, num_features):
    _, indexed = indexed_pair(kwargs, text)
    active = sample_active(random_state_for_call(11), indexed.num_words(), 300)
    outputs = model.predict_proba(indexed.perturb(active))
    data = active.astype(float)
    distances = neighborhood_distances(active)
    width = 25.0

    base = lime_base.LimeBase(lambda d: exponential_kernel(d, width), random_state=0)
    nb = Neighborhood(data, outputs, distances, kernel=exponential_kernel, kernel_width=width)
    for label in (1,) if feature_selection == "auto" else (0, 1):
        intercept, weights, score, local_pred = base.explain_instance_with_data(
            data, outputs, distances, label, num_features, feature_selection=feature_selection)
        fit = nb.fit([label], num_features, feature_selection)[label]
        assert [i for i, _ in fit.weights] == [int(i) for i, _ in weights]
        assert np.allclose([w for _, w in fit.weights], [w for _, w in weights], rtol=0, atol=1e-8)
        assert fit.intercept == pytest.approx(intercept, abs=1e-8)
        assert fit.score == pytest.approx(score, abs=1e-8)
        assert fit.local_pred == pytest.approx(float(np.ravel(local_pred)[0]), abs=1e-8)


@pytest.mark.parametrize("kwargs, text", SETTINGS)
def test_same_seed_same_explanation_as_a_fresh_lime_explainer(model, kwargs, text):
    call = dict(num_features=6, num_samples=400)
    theirs = reference.LimeTextExplainer(random_state=5, **kwargs).explain_instance(text, model.predict_proba, **call)
    explainer = LimeTextExplainer(random_state=5, **kwargs)
    ours = explainer.explain_instance(text, model.predict_proba, **call)
    assert [name for name, _ in ours.as_list()] == [name for name, _ in theirs.as_list()]
    assert np.allclose([w for _, w in ours.as_list()], [w for _, w in theirs.as_list()], rtol=0, atol=1e-8)
    assert ours.as_list(positions=True) == [(n, pytest.approx(w, abs=1e-8))
                                            for n, w in theirs.as_list(positions=True)]
    assert ours.intercept[1] == pytest.approx(theirs.intercept[1], abs=1e-8)
    assert ours.score == pytest.approx(theirs.score, abs=1e-8)
    assert np.allclose(ours.predict_proba, theirs.predict_proba)
    # a second call: ours repeats itself
    again = explainer.explain_instance(text, model.predict_proba, **call)
    assert again.as_list() == ours.as_list()


def test_top_labels_and_several_labels_like_lime(model):
    call = dict(num_features=5, num_samples=500)
    for extra in ({"top_labels": 2}, {"labels": (0, 1)}):
        theirs = reference.LimeTextExplainer(random_state=9).explain_instance(DOC, model.predict_proba,
                                                                              **call, **extra)
        ours = LimeTextExplainer(random_state=9).explain_instance(DOC, model.predict_proba, **call, **extra)
        assert list(ours.local_exp) == [int(x) for x in theirs.local_exp]
        assert ours.top_labels == (None if theirs.top_labels is None else [int(x) for x in theirs.top_labels])
        for label in ours.local_exp:
            assert np.allclose([w for _, w in ours.as_list(label)], [w for _, w in theirs.as_list(label)],
                               rtol=0, atol=1e-8)
        # lime keeps the last label's score and local prediction
        assert ours.score == pytest.approx(theirs.score, abs=1e-8)


def test_lime_drifts_between_calls_and_we_do_not(model):
    call = dict(num_features=4, num_samples=300)
    lime_explainer = reference.LimeTextExplainer(random_state=2)
    first = lime_explainer.explain_instance(SHORT, model.predict_proba, **call).as_list()
    second = lime_explainer.explain_instance(SHORT, model.predict_proba, **call).as_list()
    assert first != second  # lime's generator advanced
    ours = LimeTextExplainer(random_state=2)
    assert ours.explain_instance(SHORT, model.predict_proba, **call).as_list() == \
        ours.explain_instance(SHORT, model.predict_proba, **call).as_list()


def test_later_documents_equal_a_fresh_lime_explainer(model):
    # the explainer keeps its masks for an integer seed; another document (same or another number of
    # words) must still get lime's first-call explanation
    explainer = LimeTextExplainer(random_state=8)
    explainer.explain_instance(DOC, model.predict_proba, num_features=5, num_samples=300)
    same_length = " ".join(reversed(DOC.split()))
    for text in (same_length, SHORT, DOC):
        theirs = reference.LimeTextExplainer(random_state=8).explain_instance(
            text, model.predict_proba, num_features=5, num_samples=300)
        ours = explainer.explain_instance(text, model.predict_proba, num_features=5, num_samples=300)
        assert [n for n, _ in ours.as_list()] == [n for n, _ in theirs.as_list()]
        assert np.allclose([w for _, w in ours.as_list()], [w for _, w in theirs.as_list()], rtol=0, atol=1e-8)
