"""Single-threaded BLAS for small products.

A multi-threaded OpenBLAS product as small as a (1000 x 33) Gram matrix took
25-80 ms instead of 0.1 ms on a busy 2-core machine (its parked worker threads
wait for a core); one thread is always fast at these sizes. It also gives the same
rounding everywhere: OpenBLAS's result for some shapes depends on its thread count
(a 1000 x 100 Gram matrix differs in the last bits between one and two threads),
and worker processes run with one thread.
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Callable, Iterator, Optional

#: products (samples x features²) up to which BLAS runs on one thread
BLAS_THREADS_FLOPS = 5e7

_lock = threading.Lock()
_depth = 0  # threads inside one_blas_thread() now
_saved: list = []
_controls: Optional[list[tuple[Callable[[], int], Callable[[int], None]]]] = None


def _reset_after_fork() -> None:
    # a fork while another thread held the lock or was inside a block: the child has
    # neither that thread nor its exit, so it starts afresh (with the limit it inherited)
    global _lock, _depth, _saved
    _lock, _depth, _saved = threading.Lock(), 0, []


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def small_blas(shape: tuple) -> "contextlib.AbstractContextManager":
    """:func:`one_blas_thread` for a design of ``shape`` small enough, else nothing."""
    n_samples, n_features = shape
    if n_samples * n_features**2 > BLAS_THREADS_FLOPS:
        return contextlib.nullcontext()
    return one_blas_thread()


def _blas_controls() -> list[tuple[Callable[[], int], Callable[[int], None]]]:
    global _controls
    if _controls is None:  # looked up late, so every BLAS loaded by then is seen
        from threadpoolctl import ThreadpoolController

        libraries = ThreadpoolController().select(user_api="blas").lib_controllers
        # threadpoolctl lets only one Python thread set OpenBLAS's (process-wide) limit and
        # silently ignores the others; explain_many's threads need it too, so the setter
        # under that guard is called, the count being kept consistent by _depth below
        _controls = [(lib.get_num_threads, getattr(lib, "_real_set_num_threads", lib.set_num_threads))
                     for lib in libraries]
    return _controls


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with every loaded BLAS library limited to one thread.

    The limit is process-wide (BLAS libraries have no per-thread setting): it
    holds while any thread is inside such a block, and the thread counts found
    by the first are restored when the last leaves. Nested and concurrent
    blocks are fine; a model running on another thread meanwhile also gets one
    BLAS thread.
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            controls = _blas_controls()
            _saved = [get() for get, _ in controls]
            for (_, set_threads), threads in zip(controls, _saved):
                if threads != 1:
                    set_threads(1)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                for (_, set_threads), threads in zip(_blas_controls(), _saved):
                    if threads != 1 and threads is not None:
                        set_threads(threads)
