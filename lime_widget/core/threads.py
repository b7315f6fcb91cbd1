"""One helper thread for work that can run beside the model call or split in two.

An explanation's time is mostly the model's predictions; on a machine with a free
core, work that does not need the model's outputs (distances, kernel weights, the
centred design) costs nothing when it runs beside them. Work handed to the helper
must not call a multi-threaded BLAS: its worker threads would wait for the core the
model is using (see ``neighborhood._small_blas``).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Optional, TypeVar

T = TypeVar("T")
U = TypeVar("U")

_HELPER_NAME = "lime-widget-helper"
_helper: Optional[ThreadPoolExecutor] = None


def _forget_helper_after_fork() -> None:
    # A forked child inherits the executor but not its thread: work submitted to it
    # would wait forever. The child starts a helper of its own on first use.
    global _helper
    _helper = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_helper_after_fork)


def available_cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def submit(fn: Callable[..., T], *args, **kwargs) -> "Future[T]":
    """Run ``fn`` on the helper thread (one, shared, created on first use)."""
    global _helper
    if _helper is None:
        _helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_HELPER_NAME)
    return _helper.submit(fn, *args, **kwargs)


def _usable() -> bool:
    # the helper never waits for itself
    return available_cores() >= 2 and not threading.current_thread().name.startswith(_HELPER_NAME)


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
