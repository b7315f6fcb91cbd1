"""The rows under review: one interface over numpy/pandas tables, lists of strings and images.

Rows are addressed by their position ``0..n-1`` (the review's internal index); the
``row id`` a user sees is the DataFrame / Series index label, or the position for
arrays and lists.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from ..core.image import prepare_image
from ..widget.serialization import image_buffer

MODALITIES = ("tabular", "text", "image")

#: Longest text shown in a row's card (the explanation view shows the whole document).
MAX_TEXT_PREVIEW = 5000


class ReviewData:
    """Rows of X with what the review needs from them.

    Parameters
    ----------
    X : ndarray (n, d) or DataFrame (tabular); list / Series / 1-d array of str (text);
        ndarray (n, H, W[, C]) or list of (H, W[, C]) arrays (images)
    modality : {'tabular', 'text', 'image'}, optional
        Inferred from ``X`` when omitted.
    feature_names : sequence of str, optional
        Column names shown for numpy tables.

    Attributes
    ----------
    modality : str
    ids : list
        The row id of each position (index labels for pandas, else ``0..n-1``).
    """

    def __init__(self, X: Any, modality: Optional[str] = None, feature_names: Optional[Sequence[str]] = None):
        self.modality = infer_modality(X) if modality is None else modality
        if self.modality not in MODALITIES:
            raise ValueError(f"modality={self.modality!r} is not known; expected one of {MODALITIES}.")
        self._frame: Optional[pd.DataFrame] = None
        self._lookup: Optional[tuple[dict, dict]] = None
        if self.modality == "tabular":
            if isinstance(X, pd.DataFrame):
                self._frame = X
                self.ids = list(X.index)
                self.columns = [str(c) for c in X.columns]
            else:
                values = np.asarray(X)
                if values.ndim != 2:
                    raise ValueError(f"Tabular X must be a 2-d array or a DataFrame, got an array of shape "
                                     f"{values.shape}.")
                self._values = values
                self.ids = list(range(len(values)))
                names = list(feature_names) if feature_names is not None else [str(i) for i in range(values.shape[1])]
                if len(names) != values.shape[1]:
                    raise ValueError(f"feature_names has {len(names)} names but X has {values.shape[1]} columns.")
                self.columns = [str(c) for c in names]
        elif self.modality == "text":
            raw = X.tolist() if isinstance(X, pd.Series) else list(X)
            self.ids = list(X.index) if isinstance(X, pd.Series) else list(range(len(raw)))
            bad = next((i for i, t in enumerate(raw) if not isinstance(t, str)), None)
            if bad is not None:
                raise TypeError(f"Text X must hold strings; row {self.ids[bad]!r} is {type(raw[bad]).__name__}.")
            self._texts = [str(t) for t in raw]
        else:
            images = list(X) if not isinstance(X, np.ndarray) else [X[i] for i in range(len(X))]
            self._images = [prepare_image(im) for im in images]
            self.ids = list(range(len(self._images)))

    def __len__(self) -> int:
        return len(self.ids)

    # -- what the model and the explainer receive ------------------------------------------
    def instance(self, index: int) -> Any:
        """Row ``index`` as the explainer takes it (Series, 1-d array, str or image)."""
        if self.modality == "tabular":
            return self._frame.iloc[index] if self._frame is not None else self._values[index]
        if self.modality == "text":
            return self._texts[index]
        return self._images[index]

    def batch(self, indices: Sequence[int]) -> Any:
        """Rows ``indices`` in one model input (DataFrame, 2-d array, list of str, image stack).

        Raises ``ValueError`` for images of different shapes (they cannot be stacked).
        """
        indices = list(indices)
        if self.modality == "tabular":
            return self._frame.iloc[indices] if self._frame is not None else self._values[indices]
        if self.modality == "text":
            return [self._texts[i] for i in indices]
        shapes = {self._images[i].shape for i in indices}
        if len(shapes) > 1:
            raise ValueError("images of different shapes cannot be predicted in one batch")
        return np.stack([self._images[i] for i in indices])

    @property
    def stackable(self) -> bool:
        """Whether all rows fit one batch (images of one shape; always true otherwise)."""
        return self.modality != "image" or len({im.shape for im in self._images}) <= 1

    # -- what the front end shows -----------------------------------------------------------
    def display(self, index: int) -> dict:
        """JSON-able description of row ``index`` for the row card (pixels travel separately)."""
        if self.modality == "tabular":
            row = self._frame.iloc[index].tolist() if self._frame is not None else list(self._values[index])
            return {"kind": "tabular", "columns": self.columns, "values": [_text_of(v) for v in row]}
        if self.modality == "text":
            text = self._texts[index]
            return {"kind": "text", "text": text[:MAX_TEXT_PREVIEW], "truncated": len(text) > MAX_TEXT_PREVIEW}
        height, width = self._images[index].shape[:2]
        return {"kind": "image", "height": int(height), "width": int(width)}

    def pixels(self, index: int) -> dict:
        """Row ``index``'s image as an ``{data, dtype, shape}`` RGB uint8 buffer; ``{}`` for other rows."""
        if self.modality != "image":
            return {}
        return image_buffer(self._images[index])  # the explanation view's converter: one look for one image

    def find(self, row_id: Any) -> Optional[int]:
        """The position of ``row_id`` (compared as given, then as text); ``None`` when absent."""
        if self._lookup is None:
            # built once: jumps and CSV loads look up many ids
            exact: dict = {}
            for i, rid in enumerate(self.ids):
                try:
                    exact.setdefault(rid, i)
                except TypeError:  # an unhashable id is still found by its text
                    pass
            text: dict = {}
            for i, rid in enumerate(self.ids):
                text.setdefault(str(rid), i)
            self._lookup = (exact, text)
        exact, text = self._lookup
        if not isinstance(row_id, bool):
            try:
                if row_id in exact and not isinstance(self.ids[exact[row_id]], bool):
                    return exact[row_id]
            except TypeError:
                pass
        return text.get(str(row_id).strip())


def infer_modality(X: Any) -> str:
    """``tabular`` for tables, ``text`` for a sequence of strings, ``image`` for a stack of images."""
    if isinstance(X, pd.DataFrame):
        return "tabular"
    if isinstance(X, str):
        raise TypeError("X must hold many rows; got a single string. Pass a list of documents.")
    if isinstance(X, pd.Series):
        if len(X) and all(isinstance(v, str) for v in X):
            return "text"
        raise TypeError("X is a pandas Series of non-strings; pass a DataFrame for tabular rows.")
    if isinstance(X, np.ndarray):
        if X.dtype.kind in "US" or (X.dtype == object and X.ndim == 1 and len(X) and isinstance(X[0], str)):
            return "text"
        if X.ndim == 2:
            return "tabular"
        if X.ndim in (3, 4):
            return "image"
        raise ValueError(f"Cannot tell what X of shape {X.shape} holds: expected (n, d) rows or (n, H, W[, C]) images.")
    if isinstance(X, (list, tuple)):
        if not X:
            raise ValueError("X is empty: there are no rows to review.")
        if all(isinstance(v, str) for v in X):
            return "text"
        if all(np.ndim(v) >= 2 for v in X):
            return "image"
        return "tabular"
    raise TypeError(f"X must be a numpy array, a DataFrame, a list of strings or a list of images; got "
                    f"{type(X).__name__}.")


def _text_of(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return str(value)
