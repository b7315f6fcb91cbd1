"""The synced state of an explanation view (docs/PROTOCOL.md), and how a view shows a controller.

Shared by :class:`ExplanationWidget`, ``ErrorReview`` and ``GlobalView``, whose front
ends render the same explanation views from these traits. Each of them owns
:class:`~.controller.ExplanationController` objects (one per explanation it shows)
and shows one at a time with :meth:`ExplanationViewTraits._show_controller`.
"""

from __future__ import annotations

from typing import Any, Optional

import traitlets

#: Traits the controller sets for the front end (Python -> JS).
OUTPUTS = ("explanation", "image", "segments", "status", "progress", "error", "num_features_max", "uncertainty")
#: Traits the front end sets (JS -> Python); the controller may correct them (a capped
#: ``num_features``, ``num_samples`` put back after a failure).
CONTROLS = ("num_features", "label", "kernel_width", "feature_selection", "num_samples", "focused_feature",
            "sample_until_stable")


class ExplanationViewTraits(traitlets.HasTraits):
    """Traits of one explanation view: Python -> JS state, and the user's controls."""

    # Python -> JS
    explanation = traitlets.Dict().tag(sync=True)
    image = traitlets.Dict().tag(sync=True)
    segments = traitlets.Dict().tag(sync=True)
    status = traitlets.Unicode("idle").tag(sync=True)
    progress = traitlets.Float(1.0).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    num_features_max = traitlets.Int(1).tag(sync=True)
    offline = traitlets.Bool(False).tag(sync=True)
    #: intervals and stability of the shown fit, sent when ready (docs/PROTOCOL.md)
    uncertainty = traitlets.Dict().tag(sync=True)

    # JS -> Python (controls)
    num_features = traitlets.Int(1).tag(sync=True)
    label = traitlets.Int(0).tag(sync=True)
    kernel_width = traitlets.Float(1.0).tag(sync=True)
    feature_selection = traitlets.Unicode("auto").tag(sync=True)
    num_samples = traitlets.Int(0).tag(sync=True)
    focused_feature = traitlets.Int(-1).tag(sync=True)
    #: a request counter: each increase re-samples with num_samples="auto"
    sample_until_stable = traitlets.Int(0).tag(sync=True)

    #: The ExplanationController whose values these traits show (None: nothing shown).
    _shown_controller: Optional[Any] = None

    @property
    def current_explanation(self) -> Any:
        """The explanation shown (after the user's refits and re-sampling), or ``None``."""
        shown = self._shown_controller
        return shown.current_explanation if shown is not None else None

    def _show_controller(self, controller: Optional[Any]) -> None:
        """Show ``controller``'s values from now on (``None``: stop showing the one shown)."""
        previous, self._shown_controller = self._shown_controller, controller
        if previous is not None and previous is not controller:
            previous.detach()
        if controller is not None:
            controller.attach(self._apply_view_state)

    def _apply_view_state(self, changes: dict) -> None:
        # the controller's callback, under its lock, from whichever thread changed something
        if len(changes) == 1:
            name, value = next(iter(changes.items()))
            setattr(self, name, value)
            return
        with self.hold_sync():  # one comm message: the view never sees half an update
            for name, value in changes.items():
                setattr(self, name, value)

    @traitlets.observe(*CONTROLS)
    def _control_changed(self, change: dict) -> None:
        controller = self._shown_controller
        if controller is not None:
            # the current value, not the change's: when the controller corrected the value inside
            # this notification (put num_samples back), the change's value is already stale
            name = change["name"]
            controller.set_control(name, getattr(self, name))
