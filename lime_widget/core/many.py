"""Explaining many rows: in chunks, in parallel, on a cluster, as a stream.

Rows go in chunks. The explainer and the model reach each worker process once
per call, never once per row: for joblib's worker processes they are saved to a
temporary file that each worker loads on its first task (the workers themselves are
joblib's reusable ones, warm after the first call, and keep the last explainer and
model they loaded for a later call that sends the same bytes); a Dask cluster
receives them scattered to every worker. Within a chunk, the model calls of several
rows can be stacked into one call of up to ``batch_rows`` rows
(:mod:`.stacking`). With an integer ``random_state`` every result equals a single
``explain_instance`` call on that row, whatever the backend, the number of jobs or
the chunking. Engines:

- in process, one row after another (``n_jobs`` 1 or None);
- worker processes (joblib's default ``loky`` backend, ``n_jobs > 1``);
- any other joblib backend set with ``joblib.parallel_config``: ``threading``
  (shares the objects, nothing is pickled), ``dask``, ``ray``...;
- a ``dask.distributed.Client`` passed as ``client``.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import inspect
import math
import os
import pickle
import tempfile
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Callable, Iterator, Optional, Union

import cloudpickle
import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from .caller import warn_at_caller
from .exceptions import ModelOutputError
from .explanation import Resample
from .many_arguments import check_shared_arguments
from .many_rows import Rows, as_rows, is_known_explainer
from .predict import check_progress
from .stacking import StackedModel
from .validation import check_instance_not_function, check_predict_fn, is_integer

RETURN_AS = ("list", "generator", "generator_unordered")
ERRORS = ("collect", "raise")

#: Progress: ``None``/``False`` (none), ``True`` (a tqdm bar) or ``progress(fraction_of_rows_done)``.
Progress = Union[None, bool, Callable[[float], None]]


# -- results ------------------------------------------------------------------------
@dataclass
class RowFailure:
    """A row whose explanation failed: where it is, and what went wrong.

    Stands in the failed row's place in what :func:`explain_many` returns.
    """

    position: int
    row_id: Any
    error_type: str
    message: str
    traceback: str = field(repr=False, default="")
    error: Optional[BaseException] = field(repr=False, default=None)
    every_row: bool = field(repr=False, default=False)  # a ModelOutputError: every row would fail alike

    @classmethod
    def from_exception(cls, position: int, row_id: Any, exc: BaseException) -> "RowFailure":
        kept: Optional[BaseException] = exc
        try:  # the exception itself travels back from workers only when it pickles
            cloudpickle.dumps(exc)
        except Exception:
            kept = None
        return cls(position, row_id, type(exc).__name__, str(exc), traceback.format_exc(), kept,
                   _model_output_error(exc))

    def describe(self) -> str:
        return f"row {self.row_id!r} (position {self.position}): {self.error_type}: {self.message}"


def _model_output_error(exc: Optional[BaseException]) -> bool:
    """Whether ``exc`` or an error it wraps (an ``'auto'`` round's) is a :class:`ModelOutputError`."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ModelOutputError):
            return True
        exc, seen = exc.__cause__, seen + 1
    return False


class ExplainManyError(RuntimeError):
    """A row failed with ``errors="raise"``, or the model's outputs are wrong for every row
    (a :class:`~lime_widget.core.exceptions.ModelOutputError`, whatever ``errors``);
    ``failure`` says which and why (the row's error is chained)."""

    def __init__(self, failure: RowFailure):
        stopped = (" (stopped there: the model's outputs are wrong in a way that fails every row alike)"
                   if failure.every_row else "")
        super().__init__(f"Explaining {failure.describe()}{stopped}")
        self.failure = failure


class ExplainManyWarning(UserWarning):
    """Some rows failed and ``errors="collect"`` kept going; their places hold :class:`RowFailure`."""


class ExplanationList(list):
    """The explanations, in the order of the rows (a list).

    Attributes
    ----------
    row_ids : list
        Each position's row id (the DataFrame's index label, else the position).
    failures : list of RowFailure
        The rows that failed (their places in the list hold these objects).
    """

    def __init__(self, items: Any = (), row_ids: Optional[list] = None):
        super().__init__(items)
        self.row_ids = list(row_ids) if row_ids is not None else list(range(len(self)))
        self.failures = [x for x in self if isinstance(x, RowFailure)]


# -- what travels to workers ---------------------------------------------------------
def _pickled(name: str, value: Any, where: str) -> bytes:
    try:
        return cloudpickle.dumps(value)
    except Exception as exc:
        raise TypeError(
            f"{name} cannot be pickled ({type(exc).__name__}: {exc}), and {where} sends it to other processes. "
            f"Define it at module level (a function or class in an importable module, not inside another "
            f"function), keep unpicklable members (locks, open files, connections, generators) out of it, or run on "
            f"threads: joblib.parallel_config(backend='threading'), or n_jobs=None."
        ) from exc


class _Payload:
    """The explainer and the model, pickled once; unpickled once per worker process.

    A worker process keeps the last payload it loaded, under a digest of its
    bytes: a later call that sends the very same bytes (the same explainer and
    model, unchanged) reuses it, with what it has cached (an integer seed's
    draws), instead of unpickling the model again.
    """

    def __init__(self, explainer: Any, predict_fn: Callable, blobs: Optional[tuple] = None,
                 digest: Optional[str] = None):
        self.explainer = explainer
        self.predict_fn = predict_fn
        self.blobs = blobs
        self.digest = digest

    @classmethod
    def pickled(cls, explainer: Any, predict_fn: Callable, where: str) -> "_Payload":
        blobs = (_pickled("The explainer", explainer, where), _pickled("predict_fn", predict_fn, where))
        digest = hashlib.blake2b(digest_size=20)
        for blob in blobs:
            digest.update(len(blob).to_bytes(8, "little"))
            digest.update(blob)
        return cls(explainer, predict_fn, blobs, digest.hexdigest())

    def __reduce__(self):
        return _load_payload, (self.blobs, self.digest)

    def __sizeof__(self) -> int:  # Dask and joblib's dask backend scatter big arguments once
        return sum(len(b) for b in self.blobs) if self.blobs else 1 << 20


_WORKER_PAYLOAD: dict = {}  # in a worker process: digest -> the _Payload last loaded (one kept)
_WORKER_LOCK = threading.RLock()


def _load_payload(blobs: tuple, digest: Optional[str] = None) -> _Payload:
    with _WORKER_LOCK:
        payload = _WORKER_PAYLOAD.get(digest) if digest is not None else None
        if payload is not None:
            return payload
        try:
            explainer, predict_fn = (cloudpickle.loads(b) for b in blobs)
        except Exception as exc:
            raise RuntimeError(
                f"A worker could not load the explainer and predict_fn ({type(exc).__name__}: {exc}). Define the "
                "model and its classes in an importable module (not in the notebook or script run as __main__ when "
                "the workers cannot import it), or run on threads: joblib.parallel_config(backend='threading')."
            ) from exc
        payload = _Payload(explainer, predict_fn, blobs, digest)
        if digest is not None:
            _WORKER_PAYLOAD.clear()
            _WORKER_PAYLOAD[digest] = payload
        return payload


@dataclass
class _ResampleHook:
    """An explanation's ``resample`` hook without the explainer and model it was bound to."""

    method: str
    args: tuple
    keywords: dict
    progress_name: str


class _ModelSlot:
    """Where ``predict_fn`` goes back in a detached hook."""


def _detach(exp: Any, explainer: Any, model_fns: tuple) -> None:
    """Make ``exp`` light to return from a worker: compact, no explainer, model or cached designs.

    The hook is rebound to the caller's explainer and model by :func:`_attach`;
    a compact neighbourhood's rows and the weighted designs are rebuilt (the same
    numbers, no model call) on the next refit.
    """
    nb = getattr(exp, "neighborhood", None)
    if nb is not None and hasattr(nb, "compact"):
        nb.compact()
        regenerate = getattr(nb, "regenerate", None)
        if getattr(regenerate, "explainer", None) is explainer:
            regenerate.explainer = _ExplainerSlot()
    elif nb is not None and hasattr(nb, "release_designs"):
        nb.release_designs()
    hook = getattr(exp, "resample", None)
    if not isinstance(hook, Resample):
        return
    if getattr(hook.func, "__self__", None) is not explainer:
        del exp.resample
        return
    args = tuple(_ModelSlot() if any(a is f for f in model_fns) else a for a in hook.args)
    if any(callable(a) and not isinstance(a, _ModelSlot) for a in args):
        del exp.resample  # bound to a function we cannot rebind: no hook rather than a stale one
        return
    exp.resample = _ResampleHook(hook.func.__name__, args, dict(hook.keywords), hook.progress_name)


class _ExplainerSlot:
    """Where the explainer goes back in a detached compact neighbourhood."""


def _attach(exp: Any, explainer: Any, predict_fn: Callable) -> None:
    regenerate = getattr(getattr(exp, "neighborhood", None), "regenerate", None)
    if isinstance(getattr(regenerate, "explainer", None), _ExplainerSlot):
        regenerate.explainer = explainer
    hook = getattr(exp, "resample", None)
    if isinstance(hook, _ResampleHook):
        args = [predict_fn if isinstance(a, _ModelSlot) else a for a in hook.args]
        exp.resample = Resample(getattr(explainer, hook.method), *args, progress_name=hook.progress_name,
                                **hook.keywords)


# -- one chunk -----------------------------------------------------------------------
def _explain_one(explainer: Any, predict_fn: Callable, row: Any, position: int, row_id: Any,
                 kwargs: dict, model_fns: tuple) -> Any:
    try:
        exp = explainer.explain_instance(row, predict_fn, **kwargs)
    except Exception as exc:
        return RowFailure.from_exception(position, row_id, exc)
    exp.row_id = row_id
    _detach(exp, explainer, model_fns)
    return exp


def explain_chunk(explainer: Any, predict_fn: Callable, rows: Any, start: int, ids: list, kwargs: dict,
                  stack_rows: int = 1, batch_rows: Optional[int] = None, stop_on_error: bool = False,
                  seed: Optional[int] = None) -> list:
    """Explain ``rows`` (positions ``start...``); failures become :class:`RowFailure`.

    ``stack_rows`` rows are explained at a time on threads, their model calls
    stacked up to ``batch_rows`` rows. ``seed`` replaces a ``RandomState``
    explainer's generator for this chunk (workers must not share one generator's
    copies). With ``stop_on_error`` the list ends at the first failure, and
    always at a failure that every row would share (a ``ModelOutputError``).
    """
    if seed is not None:
        explainer = copy.copy(explainer)
        explainer.random_state = np.random.RandomState(seed)
    n = len(rows)
    if stack_rows <= 1 or n <= 1:
        out = []
        for j in range(n):
            out.append(_explain_one(explainer, predict_fn, rows[j], start + j, ids[j], kwargs, (predict_fn,)))
            if isinstance(out[-1], RowFailure) and (stop_on_error or out[-1].every_row):
                break
        return out
    workers = min(stack_rows, n)
    model = StackedModel(predict_fn, batch_rows or 0, workers)
    results: list = [None] * n
    next_row = count()
    stop = []

    def client() -> None:
        try:
            for j in iter(lambda: next(next_row), None):
                if j >= n or stop:
                    return
                results[j] = _explain_one(explainer, model, rows[j], start + j, ids[j], kwargs,
                                          (predict_fn, model))
                if isinstance(results[j], RowFailure) and (stop_on_error or results[j].every_row):
                    stop.append(j)
        finally:
            model.leave()

    with ThreadPoolExecutor(workers, thread_name_prefix="lime-widget-many") as pool:
        for future in [pool.submit(client) for _ in range(workers)]:
            future.result()
    if stop:
        return results[:min(stop) + 1]
    return results


@dataclass
class _Chunk:
    index: int
    start: int
    rows: Any
    ids: list
    seed: Optional[int]


def _chunk_task(payload: Any, chunk: _Chunk, options: dict) -> tuple[int, list]:
    if isinstance(payload, _LoadFailure):
        raise payload.error
    return chunk.index, explain_chunk(payload.explainer, payload.predict_fn, chunk.rows, chunk.start, chunk.ids,
                                      seed=chunk.seed, **options)


# -- engines: each yields (chunk index, results) as chunks finish ----------------------
def _run_local(payload: _Payload, chunks: Iterator[_Chunk], options: dict) -> Iterator[tuple[int, list]]:
    for chunk in chunks:
        yield _chunk_task(payload, chunk, options)


def _run_joblib(payload: _Payload, chunks: Iterator[_Chunk], options: dict, n_jobs: int) -> Iterator[tuple[int, list]]:
    # the active joblib backend (threading, dask, ray, ...) runs the chunks
    yield from Parallel(n_jobs=n_jobs, return_as="generator_unordered")(
        delayed(_chunk_task)(payload, chunk, options) for chunk in chunks)


class _SavedPayload:
    """A :class:`_Payload` saved to a file; pickles as the file's path and the payload's digest.

    Each worker process loads it once, the first time a task reaches it (or
    not at all when it holds a payload of the same digest from an earlier
    call), and keeps it for the call's other tasks. Tasks then carry rows
    only, and joblib's reusable worker processes stay warm across calls.
    """

    def __init__(self, payload: _Payload):
        self.token = payload.digest
        handle, self.path = tempfile.mkstemp(prefix="lime-widget-many-", suffix=".pkl")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(payload.blobs, file, protocol=pickle.HIGHEST_PROTOCOL)

    def __reduce__(self):
        return _worker_payload, (self.path, self.token)

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            os.remove(self.path)


def _worker_payload(path: str, token: str) -> Any:
    with _WORKER_LOCK:
        payload = _WORKER_PAYLOAD.get(token)
        if payload is None:
            try:
                with open(path, "rb") as file:
                    payload = _load_payload(pickle.load(file), token)
            except Exception as exc:  # raised by the task, with its message, not as a broken pool
                return _LoadFailure(exc)
        return payload


@dataclass
class _LoadFailure:
    error: BaseException


def _windowed(submit: Callable[[_Chunk], Any], chunks: Iterator[_Chunk], window: int, done: Callable,
              cancel: Callable) -> Iterator[tuple[int, list]]:
    """At most ``window`` chunks in flight: memory stays bounded however many rows."""
    pending = set()
    try:
        for chunk in chunks:
            pending.add(submit(chunk))
            if len(pending) < window:
                continue
            finished, pending = done(pending)
            for future in finished:
                yield future.result()
        while pending:
            finished, pending = done(pending)
            for future in finished:
                yield future.result()
    finally:
        for future in pending:
            cancel(future)


def _run_processes(payload: _Payload, chunks: Iterator[_Chunk], options: dict,
                   n_workers: int) -> Iterator[tuple[int, list]]:
    saved = _SavedPayload(payload)
    try:
        yield from Parallel(n_jobs=n_workers, return_as="generator_unordered")(
            delayed(_chunk_task)(saved, chunk, options) for chunk in chunks)
    finally:
        saved.remove()


def _run_dask(payload: _Payload, chunks: Iterator[_Chunk], options: dict, client: Any) -> Iterator[tuple[int, list]]:
    from distributed import wait as dask_wait

    # every worker gets the explainer and model once; a lost worker's tasks are
    # rerun by the scheduler elsewhere, where the data is already
    [remote] = client.scatter([payload], broadcast=True, hash=False)
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))

    def done(pending: set) -> tuple[set, set]:
        result = dask_wait(list(pending), return_when="FIRST_COMPLETED")
        return set(result.done), set(result.not_done)

    try:
        yield from _windowed(lambda chunk: client.submit(_chunk_task, remote, chunk, options, pure=False),
                             chunks, 2 * n_workers, done, lambda future: future.cancel())
    finally:
        remote.release()


