"""Calling the user's model: batching, progress, and checking what comes back."""

from __future__ import annotations

import functools
import inspect
import time
from typing import Any, Callable, Iterator, Optional, Sequence, Union

import numpy as np

from .caller import warn_at_caller
from .exceptions import InvalidModeError, ModelOutputError
from .validation import check_batch_size, check_option

ProgressCallback = Callable[[float], None]
#: ``True`` (a tqdm bar when tqdm is installed), ``False``/``None`` (none) or ``progress(fraction)``.
Progress = Union[bool, None, ProgressCallback]

MODES = ("classification", "regression")


class PredictFnError(RuntimeError):
    """The user's prediction function raised; the original error is chained."""


def validate_mode(mode: str, n_rows: Optional[int] = None) -> str:
    """``mode``, or an :class:`InvalidModeError` that says what was passed instead.

    ``n_rows`` (the training data's rows) recognises ``LimeTabularExplainer(X, y)``:
    an array of numbers of that length is the labels, meant for ``training_labels``.
    """
    if not isinstance(mode, str) and np.ndim(mode) == 1:
        values = np.asarray(mode)
        shown = _short_array(values)
        if values.dtype.kind in "biuf":
            length = f" of length {len(values)}, the number of rows of training_data" if len(values) == n_rows else ""
            raise InvalidModeError(
                f"mode got an array of {len(values)} numbers ({shown}); expected 'classification' or "
                f"'regression'. These look like labels{length}: pass them as training_labels=y (and the "
                "mode by keyword, mode='classification' or 'regression')."
            )
        # LimeTabularExplainer(X, feature_names, class_names): names land in ``mode``
        raise InvalidModeError(
            f"mode={shown} is not known; expected 'classification' or 'regression'. These look like names "
            "passed positionally: pass them by keyword (feature_names=..., class_names=...)."
        )
    return check_option("mode", mode, MODES, InvalidModeError)


def _short_array(values: np.ndarray, shown: int = 5) -> str:
    """The first few values of a 1-d array, for a message (never the whole of a long one)."""
    head = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:shown])
    return f"[{head}{', ...' if len(values) > shown else ''}]"


def batches(n_rows: int, batch_size: Optional[int]) -> list[slice]:
    """Slices covering ``range(n_rows)`` in chunks of at most ``batch_size``."""
    if batch_size is None or batch_size >= n_rows:
        return [slice(0, n_rows)]
    check_batch_size(batch_size)
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


def check_progress(name: str, progress: Any) -> None:
    """``True``, ``False``, ``None`` or a function ``progress(fraction)``; else a ValueError naming ``name``."""
    if not (progress is None or isinstance(progress, (bool, np.bool_)) or callable(progress)):
        raise ValueError(f"{name} must be True, False, None or a function progress(fraction), got {progress!r}.")


def progress_callback(progress: Progress, total: int, unit: str = "row",
                      name: str = "progress") -> tuple[Optional[ProgressCallback], Callable[[], None]]:
    """A ``progress(fraction)`` callback for ``progress`` and a function closing it.

    ``True`` gives a tqdm bar of ``total`` ``unit`` (none when tqdm is not
    installed: a bar is a nicety, not a requirement), opened on the first
    update so that an argument error prints no empty bar; ``False``/``None``
    none; a callable is used as it is.

    Raises
    ------
    ValueError
        ``progress`` is none of these.
    """
    if callable(progress):
        return progress, lambda: None
    check_progress(name, progress)
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm  # a notebook bar in notebooks, text elsewhere
    except ImportError:
        return None, lambda: None
    bars: list = []

    def update(fraction: float) -> None:
        if not bars:
            bars.append(tqdm(total=total, unit=unit))
        bars[0].update(int(round(fraction * total)) - bars[0].n)

    return update, lambda: bars[0].close() if bars else None


