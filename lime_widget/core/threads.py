"""The threads lime-widget runs work on: one helper beside the model call, one background pool.

- The **helper** (:func:`submit`, :func:`in_halves`, :func:`beside`): an
  explanation's time is mostly the model's predictions; on a machine with a free
  core, work that does not need the model's outputs (distances, kernel weights, the
  centred design) costs nothing when it runs beside them. Work handed to the helper
  must not call a multi-threaded BLAS: its worker threads would wait for the core the
  model is using (see ``blas.small_blas``).
- The **background pool** (:func:`in_background`, :func:`background_executor`): the
  views' work that must not block the kernel (a widget's re-sampling, the shown
  fit's uncertainty, an error review's rows). One seam, ``in_background(kind, fn)``,
  and one ``concurrent.futures`` executor per kind of work (see
  :func:`background_executor` for why); tests replace :func:`background_executor`
  to run it their way.

Both are created on first use and forgotten in a forked child, whose copy has no threads.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any, Callable, Optional, TypeVar

T = TypeVar("T")
U = TypeVar("U")

_HELPER_NAME = "lime-widget-helper"
_helper: Optional[ThreadPoolExecutor] = None
_on_helper = threading.local()  # .active is True on the helper's own thread

#: Most threads the background pool runs at once (a superseded re-sample keeps one
#: until its next model batch; a model that never returns keeps one for good).
BACKGROUND_THREADS = 8
#: Seconds an idle background thread waits for work before it exits.
BACKGROUND_IDLE = 5.0
_background: dict[str, Executor] = {}  # one pool per kind of work, see background_executor
_background_lock = threading.Lock()


def _forget_threads_after_fork() -> None:
    # A forked child inherits the executors but not their threads: work submitted to
    # them would wait forever. The child starts executors of its own on first use.
    global _helper, _background, _background_lock
    _helper = None
    _background = {}
    _background_lock = threading.Lock()  # it may have been held by a thread the child lacks


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_threads_after_fork)


def available_cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def submit(fn: Callable[..., T], *args, **kwargs) -> "Future[T]":
    """Run ``fn`` on the helper thread (one, shared, created on first use)."""
    global _helper
    if _helper is None:
        _helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_HELPER_NAME, initializer=_mark_helper)
    return _helper.submit(fn, *args, **kwargs)


def _mark_helper() -> None:
    _on_helper.active = True


def _usable() -> bool:
    # the helper never waits for itself
    return available_cores() >= 2 and not getattr(_on_helper, "active", False)


def in_halves(fn: Callable[[slice], None], size: int, parallel: bool = True) -> None:
    """``fn(slice(0, size))``, as two halves on two threads when ``parallel`` and possible.

    For numpy work that releases the GIL, on disjoint data: results are the same
    either way.
    """
    if not parallel or size < 2 or not _usable():
        fn(slice(0, size))
        return
    half = size // 2
    other = submit(fn, slice(half, size))
    fn(slice(0, half))
    other.result()


def beside(foreground: Callable[[], T], background: Callable[[], U], concurrent: bool = True) -> tuple[T, U]:
    """``(foreground(), background())``, the two running at the same time when possible.

    ``foreground`` (the model call, with its progress callbacks) runs on the
    calling thread. An exception from ``foreground`` is raised first; one from
    ``background`` is raised after ``foreground`` returns.
    """
    if not concurrent or not _usable():
        return foreground(), background()
    pending = submit(background)
    try:
        result = foreground()
    except BaseException:
        pending.cancel()
        raise
    return result, pending.result()


class DaemonExecutor(Executor):
    """A ``concurrent.futures`` executor on daemon threads, started on demand, ended when idle.

    Like ``ThreadPoolExecutor`` except that its threads never hold up the end of
    the process: a view's background work (a model call of minutes, a
    superseded run waiting for its next batch) is abandoned at exit, as a
    notebook user expects, instead of being waited for.

    Parameters
    ----------
    max_workers : int
        Threads at the most; more work waits in line (first in, first out).
    name : str
        Prefix of the threads' names.
    idle_seconds : float
        An idle thread exits after this long without work.
    """

    def __init__(self, max_workers: int, name: str, idle_seconds: float = BACKGROUND_IDLE):
        self._max_workers, self._name, self._idle_seconds = max_workers, name, idle_seconds
        self._cond = threading.Condition()
        self._work: deque = deque()
        self._threads = 0
        self._idle = 0
        self._shutdown = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> "Future[T]":
        future: Future = Future()
        with self._cond:
            if self._shutdown:
                raise RuntimeError("cannot schedule new work after shutdown")
            self._work.append((future, fn, args, kwargs))
            # every item waiting needs a thread of its own, or a thread still to come
            if len(self._work) > self._idle and self._threads < self._max_workers:
                self._threads += 1
                threading.Thread(target=self._run, name=f"{self._name}-{self._threads}", daemon=True).start()
            else:
                self._cond.notify()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._cond:
            self._shutdown = True
            if cancel_futures:
                while self._work:
                    self._work.popleft()[0].cancel()
            self._cond.notify_all()
            if wait:
                self._cond.wait_for(lambda: self._threads == 0 or _in_pool(self))

    def _run(self) -> None:
        _on_pool.executor = self
        while True:
            with self._cond:
                while not self._work:
                    if self._shutdown:
                        return self._exit()
                    self._idle += 1
                    woken = self._cond.wait(self._idle_seconds)
                    self._idle -= 1
                    if not woken and not self._work:
                        return self._exit()
                future, fn, args, kwargs = self._work.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # handed to whoever holds the future, as ThreadPoolExecutor does
                future.set_exception(exc)
            else:
                future.set_result(result)
            del future, fn, args, kwargs  # nothing of the finished work outlives it on an idle thread

    def _exit(self) -> None:
        # the caller holds the condition
        self._threads -= 1
        self._cond.notify_all()


_on_pool = threading.local()  # .executor is the DaemonExecutor whose thread this is


def _in_pool(executor: Executor) -> bool:
    return getattr(_on_pool, "executor", None) is executor


def background_executor(kind: str) -> Executor:
    """The executor of one kind of the views' background work (one per kind and process, made on first use).

    Each kind (``resample``, ``uncertainty``, ``review``) has threads of its own
    because glibc gives every thread its own malloc arena: an error review's cache
    of explanations (long-lived arrays) made on the threads that also ran the
    uncertainty bootstrap (large short-lived arrays) fragmented those arenas, and
    the kernel's RSS grew 370 KB per visited row instead of 86 KB
    (``benchmarks/bench_review_cache.py``).

    Replace it in tests (``monkeypatch.setattr(threads, "background_executor", ...)``)
    to run background work another way; :func:`in_background` looks it up on each call.
    """
    with _background_lock:
        executor = _background.get(kind)
        if executor is None:
            executor = _background[kind] = DaemonExecutor(BACKGROUND_THREADS, f"lime-widget-{kind}-pool")
        return executor


def in_background(kind: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> "Future[T]":
    """Run ``fn(*args, **kwargs)`` on the :func:`background_executor` of ``kind``; its future.

    While it runs, the thread is named ``lime-widget-<kind>`` (``resample``,
    ``uncertainty``, ``review``), so a traceback or a profiler says what the thread
    is doing. Nothing looks threads up by that name.
    """
    def named() -> T:
        thread = threading.current_thread()
        idle_name, thread.name = thread.name, f"lime-widget-{kind}"
        try:
            return fn(*args, **kwargs)
        finally:
            thread.name = idle_name

    return background_executor(kind).submit(named)