# -- the public function ---------------------------------------------------------------
def _engine(n_jobs: Optional[int], client: Any) -> tuple[str, int]:
    from joblib._parallel_backends import LokyBackend, MultiprocessingBackend, SequentialBackend, ThreadingBackend
    from joblib.parallel import get_active_backend

    if client is not None:
        return "dask", 0
    backend, config_jobs = get_active_backend()
    jobs = n_jobs if n_jobs is not None else config_jobs
    workers = 1 if jobs is None or isinstance(backend, SequentialBackend) else effective_n_jobs(jobs)
    if workers == 1:
        return "local", 1
    if isinstance(backend, (LokyBackend, MultiprocessingBackend)):
        return "processes", workers
    return ("threads" if isinstance(backend, ThreadingBackend) else "joblib"), workers


def _rows_per_call(explainer: Any, kwargs: dict) -> Optional[int]:
    """Rows in one of a single explanation's model calls: ``num_samples``, or ``batch_size`` when smaller."""
    try:
        parameters = inspect.signature(explainer.explain_instance).parameters
    except (TypeError, ValueError):
        parameters = {}

    def value(name: str) -> Optional[int]:
        given = kwargs[name] if name in kwargs else getattr(parameters.get(name), "default", None)
        return int(given) if is_integer(given) and given >= 1 else None

    num_samples, batch_size = value("num_samples"), value("batch_size")
    if num_samples is None:
        return batch_size
    return min(num_samples, batch_size) if batch_size is not None else num_samples


