"""pandas support for tabular explainers: columns, dtypes and string categories.

LIME works on a float matrix. A DataFrame is encoded column by column (numbers as
floats, categories as integer codes into the sorted observed values) and the
perturbed rows are decoded back into a DataFrame with the original column names and
dtypes, so a scikit-learn Pipeline with a ColumnTransformer receives what it was
trained on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from .validation import check_column_indices, is_integer


def _time_kind(column: pd.Series) -> Optional[str]:
    """``'dates'`` / ``'durations'`` / ``'periods'`` for time-valued columns, else ``None``."""
    dtype = column.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "dates"
    if pd.api.types.is_timedelta64_dtype(dtype):
        return "durations"
    if isinstance(dtype, pd.PeriodDtype):
        return "periods"
    if pd.api.types.is_object_dtype(dtype):
        inferred = pd.api.types.infer_dtype(column, skipna=True)
        kinds = {"datetime": "dates", "datetime64": "dates", "date": "dates", "time": "times",
                 "timedelta": "durations", "timedelta64": "durations", "period": "periods"}
        return kinds.get(inferred)
    return None


def _refuse_time_column(name: Any, kind: str, dtype: Any) -> ValueError:
    return ValueError(
        f"Column {name!r} holds {kind} (dtype {dtype}); LIME cannot perturb {kind}, and taken as categories "
        "every distinct value would become a category of its own. Convert the column to numbers, in "
        "training_data, in the explained row and in what the model receives, e.g. "
        f"df[{name!r}] = (df[{name!r}] - pd.Timestamp('1970-01-01')) / pd.Timedelta(days=1) for days since "
        "1970 (for durations: df[col].dt.total_seconds()), or split it into numeric columns such as year and "
        "month; put the same conversion in front of the model (e.g. a FunctionTransformer in a Pipeline). "
        "To treat it as categories anyway, list it in categorical_features."
    )


def _is_categorical_dtype(dtype: Any) -> bool:
    return isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype) or not (
        pd.api.types.is_numeric_dtype(dtype)
    )


@dataclass
class FrameCodec:
    """How a DataFrame's columns map to LIME's float matrix and back."""

    columns: list
    dtypes: list
    categories: dict  # column index -> ndarray of the original values, code = position

    @classmethod
    def fit(cls, frame: pd.DataFrame, categorical_features: Sequence[int] = ()) -> "FrameCodec":
        duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
        if duplicated:
            raise ValueError(
                f"training_data has duplicate column names {duplicated}; each column needs its own name (the "
                "model would receive one column in place of the other). Rename them, e.g. "
                "df.columns = [...], or drop the copies with df.loc[:, ~df.columns.duplicated()]."
            )
        categories = {}
        for i, (name, dtype) in enumerate(frame.dtypes.items()):
            if i not in categorical_features:
                kind = _time_kind(frame.iloc[:, i])
                if kind is not None:
                    raise _refuse_time_column(name, kind, dtype)
            if i in categorical_features or _is_categorical_dtype(dtype):
                column = frame.iloc[:, i]
                if column.isna().any():
                    raise ValueError(f"Column {name!r} has missing values; LIME needs complete training data.")
                if isinstance(dtype, pd.CategoricalDtype):
                    values = np.asarray(dtype.categories, dtype=object)
                else:
                    values = np.asarray(sorted(pd.unique(column), key=lambda v: (str(type(v)), v)), dtype=object)
                categories[i] = values
        return cls(list(frame.columns), list(frame.dtypes), categories)

    @property
    def categorical_features(self) -> list[int]:
        return sorted(self.categories)

    def categorical_names(self) -> dict[int, list[str]]:
        return {i: [str(v) for v in values] for i, values in self.categories.items()}

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        """DataFrame (or Series for one row) -> float matrix (or row)."""
        one_row = isinstance(frame, pd.Series)
        if one_row:
            frame = frame.to_frame().T
        if list(frame.columns) != self.columns:
            raise ValueError(
                f"Columns {list(frame.columns)} do not match the training data's columns {self.columns}."
            )
        out = np.empty(frame.shape, dtype=float)
        for i in range(frame.shape[1]):
            column = frame.iloc[:, i]
            if i in self.categories:
                lookup = {v: code for code, v in enumerate(self.categories[i])}
                try:
                    out[:, i] = [lookup[v] for v in column]
                except KeyError as exc:
                    raise ValueError(
                        f"Column {self.columns[i]!r} has the value {exc.args[0]!r}, which the training data "
                        f"never had (known values: {list(self.categories[i])})."
                    ) from None
            else:
                try:
                    out[:, i] = pd.to_numeric(column).to_numpy(dtype=float)
                except (TypeError, ValueError) as exc:
                    raise ValueError(f"Column {self.columns[i]!r} is not numeric: {exc}") from None
        return out[0] if one_row else out

    def decode(self, rows: np.ndarray) -> pd.DataFrame:
        """Float matrix -> DataFrame with the training columns and dtypes.

        Integer columns are rounded to the nearest integer, since models trained on
        counts or years expect whole numbers.
        """
        data = {}
        for i, (name, dtype) in enumerate(zip(self.columns, self.dtypes)):
            column = rows[:, i]
            if i in self.categories:
                data[name] = pd.Series(self.categories[i][column.astype(int)], dtype=dtype)
            elif pd.api.types.is_integer_dtype(dtype):
                data[name] = pd.Series(np.rint(column)).astype(dtype)
            else:
                data[name] = pd.Series(column).astype(dtype)
        return pd.DataFrame(data, columns=self.columns)

    def display_value(self, feature: int, value: float) -> str:
        if feature in self.categories:
            return str(self.categories[feature][int(value)])
        if pd.api.types.is_integer_dtype(self.dtypes[feature]):
            return str(int(value))
        return f"{value:.2f}"


def as_frame_codec(training_data: Any, categorical_features: Optional[Sequence] = None) -> Optional[FrameCodec]:
    """A codec when ``training_data`` is a DataFrame, else ``None``.

    ``categorical_features`` may name columns or give their positions.
    """
    if not isinstance(training_data, pd.DataFrame):
        return None
    positions = []
    columns = list(training_data.columns)
    n_columns = len(columns)
    bad = []
    for c in () if categorical_features is None else list(categorical_features):
        if is_integer(c) and 0 <= c < n_columns:
            positions.append(int(c))
        elif c in columns:  # a column's label (integer labels too, when not a position)
            positions.append(columns.index(c))
        elif is_integer(c):
            bad.append(int(c))
        else:
            raise ValueError(f"categorical_features names {c!r}, which is not a column of training_data.")
    check_column_indices("categorical_features", bad, n_columns)  # the same message as for numpy input
    return FrameCodec.fit(training_data, positions)
