"""Issue 11, item 1: a model that edits its input (or reuses its output) in place changes nothing.

The model gets rows it may do anything with; nothing the explainer reads afterwards is
shared with it. Each case compares with the same model that does not write, and with
lime 0.2.0.1's first call where lime is unaffected.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import SPACE, grid_segments, make_document, redness, tiny_image, topic_pipeline
from lime import lime_image as lime_image_ref
from lime import lime_tabular as lime_tabular_ref
from lime import lime_text as lime_text_ref
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier

from lime_widget import lime_image, lime_tabular, lime_text
from lime_widget.core import threads

TOL = 1e-8


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    return X, RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)


def editing(model):
    """The issue's model: edits its rows in place, then predicts on what it was given."""

    def predict(Z):
        Z -= 0.1
        Z /= 2
        return model.predict_proba(Z * 2 + 0.1)

    return predict


def reusing_output(predict):
    """A model that returns the same output buffer on every call (and overwrites it)."""
    buffer = {}

    def call(rows):
        out = np.asarray(predict(rows), dtype=float)
        if buffer.get("out") is None or buffer["out"].shape != out.shape:
            buffer["out"] = np.empty_like(out)
        buffer["out"][...] = out
        return buffer["out"]

    return call


def weights(exp, label):
    return dict(exp.as_list(label=label))


@pytest.mark.parametrize("cores", [1, 2])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("discretize", [False, True])
def test_tabular_model_editing_its_rows(wine, monkeypatch, cores, metric, discretize):
    X, model = wine
    monkeypatch.setattr(threads, "available_cores", lambda: cores)
    kwargs = dict(num_samples=3000, distance_metric=metric, labels=(0, 1), num_features=5)
    explainer = lime_tabular.LimeTabularExplainer(X, discretize_continuous=discretize, random_state=0)
    reference = explainer.explain_instance(X[3], model.predict_proba, **kwargs)
    answers = [explainer.explain_instance(X[3], editing(model), **kwargs) for _ in range(4)]
    answers.append(explainer.explain_instance(X[3], editing(model), batch_size=700, **kwargs))
    for exp in answers:
        for label in (0, 1):
            assert exp.as_list(label=label) == reference.as_list(label=label)
            assert exp.scores[label] == reference.scores[label]
    # lime, unaffected by the model's writes, gives the same first call
    theirs = lime_tabular_ref.LimeTabularExplainer(X, discretize_continuous=discretize, random_state=0)
    lime_exp = theirs.explain_instance(X[3], editing(model), **kwargs)
    for label in (0, 1):
        ours, lime_w = weights(answers[0], label), weights(lime_exp, label)
        assert list(ours) == list(lime_w)
        np.testing.assert_allclose(list(ours.values()), list(lime_w.values()), atol=TOL, rtol=0)


def test_tabular_dataframe_model_editing_its_frame(wine):
    import pandas as pd

    X, model = wine
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])

    def predict(df):
        df.iloc[:, :] = 0.0  # blanks the frame it was given
        return np.full((len(df), 2), 0.5)

    def honest(df):
        return model.predict_proba(df.to_numpy())

    def editing_frame(df):
        out = honest(df)
        df -= 1.0
        return out

    explainer = lime_tabular.LimeTabularExplainer(frame, discretize_continuous=False, random_state=0)
    explainer.explain_instance(frame.iloc[0], predict, num_samples=500)
    reference = explainer.explain_instance(frame.iloc[0], honest, num_samples=1500, labels=(0,))
    for _ in range(3):
        again = explainer.explain_instance(frame.iloc[0], editing_frame, num_samples=1500, labels=(0,))
        assert again.as_list(label=0) == reference.as_list(label=0)


