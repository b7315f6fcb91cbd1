"""The text explainer: behaviour, protocol, refits, batching and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import FILLER, SPACE, make_document, topic_pipeline

from lime_widget.core.explanation import Explanation as CoreExplanation
from lime_widget.core.predict import PredictFnError
from lime_widget.core.text import LimeTextExplainer as CoreLimeTextExplainer
from lime_widget.core.text_index import IndexedCharacters, IndexedString
from lime_widget.core.text_sampling import neighborhood_distances, sample_active
from lime_widget.explanation import Explanation
from lime_widget.lime_text import LimeTextExplainer


@pytest.fixture(scope="module")
def model():
    return topic_pipeline()


@pytest.fixture(scope="module")
def doc():
    return make_document(np.random.RandomState(1), SPACE, 40)


class CountingModel:
    """Wraps predict_proba and records every call's batch size."""

    def __init__(self, model):
        self.model = model
        self.batches: list[int] = []

    def __call__(self, texts):
        assert isinstance(texts, list) and all(isinstance(t, str) for t in texts)
        self.batches.append(len(texts))
        return self.model.predict_proba(texts)


# -- tokenisation and perturbation -----------------------------------------------------------


def test_pieces_cover_the_document_and_carry_feature_ids():
    text = "Hello, world! Hello again -- world."
    s = IndexedString(text)
    assert "".join(s.as_list) == text
    assert s.inverse_vocab == ["Hello", "world", "again"]
    assert [s.as_list[i] for i in s.positions[0]] == ["Hello", "Hello"]
    assert s.string_position(1).tolist() == [7, 29]
    assert s.piece_feature.tolist() == [0, -1, 1, -1, 0, -1, 2, -1, 1, -1]

    positional = IndexedString(text, bow=False)
    assert positional.inverse_vocab == ["Hello", "world", "Hello", "again", "world"]
    assert positional.string_position(2).tolist() == [14]


def test_bow_removal_removes_every_occurrence_and_positional_masks_one():
    text = "spam eggs spam ham"
    assert IndexedString(text).inverse_removing([0]) == " eggs  ham"
    assert IndexedString(text, bow=False).inverse_removing([2]) == "spam eggs UNKWORDZ ham"
    assert IndexedString(text, bow=False, mask_string="_").inverse_removing([0, 3]) == "_ eggs spam _"
    assert IndexedCharacters("abca").inverse_removing([0]) == "bc"
    assert IndexedCharacters("abca", bow=False).inverse_removing([3]) == "abc\x00"


def test_perturb_matches_row_by_row_removal_for_many_rows():
    rng = np.random.RandomState(3)
    text = make_document(rng, SPACE, 37)  # 37 occurrences: groups of 4 do not divide it
    for indexed in (IndexedString(text), IndexedString(text, bow=False), IndexedCharacters(text),
                    IndexedCharacters(text, bow=False, mask_string="##")):
        active = rng.rand(50, indexed.num_words()) < 0.5
        active[0] = True
        strings = indexed.perturb(active)
        assert strings[0] == text
        expected = [indexed.inverse_removing(np.flatnonzero(~row)) for row in active]
        assert strings == expected
        # independent reference: rebuild each string from the pieces
        keep = np.where(indexed.piece_feature >= 0, active[:, np.maximum(indexed.piece_feature, 0)], True)
        removed = "" if indexed.bow else indexed.mask_string
        assert strings == ["".join(p if k else removed for p, k in zip(indexed.as_list, row)) for row in keep]


def test_text_containing_control_characters_still_renders():
    text = "".join(chr(c) for c in range(1, 32)) + " alpha beta alpha"
    s = IndexedString(text)
    active = np.array([[True, True], [False, True], [True, False], [False, False]])
    assert s.perturb(active) == [text, text.replace("alpha", ""), text.replace("beta", ""),
                                 text.replace("alpha", "").replace("beta", "")]


def test_callable_split_expression():
    text = "New York is big; new york is bigger."
    s = IndexedString(text, split_expression=lambda t: ["New York", "is", "big", "new york", "is", "bigger"])
    assert s.inverse_vocab == ["New York", "is", "big", "new york", "bigger"]
    assert s.inverse_removing([1]) == "New York  big; new york  bigger."
    with pytest.raises(ValueError, match="do not belong"):
        IndexedString(text, split_expression=lambda t: ["Boston"])


def test_sampled_masks_remove_between_one_and_all_features():
    active = sample_active(np.random.RandomState(0), 7, 2000)
    assert active.shape == (2000, 7) and active[0].all()
    removed = (~active[1:]).sum(axis=1)
    assert removed.min() == 1 and removed.max() == 7
    # every feature is removed about equally often
    assert np.allclose((~active[1:]).mean(axis=0), removed.mean() / 7, atol=0.05)
    d = neighborhood_distances(active)
    assert d[0] == pytest.approx(0, abs=1e-12)
    assert np.allclose(d, (1 - np.sqrt(active.sum(1) / 7)) * 100)


