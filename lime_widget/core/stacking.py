"""Stacking the model calls of several explanations into one call.

Models with a cost per call (a pipeline's transforms, a GPU model's transfers) are
faster on one big batch than on many small ones. Several explanations run on
threads; each asks :class:`StackedModel` for its rows' outputs and waits; when
every running explanation is waiting, or the waiting rows reach ``batch_rows``,
one thread makes a single model call on all their rows and hands each its part.
A row's outputs are the same as from its own call for any model whose output for
a row does not depend on the other rows of the call.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd


class _Request:
    __slots__ = ("rows", "n", "done", "output", "error")

    def __init__(self, rows: Any):
        self.rows = rows
        self.n = _length(rows)
        self.done = threading.Event()
        self.output: Any = None
        self.error: Optional[BaseException] = None


def _length(rows: Any) -> Optional[int]:
    try:
        return len(rows)
    except TypeError:
        return None


def stack(parts: list) -> Optional[Any]:
    """The parts as one batch of the same type, or ``None`` when they cannot be stacked."""
    first = parts[0]
    if isinstance(first, np.ndarray) and all(
            isinstance(p, np.ndarray) and p.shape[1:] == first.shape[1:] and p.dtype == first.dtype for p in parts):
        return np.concatenate(parts)
    if isinstance(first, pd.DataFrame) and all(
            isinstance(p, pd.DataFrame) and p.columns.equals(first.columns) for p in parts):
        return pd.concat(parts, ignore_index=True)
    if isinstance(first, list) and all(isinstance(p, list) for p in parts):
        return [row for part in parts for row in part]
    return None


class StackedModel:
    """A stand-in for ``predict_fn`` shared by ``n_clients`` explanations running on threads.

    Each client calls the instance like the model and calls :meth:`leave` once
    when it has no more rows to explain.
    """

    def __init__(self, predict_fn: Callable[[Any], Any], batch_rows: int, n_clients: int):
        self.predict_fn = predict_fn
        self.batch_rows = batch_rows
        self.calls = 0  # model calls made (for tests and benchmarks)
        self._lock = threading.Lock()
        self._pending: list[_Request] = []
        self._pending_rows = 0
        self._active = n_clients

    def __call__(self, rows: Any) -> Any:
        request = _Request(rows)
        with self._lock:
            self._pending.append(request)
            self._pending_rows += request.n or 0
            batch = self._ready()
        if batch:
            self._run(batch)
        request.done.wait()
        if request.error is not None:
            raise request.error
        return request.output

    def leave(self) -> None:
        """One client is done; the others no longer wait for it."""
        with self._lock:
            self._active -= 1
            batch = self._ready()
        if batch:
            self._run(batch)

    def _ready(self) -> Optional[list[_Request]]:
        # every client waits on at most one request, so this is "all running clients wait"
        if self._pending and (len(self._pending) >= self._active or self._pending_rows >= self.batch_rows):
            batch, self._pending, self._pending_rows = self._pending, [], 0
            return batch
        return None

    def _run(self, batch: list[_Request]) -> None:
        try:
            if len(batch) > 1 and all(r.n is not None for r in batch) and self._run_stacked(batch):
                return
            for request in batch:  # one at a time: one call each, and each gets its own error
                try:
                    self.calls += 1
                    request.output = self.predict_fn(request.rows)
                except BaseException as exc:  # handed to the thread that asked
                    request.error = exc
        finally:
            for request in batch:
                request.done.set()

    def _run_stacked(self, batch: list[_Request]) -> bool:
        rows = stack([r.rows for r in batch])
        if rows is None:
            return False
        try:
            self.calls += 1
            out = np.asarray(self.predict_fn(rows))
        except Exception:
            # a failure in a stacked call is not pinned on every row: the caller
            # retries the rows one request at a time, so each gets its own answer
            return False
        total = sum(r.n for r in batch)
        if out.ndim == 0 or out.shape[0] != total:
            return False  # the model's shape mistake is reported per request by its own call
        start = 0
        for request in batch:
            request.output = out[start:start + request.n].copy()
            start += request.n
        return True
