"""Model-assisted surrogates of num_samples="auto" (lime_widget.core.assisted)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from helpers import SPACE, CountingModel, make_document, topic_pipeline

from lime_widget.core import adaptive, assisted
from lime_widget.core.assisted import AssistedNeighborhood
from lime_widget.core.neighborhood import Neighborhood
from lime_widget.core.text import TextPopulation
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer


class ScoredRowsAsPopulation:
    """Free rows that are the scored perturbed rows themselves (rows 1..n-1): the difference
    estimator is then lime's fit, exactly."""

    link = "logit"

    def __init__(self, data, distances):
        self.data, self.distances = data[1:], distances[1:]
        self.n_inputs = 2 * data.shape[1] - 1

    def draw(self, rng, n_rows):
        assert n_rows == len(self.data)
        return self.data, self.distances, self.features(self.data, None)

    def features(self, data, inputs):
        rows = np.asarray(data, dtype=float)
        return np.hstack([rows, rows[:, :1] * rows[:, 1:]])  # any features: their effect cancels


@pytest.mark.parametrize("num_features, selection", [(5, "auto"), (5, "forward_selection"), (8, "auto"),
                                                     (4, "highest_weights"), (5, "lasso_path"), (13, "none")])
def test_with_the_scored_rows_as_free_rows_the_fit_is_lime_s(wine_model, monkeypatch, num_features, selection):
    """E_free[w z g] and E_scored[w z g] cancel exactly when both are the same rows, whatever the
    emulator: what is left is lime's surrogate on the scored rows (moments, centring, ridge scale,
    every feature selection)."""
    data, model = wine_model
    exp = LimeTabularExplainer(data.data, random_state=0).explain_instance(data.data[5], model.predict_proba,
                                                                           num_samples=1500, labels=(0, 1))
    plain = exp.neighborhood
    monkeypatch.setattr(assisted, "population_size", lambda n_scored, n_features: n_scored - 1)
    monkeypatch.setattr(assisted, "chunk_count", lambda n_features: 1)
    cross_fitted = assisted.fit_emulator

    def same_emulator_everywhere(features, y, weights, link, seed):
        # the scored rows' residuals use the folds' mean too (not each row's held-out fold), so
        # that both terms see one emulator and cancel
        emulator = cross_fitted(features, y, weights, link, seed)
        return assisted.Emulator(emulator.coefs, emulator.predict(features), link)

    monkeypatch.setattr(assisted, "fit_emulator", same_emulator_everywhere)
    nb = AssistedNeighborhood.assisted(plain.data, plain.outputs, plain.distances, plain.kernel, plain.kernel_width,
                                       ScoredRowsAsPopulation(plain.data, plain.distances))
    for width in (None, 1.7):
        ours = nb.fit([0, 1], num_features, selection, width)
        lime_fit = plain.fit([0, 1], num_features, selection, width)
        for label in (0, 1):
            assert [i for i, _ in ours[label].weights] == [i for i, _ in lime_fit[label].weights]
            np.testing.assert_allclose([w for _, w in ours[label].weights], [w for _, w in lime_fit[label].weights],
                                       rtol=1e-7, atol=1e-10)
            assert ours[label].intercept == pytest.approx(lime_fit[label].intercept, abs=1e-9)
            assert ours[label].score == pytest.approx(lime_fit[label].score, abs=1e-9)
            assert ours[label].local_pred == pytest.approx(lime_fit[label].local_pred, abs=1e-9)


def _text_case():
    model = topic_pipeline()
    doc = make_document(np.random.RandomState(4), SPACE, 80)
    return model, doc


def _assisted_copy(neighborhood: Neighborhood, n_words: int) -> AssistedNeighborhood:
    return AssistedNeighborhood.assisted(neighborhood.data, neighborhood.outputs, neighborhood.distances,
                                         neighborhood.kernel, neighborhood.kernel_width,
                                         TextPopulation(n_words, "cosine"))