# -- explanations ---------------------------------------------------------------------------


def test_explanation_classes_and_lime_attributes(model, doc):
    exp = LimeTextExplainer(random_state=0).explain_instance(doc, model.predict_proba, num_samples=300)
    assert type(exp) is Explanation
    core = CoreLimeTextExplainer(random_state=0).explain_instance(doc, model.predict_proba, num_samples=300)
    assert type(core) is CoreExplanation
    assert exp.as_list() == core.as_list()
    assert exp.class_names == ["0", "1"]
    assert np.allclose(exp.predict_proba, model.predict_proba([doc])[0])
    assert list(exp.local_exp) == [1] and len(exp.as_list()) == 10
    words = set(IndexedString(doc).inverse_vocab)
    assert {w for w, _ in exp.as_list()} <= words
    # the topic words push towards class 1 (space)
    space_weights = [w for word, w in exp.as_list() if word in SPACE]
    assert len(space_weights) >= 3 and min(space_weights) > 0


def test_as_list_with_positions(model):
    text = "rocket and rocket, then orbit."
    exp = LimeTextExplainer(random_state=0).explain_instance(text, model.predict_proba, num_samples=200)
    listed = dict(exp.as_list(positions=True))
    assert "rocket_0-11" in listed and "orbit_24" in listed
    positional = LimeTextExplainer(random_state=0, bow=False).explain_instance(text, model.predict_proba,
                                                                              num_samples=200)
    assert {"rocket_0", "rocket_11"} <= set(dict(positional.as_list(positions=True)))


def test_to_dict_follows_the_protocol(model, doc):
    for kwargs in ({}, {"bow": False}, {"char_level": True}):
        exp = LimeTextExplainer(random_state=0, **kwargs).explain_instance(
            doc, model.predict_proba, num_samples=200, num_features=4)
        d = json.loads(json.dumps(exp.to_dict()))
        assert d["modality"] == "text"
        dom = d["domain"]
        assert dom["text"] == doc and dom["bow"] == exp.domain_mapper.indexed_string.bow
        assert dom["char_level"] == bool(kwargs.get("char_level"))
        assert "".join(p for p, _ in dom["pieces"]) == doc
        names = d["feature_names"]
        for piece, feature in dom["pieces"]:
            assert feature == -1 or names[feature] == piece
        assert {f for _, f in dom["pieces"] if f >= 0} == set(range(len(names)))
        # no two text-between-features pieces in a row
        ids = [f for _, f in dom["pieces"]]
        assert not any(a == b == -1 for a, b in zip(ids, ids[1:]))
        assert len(d["fits"]["1"]["weights"]) == 4
    spans = exp.domain_mapper.spans()
    assert all(doc[a:b] == names[f] for a, b, f in spans)


def test_same_seed_same_answer_every_call(model, doc):
    explainer = LimeTextExplainer(random_state=42)
    first = explainer.explain_instance(doc, model.predict_proba, num_samples=400)
    second = explainer.explain_instance(doc, model.predict_proba, num_samples=400)
    assert first.as_list() == second.as_list()
    other = LimeTextExplainer(random_state=43).explain_instance(doc, model.predict_proba, num_samples=400)
    assert other.as_list() != first.as_list()


def test_refit_makes_no_model_calls(model, doc):
    counting = CountingModel(model)
    exp = LimeTextExplainer(random_state=0).explain_instance(doc, counting, num_samples=500, num_features=6)
    assert counting.batches == [500]
    for changed in (exp.refit(num_features=3), exp.refit(label=0), exp.refit(kernel_width=5),
                    exp.refit(feature_selection="lasso_path"), exp.refit(num_features=8, labels=[0, 1])):
        assert changed.as_list(label=changed.explained_labels[-1])
    assert counting.batches == [500]
    assert len(exp.refit(num_features=3).as_list()) == 3
    both = exp.refit(label=0)
    assert sorted(both.local_exp) == [0, 1]
    # two classes: label 0's weights mirror label 1's
    assert np.allclose([w for _, w in both.local_exp[0]], [-w for _, w in both.local_exp[1]])


def test_top_labels(model, doc):
    exp = LimeTextExplainer(random_state=0).explain_instance(doc, model.predict_proba, top_labels=1,
                                                            num_samples=200)
    assert exp.top_labels == [int(np.argmax(model.predict_proba([doc])[0]))]
    assert exp.available_labels() == exp.top_labels


def test_batches_and_progress(model, doc):
    counting = CountingModel(model)
    seen: list[float] = []
    exp = LimeTextExplainer(random_state=0).explain_instance(doc, counting, num_samples=250, batch_size=100,
                                                            progress=seen.append)
    assert counting.batches == [100, 100, 50]
    assert seen == [0.4, 0.8, 1.0]
    whole = LimeTextExplainer(random_state=0).explain_instance(doc, model.predict_proba, num_samples=250)
    assert [w for w, _ in exp.as_list()] == [w for w, _ in whole.as_list()]
    assert np.allclose([v for _, v in exp.as_list()], [v for _, v in whole.as_list()], rtol=0, atol=1e-12)


