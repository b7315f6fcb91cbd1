"""What the review's front end is sent about the rows: plain JSON (no NaN, no numpy)."""

from __future__ import annotations

from ..widget.serialization import jsonable
from .annotations import Annotations
from .data import ReviewData
from .outcomes import Outcomes
from .queue import ORDER_LABELS, ORDERS


def summary(data: ReviewData, outcomes: Outcomes, tags: list) -> dict:
    """The review's fixed facts: modality, mode, classes, counts, tags, orders."""
    return {
        "modality": data.modality,
        "mode": outcomes.mode,
        "class_names": outcomes.class_names,
        "n_rows": len(outcomes),
        "n_errors": int((outcomes.wrong & ~outcomes.failed).sum()),
        "n_failed": len(outcomes.errors),
        "tags": [str(t) for t in tags],
        "orders": [[name, ORDER_LABELS[name]] for name in ORDERS],
    }


def describe(data: ReviewData, outcomes: Outcomes, index: int) -> dict:
    """A row's ``row_id, true, predicted, confidence`` (the annotations' first columns)."""
    return {"row_id": data.ids[index], "true": outcomes.true_name(index), "predicted": outcomes.pred_name(index),
            "confidence": float(outcomes.confidence[index])}


def row(data: ReviewData, outcomes: Outcomes, annotations: Annotations, index: int) -> dict:
    """The ``row`` trait: everything the row card shows."""
    tag, note = annotations.get(index)
    failed = index in outcomes.errors
    payload = {
        "index": index,
        "id": str(data.ids[index]),
        "true": jsonable(outcomes.true_name(index)),
        "pred": jsonable(outcomes.pred_name(index)),
        "failed": failed,
        "loss": jsonable(outcomes.loss[index]),
        "tag": tag,
        "note": note,
        "instance": data.display(index),
    }
    if outcomes.mode == "classification":
        payload.update(
            true_label=int(outcomes.true[index]),
            pred_label=None if failed else int(outcomes.pred[index]),
            proba=None if failed else [float(p) for p in outcomes.proba[index]],
            confidence=jsonable(outcomes.confidence[index]),
            correct=None if failed else bool(outcomes.pred[index] == outcomes.true[index]),
        )
    else:
        payload.update(residual=None if failed else float(outcomes.true[index] - outcomes.pred[index]))
    return payload