def test_assisted_weights_estimate_lime_s_surrogate_with_less_error():
    """The same scored rows, fitted two ways, against lime's fit on 40000 rows (the surrogate both
    estimate): the assisted weights are centred on it and closer to it than lime's own fit on the rows."""
    model, doc = _text_case()
    reference = LimeTextExplainer(random_state=99).explain_instance(doc, model.predict_proba, num_features=4,
                                                                    num_samples=40000)
    n_words = reference.neighborhood.num_features
    truth = np.zeros(n_words)
    full = reference.neighborhood.fit([1], n_words - 1, "highest_weights")[1]
    truth[[i for i, _ in full.weights]] = [w for _, w in full.weights]
    plain_err, ours_err, ours = [], [], []
    for seed in range(8):
        nb = LimeTextExplainer(random_state=seed).explain_instance(doc, model.predict_proba, num_features=4,
                                                                   num_samples=800).neighborhood
        for fits, errors in ((nb.fit([1], n_words - 1, "highest_weights")[1], plain_err),
                             (_assisted_copy(nb, n_words).fit([1], n_words - 1, "highest_weights")[1], ours_err)):
            weights = np.zeros(n_words)
            weights[[i for i, _ in fits.weights]] = [w for _, w in fits.weights]
            errors.append(np.sqrt(np.mean((weights - truth) ** 2)))
            if errors is ours_err:
                ours.append(weights)
    assert np.mean(ours_err) < 0.6 * np.mean(plain_err), (np.mean(ours_err), np.mean(plain_err))
    # no bias: the mean of the 8 assisted fits is within 3 standard errors of the truth, weight by weight
    ours = np.array(ours)
    spread = ours.std(axis=0, ddof=1) / np.sqrt(len(ours))
    assert np.all(np.abs(ours.mean(axis=0) - truth) <= 3 * spread + 0.02 * np.abs(truth).max())


def test_the_estimated_stability_counts_the_free_rows_own_noise(monkeypatch):
    """The bootstrap resamples the chunks of free rows too: with few of them the estimate drops."""
    model, doc = _text_case()
    nb = LimeTextExplainer(random_state=0).explain_instance(doc, model.predict_proba, num_features=3,
                                                            num_samples=1000).neighborhood
    n_words = nb.num_features
    many = assisted.resample_fits(_assisted_copy(nb, n_words), 1, nb.kernel_width, 3, "auto", 200, 1.0, 0)
    monkeypatch.setattr(assisted, "POPULATION_MIN", 400)
    monkeypatch.setattr(assisted, "POPULATION_FACTOR", 0)
    monkeypatch.setattr(assisted, "POPULATION_FLOPS", 0)
    few = assisted.resample_fits(_assisted_copy(nb, n_words), 1, nb.kernel_width, 3, "auto", 200, 1.0, 0)
    assert few.stability < many.stability - 0.05, (few.stability, many.stability)
    assert np.all(few.standard_errors() >= 0) and few.standard_errors().sum() > many.standard_errors().sum()


def test_auto_explanations_are_assisted_deterministic_and_survive_pickling_and_compaction(wine_model):
    data, model = wine_model
    explainer = LimeTabularExplainer(data.data, random_state=0)
    counter = CountingModel(model.predict_proba)
    exp = explainer.explain_instance(data.data[130], counter, labels=(2,), num_features=4, num_samples="auto")
    nb = exp.neighborhood
    assert isinstance(nb, AssistedNeighborhood) and counter.rows == exp.num_samples == nb.num_samples
    assert nb.inputs.dtype == np.uint16 and nb.inputs.shape == (exp.num_samples, 13)
    again = explainer.explain_instance(data.data[130], model.predict_proba, labels=(2,), num_features=4,
                                       num_samples="auto")
    assert again.as_list(2) == exp.as_list(2) and again.stability == exp.stability
    refit = exp.refit(num_features=3, kernel_width=2.5, feature_selection="lasso_path")
    calls = counter.calls
    copy = pickle.loads(pickle.dumps(again))  # (exp's resample hook holds the counter's lock)
    assert copy.refit(num_features=3, kernel_width=2.5, feature_selection="lasso_path").as_list(2) == refit.as_list(2)
    assert nb.compact()
    assert exp.refit(num_features=3, kernel_width=2.5, feature_selection="lasso_path").as_list(2) == refit.as_list(2)
    table = exp.uncertainty(label=2)
    assert list(table.feature) == [name for name, _ in exp.as_list(2)]
    assert np.all(table.low <= table.weight) and np.all(table.weight <= table.high)
    assert counter.calls == calls  # refits, copies and uncertainty never call the model


def test_a_custom_regressor_fits_the_scored_rows_alone(wine_model):
    from sklearn.linear_model import Ridge

    data, model = wine_model
    exp = LimeTabularExplainer(data.data, random_state=0).explain_instance(
        data.data[130], model.predict_proba, labels=(2,), num_features=4, num_samples="auto",
        model_regressor=Ridge(alpha=1.0))
    nb = exp.neighborhood
    lime_fit = Neighborhood.fit(nb, [2], 4, "auto", None, Ridge(alpha=1.0))[2]
    assert exp.as_list(2) == [(name, w) for (name, _), (_, w) in zip(exp.as_list(2), lime_fit.weights)]


