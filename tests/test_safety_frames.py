"""Issue 11, items 2, 3, 5 and 11: DataFrames that used to be read wrong, and explain() on two rows."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from helpers import CountingModel
from sklearn.linear_model import LogisticRegression

import lime_widget
from lime_widget.lime_tabular import LimeTabularExplainer


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 4)
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    return X, y, LogisticRegression().fit(X, y)


def test_duplicate_column_names_are_refused_by_name(data):
    X, _, _ = data
    frame = pd.DataFrame(X, columns=["a", "a", "b", "b"])
    with pytest.raises(ValueError, match=r"duplicate column names \['a', 'b'\]"):
        LimeTabularExplainer(frame)
    model = CountingModel(lambda df: np.full((len(df), 2), 0.5))
    with pytest.raises(ValueError, match="duplicate column names"):
        lime_widget.explain(model, frame.iloc[0], training_data=frame)
    assert model.calls == 0


@pytest.mark.parametrize("categorical", [[7], [-1], [0, 4]])
def test_categorical_features_out_of_range_same_error_as_numpy(data, categorical):
    X, _, _ = data
    with pytest.raises(ValueError) as numpy_error:
        LimeTabularExplainer(X, categorical_features=categorical)
    with pytest.raises(ValueError) as frame_error:
        LimeTabularExplainer(pd.DataFrame(X, columns=list("abcd")), categorical_features=categorical)
    assert str(frame_error.value) == str(numpy_error.value)
    assert "which is not a column index (0..3)" in str(frame_error.value)


def test_categorical_features_by_label_and_by_position(data):
    X, _, _ = data
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["a"] = (frame["a"] * 3).astype(int)
    by_name = LimeTabularExplainer(frame, categorical_features=["a"])
    by_position = LimeTabularExplainer(frame, categorical_features=[0])
    assert by_name.original_categorical == by_position.original_categorical == [0]
    # integer column labels that are not positions still name a column
    numbered = frame.set_axis([10, 11, 12, 13], axis=1)
    assert LimeTabularExplainer(numbered, categorical_features=[10]).original_categorical == [0]


@pytest.mark.parametrize("column, kind", [
    (pd.date_range("2020-01-01", periods=60, freq="D"), "dates"),
    (pd.date_range("2020-01-01", periods=60, freq="D", tz="UTC"), "dates"),
    (pd.to_timedelta(np.arange(60), unit="h"), "durations"),
    (pd.period_range("2020-01", periods=60, freq="M"), "periods"),
    ([datetime.date(2020, 1, 1) + datetime.timedelta(days=i) for i in range(60)], "dates"),
])
def test_time_columns_are_refused_with_how_to_convert(data, column, kind):
    X, _, _ = data
    frame = pd.DataFrame(X, columns=list("abcd")).assign(when=column)
    with pytest.raises(ValueError, match=rf"Column 'when' holds {kind}") as error:
        LimeTabularExplainer(frame)
    assert "Convert the column to numbers" in str(error.value)
    assert "pd.Timedelta(days=1)" in str(error.value)


def test_the_suggested_date_conversion_works(data):
    X, y, _ = data
    frame = pd.DataFrame(X, columns=list("abcd")).assign(when=pd.date_range("2020-01-01", periods=60))
    frame["when"] = (frame["when"] - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    model = LogisticRegression().fit(frame, y)
    exp = LimeTabularExplainer(frame, random_state=0).explain_instance(frame.iloc[0], model.predict_proba,
                                                                        num_samples=300)
    assert len(exp.as_list()) == 5 and any("when" in name for name, _ in exp.as_list())
    # listed as categorical, a date column is taken as categories, as asked
    dated = pd.DataFrame(X[:, :2], columns=["a", "b"]).assign(when=pd.date_range("2020-01-01", periods=60))
    explainer = LimeTabularExplainer(dated, categorical_features=["when"])
    assert len(explainer.categorical_names[2]) == 60


def test_explain_with_two_rows_says_one_row_is_expected(data):
    X, _, model = data
    model_calls = CountingModel(model.predict_proba)
    with pytest.raises(ValueError, match=r"explains one row; got 2 rows") as error:
        lime_widget.explain(model_calls, X[:2], training_data=X)
    assert "X[0]" in str(error.value) and "explain_many" in str(error.value)
    frame = pd.DataFrame(X, columns=list("abcd"))
    with pytest.raises(ValueError, match=r"explains one row; got 2 rows"):
        lime_widget.explain(model_calls, frame.iloc[:2], training_data=frame)
    assert model_calls.calls == 0
    # one row as a (1, n) array or a one-row DataFrame is fine
    assert lime_widget.explain(model, X[:1], training_data=X, num_samples=200).as_list()
    assert lime_widget.explain(lambda df: model.predict_proba(df.to_numpy()), frame.iloc[:1], training_data=frame,
                               num_samples=200).as_list()