def test_resample_hook_draws_a_new_neighbourhood(model, doc):
    counting = CountingModel(model)
    exp = LimeTextExplainer(random_state=0).explain_instance(doc, counting, num_samples=200, num_features=5)
    seen: list[float] = []
    fresh = exp.resample(num_samples=300, progress=seen.append)
    # with progress asked: a first twentieth, then (a fast model) the rest in one call
    assert counting.batches == [200, 15, 285] and seen == [0.05, 1.0]
    assert fresh.neighborhood.num_samples == 300 and fresh.settings["num_samples"] == 300
    assert len(fresh.as_list()) == 5 and callable(fresh.resample)


def test_one_token_document(model):
    exp = LimeTextExplainer(random_state=0).explain_instance("rocket", model.predict_proba, num_samples=50)
    assert [w for w, _ in exp.as_list()] == ["rocket"]
    assert exp.domain_mapper.to_dict()["pieces"] == [["rocket", 0]]


def test_ten_thousand_word_document(model):
    text = make_document(np.random.RandomState(5), SPACE, 10_000)
    counting = CountingModel(model)
    exp = LimeTextExplainer(random_state=0).explain_instance(text, counting, num_samples=200, num_features=5,
                                                            batch_size=64)
    assert counting.batches == [64, 64, 64, 8] and len(exp.as_list()) == 5
    assert exp.neighborhood.num_features == len(set(SPACE + FILLER))
    # positional: one feature per word; the strings still match lime's rule
    positional = IndexedString(text, bow=False)
    assert positional.num_words() == 10_000
    active = sample_active(np.random.RandomState(0), 10_000, 3)
    strings = positional.perturb(active)
    assert strings[0] == text
    assert [s.count("UNKWORDZ") for s in strings] == (~active).sum(axis=1).tolist()


def test_custom_kernel_and_metric(model, doc):
    calls = []

    def kernel(d, kernel_width):
        calls.append(kernel_width)
        return np.exp(-d / kernel_width)

    exp = LimeTextExplainer(kernel=kernel, kernel_width=7, random_state=0).explain_instance(
        doc, model.predict_proba, num_samples=200, distance_metric="euclidean")
    # once on the neighbourhood, twice on test distances (two lengths) before the model is called
    assert calls == [7.0, 7.0, 7.0]
    d = exp.neighborhood.distances
    assert np.allclose(d, np.sqrt((1 - exp.neighborhood.data).sum(axis=1)) * 100)


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, message", [
    ("", "empty or only whitespace"),
    ("  \n\t ", "empty or only whitespace"),
    ("?! ... --", "no words to perturb"),
    (b"bytes text", "must be a str"),
    (None, "must be a str"),
])
def test_bad_documents(model, text, message):
    with pytest.raises(ValueError, match=message):
        LimeTextExplainer().explain_instance(text, model.predict_proba)


@pytest.mark.parametrize("kwargs, message", [
    ({"num_samples": 0}, "num_samples must be an integer >= 2"),
    ({"num_samples": 10.5}, "num_samples must be an integer >= 2"),
    ({"batch_size": 0}, "batch_size must be a positive integer"),
    ({"num_features": 0}, "num_features must be an integer >= 1"),
    ({"labels": (2,)}, "labels \\[2\\] are not classes"),
])
def test_bad_arguments(model, doc, kwargs, message):
    with pytest.raises(ValueError, match=message):
        LimeTextExplainer().explain_instance(doc, model.predict_proba, **kwargs)


def test_bad_explainer_settings(model, doc):
    with pytest.raises(ValueError, match="feature_selection='best' is not known"):
        LimeTextExplainer(feature_selection="best").explain_instance(doc, model.predict_proba)
    with pytest.raises(ValueError, match="class_names has 3 entries"):
        LimeTextExplainer(class_names=["a", "b", "c"]).explain_instance(doc, model.predict_proba, num_samples=20)


def test_feature_selection_is_checked_before_calling_the_model(doc):
    counting = CountingModel(None)
    with pytest.raises(ValueError, match="feature_selection"):
        LimeTextExplainer(feature_selection="nope").explain_instance(doc, counting)
    assert counting.batches == []


@pytest.mark.parametrize("classifier_fn, error, message", [
    (lambda texts: np.full((len(texts), 2), np.nan), ValueError, "NaN"),
    (lambda texts: np.ones(len(texts)), ValueError, "class probabilities of shape"),
    (lambda texts: np.ones((len(texts) - 1, 2)) / 2, ValueError, "one output row per input row"),
    (lambda texts: np.full((len(texts), 2), 3.0), ValueError, "must return probabilities"),
    (lambda texts: 1 / 0, PredictFnError, "ZeroDivisionError"),
])
def test_bad_classifier_outputs(doc, classifier_fn, error, message):
    with pytest.raises(error, match=message):
        LimeTextExplainer().explain_instance(doc, classifier_fn, num_samples=20)
