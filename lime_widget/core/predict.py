"""Calling the user's model: batching, progress, and checking what comes back."""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator, Optional, Sequence

import numpy as np

ProgressCallback = Callable[[float], None]

MODES = ("classification", "regression")


class PredictFnError(RuntimeError):
    """The user's prediction function raised; the original error is chained."""


def validate_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode={mode!r} is not known; expected 'classification' or 'regression'.")
    return mode


def batches(n_rows: int, batch_size: Optional[int]) -> list[slice]:
    """Slices covering ``range(n_rows)`` in chunks of at most ``batch_size``."""
    if batch_size is None or batch_size >= n_rows:
        return [slice(0, n_rows)]
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size}.")
    return [slice(start, min(start + batch_size, n_rows)) for start in range(0, n_rows, batch_size)]


# Without a batch_size, a call that reports progress first sends about 1/_FIRST_SHARE of
# the rows (at most _FIRST_MAX), then batches sized from that batch's time to take about
# _BATCH_SECONDS each (the rest in one call when it is quick), so the bar moves and a
# caller can stop between batches, while a fast model is still called only twice.
_FIRST_SHARE = 20
_FIRST_MAX = 1000
_BATCH_SECONDS = 0.25


def timed_batches(n_rows: int) -> Iterator[slice]:
    """Slices covering ``range(n_rows)``, sized from the time the caller spends on each."""
    start, size = 0, max(1, min(-(-n_rows // _FIRST_SHARE), _FIRST_MAX))
    while start < n_rows:
        stop = min(n_rows, start + size)
        began = time.perf_counter()
        yield slice(start, stop)
        per_row = max((time.perf_counter() - began) / (stop - start), 1e-12)
        start = stop
        remaining = n_rows - start
        size = remaining if per_row * remaining <= 2 * _BATCH_SECONDS else max(1, int(_BATCH_SECONDS / per_row))


def call_model(
    predict_fn: Callable[[Any], Any],
    make_rows: Callable[[slice], Any],
    n_rows: int,
    batch_size: Optional[int] = None,
    progress: Optional[ProgressCallback] = None,
) -> np.ndarray:
    """Ask the model for every neighbourhood row, batch by batch.

    Parameters
    ----------
    predict_fn : callable
        The user's model.
    make_rows : callable
        ``make_rows(slice)`` builds the model-space rows of one batch; building
        them lazily keeps memory bounded by the batch size (images).
    n_rows : int
    batch_size : int or None
        ``None`` sends all rows in one call, or, with ``progress``, in batches
        sized to take about a quarter of a second each (see :func:`timed_batches`).
    progress : callable, optional
        Called with the fraction of rows done after each batch; it may raise to
        stop the work at that point.

    Returns
    -------
    ndarray
        The stacked outputs, as floats.
    """
    outputs = []
    parts = timed_batches(n_rows) if batch_size is None and progress is not None else batches(n_rows, batch_size)
    for part in parts:
        rows = make_rows(part)
        try:
            out = predict_fn(rows)
        except Exception as exc:  # the user's code: re-raise with what we were doing
            raise PredictFnError(
                f"predict_fn raised {type(exc).__name__} while predicting {part.stop - part.start} "
                f"perturbed rows (rows {part.start}..{part.stop - 1} of {n_rows}): {exc}"
            ) from exc
        out = _as_float_array(out)
        if out.ndim == 0 or out.shape[0] != part.stop - part.start:
            raise ValueError(
                f"predict_fn returned an array of shape {out.shape} for {part.stop - part.start} rows; "
                "expected one output row per input row."
            )
        outputs.append(out)
        if progress is not None:
            progress(part.stop / n_rows)
    return np.concatenate(outputs) if len(outputs) > 1 else outputs[0]


def _as_float_array(out: Any) -> np.ndarray:
    try:
        # a copy: the model may reuse (and later overwrite) the array it returned
        return np.array(out, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"predict_fn returned {type(out).__name__}, which is not a numeric array: {exc}"
        ) from exc


def check_outputs(outputs: np.ndarray, mode: str, class_names: Optional[Sequence[str]] = None) -> np.ndarray:
    """Validate model outputs and return them as a 2-D array (one column per label).

    Classification needs probabilities of shape (n_rows, n_classes); regression
    needs one number per row and gets a single column (lime's convention).
    """
    if outputs.size and not (np.isfinite(outputs.min()) and np.isfinite(outputs.max())):  # NaN/inf reach one
        bad = int(np.sum(~np.isfinite(outputs)))
        raise ValueError(f"predict_fn returned {bad} NaN or infinite values; the model must return finite numbers.")
    if mode == "classification":
        if outputs.ndim != 2:
            raise ValueError(
                f"In classification mode predict_fn must return class probabilities of shape "
                f"(n_rows, n_classes), got shape {outputs.shape}. Pass the model's predict_proba, "
                "not predict, or use mode='regression'."
            )
        if outputs.min() < -1e-6 or outputs.max() > 1 + 1e-6 or np.abs(outputs.sum(axis=1) - 1.0).max() > 1e-4:
            raise ValueError(
                "In classification mode predict_fn must return probabilities (each row between 0 and 1, "
                f"summing to 1); got values in [{outputs.min():.3g}, {outputs.max():.3g}] with row sums in "
                f"[{outputs.sum(axis=1).min():.3g}, {outputs.sum(axis=1).max():.3g}]. Pass predict_proba "
                "(not log probabilities or decision scores)."
            )
        if class_names is not None and len(class_names) != outputs.shape[1]:
            raise ValueError(
                f"class_names has {len(class_names)} entries but the model returns {outputs.shape[1]} classes."
            )
        return outputs
    if outputs.ndim == 2 and outputs.shape[1] == 1:
        outputs = outputs[:, 0]
    if outputs.ndim != 1:
        raise ValueError(
            f"In regression mode predict_fn must return one number per row, got shape {outputs.shape}."
        )
    return outputs[:, None]


def resolve_labels(
    outputs: np.ndarray, mode: str, labels: Sequence[int], top_labels: Optional[int]
) -> tuple[list[int], Optional[list[int]]]:
    """The labels to explain, lime's way; checks they exist.

    Returns ``(labels, top_labels_list)``; the second is ``None`` unless
    ``top_labels`` was given.
    """
    if mode == "regression":
        return [0], None
    n_classes = outputs.shape[1]
    if top_labels:
        if top_labels < 1:
            raise ValueError(f"top_labels must be a positive integer, got {top_labels}.")
        # lime: argsort of the instance's probabilities, highest last, then reversed
        top = list(np.argsort(outputs[0])[-top_labels:])
        top.reverse()
        return [int(x) for x in np.argsort(outputs[0])[-top_labels:]], [int(x) for x in top]
    labels = [int(label) for label in labels]
    bad = [label for label in labels if not 0 <= label < n_classes]
    if bad:
        raise ValueError(
            f"labels {bad} are not classes of this model; it returns {n_classes} classes, so labels must be "
            f"in 0..{n_classes - 1}."
        )
    return labels, None
