"""A fresh user's mistakes in lime_widget.core (issue 10's family), found in a trial.

Each wrong input gets a clear error naming the argument before the model is
called (or, for a wrong model output, after its first batch), never a bare
traceback or a silent wrong answer. A counting model proves how many calls ran.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel, grid_segments, redness, tiny_image
from sklearn.linear_model import LogisticRegression

from lime_widget.core.adaptive import RoundFailed
from lime_widget.core.exceptions import InvalidModeError
from lime_widget.core.predict import MultiLabelWarning
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer


@pytest.fixture(scope="module")
def table():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    return X, y, model


def _labels_of(proba_fn):
    return lambda rows: np.argmax(proba_fn(rows), axis=1)


def _one_column(proba_fn):
    return lambda rows: proba_fn(rows)[:, 1]


def _nan_first(proba_fn):
    def predict(rows):
        out = np.array(proba_fn(rows), dtype=float)
        out[0, 0] = np.nan
        return out
    return predict


def _wrong_width(proba_fn):
    return lambda rows: np.column_stack([proba_fn(rows), np.zeros(len(rows))])


# -- (B) model outputs are checked on the first batch -----------------------------
@pytest.mark.parametrize("wrap, message", [
    (_labels_of, "looks like class labels"),
    (_one_column, "one probability per row"),
    (_nan_first, "NaN or infinite"),
])
def test_image_bad_outputs_fail_after_one_batch(wrap, message):
    image = tiny_image()
    counting = CountingModel(wrap(redness))
    explainer = LimeImageExplainer(random_state=0)
    with pytest.raises(ValueError, match=message):
        explainer.explain_instance(image, counting, segmentation_fn=grid_segments, progress_bar=False)
    assert counting.calls == 1  # was 100 at the default 1000 samples, batch_size 10


@pytest.mark.parametrize("wrap, message", [
    (_labels_of, "looks like class labels"),
    (_one_column, "one probability per row"),
    (_nan_first, "NaN or infinite"),
])
def test_tabular_bad_outputs_fail_after_one_batch(table, wrap, message):
    X, _, model = table
    counting = CountingModel(wrap(model.predict_proba))
    with pytest.raises(ValueError, match=message):
        LimeTabularExplainer(X, random_state=0).explain_instance(X[0], counting, batch_size=100)
    assert counting.calls == 1  # was 50


def test_tabular_class_names_count_fails_after_one_batch(table):
    X, _, model = table
    counting = CountingModel(_wrong_width(model.predict_proba))
    with pytest.raises(ValueError, match="class_names has 2 entries but the model returns 3 classes"):
        LimeTabularExplainer(X, class_names=["a", "b"], random_state=0).explain_instance(
            X[0], counting, batch_size=100)
    assert counting.calls == 1


def test_tabular_auto_rounds_check_the_first_batch(table):
    X, _, model = table
    counting = CountingModel(_labels_of(model.predict_proba))
    with pytest.raises(ValueError, match="looks like class labels") as info:  # as with an integer num_samples
        LimeTabularExplainer(X, random_state=0).explain_instance(X[0], counting, num_samples="auto",
                                                                 num_features=2, batch_size=100)
    assert not isinstance(info.value, RoundFailed)
    assert counting.calls == 1


def test_text_bad_outputs_fail_after_one_batch():
    def proba(docs):
        p = np.array([0.8 if "good" in d else 0.3 for d in docs])
        return np.column_stack([1 - p, p])

    for wrap, message in [(_labels_of, "looks like class labels"), (_one_column, "one probability per row")]:
        counting = CountingModel(wrap(proba))
        with pytest.raises(ValueError, match=message):
            LimeTextExplainer(random_state=0).explain_instance("a good day at the sea", counting,
                                                               num_samples=500, batch_size=50)
        assert counting.calls == 1
        counting = CountingModel(wrap(proba))
        with pytest.raises(ValueError, match=message):
            LimeTextExplainer(random_state=0).explain_instance("a good day at the sea", counting,
                                                               num_samples="auto", num_features=2, batch_size=50)
        assert counting.calls == 1


def test_nan_in_a_later_batch_is_still_caught(table):
    X, _, model = table
    calls = []

    def late_nan(rows):
        calls.append(len(rows))
        out = model.predict_proba(rows)
        if len(calls) == 3:
            out[0] = np.nan
        return out

    with pytest.raises(ValueError, match="NaN or infinite"):
        LimeTabularExplainer(X, random_state=0).explain_instance(X[0], late_nan, num_samples=500, batch_size=100)
    assert len(calls) == 5


def test_multilabel_warning_once_per_explainer_with_batches(table):
    X, _, model = table

    def multilabel(rows):
        p = model.predict_proba(rows)
        return np.column_stack([p[:, 1], 0.5 * p[:, 1]])  # rows do not sum to 1

    explainer = LimeTabularExplainer(X, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        explainer.explain_instance(X[0], multilabel, num_samples=300, batch_size=50, labels=(0, 1))
        explainer.explain_instance(X[1], multilabel, num_samples=300, batch_size=50, labels=(0, 1))
    assert sum(issubclass(w.category, MultiLabelWarning) for w in caught) == 1


# -- (C) training_labels must fit training_data ----------------------------------
def test_class_names_passed_positionally_as_training_labels(table):
    X, _, _ = table
    with pytest.raises(ValueError, match=r"training_labels must hold one label per row of training_data \(120\), "
                                         r"got shape \(2,\) \['no', 'yes'\]\. These look like names passed "
                                         r"positionally"):
        LimeTabularExplainer(X, "classification", ["no", "yes"], ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"one label per row of training_data \(120\), got shape \(7,\)"):
        LimeTabularExplainer(X, training_labels=np.zeros(7))  # quartile: unused, still wrong


def test_training_labels_with_training_data_stats_stay_unchecked(table):
    X, y, model = table
    bins = {i: list(np.percentile(X[:, i], [25, 50, 75])) for i in range(3)}
    stats = {"means": {i: [0.0] * 4 for i in range(3)}, "stds": {i: [1.0] * 4 for i in range(3)},
             "mins": {i: [-9.0] * 4 for i in range(3)}, "maxs": {i: [9.0] * 4 for i in range(3)},
             "feature_values": {i: [0, 1, 2, 3] for i in range(3)},
             "feature_frequencies": {i: [0.25] * 4 for i in range(3)}, "bins": bins}
    # lime's own test passes unused labels of another length with stats: still accepted
    explainer = LimeTabularExplainer(np.zeros((2, 3)), training_labels=y, training_data_stats=stats, random_state=0)
    assert explainer.explain_instance(X[0], model.predict_proba, num_samples=200).score is not None
    right = LimeTabularExplainer(X, training_labels=y, discretizer="entropy", random_state=0)
    assert right.discretizer is not None


# -- (D) LimeTabularExplainer(X, y) ------------------------------------------------
def test_labels_passed_as_mode_get_a_short_message_and_the_hint(table):
    X, y, _ = table
    with pytest.raises(InvalidModeError) as info:
        LimeTabularExplainer(X, y)
    message = str(info.value)
    assert "mode got an array of 120 numbers ([" in message
    assert "of length 120, the number of rows of training_data" in message
    assert "training_labels=y" in message
    assert len(message) < 400  # was the whole of y
    with pytest.raises(InvalidModeError, match="look like names passed positionally"):
        LimeTabularExplainer(X, ["a", "b", "c"])


# -- (I) swapped arguments ---------------------------------------------------------
def test_swapped_arguments_name_the_instance_and_the_order(table):
    X, _, model = table
    counting = CountingModel(model.predict_proba)
    with pytest.raises(TypeError, match=r"data_row got a function \(.*\) and predict_fn got ndarray .*arguments "
                                        r"look swapped; the order is explain_instance\(data_row, predict_fn\)"):
        LimeTabularExplainer(X).explain_instance(counting, X[0])
    with pytest.raises(TypeError, match=r"text_instance got a function .* and classifier_fn got str .*"
                                        r"explain_instance\(text_instance, classifier_fn\)"):
        LimeTextExplainer().explain_instance(counting, "a good day")
    with pytest.raises(TypeError, match=r"image got a function .* and classifier_fn got ndarray .*"
                                        r"explain_instance\(image, classifier_fn\)"):
        LimeImageExplainer().explain_instance(counting, tiny_image())
    from lime_widget.core.many import explain_many

    with pytest.raises(TypeError, match=r"instances got a function .* and predict_fn got ndarray of shape \(5, 3\).*"
                                        r"explain_many\(explainer, instances, predict_fn\)"):
        explain_many(LimeTabularExplainer(X), counting, X[:5])
    assert counting.calls == 0


# -- (K) NaN in a DataFrame row names the column ------------------------------------
def test_nan_in_a_dataframe_row_names_its_column(table):
    X, _, model = table
    frame = pd.DataFrame(X, columns=["age", "income", "height"])
    counting = CountingModel(lambda rows: model.predict_proba(np.asarray(rows, dtype=float)))
    explainer = LimeTabularExplainer(frame)
    row = frame.iloc[0].copy()
    row["income"] = np.nan
    with pytest.raises(ValueError, match=r"data_row contains NaN or infinite values in column 'income'"):
        explainer.explain_instance(row, counting)
    row["height"] = np.inf
    with pytest.raises(ValueError, match=r"in columns 'income', 'height'"):
        explainer.explain_instance(row, counting)
    bad = frame.copy()
    bad.loc[3, "age"] = np.nan
    with pytest.raises(ValueError, match=r"training_data contains NaN or infinite values in column 'age'"):
        LimeTabularExplainer(bad)
    assert counting.calls == 0


# -- (L) progress=True --------------------------------------------------------------
def test_progress_true_is_accepted_everywhere(table, capsys):
    pytest.importorskip("tqdm")
    X, _, model = table
    exp = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict_proba, num_samples=300,
                                                                  progress=True)
    plain = LimeTabularExplainer(X, random_state=0).explain_instance(X[0], model.predict_proba, num_samples=300)
    assert exp.as_list() == plain.as_list()
    assert "100%" in capsys.readouterr().err

    def proba(docs):
        p = np.array([0.8 if "good" in d else 0.3 for d in docs])
        return np.column_stack([1 - p, p])

    text = LimeTextExplainer(random_state=0).explain_instance("a good day", proba, num_samples=100, progress=True)
    assert text.as_list() == LimeTextExplainer(random_state=0).explain_instance(
        "a good day", proba, num_samples=100, progress=False).as_list()
    assert "100%" in capsys.readouterr().err
    with pytest.raises(TypeError, match="progress must be a function"):
        LimeTabularExplainer(X).explain_instance(X[0], model.predict_proba, progress="yes")


# -- (G) explain_many: shared arguments once, a model-wide output mistake stops the run ----
@pytest.mark.parametrize("kwargs", [{"num_samples": "100"}, {"labels": ["no"]}, {"top_labels": 1.5},
                                    {"distance_metric": "nope"}, {"batch_size": 0}, {"sampling_method": "x"},
                                    {"num_features": 0}])
def test_explain_many_checks_shared_arguments_once_before_any_row(table, kwargs):
    from lime_widget.core.many import explain_many

    X, _, model = table
    counting = CountingModel(model.predict_proba)
    explainer = LimeTabularExplainer(X, random_state=0)
    with pytest.raises((ValueError, TypeError)) as single:
        explainer.explain_instance(X[0], counting, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ExplainManyWarning: one error, not one failure per row
        with pytest.raises(type(single.value)) as many:
            explain_many(explainer, X[:6], counting, **kwargs)
    assert str(many.value) == str(single.value)
    assert counting.calls == 0


def test_explain_many_refuses_unknown_keywords_and_bad_image_progress_bar(table):
    from lime_widget.core.many import explain_many

    X, _, model = table
    counting = CountingModel(model.predict_proba)
    with pytest.raises(TypeError, match=r"LimeTabularExplainer\.explain_instance, which refuses them: .*'nmu_samples'"):
        explain_many(LimeTabularExplainer(X), X[:3], counting, nmu_samples=10)
    images = np.stack([tiny_image()] * 3)
    with pytest.raises(ValueError, match="progress_bar must be True, False, None or a function"):
        explain_many(LimeImageExplainer(), images, counting, progress_bar="yes", segmentation_fn=grid_segments)
    assert counting.calls == 0


@pytest.mark.parametrize("extra", [{}, {"batch_rows": 400}, {"errors": "raise"}, {"num_samples": "auto", "num_features": 2}])
def test_explain_many_stops_at_the_first_model_output_mistake(table, extra):
    from lime_widget.core.many import ExplainManyError, explain_many

    X, _, model = table
    counting = CountingModel(_labels_of(model.predict_proba))
    kwargs = {"num_samples": 100, **extra}
    with pytest.raises(ExplainManyError, match=r"row 0 \(position 0\).*looks like class labels.*stopped there"):
        explain_many(LimeTabularExplainer(X, random_state=0), X[:8], counting, **kwargs)
    assert counting.calls == 1  # was one per row (8)


def test_explain_many_still_collects_row_specific_failures(table):
    from lime_widget.core.many import ExplainManyWarning, RowFailure, explain_many

    X, _, model = table

    def nan_far_out(rows):  # NaN may depend on the input: not a reason to stop every row
        out = model.predict_proba(rows)
        out[np.asarray(rows)[:, 2] > 20] = np.nan
        return out

    rows = X[:6].copy()
    rows[2, 2] = 50.0  # its neighbourhood's first row (the instance) gets NaN
    with pytest.warns(ExplainManyWarning, match="1 of 6 rows"):
        out = explain_many(LimeTabularExplainer(X, random_state=0), rows, nan_far_out, num_samples=100)
    assert isinstance(out[2], RowFailure) and "NaN" in out[2].message
    assert sum(isinstance(x, RowFailure) for x in out) == 1


# -- (M) warnings point at the caller's line ----------------------------------------
def test_explain_many_warning_points_at_the_callers_line(table):
    from lime_widget.core.many import ExplainManyWarning, explain_many

    X, _, model = table
    rows = X[:3].copy()
    rows[1, 0] = np.nan  # one row fails
    explainer = LimeTabularExplainer(X, random_state=0)
    for return_as in ("list", "generator", "generator_unordered"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            list(explain_many(explainer, rows, model.predict_proba, num_samples=100, return_as=return_as))
        [warning] = [w for w in caught if issubclass(w.category, ExplainManyWarning)]
        assert warning.filename == __file__, return_as


def test_multilabel_warning_points_at_the_callers_line(table):
    from lime_widget.core.many import explain_many

    X, _, model = table

    def multilabel(rows):
        p = model.predict_proba(rows)
        return np.column_stack([p[:, 1], 0.5 * p[:, 1]])

    for run in (lambda e: e.explain_instance(X[0], multilabel, num_samples=100, labels=(0, 1)),
                lambda e: explain_many(e, X[:2], multilabel, num_samples=100, labels=(0, 1))):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run(LimeTabularExplainer(X, random_state=0))
        [warning] = [w for w in caught if issubclass(w.category, MultiLabelWarning)]
        assert warning.filename == __file__


# -- (R) a kernel returning a fixed number of weights ----------------------------------
def test_kernel_with_a_fixed_number_of_weights_fails_before_the_model(table):
    X, _, model = table
    counting = CountingModel(model.predict_proba)
    three = lambda d, kernel_width: np.ones(3)  # noqa: E731
    with pytest.raises(ValueError, match=r"kernel must return one finite weight per distance; on the 5 distances "
                                         r"\[0.0, 0.25, 0.75, 1.5, 3.0\] with kernel_width=1.29904 it returned "
                                         r"\[1.0, 1.0, 1.0\]"):
        LimeTabularExplainer(X, kernel=three).explain_instance(X[0], counting, num_samples=100)
    with pytest.raises(ValueError, match=r"on the 5 distances"):
        LimeTextExplainer(kernel=three).explain_instance("a b c", counting)
    with pytest.raises(ValueError, match=r"on the 5 distances"):
        LimeImageExplainer(kernel=three).explain_instance(tiny_image(), counting, segmentation_fn=grid_segments)
    assert counting.calls == 0


def test_late_kernel_check_says_what_it_got():
    from lime_widget.core.neighborhood import weighted_design

    data, distances = np.ones((10, 2)), np.linspace(0, 1, 10)
    with pytest.raises(ValueError, match=r"for 10 distances \(kernel_width=0.5\) it returned weights of shape \(3,\)"):
        weighted_design(data, distances, lambda d, w: np.ones(3), 0.5)
    with pytest.raises(ValueError, match=r"for 10 distances \(kernel_width=0.5\) it returned 1 NaN or infinite"):
        weighted_design(data, distances, lambda d, w: np.where(d > 0.99, np.nan, 1.0), 0.5)


# -- uncertainty() on sparse rows with zero columns ------------------------------------
@pytest.fixture(scope="module")
def sparse_table():
    import scipy.sparse as sp

    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 6))
    X[X < 0.3] = 0
    y = (X[:, 0] + X[:, 4] > 0.8).astype(int)
    model = LogisticRegression().fit(X, y)
    return sp.csr_matrix(X), X, model


@pytest.mark.parametrize("num_features, selection", [(2, "forward_selection"), (3, "highest_weights"),
                                                     (10, "auto"), (10, "none")])
def test_uncertainty_of_a_sparse_row_matches_its_dense_equivalent(sparse_table, num_features, selection):
    import scipy.sparse as sp

    from lime_widget.core.neighborhood import Neighborhood
    from lime_widget.core.uncertainty import resampled_fit

    S, X, model = sparse_table
    row = sp.csr_matrix(X[[1]])
    assert 0 < row.nnz < X.shape[1]  # some zero columns
    exp = LimeTabularExplainer(S, random_state=0, feature_selection=selection).explain_instance(
        row, model.predict_proba, num_samples=400, num_features=num_features)
    table = exp.uncertainty()
    nb = exp.neighborhood
    assert nb.columns is not None
    wide = np.zeros((nb.data.shape[0], nb.width))
    wide[:, nb.columns] = nb.data
    dense = Neighborhood(wide, nb.outputs, nb.distances, nb.kernel, nb.kernel_width)
    s = exp.settings
    expected = resampled_fit(dense, 1, s.num_features, s.selection_method, s.kernel_width, s.model_regressor)
    got = resampled_fit(nb, 1, s.num_features, s.selection_method, s.kernel_width, s.model_regressor)
    np.testing.assert_allclose(got.standard_errors(), expected.standard_errors(), atol=1e-10)
    np.testing.assert_allclose(got.coef, expected.coef, atol=1e-10)
    assert got.stability == pytest.approx(expected.stability)
    varying = nb.columns
    np.testing.assert_allclose(got.selection_frequency[varying], expected.selection_frequency[varying])
    ids = table["feature_id"].to_numpy()
    assert sorted(ids) == sorted(i for i, _ in exp.local_exp[1])
    zero = ~np.isin(ids, varying)
    assert np.all(table["low"].to_numpy()[zero] == 0) and np.all(table["high"].to_numpy()[zero] == 0)
    assert np.all(table["low"] <= table["weight"]) and np.all(table["weight"] <= table["high"])


def test_uncertainty_of_an_all_zero_sparse_row(sparse_table):
    import scipy.sparse as sp

    S, X, model = sparse_table
    exp = LimeTabularExplainer(S, random_state=0).explain_instance(
        sp.csr_matrix((1, X.shape[1])), model.predict_proba, num_samples=200)
    table = exp.uncertainty()
    assert len(table) == len(exp.as_list())
    assert np.all(table[["weight", "low", "high"]].to_numpy() == 0)
    assert exp.stability_of() == 1.0
