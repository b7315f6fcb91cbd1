"""Per-row explanations: computed once in the background, then served from a cache.

One background task at a time (``core.threads.in_background``) runs the requests in
order, the row on screen first, so the model is never called from two rows at once
and prefetching the next row never delays the row the user is waiting for. A finished row (its explanation, or the exception
its model raised) is kept: revisiting it calls the model zero times.

The cache is bounded: every row but the pinned one (on screen) is kept compact
(``shrink``: the neighbourhood's rows are dropped, rebuilt on use without the
model), and when the kept rows exceed ``max_bytes`` the least recently used ones
are forgotten (explained again, with the model, if visited again).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Optional

from ..core.threads import in_background
from ..core.validation import check_integer

ProgressFn = Callable[[float], None]

#: Default byte cap of a review's cache of explanations (512 MB: about 5,000 compact
#: tabular rows at 5000 samples and two classes).
DEFAULT_CACHE_BYTES = 512 << 20
# Python objects around an explanation's arrays (names, fits, mapper), counted per row
_ROW_OVERHEAD = 16 << 10


def explanation_bytes(value: Any) -> int:
    """About how many bytes a cached explanation holds (its arrays plus a fixed overhead)."""
    nb = getattr(value, "neighborhood", None)
    return _ROW_OVERHEAD + (int(nb.nbytes) if hasattr(nb, "nbytes") else 0)


def shrink_explanation(value: Any) -> None:
    """Make a cached explanation compact (when it can be: see ``Explanation.compact``)."""
    compact = getattr(value, "compact", None)
    if callable(compact):
        compact()


class Done:
    """A finished row: ``value`` (the explanation) or ``error`` (what the explainer raised)."""

    __slots__ = ("value", "error")

    def __init__(self, value: Any = None, error: Optional[BaseException] = None):
        self.value = value
        self.error = error


class RowJobs:
    """Compute ``compute(index, progress)`` per row, one row at a time in the background, caching the outcome.

    Parameters
    ----------
    compute : callable
        ``compute(index, progress) -> explanation``; may raise (the exception is cached).
    on_progress : callable, optional
        ``on_progress(index, fraction)`` from the worker while a row is computed.
    on_done : callable, optional
        ``on_done(index)`` from the worker after a row finished (either way).
    max_bytes : int, default DEFAULT_CACHE_BYTES (512 MB)
        Cap of the cache: least recently used rows are forgotten beyond it (the
        pinned row never is).
    size_of, shrink : callable, optional
        ``size_of(value) -> bytes`` and ``shrink(value)`` (make it small, e.g.
        compact); default :func:`explanation_bytes` and :func:`shrink_explanation`.
    """

    def __init__(self, compute: Callable[[int, ProgressFn], Any],
                 on_progress: Optional[Callable[[int, float], None]] = None,
                 on_done: Optional[Callable[[int], None]] = None,
                 max_bytes: int = DEFAULT_CACHE_BYTES,
                 size_of: Callable[[Any], int] = explanation_bytes,
                 shrink: Callable[[Any], None] = shrink_explanation):
        self._compute = compute
        self._on_progress = on_progress
        self._on_done = on_done
        self.max_bytes = check_integer("cache_bytes", max_bytes, minimum=0)
        self._size_of = size_of
        self._shrink = shrink
        self._cond = threading.Condition()
        self._done: "OrderedDict[int, Done]" = OrderedDict()  # least recently used first
        self._sizes: dict[int, int] = {}
        self._pinned: Optional[int] = None
        self._waited: dict[int, int] = {}  # rows result() waits for -> number of waiters
        #: Rows forgotten to stay under ``max_bytes`` (their count, since the start).
        self.evicted = 0
        self._pending: list[int] = []
        self._running: Optional[int] = None
        self._working = False  # a background task is taking requests
        self._closed = False

    # -- queries --------------------------------------------------------------------------
    def get(self, index: int) -> Optional[Done]:
        with self._cond:
            done = self._done.get(index)
            if done is not None:
                self._done.move_to_end(index)
            return done

    @property
    def cached_bytes(self) -> int:
        """Bytes the cached rows hold (an estimate, updated when rows are stored, pinned or shrunk)."""
        with self._cond:
            return sum(self._sizes.values())

    def pin(self, index: Optional[int]) -> None:
        """Keep row ``index`` whole and never forget it (the row on screen); the one pinned before is shrunk."""
        with self._cond:
            previous, self._pinned = self._pinned, index
            if previous is not None and previous != index and previous in self._done:
                self._settle(previous)
            if index is not None and index in self._done:
                self._done.move_to_end(index)
            self._evict()

    def _settle(self, index: int) -> None:
        # the caller holds the lock
        done = self._done[index]
        if done.value is not None and index != self._pinned:
            self._shrink(done.value)
        self._sizes[index] = self._size_of(done.value) if done.value is not None else _ROW_OVERHEAD

    def _store(self, index: int, done: Done) -> None:
        # the caller holds the lock
        self._done[index] = done
        self._done.move_to_end(index)
        self._settle(index)
        self._evict()

    def _evict(self) -> None:
        if self._pinned in self._done:  # the pinned row may have grown (rebuilt rows, designs)
            self._sizes[self._pinned] = (self._size_of(self._done[self._pinned].value)
                                         if self._done[self._pinned].value is not None else _ROW_OVERHEAD)
        total = sum(self._sizes.values())
        # the newest row and the rows a caller waits for stay: a row never vanishes before it is seen
        for index in list(self._done)[:-1]:
            if total <= self.max_bytes:
                return
            if index == self._pinned or index in self._waited:
                continue
            del self._done[index]
            total -= self._sizes.pop(index)
            self.evicted += 1

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
            self._store(index, Done(value=value))

    def result(self, index: int, timeout: Optional[float] = None) -> Done:
        """Row ``index``'s outcome, computing it first in line and waiting for it if needed."""
        with self._cond:
            self._waited[index] = self._waited.get(index, 0) + 1
        try:
            self.request(index, urgent=True)
            with self._cond:
                if not self._cond.wait_for(lambda: index in self._done or self._closed, timeout):
                    raise TimeoutError(f"row {index} was not explained within {timeout} s")
                if index not in self._done:
                    raise RuntimeError("The review was closed.")
                self._done.move_to_end(index)
                return self._done[index]
        finally:
            with self._cond:
                self._waited[index] -= 1
                if not self._waited[index]:
                    del self._waited[index]

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until no row is computing or waiting; ``True`` if idle."""
        with self._cond:
            return self._cond.wait_for(lambda: self._running is None and not self._pending, timeout)

    def close(self) -> None:
        """Drop waiting requests and the cache; stop the worker after the row it is on."""
        with self._cond:
            self._closed = True
            self._pending.clear()
            self._done.clear()  # a closed widget may stay referenced (anywidget's file watch): keep nothing
            self._sizes.clear()
            self._cond.notify_all()

    # -- the worker -----------------------------------------------------------------------
    def _start(self) -> None:
        # the task ends when nothing is left (it holds no thread while idle); the caller holds the lock
        if not self._working:
            self._working = True
            in_background("review", self._work)

    def _work(self) -> None:
        while True:
            with self._cond:
                if self._closed or not self._pending:
                    self._working = False
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
                if not self._closed:
                    self._store(index, outcome)
                self._cond.notify_all()
            try:
                if self._on_done is not None:
                    self._on_done(index)
            finally:
                # only now is the row settled: wait() returns after the view shows it
                with self._cond:
                    self._running = None
                    self._cond.notify_all()
