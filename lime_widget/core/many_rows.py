"""The rows ``explain_many`` explains: one kind of row, checked before any model call.

``instances`` may be a 2-D array (tabular rows), a DataFrame (its rows, as
``df.iloc[i]``), a list of strings, a list or array of images, or any sequence
of rows; each row goes to ``explain_instance`` exactly as a single call would
receive it. Chunks of rows are what travel to workers: an array or DataFrame
slice, not one pickled object per row.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from .image import LimeImageExplainer
from .recurrent import RecurrentTabularExplainer
from .tabular import TabularExplainer
from .text import LimeTextExplainer


class FrameRows:
    """The rows of a DataFrame slice, ``rows[j]`` being ``frame.iloc[j]`` (a Series, as ``df.iloc[i]``)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, j: int) -> pd.Series:
        return self.frame.iloc[j]


class Rows:
    """Sized, sliceable rows with ids (the DataFrame's index labels, else positions)."""

    def __init__(self, data: Any, ids: Sequence[Any]):
        self.data = data
        self.ids = list(ids)

    def __len__(self) -> int:
        return len(self.ids)

    def chunk(self, start: int, stop: int) -> Any:
        """Rows ``start..stop-1`` in a form that pickles as one object."""
        if isinstance(self.data, pd.DataFrame):
            return FrameRows(self.data.iloc[start:stop])
        return self.data[start:stop]


def _kind(row: Any) -> str:
    if isinstance(row, str):
        return "str"
    if isinstance(row, pd.Series):
        return "Series"
    if isinstance(row, pd.DataFrame):
        return "DataFrame"
    if isinstance(row, (np.ndarray, list, tuple)):
        return f"{np.ndim(row)}-d array"
    return type(row).__name__


def _expected(explainer: Any) -> tuple[str, set]:
    """What one row must be for this explainer: a description and the accepted kinds."""
    if isinstance(explainer, LimeTextExplainer):
        return "a string (one document)", {"str"}
    if isinstance(explainer, LimeImageExplainer):
        return "an image, a 2-d (H, W) or 3-d (H, W, C) array", {"2-d array", "3-d array"}
    if isinstance(explainer, RecurrentTabularExplainer):
        return "a 2-d (n_timesteps, n_features) array", {"2-d array"}
    if isinstance(explainer, TabularExplainer):
        return "a 1-d array of feature values or a pandas Series", {"1-d array", "Series"}
    return "", set()


def is_known_explainer(explainer: Any) -> bool:
    """Whether ``explainer`` is one of this package's (which check the rows they get)."""
    return bool(_expected(explainer)[1])


def as_rows(explainer: Any, instances: Any) -> Rows:
    """Check ``instances`` and return its rows.

    Raises
    ------
    TypeError
        A single string or a single row where many rows are expected, an object
        that is not a sequence, or rows of mixed or wrong kinds (the message
        names the first offending row).
    """
    if isinstance(instances, (str, bytes)):
        raise TypeError("instances must hold many rows; got a single string. Pass a list of documents, e.g. [doc].")
    if isinstance(instances, pd.DataFrame):
        if isinstance(explainer, (LimeTextExplainer, LimeImageExplainer)):
            raise TypeError(f"instances is a DataFrame, but {type(explainer).__name__} explains "
                            f"{_expected(explainer)[0]} per row; pass a list of them.")
        return Rows(instances, instances.index)
    if isinstance(instances, pd.Series):
        return Rows(instances.to_numpy(), instances.index)
    if hasattr(instances, "toarray"):
        raise TypeError("instances is a sparse matrix; pass a dense array (instances.toarray()).")
    if isinstance(instances, np.ndarray):
        data = instances
    elif isinstance(instances, Sequence):
        data = instances if isinstance(instances, list) else list(instances)
    elif hasattr(instances, "__iter__") and not isinstance(instances, dict):
        data = list(instances)
    else:
        raise TypeError(f"instances must be a sequence of rows (a 2-d array, a DataFrame, a list of strings or of "
                        f"images), got {type(instances).__name__}.")
    description, accepted = _expected(explainer)
    if isinstance(data, np.ndarray):
        if data.ndim == 0:
            raise TypeError(f"instances must be a sequence of rows, got a 0-d array ({data!r}).")
        if data.shape[0] > 0:
            kind = _kind(data[0])
            if accepted and kind not in accepted:
                raise TypeError(_one_row_message(data, description) if data.ndim == 1 and "1-d array" in accepted
                                else f"instances of shape {data.shape} give rows that are each a {kind}; "
                                     f"{type(explainer).__name__} needs each row to be {description}.")
        return Rows(data, range(len(data)))
    kinds = [_kind(row) for row in data]
    if accepted:
        bad = [i for i, kind in enumerate(kinds) if kind not in accepted]
        if bad:
            i = bad[0]
            raise TypeError(f"instances[{i}] is a {kinds[i]}; {type(explainer).__name__} needs each row to be "
                            f"{description} ({len(bad)} of {len(kinds)} rows are not).")
    mixed = sorted(set(kinds))
    if len(mixed) > 1:
        first = {kind: kinds.index(kind) for kind in mixed}
        where = ", ".join(f"instances[{first[kind]}] is a {kind}" for kind in mixed)
        raise TypeError(f"instances mixes kinds of rows: {where}. Every row must be of one kind.")
    return Rows(data, range(len(data)))


def _one_row_message(data: np.ndarray, description: str) -> str:
    return (f"instances has shape {data.shape}, a single row; each row must be {description}, so pass many rows "
            "as a 2-d array (e.g. row[None, :] for one row).")