def accepts_progress_bar(name: str = "progress", unit: str = "%") -> Callable[[Callable], Callable]:
    """Let a method's ``name`` argument (a ``progress(fraction)`` callback) also be ``True``/``False``.

    ``True`` becomes a tqdm bar (in percent: the number of rows is known only
    once the arguments are checked), closed when the method returns or raises;
    one rule for every explainer and :func:`~lime_widget.core.many.explain_many`.
    """
    def decorate(method: Callable) -> Callable:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:  # the method's own error for a wrong call
                return method(*args, **kwargs)
            value = bound.arguments.get(name)
            if value is None or callable(value) or not isinstance(value, (bool, np.bool_)):
                return method(*args, **kwargs)  # the method checks anything else
            callback, close = progress_callback(value, 100, unit, name)
            bound.arguments[name] = callback
            try:
                return method(*bound.args, **bound.kwargs)
            finally:
                close()

        return wrapper

    return decorate


def call_model(
    predict_fn: Callable[[Any], Any],
    make_rows: Callable[[slice], Any],
    n_rows: int,
    batch_size: Optional[int] = None,
    progress: Optional[ProgressCallback] = None,
    mode: Optional[str] = None,
    class_names: Optional[Sequence[str]] = None,
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
    mode : {'classification', 'regression'}, optional
        When given, the first batch's outputs get :func:`check_outputs`'s checks
        (shape, labels instead of probabilities, range, ``class_names`` count)
        before any other batch is sent, so a wrong model fails after one batch,
        not after all of them. The caller still checks the whole output (a NaN
        in a later batch) with :func:`check_outputs`.
    class_names : sequence of str, optional
        The explainer's class names, for that first check.

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
        check_row_count(out, part.stop - part.start)
        if mode is not None and not outputs:
            check_outputs(out, mode, class_names, warn=False)
        outputs.append(out)
        if progress is not None:
            progress(part.stop / n_rows)
    return np.concatenate(outputs) if len(outputs) > 1 else outputs[0]


def _as_float_array(out: Any) -> np.ndarray:
    try:
        # a copy: the model may reuse (and later overwrite) the array it returned
        return np.array(out, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ModelOutputError(
            f"predict_fn returned {type(out).__name__}, which is not a numeric array: {exc}"
        ) from exc


def check_row_count(out: np.ndarray, n_rows: int) -> None:
    """One output row per input row, or a message saying what to return instead."""
    if out.ndim > 0 and out.shape[0] == n_rows:
        return
    expected = (f"expected one output row per input row: shape ({n_rows}, n_classes) of probabilities, or "
                f"({n_rows},) numbers in regression")
    if out.ndim == 0:
        hint = "a single number"
    elif out.ndim == 2 and out.shape[1] == n_rows:
        hint = f"an array of shape {out.shape}, which looks transposed (return it transposed, out.T)"
    elif out.shape[0] == 1 or out.ndim == 1:
        hint = (f"an array of shape {out.shape}, which looks like a single row; if the model predicts one "
                "instance at a time, wrap it: lambda rows: np.array([f(row) for row in rows])")
    else:
        hint = f"an array of shape {out.shape}"
    raise ModelOutputError(f"predict_fn returned {hint} for a batch of {n_rows} rows; {expected}.")


class MultiLabelWarning(UserWarning):
    """Classifier outputs in [0, 1] whose rows do not sum to 1, read as independent per-label probabilities."""


def check_outputs(outputs: np.ndarray, mode: str, class_names: Optional[Sequence[str]] = None,
                  owner: Optional[object] = None, warn: bool = True) -> np.ndarray:
    """Validate model outputs and return them as a 2-D array (one column per label).

    Classification needs probabilities of shape (n_rows, n_classes); rows in
    [0, 1] that do not sum to 1 are independent per-label probabilities (a
    multi-label model, e.g. one-vs-rest), accepted with one ``MultiLabelWarning``
    per ``owner`` (the explainer). Regression needs one number per row and gets a
    single column (lime's convention). Common mistakes (class labels, one
    column, logits, log probabilities) get a message saying what to return.
    ``warn=False`` checks without the warning (a first batch, checked again
    whole at the end).
    """
    if outputs.size and not (np.isfinite(outputs.min()) and np.isfinite(outputs.max())):  # NaN/inf reach one
        bad = int(np.sum(~np.isfinite(outputs)))
        raise ValueError(f"predict_fn returned {bad} NaN or infinite values; the model must return finite numbers.")
    if mode == "classification":
        _check_probability_shape(outputs)
        low, high = outputs.min(), outputs.max()
        if low < -1e-6 or high > 1 + 1e-6:
            if high <= 1e-6:
                what = ("these look like log probabilities (all <= 0): return np.exp of them, or pass the model's "
                        "predict_proba")
            else:
                what = ("these look like logits or decision scores: pass the model's predict_proba, or turn scores "
                        "into probabilities with scipy.special.softmax(scores, axis=1)")
            raise ModelOutputError(
                f"In classification mode predict_fn must return probabilities between 0 and 1; got values in "
                f"[{low:.3g}, {high:.3g}]: {what}."
            )
        sums = outputs.sum(axis=1)
        if warn and np.abs(sums - 1.0).max() > 1e-4 and not getattr(owner, "_warned_multilabel", False):
            warn_at_caller(
                f"predict_fn's rows do not sum to 1 (sums in [{sums.min():.3g}, {sums.max():.3g}]); they are read as "
                "independent per-label probabilities (a multi-label model) and each label is explained on its own.",
                MultiLabelWarning,
            )
            if owner is not None:
                owner._warned_multilabel = True
        if class_names is not None and len(class_names) != outputs.shape[1]:
            raise ModelOutputError(
                f"class_names has {len(class_names)} entries but the model returns {outputs.shape[1]} classes."
            )
        return outputs
    if outputs.ndim == 2 and outputs.shape[1] == 1:
        outputs = outputs[:, 0]
    if outputs.ndim != 1:
        raise ModelOutputError(
            f"In regression mode predict_fn must return one number per row, got shape {outputs.shape}. For a "
            "classifier use mode='classification' with its predict_proba."
        )
    return outputs[:, None]


def _check_probability_shape(outputs: np.ndarray) -> None:
    if outputs.ndim == 2 and outputs.shape[1] >= 2:
        return
    shape = outputs.shape
    if outputs.ndim == 1 and outputs.size and np.all(outputs == np.round(outputs)):
        what = ("one whole number per row, which looks like class labels from predict(): pass the model's "
                "predict_proba instead (a classifier without one, such as LinearSVC or RidgeClassifier, gets it "
                "from sklearn.calibration.CalibratedClassifierCV(model); SVC needs probability=True)")
    elif outputs.ndim in (1, 2) and outputs.size and outputs.min() >= 0 and outputs.max() <= 1:
        what = ("one probability per row; LIME needs one column per class: for a binary model whose output p is "
                "the probability of class 1, return np.column_stack([1 - p, p])")
    elif outputs.ndim in (1, 2):
        what = "one number per row: for a regressor use mode='regression'; for a classifier pass its predict_proba"
    else:
        what = "a higher-dimensional array: return a 2-D array (squeeze extra axes)"
    raise ModelOutputError(
        f"In classification mode predict_fn must return class probabilities of shape (n_rows, n_classes); got shape "
        f"{shape}, {what}."
    )


def resolve_labels(
    outputs: np.ndarray, mode: str, labels: Sequence[int], top_labels: Optional[int]
) -> tuple[list[int], Optional[list[int]]]:
    """The labels to explain, lime's way; checks they are classes of the model.

    ``labels`` and ``top_labels`` were checked by
    :func:`lime_widget.core.validation.check_labels` before the model ran.
    Returns ``(labels, top_labels_list)``; the second is ``None`` unless
    ``top_labels`` was given.
    """
    if mode == "regression":
        return [0], None
    n_classes = outputs.shape[1]
    if top_labels is not None:
        # lime: argsort of the instance's probabilities, highest last, then reversed
        chosen = [int(x) for x in np.argsort(outputs[0])[-top_labels:]]
        return chosen, chosen[::-1]
    bad = [label for label in labels if not 0 <= label < n_classes]
    if bad:
        raise ModelOutputError(
            f"labels {bad} are not classes of this model; it returns {n_classes} classes, so labels must be "
            f"in 0..{n_classes - 1}."
        )
    return list(labels), None
