"""How sure the shown weights are: the ``uncertainty`` trait's payload, computed off the comm thread.

The numbers come from the core (``exp.uncertainty`` and ``exp.stability_of``: a
bootstrap of the cached neighbourhood, zero model calls, memoised per label and
settings); ``serialization.uncertainty_payload`` turns them into plain values for the
front end and this module runs that in the background (``core.threads.in_background``),
because they cost tens to hundreds of milliseconds where a refit costs well under one (see
the README, "How far to trust an explanation").
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from ..core.threads import in_background
from .serialization import LEVEL, uncertainty_payload

__all__ = ["LEVEL", "TrustWorker", "shown_label", "uncertainty_payload"]


def shown_label(exp: Any, label: int) -> int:
    """The label a view shows for the control value ``label`` (regression: 1, the prediction)."""
    return int(label) if exp.mode == "classification" else 1


class TrustWorker:
    """Computes the latest requested payload in the background; older requests are dropped.

    At most one task per worker runs at a time: it computes the pending request,
    then the next one if another came meanwhile, and ends when none is left.

    Parameters
    ----------
    deliver : callable
        ``deliver(token, payload_or_None, error_or_None)``, called from the
        background thread; the caller decides whether ``token`` is still current.
    """

    def __init__(self, deliver: Callable[[int, Optional[dict], Optional[BaseException]], None]):
        self._deliver = deliver
        self._cond = threading.Condition()
        self._pending: Optional[tuple[int, Any, int]] = None
        self._busy = False  # a task is running (or about to)

    def request(self, token: int, exp: Any, label: int) -> None:
        """Compute the payload of ``(exp, label)`` for ``token``, replacing any request not started yet."""
        with self._cond:
            self._pending = (token, exp, label)
            if not self._busy:
                self._busy = True
                in_background("uncertainty", self._run)
            self._cond.notify_all()

    def cancel(self) -> None:
        """Drop the request not started yet (a running one finishes; its token is stale)."""
        with self._cond:
            self._pending = None
            self._cond.notify_all()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until nothing is pending or running; ``True`` if idle."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._busy and self._pending is None, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._pending is None:
                    self._busy = False
                    self._cond.notify_all()
                    return
                token, exp, label = self._pending
                self._pending = None
            try:  # the core's bootstrap limits BLAS to one thread itself (core/blas.py)
                payload, error = uncertainty_payload(exp, label), None
            except Exception as exc:  # reported to the widget, never lost in a thread
                payload, error = None, exc
            self._deliver(token, payload, error)
