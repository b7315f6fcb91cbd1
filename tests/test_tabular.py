"""Tabular explainer: cached neighbourhood, pandas, bad input, lime's API surface."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from lime_widget import lime_tabular
from lime_widget.core.predict import PredictFnError
from lime_widget.explanation import Explanation


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    model = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    return X, y, model


@pytest.fixture(scope="module")
def frame():
    rng = np.random.RandomState(0)
    n = 400
    df = pd.DataFrame({
        "age": rng.randint(18, 80, n),
        "income": rng.rand(n) * 1e5,
        "colour": rng.choice(["red", "green", "blue"], n),
        "member": rng.rand(n) > 0.5,
    })
    y = ((df.colour == "red") | (df.age > 60)).astype(int)
    columns = ColumnTransformer([("num", StandardScaler(), ["age", "income"]),
                                 ("cat", OneHotEncoder(), ["colour", "member"])])
    return df, y, make_pipeline(columns, LogisticRegression()).fit(df, y)


def test_refit_never_calls_the_model(wine):
    X, _, model = wine
    counting = CountingModel(model.predict_proba)
    exp = lime_tabular.LimeTabularExplainer(X, random_state=0).explain_instance(X[0], counting, num_features=5)
    assert (counting.calls, counting.rows) == (1, 5000)
    refits = [exp.refit(num_features=2), exp.refit(label=2), exp.refit(kernel_width=1.0),
              exp.refit(feature_selection="lasso_path"), exp.refit(feature_selection="none"),
              exp.refit(num_features=8, labels=[0, 1, 2])]
    assert counting.calls == 1
    assert len(refits[0].as_list()) == 2
    assert sorted(refits[1].local_exp) == [1, 2]
    assert len(refits[4].as_list()) == X.shape[1]
    assert refits[0].settings["num_features"] == 2 and exp.settings["num_features"] == 5


def test_refit_equals_a_fresh_explanation_with_those_settings(wine):
    X, _, model = wine
    explainer = lime_tabular.LimeTabularExplainer(X, random_state=4)
    refit = explainer.explain_instance(X[9], model.predict_proba, num_features=7).refit(num_features=3, labels=[0])
    fresh = explainer.explain_instance(X[9], model.predict_proba, num_features=3, labels=[0])
    assert refit.as_list(0) == fresh.as_list(0)
    assert refit.scores[0] == fresh.scores[0]


def test_scores_and_local_preds_kept_per_label(wine):
    X, _, model = wine
    exp = lime_tabular.LimeTabularExplainer(X, random_state=1).explain_instance(
        X[0], model.predict_proba, top_labels=3)
    assert sorted(exp.scores) == [0, 1, 2] and sorted(exp.local_preds) == [0, 1, 2]
    assert len(set(exp.scores.values())) == 3
    last = list(exp.local_exp)[-1]
    assert exp.score == exp.scores[last]


def test_lime_api_surface(wine, tmp_path):
    X, _, model = wine
    explainer = lime_tabular.LimeTabularExplainer(X, feature_names=[f"f{i}" for i in range(13)],
                                                  class_names=["a", "b", "c"], random_state=0)
    exp = explainer.explain_instance(X[0], model.predict_proba, labels=(0, 2), num_features=4)
    assert isinstance(exp, Explanation)
    assert exp.available_labels() == [0, 2]
    assert set(exp.as_map()) == {0, 2}
    assert all(isinstance(name, str) and isinstance(w, float) for name, w in exp.as_list(0))
    assert exp.class_names == ["a", "b", "c"] and exp.mode == "classification"
    assert exp.predict_proba.shape == (3,)
    fig = exp.as_pyplot_figure(label=2)
    assert len(fig.axes[0].patches) == 4
    with pytest.raises(KeyError, match="refit"):
        exp.as_list(1)


def test_num_features_above_feature_count_is_capped_like_lime(wine):
    X, _, model = wine
    exp = lime_tabular.LimeTabularExplainer(X[:, :4], random_state=0).explain_instance(
        X[0, :4], RandomForestClassifier(n_estimators=5, random_state=0).fit(X[:, :4], wine[1]).predict_proba,
        num_features=10)
    assert len(exp.as_list()) == 4 and exp.settings["num_features"] == 4


def test_pandas_pipeline_with_string_categories(frame):
    df, _, pipe = frame
    seen = []

    def predict(rows):
        seen.append(rows)
        return pipe.predict_proba(rows)

    explainer = lime_tabular.LimeTabularExplainer(df, class_names=["no", "yes"], random_state=0)
    exp = explainer.explain_instance(df.iloc[3], predict, num_features=4)
    batch = seen[0]
    assert isinstance(batch, pd.DataFrame)
    assert list(batch.columns) == list(df.columns)
    assert list(batch.dtypes) == list(df.dtypes)
    assert set(batch["colour"]) <= {"red", "green", "blue"}
    assert batch.iloc[0].tolist() == df.iloc[3].tolist()
    names = [n for n, _ in exp.as_list()]
    assert any(n.startswith("colour=") for n in names)
    domain = exp.to_dict()["domain"]
    assert domain["values"][2] == df.iloc[3]["colour"] and domain["categorical"] == [False, False, True, True]
    # the same row given as a one-row DataFrame or a plain list
    assert explainer.explain_instance(df.iloc[[3]], pipe.predict_proba, num_features=4).as_list() == exp.as_list()


def test_pandas_unknown_category_is_a_clear_error(frame):
    df, _, pipe = frame
    row = df.iloc[0].copy()
    row["colour"] = "purple"
    with pytest.raises(ValueError, match="'purple'.*never had"):
        lime_tabular.LimeTabularExplainer(df).explain_instance(row, pipe.predict_proba)


def test_constant_column_works(wine):
    X, y, _ = wine
    X = X.copy()
    X[:, 3] = 2.5
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    for kwargs in ({}, {"discretize_continuous": False}):
        seen = []

        def predict(rows, seen=seen):
            seen.append(rows)
            return model.predict_proba(rows)

        exp = lime_tabular.LimeTabularExplainer(X, random_state=0, **kwargs).explain_instance(X[0], predict)
        assert np.all(np.isfinite([w for _, w in exp.as_list()]))
        # the model sees the constant value, not lime's standardised 0 (deliberate fix)
        np.testing.assert_allclose(seen[0][:, 3], 2.5)


@pytest.mark.parametrize("predict, message", [
    (lambda X: 1 / 0, "predict_fn raised ZeroDivisionError"),
    (lambda X: np.ones((len(X) - 1, 3)) / 3, "expected one output row per input row"),
    (lambda X: np.full((len(X), 3), np.nan), "NaN"),
    (lambda X: np.full((len(X), 3), 2.0), "probabilities"),
    (lambda X: np.zeros(len(X)), "predict_proba"),
    (lambda X: "oops", "not a numeric array|shape"),
])
def test_bad_predict_fn_is_explained(wine, predict, message):
    X, _, _ = wine
    with pytest.raises((ValueError, PredictFnError), match=message):
        lime_tabular.LimeTabularExplainer(X, random_state=0).explain_instance(X[0], predict, num_samples=50)


def test_predict_fn_error_keeps_the_cause(wine):
    X, _, _ = wine

    def broken(rows):
        raise KeyError("column x")

    with pytest.raises(PredictFnError) as info:
        lime_tabular.LimeTabularExplainer(X).explain_instance(X[0], broken, num_samples=10)
    assert isinstance(info.value.__cause__, KeyError)


def test_bad_inputs_are_explained(wine):
    X, _, model = wine
    explainer = lime_tabular.LimeTabularExplainer(X, random_state=0)
    with pytest.raises(ValueError, match="one row of 13 values"):
        explainer.explain_instance(X[0, :5], model.predict_proba)
    bad = X[0].copy()
    bad[2] = np.nan
    with pytest.raises(ValueError, match="data_row contains NaN"):
        explainer.explain_instance(bad, model.predict_proba)
    with pytest.raises(ValueError, match=r"labels \[5\] are not classes.*0\.\.2"):
        explainer.explain_instance(X[0], model.predict_proba, labels=(5,), num_samples=20)
    with pytest.raises(ValueError, match="num_features must be an integer >= 1"):
        explainer.explain_instance(X[0], model.predict_proba, num_features=0)
    with pytest.raises(ValueError, match="num_samples"):
        explainer.explain_instance(X[0], model.predict_proba, num_samples=1)
    with pytest.raises(ValueError, match="class_names has 2"):
        lime_tabular.LimeTabularExplainer(X, class_names=["a", "b"]).explain_instance(
            X[0], model.predict_proba, num_samples=20)
    nan_data = X.copy()
    nan_data[0, 0] = np.inf
    with pytest.raises(ValueError, match="training_data contains NaN or infinite"):
        lime_tabular.LimeTabularExplainer(nan_data)
    with pytest.raises(ValueError, match="training_data is empty"):
        lime_tabular.LimeTabularExplainer(np.empty((0, 4)))
    with pytest.raises(ValueError, match="discretizer"):
        lime_tabular.LimeTabularExplainer(X, discretizer="median")
    with pytest.raises(ValueError, match="training_labels"):
        lime_tabular.LimeTabularExplainer(X, discretizer="entropy")
    with pytest.raises(ValueError, match="mode"):
        lime_tabular.LimeTabularExplainer(X, mode="ranking")
    with pytest.raises(ValueError, match="feature_names has 2"):
        lime_tabular.LimeTabularExplainer(X, feature_names=["a", "b"])
    with pytest.raises(ValueError, match="categorical_features are not supported with sparse"):
        from scipy.sparse import csr_matrix

        lime_tabular.LimeTabularExplainer(csr_matrix(X), categorical_features=[0])


def test_batches_and_progress(wine):
    X, _, model = wine
    counting = CountingModel(model.predict_proba)
    progress = []
    explainer = lime_tabular.LimeTabularExplainer(X, random_state=0)
    batched = explainer.explain_instance(X[0], counting, num_samples=1000, batch_size=300, progress=progress.append)
    assert counting.calls == 4 and progress == pytest.approx([0.3, 0.6, 0.9, 1.0])
    whole = explainer.explain_instance(X[0], model.predict_proba, num_samples=1000)
    assert batched.as_list() == whole.as_list()


def test_regression_and_custom_regressor(wine):
    X, y, _ = wine
    from sklearn.ensemble import RandomForestRegressor

    model = RandomForestRegressor(n_estimators=10, random_state=0).fit(X[:, 1:], X[:, 0])
    explainer = lime_tabular.LimeTabularExplainer(X[:, 1:], mode="regression", random_state=0)
    regressor = Ridge(alpha=3.0)
    exp = explainer.explain_instance(X[0, 1:], model.predict, num_features=4, model_regressor=regressor)
    assert not hasattr(regressor, "coef_")
    assert len(exp.as_list()) == 4
    with pytest.raises(NotImplementedError):
        exp.available_labels()
    assert exp.to_dict()["predicted_value"] == pytest.approx(exp.predicted_value)
    # a classifier's 2-D output in regression mode is rejected
    with pytest.raises(ValueError, match="one number per row"):
        explainer.explain_instance(X[0, 1:], lambda rows: np.ones((len(rows), 2)) / 2)


def test_random_state_instance_and_lhs(wine):
    X, _, model = wine
    rng = np.random.RandomState(0)
    explainer = lime_tabular.LimeTabularExplainer(X, random_state=rng, discretize_continuous=False)
    a = explainer.explain_instance(X[0], model.predict_proba, sampling_method="lhs", num_samples=500)
    b = explainer.explain_instance(X[0], model.predict_proba, sampling_method="lhs", num_samples=500)
    assert a.as_list() != b.as_list()  # a shared RandomState advances, like scikit-learn
    with pytest.raises(ValueError, match="sampling_method"):
        explainer.explain_instance(X[0], model.predict_proba, sampling_method="sobol")


def test_to_dict_is_json_ready(wine):
    import json

    X, _, model = wine
    exp = lime_tabular.LimeTabularExplainer(X, random_state=0).explain_instance(
        X[0], model.predict_proba, top_labels=2, num_features=3)
    state = json.loads(json.dumps(exp.to_dict()))
    assert state["modality"] == "tabular" and state["top_labels"] == exp.top_labels
    assert set(state["fits"]) == {str(label) for label in exp.top_labels}
    assert len(state["feature_names"]) == 13 and len(state["domain"]["values"]) == 13
    first = state["fits"][str(exp.top_labels[0])]["weights"][0]
    assert state["feature_names"][first[0]] == exp.as_list(exp.top_labels[0])[0][0]


def test_a_model_that_overwrites_its_rows_does_not_change_later_calls(wine):
    X, _, model = wine
    explainer = lime_tabular.LimeTabularExplainer(X, random_state=0)

    def vandal(rows):
        out = model.predict_proba(rows)
        rows[:] = 0.0  # the explainer's kept draws must not be these rows
        return out

    explainer.explain_instance(X[0], vandal, num_features=4, num_samples=800)
    later = explainer.explain_instance(X[1], model.predict_proba, num_features=4, num_samples=800)
    fresh = lime_tabular.LimeTabularExplainer(X, random_state=0).explain_instance(
        X[1], model.predict_proba, num_features=4, num_samples=800)
    assert later.as_list() == fresh.as_list()


def test_same_answer_without_a_second_core(wine, monkeypatch):
    from lime_widget.core import threads

    X, y, _ = wine
    wide = np.tile(X[:, :12], 3)  # 36 columns x 2999 rows: the in-bin draws are split over two threads
    model = RandomForestClassifier(n_estimators=10, random_state=0).fit(wide, y)
    submitted = []
    submit = threads.submit
    monkeypatch.setattr(threads, "submit", lambda fn, *a, **k: submitted.append(fn) or submit(fn, *a, **k))
    shared = lime_tabular.LimeTabularExplainer(wide, random_state=0).explain_instance(
        wide[0], model.predict_proba, num_samples=3000)
    assert len(submitted) == 2  # half of the draws, then the interpretable side beside the model call
    monkeypatch.setattr(threads, "available_cores", lambda: 1)
    alone = lime_tabular.LimeTabularExplainer(wide, random_state=0).explain_instance(
        wide[0], model.predict_proba, num_samples=3000)
    assert len(submitted) == 2
    assert alone.as_list() == shared.as_list()
    np.testing.assert_array_equal(alone.neighborhood.data, shared.neighborhood.data)


def test_a_failing_kernel_is_reported_and_the_next_call_works(wine):
    X, _, model = wine
    broken = lime_tabular.LimeTabularExplainer(X, random_state=0, kernel=lambda d, kernel_width: d * np.nan)
    with pytest.raises(ValueError, match="one finite weight per distance"):
        broken.explain_instance(X[0], model.predict_proba, num_samples=300)
    exp = lime_tabular.LimeTabularExplainer(X, random_state=0).explain_instance(
        X[0], model.predict_proba, num_samples=300)
    assert len(exp.as_list()) == 10
