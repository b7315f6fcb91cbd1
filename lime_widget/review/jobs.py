"""Per-row explanations: computed once in a background thread, then served from a cache.

One worker thread runs the requests in order, the row on screen first, so the model
is never called from two threads at once and prefetching the next row never delays
the row the user is waiting for. A finished row (its explanation, or the exception
its model raised) is kept: revisiting it calls the model zero times.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Optional

ProgressFn = Callable[[float], None]


class Done:
    """A finished row: ``value`` (the explanation) or ``error`` (what the explainer raised)."""

    __slots__ = ("value", "error")

    def __init__(self, value: Any = None, error: Optional[BaseException] = None):
        self.value = value
        self.error = error


class RowJobs:
    """Compute ``compute(index, progress)`` per row in one worker thread, caching the outcome.

    Parameters
    ----------
    compute : callable
        ``compute(index, progress) -> explanation``; may raise (the exception is cached).
    on_progress : callable, optional
        ``on_progress(index, fraction)`` from the worker while a row is computed.
    on_done : callable, optional
        ``on_done(index)`` from the worker after a row finished (either way).
    """

    def __init__(self, compute: Callable[[int, ProgressFn], Any],
                 on_progress: Optional[Callable[[int, float], None]] = None,
                 on_done: Optional[Callable[[int], None]] = None):
        self._compute = compute
        self._on_progress = on_progress
        self._on_done = on_done
        self._cond = threading.Condition()
        self._done: dict[int, Done] = {}
        self._pending: list[int] = []
        self._running: Optional[int] = None
        self._thread: Optional[threading.Thread] = None
        self._closed = False

    # -- queries --------------------------------------------------------------------------
    def get(self, index: int) -> Optional[Done]:
        with self._cond:
            return self._done.get(index)

    def is_busy(self, index: int) -> bool:
        """Whether row ``index`` is being computed or waits for its turn."""
        with self._cond:
            return self._running == index or index in self._pending

    @property
    def cached(self) -> list:
        with self._cond:
            return sorted(self._done)

    # -- requests -------------------------------------------------------------------------
    def request(self, index: int, urgent: bool = False) -> None:
        """Compute row ``index`` unless it is cached or already on its way.

        ``urgent`` puts it first in line (the row on screen); otherwise it goes last (prefetch).
        """
        with self._cond:
            if self._closed or index in self._done or self._running == index:
                return
            if index in self._pending:
                if not urgent:
                    return
                self._pending.remove(index)
            if urgent:
                self._pending.insert(0, index)
            else:
                self._pending.append(index)
            self._start()
            self._cond.notify_all()

    def keep_only(self, wanted: set) -> None:
        """Forget waiting requests for rows not in ``wanted`` (the user moved on)."""
        with self._cond:
            self._pending = [i for i in self._pending if i in wanted]

    def put(self, index: int, value: Any) -> None:
        """Replace row ``index``'s cached explanation (e.g. after the user re-sampled it)."""
        with self._cond:
            self._done[index] = Done(value=value)

    def result(self, index: int, timeout: Optional[float] = None) -> Done:
        """Row ``index``'s outcome, computing it first in line and waiting for it if needed."""
        self.request(index, urgent=True)
        with self._cond:
            if not self._cond.wait_for(lambda: index in self._done or self._closed, timeout):
                raise TimeoutError(f"row {index} was not explained within {timeout} s")
            if index not in self._done:
                raise RuntimeError("The review was closed.")
            return self._done[index]

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until no row is computing or waiting; ``True`` if idle."""
        with self._cond:
            return self._cond.wait_for(lambda: self._running is None and not self._pending, timeout)

    def close(self) -> None:
        """Drop waiting requests and stop the worker after the row it is on."""
        with self._cond:
            self._closed = True
            self._pending.clear()
            self._cond.notify_all()

    # -- the worker -----------------------------------------------------------------------
    def _start(self) -> None:
        # the worker exits when idle (no thread per review lingers); the caller holds the lock
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="lime-widget-review", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                if self._closed or not self._pending:
                    self._thread = None
                    self._cond.notify_all()
                    return
                index = self._running = self._pending.pop(0)

            def progress(fraction: float, index: int = index) -> None:
                if self._on_progress is not None:
                    self._on_progress(index, fraction)

            try:
                outcome = Done(value=self._compute(index, progress))
            except Exception as exc:  # the user's model failed on this row: shown on that row only
                outcome = Done(error=exc)
            with self._cond:
                self._done[index] = outcome
                self._cond.notify_all()
            try:
                if self._on_done is not None:
                    self._on_done(index)
            finally:
                # only now is the row settled: wait() returns after the view shows it
                with self._cond:
                    self._running = None
                    self._cond.notify_all()
