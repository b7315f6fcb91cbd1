"""What the model predicted for every row under review, and how that compares with y.

One batched call covers all rows; only when it fails is the batch split (bisection),
so that rows the model cannot handle are singled out while the others keep their
predictions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ..core.predict import check_outputs
from .data import ReviewData


@dataclass
class Outcomes:
    """Predictions against the truth, one entry per row (computed once; never changed afterwards).

    Attributes
    ----------
    mode : {'classification', 'regression'}
    class_names : list of str
        A display name per class (classification; empty for regression).
    true : ndarray
        Class index per row (classification) or the target value (regression).
    pred : ndarray
        Predicted class index (``-1`` where the model failed) or predicted value
        (``nan`` where it failed).
    proba : ndarray of shape (n, n_classes) or None
        Class probabilities (rows of ``nan`` where the model failed).
    errors : dict
        Position -> message, for the rows the model failed on.
    """

    mode: str
    class_names: list
    true: np.ndarray
    pred: np.ndarray
    proba: Optional[np.ndarray]
    errors: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.true)

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @cached_property
    def failed(self) -> np.ndarray:
        mask = np.zeros(len(self), dtype=bool)
        mask[list(self.errors)] = True
        return mask

    @cached_property
    def confidence(self) -> np.ndarray:
        """Probability of the predicted class (``nan`` for regression and failed rows)."""
        if self.proba is None:
            return np.full(len(self), np.nan)
        pred = np.where(self.pred >= 0, self.pred, 0)
        out = self.proba[np.arange(len(self)), pred].astype(float)
        out[self.failed] = np.nan
        return out

    @cached_property
    def loss(self) -> np.ndarray:
        """Log loss of the true class (classification) or absolute residual (regression)."""
        if self.proba is None:
            return np.abs(self.true.astype(float) - self.pred.astype(float))
        p_true = self.proba[np.arange(len(self)), self.true]
        with np.errstate(divide="ignore", invalid="ignore"):
            # clipped like sklearn's log_loss so a confident mistake is large, not infinite
            return -np.log(np.clip(p_true, 1e-15, 1.0))

    @cached_property
    def wrong(self) -> np.ndarray:
        """Rows to review: misclassified (or any residual), plus rows the model failed on."""
        if self.proba is None:
            wrong = np.abs(self.true.astype(float) - self.pred.astype(float)) > 0
        else:
            wrong = self.pred != self.true
        return wrong | self.failed

    def true_name(self, index: int) -> Any:
        return self.class_names[int(self.true[index])] if self.mode == "classification" else float(self.true[index])

    def pred_name(self, index: int) -> Any:
        if index in self.errors:
            return None
        return self.class_names[int(self.pred[index])] if self.mode == "classification" else float(self.pred[index])


def encode_targets(y: Any, n_rows: int, mode: str, classes: Optional[Sequence[Any]] = None,
                   class_names: Optional[Sequence[str]] = None) -> np.ndarray:
    """``y`` as class indices (classification) or floats (regression), checked against X.

    Classification labels are matched, in order of preference, to the model's
    ``classes_``, to ``class_names``, or read as class indices ``0..k-1``.
    """
    values = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y)
    if values.ndim != 1:
        raise ValueError(f"y must be one label per row (a 1-d array), got shape {values.shape}.")
    if len(values) != n_rows:
        raise ValueError(f"X has {n_rows} rows but y has {len(values)} labels; they must describe the same rows "
                         "(one label per row, in the same order).")
    if mode == "regression":
        try:
            return values.astype(float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Regression targets y must be numbers: {exc}") from exc
    if classes is not None:
        lookup = {_key(c): i for i, c in enumerate(classes)}
        source = "the model's classes_"
    elif class_names is not None and values.dtype.kind in "OUS":
        lookup = {str(c): i for i, c in enumerate(class_names)}
        source = "class_names"
    else:
        if values.dtype.kind not in "iuf" or (values.dtype.kind == "f" and not np.all(values == np.round(values))):
            raise ValueError("y holds labels that are not class indices; pass class_names (or a scikit-learn model "
                             "with classes_) so they can be matched to the model's probability columns.")
        return values.astype(int)
    out = np.empty(n_rows, dtype=int)
    missing = []
    for i, v in enumerate(values):
        key = str(v) if source == "class_names" else _key(v)
        if key not in lookup:
            missing.append(v)
            continue
        out[i] = lookup[key]
    if missing:
        shown = ", ".join(repr(_key(v)) for v in list(dict.fromkeys(missing))[:5])
        raise ValueError(f"{len(missing)} labels in y are not among {source}: {shown}.")
    return out


def predict_all(predict_fn: Callable[[Any], Any], data: ReviewData, mode: str,
                batch_size: Optional[int] = None) -> tuple[np.ndarray, dict]:
    """The model's output for every row, and an error message for each row it failed on.

    Returns
    -------
    outputs : ndarray
        ``(n, n_classes)`` probabilities or ``(n, 1)`` values; ``nan`` rows where the model failed.
    errors : dict
        Position -> readable message.
    """
    n = len(data)
    if n == 0:
        raise ValueError("X is empty: there are no rows to review.")
    results: dict[int, np.ndarray] = {}
    errors: dict[int, str] = {}
    if not data.stackable:
        chunks = [[i] for i in range(n)]
    else:
        size = n if batch_size is None else batch_size
        chunks = [list(range(s, min(s + size, n))) for s in range(0, n, size)]

    def run(indices: list) -> None:
        try:
            out = np.asarray(predict_fn(data.batch(indices)), dtype=float)
        except Exception as exc:  # the user's model: split the batch to find the rows it fails on
            if len(indices) == 1:
                errors[indices[0]] = f"The model failed on this row: {type(exc).__name__}: {exc}"
                return
            mid = len(indices) // 2
            run(indices[:mid])
            run(indices[mid:])
            return
        if out.ndim == 0 or out.shape[0] != len(indices):
            raise ValueError(f"The model returned an array of shape {out.shape} for {len(indices)} rows; expected "
                             "one output row per input row.")
        finite = np.all(np.isfinite(out.reshape(len(indices), -1)), axis=1)
        for i, ok in zip(indices, finite):
            if not ok:
                errors[i] = "The model returned NaN or infinite values for this row."
        # configuration mistakes (predict instead of predict_proba, ...) concern every row: raise them
        checked = check_outputs(out[finite], mode) if finite.any() else None
        for j, i in enumerate(np.asarray(indices)[finite]):
            results[int(i)] = checked[j]

    for chunk in chunks:
        run(chunk)
    if not results:
        first = errors[min(errors)]
        raise RuntimeError(f"The model failed on every row, so there is nothing to review. First failure: {first}")
    width = next(iter(results.values())).shape[0]
    outputs = np.full((n, width), np.nan)
    for i, row in results.items():
        outputs[i] = row
    return outputs, errors


def build_outcomes(outputs: np.ndarray, errors: dict, true: np.ndarray, mode: str,
                   class_names: Optional[Sequence[str]]) -> Outcomes:
    """Outcomes from the model outputs of :func:`predict_all` and encoded targets."""
    if mode == "classification":
        n_classes = outputs.shape[1]
        names = [str(c) for c in class_names] if class_names is not None else [str(i) for i in range(n_classes)]
        if len(names) != n_classes:
            raise ValueError(f"class_names has {len(names)} entries but the model returns {n_classes} classes.")
        if true.size and (true.min() < 0 or true.max() >= n_classes):
            raise ValueError(f"y holds class indices outside 0..{n_classes - 1} (the model returns {n_classes} "
                             "classes).")
        filled = np.where(np.isfinite(outputs), outputs, -np.inf)
        pred = np.argmax(filled, axis=1)
        pred[list(errors)] = -1
        return Outcomes(mode, names, true, pred, outputs, dict(errors))
    return Outcomes(mode, [], true, outputs[:, 0].copy(), None, dict(errors))


def _key(value: Any) -> Any:
    # numpy scalars and Python values with the same meaning must match (np.int64(1) == 1)
    return value.item() if isinstance(value, np.generic) else value