def test_tabular_model_reusing_its_output_buffer(wine):
    X, model = wine
    explainer = lime_tabular.LimeTabularExplainer(X, discretize_continuous=False, random_state=0)
    reference = explainer.explain_instance(X[0], model.predict_proba, num_samples=2000, labels=(0,))
    reusing = reusing_output(model.predict_proba)
    exp = explainer.explain_instance(X[0], reusing, num_samples=2000, labels=(0,), batch_size=300)
    assert exp.as_list(label=0) == reference.as_list(label=0)
    # a later call that overwrites the model's buffer leaves the earlier explanation's outputs alone
    outputs = exp.neighborhood.outputs.copy()
    explainer.explain_instance(X[1], reusing, num_samples=2000, labels=(0,), batch_size=300)
    np.testing.assert_array_equal(exp.neighborhood.outputs, outputs)
    assert exp.refit(num_features=3).as_list(label=0) == reference.refit(num_features=3).as_list(label=0)


@pytest.fixture(scope="module")
def topic_model():
    return topic_pipeline()


def test_text_model_blanking_its_batch(topic_model):
    doc = make_document(np.random.RandomState(3), SPACE, 30)

    def blanking(docs):
        out = topic_model.predict_proba(list(docs))
        docs[:] = [""] * len(docs)
        return out

    def clearing(docs):
        kept = list(docs)
        docs.clear()
        return topic_model.predict_proba(kept)

    explainer = lime_text.LimeTextExplainer(random_state=0)
    reference = explainer.explain_instance(doc, topic_model.predict_proba, num_samples=800, num_features=6)
    for model in (blanking, clearing, reusing_output(topic_model.predict_proba)):
        for batch_size in (None, 128):
            exp = explainer.explain_instance(doc, model, num_samples=800, num_features=6, batch_size=batch_size)
            assert exp.as_list() == reference.as_list()
    lime_exp = lime_text_ref.LimeTextExplainer(random_state=0).explain_instance(
        doc, blanking, num_samples=800, num_features=6)
    ours, theirs = dict(reference.as_list()), dict(lime_exp.as_list())
    assert list(ours) == list(theirs)
    np.testing.assert_allclose(list(ours.values()), list(theirs.values()), atol=TOL, rtol=0)


def test_image_model_blanking_its_batch():
    image = tiny_image()

    def blanking(images):
        out = redness(images.copy())
        images[...] = 0
        return out

    kwargs = dict(top_labels=2, num_samples=200, segmentation_fn=grid_segments, progress_bar=False)
    explainer = lime_image.LimeImageExplainer(random_state=0)
    reference = explainer.explain_instance(image, redness, **kwargs)
    for model in (blanking, reusing_output(redness)):
        exp = explainer.explain_instance(image, model, **kwargs)
        for label in (0, 1):
            assert exp.as_list(label=label) == reference.as_list(label=label)
    assert np.array_equal(reference.image, tiny_image())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lime_exp = lime_image_ref.LimeImageExplainer(random_state=0).explain_instance(
            image, blanking, top_labels=2, num_samples=200, segmentation_fn=grid_segments, hide_color=None)
    for label in (0, 1):
        ours, theirs = dict(reference.local_exp[label]), dict(lime_exp.local_exp[label])
        assert sorted(ours) == sorted(theirs)
        np.testing.assert_allclose([ours[k] for k in sorted(ours)], [theirs[k] for k in sorted(theirs)],
                                   atol=TOL, rtol=0)


def test_sparse_rows_edited_in_place_change_nothing(wine):
    import scipy.sparse

    X, model = wine
    sparse = scipy.sparse.csr_matrix(np.where(X > np.median(X, axis=0), X, 0.0))

    def predict(Z):
        Z = Z.toarray() if scipy.sparse.issparse(Z) else Z
        return model.predict_proba(Z)

    def editing_sparse(Z):
        out = predict(Z)
        Z.data -= 0.1  # edits the CSR batch it was given
        Z.data /= 2
        return out

    explainer = lime_tabular.LimeTabularExplainer(sparse, random_state=0)
    reference = explainer.explain_instance(sparse[3], predict, num_samples=2000, labels=(0,), num_features=4)
    for batch_size in (None, 300):
        exp = explainer.explain_instance(sparse[3], editing_sparse, num_samples=2000, labels=(0,), num_features=4,
                                         batch_size=batch_size)
        assert exp.as_list(label=0) == reference.as_list(label=0)