def test_wide_text_fits_the_scored_rows_alone(monkeypatch):
    """Past :func:`assisted.affordable` (about 450 distinct words) free rows cost too much."""
    words = [f"w{i}" for i in range(40)]
    doc = " ".join(words)

    def model(texts):
        p = np.array([0.2 + 0.6 * ("w3" in t.split()) + 0.1 * ("w7" in t.split()) for t in texts])
        return np.stack([1 - p, p], axis=1)

    assert assisted.affordable(40) and not assisted.affordable(500)
    monkeypatch.setattr(assisted, "MAX_FLOPS", assisted.POPULATION_MIN * 39**2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        exp = LimeTextExplainer(random_state=0).explain_instance(doc, model, num_features=2, num_samples="auto",
                                                                 max_samples=1000)
    assert type(exp.neighborhood) is Neighborhood
    assert [name for name, _ in exp.as_list()][0] == "w3"


def test_auto_rows_of_the_first_round_are_lime_s_draws(wine_model):
    """Free rows never advance the explainer's generator: the scored rows are lime's draw order."""
    data, model = wine_model
    explainer = LimeTabularExplainer(data.data, random_state=0)
    exp = explainer.explain_instance(data.data[130], model.predict_proba, labels=(2,), num_features=5,
                                     num_samples="auto")
    first = explainer.explain_instance(data.data[130], model.predict_proba, labels=(2,), num_features=5,
                                       num_samples=adaptive.FIRST_ROUND)
    np.testing.assert_array_equal(exp.neighborhood.data[:adaptive.FIRST_ROUND], first.neighborhood.data)


class OneChunkPerRow(ScoredRowsAsPopulation):
    """The scored perturbed rows again, one per chunk, in order: chunk counts can then repeat row counts."""

    def __init__(self, data, distances):
        super().__init__(data, distances)
        self.cursor = 0

    def draw(self, rng, n_rows):
        rows = slice(self.cursor, self.cursor + n_rows)
        self.cursor = (self.cursor + n_rows) % len(self.data)
        return self.data[rows], self.distances[rows], self.features(self.data[rows], None)


@pytest.mark.parametrize("selection, num_features", [("auto", 4), ("highest_weights", 8), ("lasso_path", 4)])
def test_replicates_are_lime_s_refits_on_the_same_counts(wine_model, monkeypatch, selection, num_features):
    """Bootstrap replicates and disjoint halves or quarters (doubling_gain's) of the assisted fit are,
    with the scored rows as free rows, lime's refits on the same counts: each replicate's Gram matrix
    is scaled to its own rows, the instance counts once."""
    from lime_widget.core import uncertainty

    data, model = wine_model
    plain = LimeTabularExplainer(data.data, random_state=2).explain_instance(
        data.data[40], model.predict_proba, num_samples=400, labels=(1,)).neighborhood
    n = plain.num_samples
    monkeypatch.setattr(assisted, "population_size", lambda n_scored, n_features: n_scored - 1)
    monkeypatch.setattr(assisted, "chunk_count", lambda n_features: n - 1)
    cross_fitted = assisted.fit_emulator
    monkeypatch.setattr(assisted, "fit_emulator", lambda *args: assisted.Emulator(
        cross_fitted(*args).coefs, cross_fitted(*args).predict(args[0]), args[3]))
    nb = AssistedNeighborhood.assisted(plain.data, plain.outputs, plain.distances, plain.kernel, plain.kernel_width,
                                       OneChunkPerRow(plain.data, plain.distances))
    for counts in (uncertainty.bootstrap_counts(n, 30), uncertainty.subsample_counts(n, 5, 4)):
        ours = assisted.fits_on_counts(nb, 1, plain.kernel_width, num_features, selection, counts, counts[1:])
        lime_refits = uncertainty.fits_on_counts(plain.design(), plain.outputs[:, 1], counts, num_features, selection)
        np.testing.assert_allclose(ours.coef, lime_refits.coef, rtol=1e-6, atol=1e-9)
        np.testing.assert_array_equal(ours.top, lime_refits.top)


def _logistic_wine():
    from sklearn.datasets import load_wine
    from sklearn.linear_model import LogisticRegression

    data = load_wine().data
    scale = data.std(axis=0)
    model = LogisticRegression(max_iter=300).fit(data / scale, load_wine().target)
    return data, lambda rows: model.predict_proba(rows / scale)


def test_the_instance_counts_once_also_at_narrow_kernel_widths():
    """Row 0 is in every neighbourhood once: at a width where only it weighs, the surrogate's local
    prediction is the model's own output there, as lime's fit on the same rows says (before, the
    free rows' missing instance made it 1.97 for a probability of 0.98)."""
    data, predict_proba = _logistic_wine()
    exp = LimeTabularExplainer(data, random_state=0).explain_instance(data[60], predict_proba, labels=(1,),
                                                                      num_features=4, num_samples="auto")
    nb = exp.neighborhood
    lime_rows = Neighborhood(nb.data, nb.outputs, nb.distances, nb.kernel, nb.kernel_width)
    for width in (1.0, 0.5, 0.3):
        ours, lime_fit = nb.fit([1], 4, "auto", width)[1], lime_rows.fit([1], 4, "auto", width)[1]
        assert ours.local_pred == pytest.approx(lime_fit.local_pred, abs=0.02), width
        assert -0.05 < ours.score <= 1.0
    assert nb.fit([1], 4, "auto", 0.3)[1].local_pred == pytest.approx(nb.outputs[0, 1], abs=1e-3)


@pytest.mark.parametrize("kernel_args", [dict(kernel_width=0.05),
                                         dict(kernel_width=1.0, kernel=lambda d, w: (d < w).astype(float))])
def test_auto_with_a_kernel_that_weighs_only_the_instance(kernel_args):
    """Emulator folds with no weighted row learn the mean instead of failing."""
    data, predict_proba = _logistic_wine()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        exp = LimeTabularExplainer(data, random_state=0, **kernel_args).explain_instance(
            data[60], predict_proba, labels=(1,), num_features=4, num_samples="auto")
    assert all(weight == 0 for _, weight in exp.as_list(1))
    assert exp.local_pred == pytest.approx(predict_proba(data[60:61])[0, 1], abs=1e-6)


def test_categorical_columns_of_too_many_values_fit_the_scored_rows_alone():
    rng = np.random.RandomState(0)
    data = np.column_stack([rng.randint(0, 4 * assisted.MAX_EMULATOR_INPUTS, 3000), rng.normal(size=(3000, 3))])

    def predict_proba(rows):
        p = 1 / (1 + np.exp(-rows[:, 1] - (rows[:, 0] % 2)))
        return np.stack([1 - p, p], axis=1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        exp = LimeTabularExplainer(data, categorical_features=[0], random_state=0).explain_instance(
            data[0], predict_proba, num_features=2, num_samples="auto", max_samples=1000)
    assert len(np.unique(data[:, 0])) > assisted.MAX_EMULATOR_INPUTS
    assert type(exp.neighborhood) is Neighborhood


def test_explain_many_refuses_batch_rows_with_auto(wine_model):
    """Stacking needs neighbourhoods of a known size; "auto" rows would each have their own."""
    from lime_widget.core.many import explain_many

    data, model = wine_model
    counter = CountingModel(model.predict_proba)
    with pytest.raises(ValueError, match=r"^batch_rows stacks fixed-size neighbourhoods .*num_samples='auto'"):
        explain_many(LimeTabularExplainer(data.data, random_state=0), data.data[:3], counter, batch_rows=20000,
                     num_samples="auto", num_features=3)
    assert counter.calls == 0


def test_a_run_stopped_by_its_budget_says_so_without_blaming_ties(wine_model):
    data, model = wine_model
    with pytest.warns(UserWarning, match=r"stopped at max_samples=500 with an estimated stability of 0\.\d\d, below "
                                         r"stability_target=1: the order of some of the top 5 features is not settled "
                                         r"yet\. Raise max_samples") as caught:
        LimeTabularExplainer(data.data, random_state=0).explain_instance(
            data.data[130], model.predict_proba, labels=(2,), num_features=5, num_samples="auto",
            stability_target=1.0, max_samples=500)
    assert not any("ties" in str(w.message) for w in caught)


def test_without_progress_each_round_is_one_model_call(wine_model):
    data, model = wine_model
    sizes = []

    def predict_proba(rows):
        sizes.append(len(rows))
        return model.predict_proba(rows)

    exp = LimeTabularExplainer(data.data, random_state=0).explain_instance(
        data.data[130], predict_proba, labels=(2,), num_features=5, num_samples="auto")
    assert sum(sizes) == exp.num_samples and len(sizes) == exp.neighborhood.auto_stop.rounds
