"""``ExplanationWidget``: the live view of one explanation (traitlets only, no maths).

Control changes coming from the front end are turned into calls on the explanation:
``exp.refit(...)`` for the surrogate's settings (never calls the model) and the
explainer's re-sampling hook ``exp.resample(num_samples, progress=...)`` for a new
neighbourhood (calls the model, in a worker thread). See docs/PROTOCOL.md.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable, Optional

import anywidget
import traitlets

from . import serialization, state, trust
from .bundle import BUNDLE_CSS, BUNDLE_JS, MISSING_BUNDLE_ESM, BundleMissingError, missing_bundle_message
from .traits import ExplanationViewTraits

STATUSES = ("idle", "computing", "error")
_FOCUS_ERROR = "Could not focus feature"


class _Superseded(Exception):
    """Raised inside a stale re-sampling run to stop it at its next progress report."""


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

    Notes
    -----
    Control traits (``num_features``, ``label``, ``kernel_width``,
    ``feature_selection``, ``num_samples``, ``focused_feature``) can be set from
    Python too; the view follows. Errors never escape an observer (anywidget would
    swallow them): they set ``status="error"`` and ``error``, and the last good
    explanation stays on screen.
    """

    _esm = BUNDLE_JS if BUNDLE_JS.is_file() else MISSING_BUNDLE_ESM
    if BUNDLE_CSS.is_file():
        _css = BUNDLE_CSS

    def __init__(self, explanation: Any, **controls: Any):
        # Observers may fire inside super().__init__ (traitlets sets the initial
        # values there); they do nothing until the widget is ready.
        self._ready = False
        if not BUNDLE_JS.is_file():
            raise BundleMissingError(missing_bundle_message())
        _check_explanation(explanation)
        unknown = set(controls) - {"num_features", "label", "kernel_width", "feature_selection"}
        if unknown:
            raise TypeError(f"Unknown control(s) {sorted(unknown)}; expected num_features, label, "
                            "kernel_width or feature_selection.")
        self._lock = threading.RLock()
        self._reverting: Optional[int] = None  # the thread putting num_samples back, if any
        self._generation = 0
        self._workers: list[threading.Thread] = []
        self._trust = trust.TrustWorker(self._deliver_uncertainty)
        self._trust_token = 0
        self.current_explanation = explanation
        self.last_exception: Optional[BaseException] = None
        image, segments = serialization.image_buffers(explanation)
        initial = state.controls(explanation)
        super().__init__(
            explanation=explanation.to_dict(),
            image=image,
            segments=segments,
            num_features_max=state.num_features_max(explanation),
            **initial,
        )
        if controls:
            # still not ready: set every control, then refit once
            for name, value in controls.items():
                setattr(self, name, value)
            self.num_features = min(self.num_features, self.num_features_max)
            self._refresh_from_controls(f"apply {', '.join(f'{k}={v!r}' for k, v in controls.items())}")
            if self.status == "error":
                raise ValueError(self.error) from self.last_exception
        else:
            self._request_uncertainty(explanation)
        self._ready = True

    # -- public helpers -----------------------------------------------------------------
    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until pending re-sampling runs finish; ``True`` if none is left running.

        Handy in scripts and tests: ``w.num_samples = 2000; w.wait()``. Also waits
        for the ``uncertainty`` of the shown fit (computed in the background).
        """
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.join(timeout)
        idle = self._trust.wait(timeout)
        return idle and not any(w.is_alive() for w in workers)

    def __repr__(self) -> str:
        return f"<ExplanationWidget: {state.summary(self.current_explanation, self.label)}>"

    # -- observers ----------------------------------------------------------------------
    @traitlets.observe("num_features", "kernel_width", "feature_selection")
    def _on_surrogate_setting(self, change: dict) -> None:
        if not self._ready:
            return
        if change["name"] == "num_features" and change["new"] > self.num_features_max >= 1:
            # lime caps num_features at the number of features; show the capped value
            self.num_features = self.num_features_max
            return
        self._refresh_from_controls(f"set {change['name']}={change['new']!r}")

    @traitlets.observe("label")
    def _on_label(self, change: dict) -> None:
        if not self._ready:
            return
        label = change["new"]
        if self.current_explanation.mode != "classification" and label not in state.REGRESSION_LABELS:
            self._fail(f"show label {label!r}", ValueError(
                f"A regression explanation has labels 0 (mirror) and 1 (prediction), not {label!r}."))
            return
        # an explained label costs a memoised lookup; a new one is fitted on the cached neighbourhood;
        # refitting also re-checks every control, so an earlier error clears only when all are valid
        self._refresh_from_controls(f"show label {label!r}")

    @traitlets.observe("num_samples")
    def _on_num_samples(self, change: dict) -> None:
        if not self._ready or self._reverting == threading.get_ident():
            return
        try:
            num_samples = change["new"]
            if num_samples < 2:
                raise ValueError(f"num_samples must be an integer >= 2 (the instance and at least one "
                                 f"perturbed sample), got {num_samples!r}.")
            resample = getattr(self.current_explanation, "resample", None)
            if not callable(resample):
                raise RuntimeError("This explanation cannot be re-sampled: it was not made by a lime-widget "
                                   "explainer (it has no `resample` hook).")
        except Exception as exc:  # shown in the widget; anywidget would swallow it
            with self._lock:
                self._generation += 1  # a rejected value also supersedes a re-sample still running
                self._fail(f"re-sample with num_samples={change['new']!r}", exc)
                self._revert_num_samples()
            return
        self._start_resample(resample, num_samples)

    @traitlets.observe("sample_until_stable")
    def _on_sample_until_stable(self, change: dict) -> None:
        # a request counter: every increase asks for num_samples="auto" once
        if not self._ready or change["new"] <= change["old"]:
            return
        resample = getattr(self.current_explanation, "resample", None)
        if not callable(resample):
            self._fail("sample until stable", RuntimeError(
                "This explanation cannot be re-sampled: it was not made by a lime-widget explainer (it has "
                "no `resample` hook)."))
            return
        self._start_resample(resample, "auto")

    def _start_resample(self, resample: Callable[..., Any], num_samples: Any) -> None:
        with self._lock:
            self._generation += 1
            generation = self._generation
            self.status, self.progress, self.error = "computing", 0.0, ""
            worker = threading.Thread(target=self._resample, args=(generation, resample, num_samples),
                                      name=f"lime-widget-resample-{generation}", daemon=True)
            self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()

    @traitlets.observe("focused_feature")
    def _on_focus(self, change: dict) -> None:
        if not self._ready:
            return
        feature = change["new"]
        if -1 <= feature < self.num_features_max:
            if self.status == "error" and self.error.startswith(_FOCUS_ERROR):
                self._clear_error()
            return
        self._fail(f"{_FOCUS_ERROR[len('Could not '):]} {feature!r}", ValueError(
            f"focused_feature must be -1 (none) or a feature id in 0..{self.num_features_max - 1}."))

    # -- work ---------------------------------------------------------------------------
    def _refit_to_controls(self, exp: Any) -> Any:
        """``exp`` refitted to what the controls show (no model call)."""
        label = self.label if exp.mode == "classification" else None
        if label is not None and label in exp.local_exp:
            label = None  # already explained; refit keeps every explained label
        return exp.refit(num_features=self.num_features, label=label, kernel_width=self.kernel_width,
                         feature_selection=self.feature_selection)

    def _refresh_from_controls(self, action: str) -> None:
        with self._lock:
            try:
                new = self._refit_to_controls(self.current_explanation)
            except Exception as exc:
                self._fail(action, exc)
                return
            self._show(new)

    def _resample(self, generation: int, resample: Callable[..., Any], num_samples: Any) -> None:
        def progress(fraction: float) -> None:
            with self._lock:  # check and write together, so a stale run never moves the bar
                if generation != self._generation:
                    raise _Superseded()
                self.progress = float(min(max(fraction, 0.0), 1.0))

        auto = num_samples == "auto"
        try:
            # "auto" samples until the shown number of features is stable
            extra = {"num_features": self.num_features} if auto else {}
            fresh = resample(num_samples=num_samples, progress=progress, **extra)
            _check_explanation(fresh)
            with self._lock:
                if generation != self._generation:
                    return  # a later request superseded this one
                shown = self._refit_to_controls(fresh)
                self._show(shown, image=True)
                if auto:
                    self._revert_num_samples()  # the control tells the rows used; no new run
        except _Superseded:
            return
        except Exception as exc:
            with self._lock:
                if generation == self._generation:
                    action = "sample until stable" if auto else f"re-sample with num_samples={num_samples}"
                    self._fail(action, exc)
                    self._revert_num_samples()

    def _revert_num_samples(self) -> None:
        """Put ``num_samples`` back to the shown explanation's (caller holds the lock).

        The controls always describe what is shown: after a rejected or failed
        re-sample the error stays on screen and the field shows the samples the
        explanation on screen was fitted on; after ``"auto"`` it shows the rows used.
        """
        shown = state.shown_num_samples(self.current_explanation)
        if shown is None or shown == self.num_samples:
            return
        self._reverting = threading.get_ident()  # only this thread's own change is not a request
        try:
            self.num_samples = shown
        finally:
            self._reverting = None

    def _show(self, exp: Any, image: bool = False) -> None:
        """Make ``exp`` the shown explanation (caller holds the lock)."""
        payload = exp.to_dict()
        buffers = serialization.image_buffers(exp) if image else None
        self.current_explanation = exp
        self.last_exception = None
        with self.hold_sync():  # one comm message: the view never sees half an update
            self.explanation = payload
            if buffers is not None:
                self.image, self.segments = buffers
                self.num_features_max = state.num_features_max(exp)
            self.error = ""
            if self._generation_running():
                self.status = "computing"
            else:
                self.status, self.progress = "idle", 1.0
        self._request_uncertainty(exp)

    def _request_uncertainty(self, exp: Any) -> None:
        """Compute the shown fit's intervals and stability in the background (zero model calls)."""
        with self._lock:
            self._trust_token += 1
            if getattr(exp, "neighborhood", None) is None or not callable(getattr(exp, "uncertainty", None)):
                self._trust.cancel()
                self.uncertainty = {}
                return
            self._trust.request(self._trust_token, exp, trust.shown_label(exp, self.label))

    def _deliver_uncertainty(self, token: int, payload: Optional[dict], error: Optional[BaseException]) -> None:
        with self._lock:
            if token != self._trust_token:
                return  # the view moved on; a newer request is on its way
            if error is not None:
                self.uncertainty = {"label": trust.shown_label(self.current_explanation, self.label),
                                    "error": str(error) or type(error).__name__}
            else:
                self.uncertainty = payload or {}

    def _generation_running(self) -> bool:
        current = f"lime-widget-resample-{self._generation}"
        return any(w.is_alive() and w.name == current and w is not threading.current_thread()
                   for w in self._workers)

    def _clear_error(self) -> None:
        with self._lock:
            if self.status == "error":
                self.error = ""
                self.status = "computing" if self._generation_running() else "idle"

    def _fail(self, action: str, exc: BaseException) -> None:
        self.last_exception = exc
        message = str(exc) or type(exc).__name__
        with self._lock:
            with self.hold_sync():  # one comm message: the view never sees half an update
                self.error = f"Could not {action}: {message}"
                self.status = "error"
                self.progress = 1.0
        # keep the traceback reachable for people debugging their predict_fn
        self._traceback = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def _check_explanation(exp: Any) -> None:
    missing = [name for name in ("to_dict", "refit", "local_exp", "mode", "settings", "domain_mapper")
               if not hasattr(exp, name)]
    if missing:
        raise TypeError(
            f"ExplanationWidget needs a lime-widget Explanation (from lime_widget's explainers); got "
            f"{type(exp).__name__}, which lacks {', '.join(missing)}."
        )
