"""The row on screen: an ExplanationWidget's logic without a front end, mirrored into the review.

The review shows one row's explanation with the same views as ``ExplanationWidget``.
Rather than re-implementing its refit / re-sample / error handling, each visited row
gets a headless ExplanationWidget (no comm, nothing sent to the browser) and a
:class:`Bridge` copies its traits to the review (what the view shows) and the
review's control traits back to it (what the user changed).
"""

from __future__ import annotations

import threading
from typing import Any

import traitlets

from ..widget import ExplanationWidget

#: ExplanationWidget traits the front end reads (row -> review).
OUTPUTS = ("explanation", "image", "segments", "status", "progress", "error", "num_features_max", "uncertainty")
#: ExplanationWidget traits the front end sets (review -> row; row -> review when it corrects them).
CONTROLS = ("num_features", "label", "kernel_width", "feature_selection", "num_samples", "focused_feature",
            "sample_until_stable")
#: Controls a new row inherits from the previous one (label is per row: the predicted class).
CARRIED = ("num_features", "kernel_width", "feature_selection")


class RowView(ExplanationWidget):
    """ExplanationWidget without its own comm: the review's model carries what it shows."""

    # Never rendered (the review's front end draws it). Plain strings, not the bundle's
    # paths: anywidget connects every instance to a path's file-watch signal, which then
    # keeps each visited row's view, and its explanation, alive for good.
    _esm = ""
    _css = ""

    def open(self) -> None:
        # no second widget model in the page; the review's front end renders this state
        return None


class Bridge:
    """Mirror a :class:`RowView` into the review until :meth:`close`.

    Parameters
    ----------
    review : HasTraits
        Has every trait of :data:`OUTPUTS` and :data:`CONTROLS`.
    view : RowView
    lock : RLock
        The review's lock; a change from the row (a re-sampling thread) is only
        copied while the bridge is open, so a late result never lands on another row.
    """

    def __init__(self, review: traitlets.HasTraits, view: RowView, lock: threading.RLock):
        self.review = review
        self.view = view
        self._lock = lock
        self.open = False
        with lock:
            for name in OUTPUTS + CONTROLS:
                setattr(review, name, getattr(view, name))
            view.observe(self._from_view, names=list(OUTPUTS + CONTROLS))
            review.observe(self._from_review, names=list(CONTROLS))
            self.open = True

    def close(self) -> None:
        with self._lock:
            self.open = False
            self.view.unobserve(self._from_view, names=list(OUTPUTS + CONTROLS))
            self.review.unobserve(self._from_review, names=list(CONTROLS))

    # Both directions copy the *current* value, not the change's: a row that puts back a
    # rejected control value does so while the rejected value's notification is still on
    # its way, and copying that stale value would bounce between the two forever.
    def _from_view(self, change: Any) -> None:
        name = change["name"]
        with self._lock:
            value = getattr(self.view, name)
            if self.open and getattr(self.review, name) != value:
                setattr(self.review, name, value)

    def _from_review(self, change: Any) -> None:
        # never under the review's lock: the row's observers take the row's lock, and a
        # re-sampling thread holding that one may be waiting for the review's (see _from_view)
        name = change["name"]
        value = getattr(self.review, name)
        if self.open and getattr(self.view, name) != value:
            setattr(self.view, name, value)
