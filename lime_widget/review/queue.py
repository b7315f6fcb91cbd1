"""Which rows the review walks through, in which order, and the confusion matrix."""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from .outcomes import Outcomes

#: Orders of the queue (first is the default): the model's confidence in its (wrong)
#: answer, the loss, the row's position, the true class.
ORDERS = ("confidence", "loss", "index", "true_class")
ORDER_LABELS = {"confidence": "Confidence in the wrong answer", "loss": "Loss", "index": "Row order",
                "true_class": "True class"}
#: Rows in the queue: the model's mistakes, or every row (teaching).
SCOPES = ("errors", "all")


def build_queue(outcomes: Outcomes, order: str = "confidence", scope: str = "errors",
                cell: Optional[Sequence[int]] = None) -> np.ndarray:
    """Positions of the rows to review, in review order.

    Parameters
    ----------
    outcomes : Outcomes
    order : {'confidence', 'loss', 'index', 'true_class'}
        ``confidence``: most confident first (for regression, which has no
        confidence, the largest absolute residual first); ``loss``: largest log
        loss / absolute residual first; ``index``: row order; ``true_class``:
        grouped by true class (then most confident first).
    scope : {'errors', 'all'}
        The mistakes (and rows the model failed on), or every row.
    cell : (true, predicted) class indices, optional
        Only the rows in that confusion-matrix cell (whatever the scope).

    Returns
    -------
    ndarray of int
    """
    check_order(order)
    if scope not in SCOPES:
        raise ValueError(f"scope={scope!r} is not known; expected one of {SCOPES}.")
    index = np.arange(len(outcomes))
    if cell is not None and len(cell):
        t, p = check_cell(outcomes, cell)
        rows = index[(outcomes.true == t) & (outcomes.pred == p) & ~outcomes.failed]
    elif scope == "errors":
        rows = index[outcomes.wrong]
    else:
        rows = index
    return rows[sort_keys(outcomes, rows, order)]


def sort_keys(outcomes: Outcomes, rows: np.ndarray, order: str) -> np.ndarray:
    """The permutation of ``rows`` for ``order`` (stable; ties and failed rows keep row order, last)."""
    if order == "index" or len(rows) == 0:
        return np.arange(len(rows))
    regression = outcomes.mode == "regression"
    strength = outcomes.loss if regression or order == "loss" else outcomes.confidence
    # descending, missing values (failed rows) last: sort on -value with nan -> +inf
    descending = np.where(np.isnan(strength[rows]), np.inf, -strength[rows])
    if order == "true_class":
        group = outcomes.true[rows].astype(float)
        return np.lexsort((rows, descending, group))
    return np.lexsort((rows, descending))


def confusion(outcomes: Outcomes) -> Optional[np.ndarray]:
    """``counts[true, predicted]`` over the rows the model could predict; ``None`` for regression."""
    if outcomes.mode != "classification":
        return None
    k = outcomes.n_classes
    counts = np.zeros((k, k), dtype=int)
    ok = ~outcomes.failed
    np.add.at(counts, (outcomes.true[ok], outcomes.pred[ok]), 1)
    return counts


def check_order(order: str) -> str:
    if order not in ORDERS:
        raise ValueError(f"order={order!r} is not known; expected one of {ORDERS}.")
    return order


def check_cell(outcomes: Outcomes, cell: Sequence[int]) -> tuple[int, int]:
    if outcomes.mode != "classification":
        raise ValueError("Confusion-matrix cells exist for classification only.")
    if len(cell) != 2:
        raise ValueError(f"A confusion-matrix cell is a (true, predicted) pair, got {list(cell)!r}.")
    t, p = (int(c) for c in cell)
    k = outcomes.n_classes
    if not (0 <= t < k and 0 <= p < k):
        raise ValueError(f"Cell ({t}, {p}) is outside the {k} x {k} confusion matrix.")
    return t, p
