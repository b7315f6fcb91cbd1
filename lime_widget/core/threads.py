"""One helper thread for work that can run beside the model call or split in two.

An explanation's time is mostly the model's predictions; on a machine with a free
core, work that does not need the model's outputs (distances, kernel weights, the
centred design) costs nothing when it runs beside them. Work handed to the helper
must not call a multi-threaded BLAS: its worker threads would wait for the core the
model is using (see ``neighborhood._small_blas``).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Optional, TypeVar

T = TypeVar("T")
U = TypeVar("U")

_helper: Optional[ThreadPoolExecutor] = None


def available_cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def submit(fn: Callable[..., T], *args, **kwargs) -> "Future[T]":
    """Run ``fn`` on the helper thread (one, shared, created on first use)."""
    global _helper
    if _helper is None:
        _helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lime-widget-helper")
    return _helper.submit(fn, *args, **kwargs)


def beside(foreground: Callable[[], T], background: Callable[[], U], concurrent: bool = True) -> tuple[T, U]:
    """``(foreground(), background())``, the two running at the same time when possible.

    ``foreground`` (the model call, with its progress callbacks) runs on the
    calling thread. An exception from ``foreground`` is raised first; one from
    ``background`` is raised after ``foreground`` returns.
    """
    if not concurrent or available_cores() < 2:
        return foreground(), background()
    pending = submit(background)
    try:
        result = foreground()
    except BaseException:
        pending.cancel()
        raise
    return result, pending.result()