def _progress(progress: Progress, total: int) -> tuple[Callable[[int], None], Callable[[], None]]:
    if callable(progress):
        return lambda done: progress(done / total), lambda: None
    if not progress:
        return lambda done: None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # a bar is a nicety: without tqdm, none
        return lambda done: None, lambda: None
    bar = tqdm(total=total, unit="row")
    return lambda done: bar.update(done - bar.n), bar.close


def _check_optional_int(name: str, value: Any) -> Optional[int]:
    if value is None:
        return None
    if not is_integer(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer or None, got {value!r}.")
    return int(value)


def explain_many(
    explainer: Any,
    instances: Any,
    predict_fn: Callable[[Any], Any],
    n_jobs: Optional[int] = None,
    *,
    batch_rows: Optional[int] = None,
    chunk_size: Optional[int] = None,
    return_as: str = "list",
    errors: str = "collect",
    progress: Progress = None,
    client: Any = None,
    **explain_kwargs: Any,
) -> Union[ExplanationList, Iterator[Any]]:
    """``explainer.explain_instance(row, predict_fn, **explain_kwargs)`` for every row.

    Parameters
    ----------
    explainer : LimeTabularExplainer, LimeTextExplainer, LimeImageExplainer or RecurrentTabularExplainer
        Or any object with a lime-style ``explain_instance``.
    instances : 2-d array, DataFrame, sequence of str, sequence or array of images
        The rows: a 2-d array's rows, a DataFrame's rows (``df.iloc[i]``, ids
        from its index), strings, images (an ``(n, H, W[, C])`` array or a
        list). One kind of row for the explainer, checked before any model call.
    predict_fn : callable
        The model, as for ``explain_instance``.
    n_jobs : int, optional
        joblib's ``n_jobs``. ``None`` follows ``joblib.parallel_config`` (in
        process, one row after another, by default). With the default backend,
        ``n_jobs > 1`` runs on joblib's worker processes, each loading the
        explainer and the model once per call; another backend set with ``joblib.parallel_config``
        (``threading``, ``dask``, ``ray``...) runs the chunks instead.
    batch_rows : int, optional
        Stack the model calls of several rows into calls of up to this many
        rows (rows explained at once: ``batch_rows`` // the rows of one of
        their calls, ``num_samples`` or a smaller ``batch_size``). Helps models
        with a cost per call. ``None``: each row calls the model on its own,
        as ``explain_instance``.
    chunk_size : int, optional
        Rows per task sent to a worker; default: about four tasks per worker,
        at most 64 rows.
    return_as : {'list', 'generator', 'generator_unordered'}
        ``list`` waits for all rows; ``generator`` yields each result in row
        order as soon as it and the ones before it are done;
        ``generator_unordered`` as soon as it is done (``exp.row_id`` says
        which row). A stream need not hold every result at once: on a Dask
        ``client`` the workers run at most two chunks each ahead of the
        consumer; joblib engines dispatch the next chunk as a worker frees up,
        so results wait in memory when the consumer is slower than the workers.
    errors : {'collect', 'raise'}
        ``collect``: a row that fails is replaced by a :class:`RowFailure`
        (row id, error) and the other rows finish; the result's ``failures``
        lists them and an :class:`ExplainManyWarning` says how many.
        ``raise``: stop at the first failure with :class:`ExplainManyError`.
        Either way, a model whose outputs are wrong for every row (class labels
        instead of probabilities, one column, logits, a wrong number of classes:
        a :class:`~lime_widget.core.exceptions.ModelOutputError`) stops the run
        at the first row that shows it, with :class:`ExplainManyError`, rather
        than calling the model for every row to fail each the same way.
    progress : bool or callable, optional
        ``True``: a tqdm bar (when tqdm is installed); a callable is called
        with the fraction of rows done after each chunk.
    client : dask.distributed.Client, optional
        Run on this Dask cluster: the explainer and the model are scattered to
        every worker once; a task lost with its worker is rerun by Dask.
    **explain_kwargs
        Passed to ``explain_instance`` (images: ``progress_bar`` defaults to
        False here).

    Returns
    -------
    ExplanationList or iterator
        Explanations (``exp.row_id`` set) in row order, :class:`RowFailure`
        in the places of failed rows.

    Raises
    ------
    TypeError
        Rows of the wrong or mixed kinds, a non-callable model, an explainer
        or model that cannot be pickled for worker processes or a cluster.
    ValueError
        Unknown ``return_as``/``errors``, bad ``n_jobs``, ``batch_rows``,
        ``chunk_size``; for the known explainers, an argument in
        ``explain_kwargs`` that ``explain_instance`` refuses (``num_samples``,
        ``labels``, ...), checked once before any row, with its message.
    ExplainManyError
        With ``errors='raise'``, the first row that fails; always, the first
        row whose model outputs are wrong for every row.

    Notes
    -----
    With an integer ``random_state`` every result equals a single
    ``explain_instance`` call on that row, on every engine and chunking (with
    ``batch_rows``, for models whose output for a row does not depend on the
    other rows of a call). With a ``RandomState`` instance, runs in processes
    or on a cluster give each chunk its own generator seeded from it, so
    workers never repeat each other's draws; the draws then differ from a
    sequential run. Each explanation keeps its neighbourhood, but not the
    weighted designs derived from it, rebuilt on the first refit.
    """
    explain_instance = getattr(explainer, "explain_instance", None)
    if not callable(explain_instance):
        raise TypeError(f"explainer must have an explain_instance method, got {type(explainer).__name__}.")
    if is_known_explainer(explainer):  # others check their own arguments (lime's may take None)
        check_instance_not_function("instances", instances, "predict_fn", predict_fn)
        check_predict_fn("predict_fn", predict_fn)
    if n_jobs is not None and (not is_integer(n_jobs) or n_jobs == 0):
        raise ValueError(f"n_jobs must be a non-zero integer or None (joblib's meaning), got {n_jobs!r}.")
    batch_rows = _check_optional_int("batch_rows", batch_rows)
    chunk_size = _check_optional_int("chunk_size", chunk_size)
    if return_as not in RETURN_AS:
        raise ValueError(f"return_as={return_as!r} is not known; expected one of {', '.join(RETURN_AS)}.")
    if errors not in ERRORS:
        raise ValueError(f"errors={errors!r} is not known; expected 'collect' or 'raise'.")
    check_progress("progress", progress)
    if client is not None and not (hasattr(client, "submit") and hasattr(client, "scatter")):
        raise TypeError(f"client must be a dask.distributed.Client, got {type(client).__name__}.")
    rows = as_rows(explainer, instances)
    kwargs = dict(explain_kwargs)
    if batch_rows is not None and isinstance(kwargs.get("num_samples"), str) and kwargs["num_samples"] == "auto":
        raise ValueError(
            "batch_rows stacks fixed-size neighbourhoods of several rows into one model call, but "
            "num_samples='auto' samples each row in rounds of its own size; pass an integer num_samples to "
            "stack rows, or leave batch_rows out.")
    try:
        if "progress_bar" in inspect.signature(explain_instance).parameters:
            kwargs.setdefault("progress_bar", False)  # one bar per image would flood the output
    except (TypeError, ValueError):
        pass
    if is_known_explainer(explainer):  # once for every row, before any row or model call
        check_shared_arguments(explainer, predict_fn, kwargs)
    stream = _stream(explainer, rows, predict_fn, n_jobs, batch_rows, chunk_size, return_as == "list"
                     or return_as == "generator", errors, progress, client, kwargs)
    if return_as == "list":
        return ExplanationList(stream, rows.ids)
    return stream


def _stream(explainer: Any, rows: Rows, predict_fn: Callable, n_jobs: Optional[int], batch_rows: Optional[int],
            chunk_size: Optional[int], ordered: bool, errors: str, progress: Progress, client: Any,
            kwargs: dict) -> Iterator[Any]:
    """The results, computed as they are consumed (one generator for every engine)."""
    n = len(rows)
    if n == 0:
        return iter(())
    engine, workers = _engine(n_jobs, client)
    if client is not None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
    per_call = _rows_per_call(explainer, kwargs)
    stack_rows = batch_rows // per_call if batch_rows and per_call else 1
    if chunk_size is None:
        if engine == "local":
            chunk_size = 4 * stack_rows if stack_rows > 1 else 1
        else:
            chunk_size = min(max(math.ceil(n / (4 * workers)), stack_rows), max(64, stack_rows))
    if engine in ("local", "threads"):
        payload = _Payload(explainer, predict_fn)
    else:
        where = {"dask": "a Dask cluster", "processes": f"n_jobs={workers} (worker processes)"}.get(
            engine, "this joblib backend")
        payload = _Payload.pickled(explainer, predict_fn, where)
    starts = list(range(0, n, chunk_size))
    seeds: list = [None] * len(starts)
    if engine not in ("local", "threads") and isinstance(getattr(explainer, "random_state", None),
                                                          np.random.RandomState):
        seeds = list(explainer.random_state.randint(0, 2**31 - 1, size=len(starts)))
    chunks = (_Chunk(i, s, rows.chunk(s, s + chunk_size), rows.ids[s:s + chunk_size], seeds[i])
              for i, s in enumerate(starts))
    options = {"kwargs": kwargs, "stack_rows": stack_rows, "batch_rows": batch_rows,
               "stop_on_error": errors == "raise"}
    if engine == "local":
        results = _run_local(payload, chunks, options)
    elif engine == "processes":
        results = _run_processes(payload, chunks, options, workers)
    elif engine == "dask":
        results = _run_dask(payload, chunks, options, client)
    else:
        results = _run_joblib(payload, chunks, options, workers)
    return _deliver(results, explainer, predict_fn, n, ordered, errors, progress)


def _deliver(results: Iterator[tuple[int, list]], explainer: Any, predict_fn: Callable, n: int, ordered: bool,
             errors: str, progress: Progress) -> Iterator[Any]:
    update, close = _progress(progress, n)
    failures: list[RowFailure] = []
    waiting: dict[int, list] = {}
    next_chunk, done = 0, 0
    try:
        for index, items in results:
            for item in items:
                if isinstance(item, RowFailure):
                    if errors == "raise" or item.every_row:
                        raise ExplainManyError(item) from item.error
                    failures.append(item)
                else:
                    _attach(item, explainer, predict_fn)
            done += len(items)
            update(done)
            if not ordered:
                yield from items
                continue
            waiting[index] = items
            while next_chunk in waiting:
                yield from waiting.pop(next_chunk)
                next_chunk += 1
    finally:
        close()
        results.close()
    if failures:
        listed = "; ".join(f.describe() for f in failures[:5]) + ("; ..." if len(failures) > 5 else "")
        warn_at_caller(f"{len(failures)} of {n} rows could not be explained (their places hold RowFailure "
                       f"objects, listed in .failures): {listed}", ExplainManyWarning)
