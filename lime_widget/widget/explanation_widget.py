"""``ExplanationWidget``: the live view of one explanation (traitlets only, no maths).

The widget owns one :class:`~.controller.ExplanationController`, which turns control
changes into calls on the explanation: ``exp.refit(...)`` for the surrogate's
settings (never calls the model) and the explainer's re-sampling hook
``exp.resample(num_samples, progress=...)`` for a new neighbourhood (calls the model,
in the background). See docs/PROTOCOL.md and docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from typing import Any, Optional

import anywidget

from . import state
from .bundle import BUNDLE_CSS, BUNDLE_JS, MISSING_BUNDLE_ESM, BundleMissingError, bundle_source, missing_bundle_message
from .controller import SURROGATE_CONTROLS, ExplanationController
from .traits import ExplanationViewTraits


class ExplanationWidget(ExplanationViewTraits, anywidget.AnyWidget):
    """The interactive view of a LIME explanation.

    Parameters
    ----------
    explanation : Explanation
        An explanation made by one of lime-widget's explainers (it carries its
        cached neighbourhood, so the view can refit without calling the model).
    **controls
        Optional initial control values (``num_features``, ``label``,
        ``kernel_width``, ``feature_selection``); the widget refits once to apply
        them.

    Attributes
    ----------
    current_explanation : Explanation
        The explanation currently shown (after refits and re-sampling).
    last_exception : BaseException or None
        The exception behind the current ``error`` message, for debugging.
    controller : ExplanationController
        Does the work: refits, re-samples, drops stale results, keeps the error.

    Notes
    -----
    Control traits (``num_features``, ``label``, ``kernel_width``,
    ``feature_selection``, ``num_samples``, ``focused_feature``) can be set from
    Python too; the view follows. Errors never escape an observer (anywidget would
    swallow them): they set ``status="error"`` and ``error``, and the last good
    explanation stays on screen.
    """

    _esm = bundle_source(BUNDLE_JS) if BUNDLE_JS.is_file() else MISSING_BUNDLE_ESM
    if BUNDLE_CSS.is_file():
        _css = bundle_source(BUNDLE_CSS)

    def __init__(self, explanation: Any, **controls: Any):
        if not BUNDLE_JS.is_file():
            raise BundleMissingError(missing_bundle_message())
        unknown = set(controls) - set(SURROGATE_CONTROLS)
        if unknown:
            raise TypeError(f"Unknown control(s) {sorted(unknown)}; expected num_features, label, "
                            "kernel_width or feature_selection.")
        # checks the explanation, applies the controls with one refit (ValueError when it cannot)
        self.controller = ExplanationController(explanation, controls)
        super().__init__(**self.controller.values)
        self._show_controller(self.controller)

    # -- public helpers -----------------------------------------------------------------
    @property
    def current_explanation(self) -> Any:
        """The explanation shown (after refits and re-sampling)."""
        return self.controller.current_explanation

    @property
    def last_exception(self) -> Optional[BaseException]:
        """The exception behind the current ``error`` message, for debugging."""
        return self.controller.last_exception

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until pending re-sampling runs finish; ``True`` if none is left running.

        Handy in scripts and tests: ``w.num_samples = 2000; w.wait()``. Also waits
        for the ``uncertainty`` of the shown fit (computed in the background).
        """
        return self.controller.wait(timeout)

    def close(self) -> None:
        """Close the widget; work still running (a re-sample) finishes without updating it."""
        self._show_controller(None)
        super().close()

    def __repr__(self) -> str:
        return f"<ExplanationWidget: {state.summary(self.current_explanation, self.label)}>"
