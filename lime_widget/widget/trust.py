"""How sure the shown weights are: the ``uncertainty`` trait's payload, computed off the comm thread.

The numbers come from the core (``exp.uncertainty`` and ``exp.stability_of``: a
bootstrap of the cached neighbourhood, zero model calls, memoised per label and
settings); this module only turns them into plain values for the front end and runs
them in a background thread, because they cost tens to hundreds of milliseconds where a
refit costs well under one (see the README, "How far to trust an explanation").
"""

from __future__ import annotations

import math
import threading
from typing import Any, Callable, Optional

from threadpoolctl import threadpool_limits

#: Confidence level of the intervals the views show.
LEVEL = 0.95


def shown_label(exp: Any, label: int) -> int:
    """The label a view shows for the control value ``label`` (regression: 1, the prediction)."""
    return int(label) if exp.mode == "classification" else 1


def uncertainty_payload(exp: Any, label: int, level: float = LEVEL) -> dict:
    """The ``uncertainty`` trait for ``exp``'s surrogate of ``label`` (docs/PROTOCOL.md).

    Parameters
    ----------
    exp : Explanation
        With a cached neighbourhood; ``label`` must be explained.
    label : int
        The label as the view shows it (regression: 1).
    level : float, default 0.95

    Returns
    -------
    dict
        ``{"label", "level", "stability", "num_samples", "intervals"}``; ``intervals``
        holds ``[feature_id, weight, low, high, selection_frequency]`` per feature of
        the fit, in its order (the weight lets the view check that the intervals
        belong to the fit it shows).
    """
    frame = exp.uncertainty(label=label, level=level)
    intervals = [[int(fid), _finite(w), _finite(lo), _finite(hi), _finite(freq)]
                 for fid, w, lo, hi, freq in zip(frame["feature_id"], frame["weight"], frame["low"],
                                                 frame["high"], frame["selection_frequency"])]
    return {
        "label": int(label),
        "level": float(level),
        "stability": _finite(frame.attrs["stability"]),
        "num_samples": int(exp.num_samples),
        "intervals": intervals,
    }


def _finite(value: Any) -> Optional[float]:
    value = float(value)
    return value if math.isfinite(value) else None  # JSON has no NaN


class TrustWorker:
    """Computes the latest requested payload in a background thread; older requests are dropped.

    Parameters
    ----------
    deliver : callable
        ``deliver(token, payload_or_None, error_or_None)``, called from the worker
        thread; the caller decides whether ``token`` is still current.
    """

    def __init__(self, deliver: Callable[[int, Optional[dict], Optional[BaseException]], None]):
        self._deliver = deliver
        self._cond = threading.Condition()
        self._pending: Optional[tuple[int, Any, int]] = None
        self._thread: Optional[threading.Thread] = None
        self._busy = False

    def request(self, token: int, exp: Any, label: int) -> None:
        """Compute the payload of ``(exp, label)`` for ``token``, replacing any request not started yet."""
        with self._cond:
            self._pending = (token, exp, label)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="lime-widget-uncertainty", daemon=True)
                self._busy = True
                self._thread.start()
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
                    self._thread = None
                    self._cond.notify_all()
                    return
                token, exp, label = self._pending
                self._pending = None
            try:
                # BLAS and OpenMP called from a second thread with their default threads took ten
                # times longer here (2.3 s instead of 0.25 s for 5000 x 30, 10 features, on a
                # busy 2-core machine); one thread per library brings most of that back
                with threadpool_limits(1):
                    payload, error = uncertainty_payload(exp, label), None
            except Exception as exc:  # reported to the widget, never lost in a thread
                payload, error = None, exc
            self._deliver(token, payload, error)
