"""``ExplanationController``: one shown explanation and its controls, without a front end.

Every view of one explanation (``ExplanationWidget``, the row on screen in
``ErrorReview``, the row opened in ``GlobalView``) owns one controller per
explanation it shows. The controller holds what the view shows as plain values
(the traits of :class:`~.traits.ExplanationViewTraits`) and changes them:

- a surrogate control (``num_features``, ``label``, ``kernel_width``,
  ``feature_selection``) refits on the cached neighbourhood (``exp.refit``, zero
  model calls); the number of features shown is the one ``FitSettings`` capped;
- ``num_samples`` and ``sample_until_stable`` re-sample through the explanation's
  ``resample`` hook in the background (:func:`~lime_widget.core.threads.in_background`);
  every request takes a new generation, a run of an older one stops at its next
  progress report and its result or error is dropped;
- the shown fit's uncertainty is computed in the background (:mod:`.trust`);
- a failure is kept as a :class:`ViewFailure` (which kind of request failed, and
  the exception), shown as the ``error`` and ``status`` values; the rejected control
  goes back to its last valid value in the same update, so the controls always
  describe what is shown and the next valid change of any control refits.

Its owner passes control changes in with :meth:`~ExplanationController.set_control`
and receives every change of the values through the one callback given to
:meth:`~ExplanationController.attach` (``on_state(changes: dict)``), called with the
controller's lock held, from whichever thread made the change. A detached
controller keeps working (a re-sample finishes) and keeps its values for the next
:meth:`~ExplanationController.attach`. No LIME maths here.
"""

from __future__ import annotations

import threading
import traceback
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..core.settings import cap_num_features
from ..core.threads import in_background
from . import serialization, state, trust
from .traits import CONTROLS

#: The controls that only refit the surrogate (zero model calls).
SURROGATE_CONTROLS = ("num_features", "label", "kernel_width", "feature_selection")
NOT_RESAMPLABLE = ("This explanation cannot be re-sampled: it was not made by a lime-widget explainer (it has no "
                   "`resample` hook).")

OnState = Callable[[dict], None]


class _Superseded(Exception):
    """Raised inside a stale re-sampling run to stop it at its next progress report."""


@dataclass(frozen=True)
class ViewFailure:
    """Why the view shows an error.

    Attributes
    ----------
    kind : {'control', 'focus', 'resample'}
        What failed: a refit to the controls (or a rejected control value), the
        focused feature, or a re-sampling run.
    action : str
        What was asked, worded for "Could not <action>".
    exception : BaseException
    """

    kind: str
    action: str
    exception: BaseException

    @property
    def message(self) -> str:
        return f"Could not {self.action}: {str(self.exception) or type(self.exception).__name__}"


class ExplanationController:
    """Refit, re-sample, drop stale results and keep the error state of one shown explanation.

    Parameters
    ----------
    explanation : Explanation
        Made by one of lime-widget's explainers (it carries its cached neighbourhood).
    controls : dict, optional
        Initial control values (any of :data:`SURROGATE_CONTROLS`); applied with one refit.
    lock : RLock, optional
        Guards the values; an owner that shows several controllers in turn passes
        its own, so navigation and a finishing re-sample never wait for each other
        in opposite order.

    Raises
    ------
    TypeError
        ``explanation`` is not a lime-widget explanation.
    ValueError
        ``controls`` cannot be applied (the message says which and why).

    Attributes
    ----------
    current_explanation : Explanation
        The explanation shown (after refits and re-sampling).
    failure : ViewFailure or None
        The failure behind the shown ``error``.
    last_exception : BaseException or None
        The exception of the last failure, until an explanation is shown again.
    """

    def __init__(self, explanation: Any, controls: Optional[dict] = None, lock: Optional[threading.RLock] = None):
        check_explanation(explanation)
        self.lock = threading.RLock() if lock is None else lock
        self.current_explanation = explanation
        self.failure: Optional[ViewFailure] = None
        self.last_exception: Optional[BaseException] = None
        self.traceback = ""
        self._on_state: Optional[OnState] = None
        self._generation = 0  # every re-sample request, and every rejected one, takes the next
        self._resampling = False  # whether the current generation's run is still going
        self._futures: set[Future] = set()
        self._trust = trust.TrustWorker(self._deliver_uncertainty)
        self._trust_token = 0
        image, segments = serialization.image_buffers(explanation)
        self._values: dict[str, Any] = {
            "explanation": explanation.to_dict(), "image": image, "segments": segments,
            "num_features_max": state.num_features_max(explanation), "uncertainty": {},
            "status": "idle", "progress": 1.0, "error": "",
            **state.controls(explanation), "focused_feature": -1, "sample_until_stable": 0,
        }
        if controls:
            self._values.update(controls)
            self._refresh(f"apply {', '.join(f'{k}={v!r}' for k, v in controls.items())}")
            if self.failure is not None:
                raise ValueError(self.failure.message) from self.failure.exception
        else:
            self._request_uncertainty(explanation)

    # -- the owner's side -----------------------------------------------------------------
    @property
    def values(self) -> dict:
        """What the view shows: every trait of ``ExplanationViewTraits`` the controller sets (a copy)."""
        with self.lock:
            return dict(self._values)

    def attach(self, on_state: OnState) -> None:
        """Send every change to ``on_state`` from now on, starting with all values."""
        with self.lock:
            self._on_state = on_state
            on_state(dict(self._values))

    def detach(self) -> None:
        """Stop sending changes (work in flight goes on and updates the values)."""
        with self.lock:
            self._on_state = None

    def set_control(self, name: str, value: Any) -> None:
        """The user set control ``name`` to ``value``: refit, re-sample or check it.

        A value equal to the one held is no request (it is the owner echoing a
        value the controller sent, e.g. a control put back after a failure).
        Errors never escape: they become the ``error`` value, and a rejected value
        is put back to the last valid one (the one the shown explanation was
        fitted with), so the controls always describe what is shown and the next
        valid change of any control works.
        """
        if name not in CONTROLS:
            raise KeyError(f"{name!r} is not a control; expected one of {CONTROLS}.")
        with self.lock:
            old = self._values[name]
            if value == old:
                return
            self._values[name] = value
            if name in SURROGATE_CONTROLS:
                self._on_surrogate_control(name, value, old)
            elif name == "num_samples":
                self._on_num_samples(value)
            elif name == "sample_until_stable":
                if value > old:  # a request counter: every increase asks for num_samples="auto" once
                    self._on_sample_until_stable()
            else:
                self._on_focus(value, old)

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until re-sampling runs and the uncertainty are done; ``True`` if none is left running."""
        with self.lock:
            futures = list(self._futures)
        done, pending = wait_futures(futures, timeout)
        return self._trust.wait(timeout) and not pending

    # -- control changes (the caller holds the lock) --------------------------------------
    def _on_surrogate_control(self, name: str, value: Any, old: Any) -> None:
        exp = self.current_explanation
        action = f"show label {value!r}" if name == "label" else f"set {name}={value!r}"
        if name == "label" and exp.mode != "classification" and value not in state.REGRESSION_LABELS:
            self._fail("control", action, ValueError(
                f"A regression explanation has labels 0 (mirror) and 1 (prediction), not {value!r}."),
                put_back={name: old})
            return
        # an explained label costs a memoised lookup; a new one is fitted on the cached neighbourhood.
        # A rejected value goes back to the last valid one (every other control holds a valid value),
        # so the next valid change of any control refits
        self._refresh(action, put_back={name: old})

    def _on_num_samples(self, num_samples: Any) -> None:
        try:
            if num_samples < 2:
                raise ValueError(f"num_samples must be an integer >= 2 (the instance and at least one "
                                 f"perturbed sample), got {num_samples!r}.")
            resample = self._resample_hook()
        except Exception as exc:  # shown in the view; a front end would swallow it
            self._supersede()  # a rejected value also supersedes a re-sample still running
            self._fail("resample", f"re-sample with num_samples={num_samples!r}", exc)
            self._put_back_num_samples()
            return
        self._start_resample(resample, num_samples)

    def _on_sample_until_stable(self) -> None:
        try:
            self._check_stability_applies()
            resample = self._resample_hook()
        except (RuntimeError, ValueError) as exc:
            self._fail("resample", "sample until stable", exc)
            return
        self._start_resample(resample, "auto")

    def _check_stability_applies(self) -> None:
        """Refuse "sample until stable" for a fit of every feature: its stability is 1 by construction.

        ``num_samples="auto"`` stops once the stability reaches its target, which such a
        fit does at the first round, so it would swap the neighbourhood shown for a
        smaller one (500 rows of diabetes for 10 of 10 features).
        """
        exp = self.current_explanation
        fit = exp.local_exp.get(trust.shown_label(exp, self._values["label"]), ())
        n_features = serialization.interpretable_features(exp)
        reason = serialization.stability_not_applicable(len(fit), n_features)
        if reason is not None:
            raise ValueError(
                f"the stability does not apply ({reason}: {len(fit)} of {n_features} features), so sampling "
                "until it is stable would stop at the first round. Show fewer features (num_features < "
                f"{n_features}, feature_selection other than 'none'), or set num_samples.")

    def _on_focus(self, feature: int, old: int) -> None:
        if -1 <= feature < self._values["num_features_max"]:
            if self.failure is not None and self.failure.kind == "focus":
                self._emit({"error": "", "status": self._busy_status()})
                self.failure = None
            return
        self._fail("focus", f"focus feature {feature!r}", ValueError(
            f"focused_feature must be -1 (none) or a feature id in 0..{self._values['num_features_max'] - 1}."),
            put_back={"focused_feature": old})

    def _resample_hook(self) -> Callable[..., Any]:
        resample = getattr(self.current_explanation, "resample", None)
        if not callable(resample):
            raise RuntimeError(NOT_RESAMPLABLE)
        return resample

    # -- refit -----------------------------------------------------------------------------
    def _refit_to_controls(self, exp: Any) -> Any:
        """``exp`` refitted to what the controls say (no model call)."""
        values = self._values
        label = values["label"] if exp.mode == "classification" else None
        if label is not None and label in exp.local_exp:
            label = None  # already explained; refit keeps every explained label
        # fitted on the capped number, as lime fits it ('auto' selection decides on it); _show then
        # sends the fit's own settings.num_features back to the control
        num_features = cap_num_features(values["num_features"], state.num_features_max(exp))
        return exp.refit(num_features=num_features, label=label, kernel_width=values["kernel_width"],
                         feature_selection=values["feature_selection"])

    def _refresh(self, action: str, put_back: Optional[dict] = None) -> None:
        """Refit to the controls; when that fails, show the error and set ``put_back``'s controls back."""
        with self.lock:
            try:
                new = self._refit_to_controls(self.current_explanation)
            except Exception as exc:
                self._fail("control", action, exc, put_back=put_back)
                return
            self._show(new)

    # -- re-sample -------------------------------------------------------------------------
    def _supersede(self) -> int:
        self._generation += 1
        self._resampling = False
        return self._generation

    def _start_resample(self, resample: Callable[..., Any], num_samples: Any) -> None:
        generation = self._supersede()
        self._resampling = True
        self.failure = None  # the error leaves the screen while the new run goes
        self._emit({"status": "computing", "progress": 0.0, "error": ""})
        # "auto" samples until the shown number of features is stable
        extra = {"num_features": self._values["num_features"]} if num_samples == "auto" else {}
        future = in_background("resample", self._resample, generation, resample, num_samples, extra)
        self._futures.add(future)
        future.add_done_callback(self._forget_future)

    def _forget_future(self, future: Future) -> None:
        with self.lock:
            self._futures.discard(future)

    def _resample(self, generation: int, resample: Callable[..., Any], num_samples: Any, extra: dict) -> None:
        def progress(fraction: float) -> None:
            with self.lock:  # check and write together, so a stale run never moves the bar
                if generation != self._generation:
                    raise _Superseded()
                self._emit({"progress": float(min(max(fraction, 0.0), 1.0))})

        auto = num_samples == "auto"
        try:
            fresh = resample(num_samples=num_samples, progress=progress, **extra)
            check_explanation(fresh)
            with self.lock:
                if generation != self._generation:
                    return  # a later request superseded this one
                self._resampling = False
                self._show(self._refit_to_controls(fresh), image=True)
                if auto:
                    self._put_back_num_samples()  # the control tells the rows used; no new run
        except _Superseded:
            return
        except Exception as exc:
            with self.lock:
                if generation != self._generation:
                    return  # the error of a superseded run is not the view's
                self._resampling = False
                self._fail("resample", "sample until stable" if auto else f"re-sample with num_samples={num_samples}",
                           exc)
                self._put_back_num_samples()

    def _put_back_num_samples(self) -> None:
        """``num_samples`` back to the shown explanation's (the caller holds the lock).

        The controls always describe what is shown: after a rejected or failed
        re-sample the error stays on screen and the field shows the samples the
        explanation on screen was fitted on; after ``"auto"`` it shows the rows used.
        """
        shown = state.shown_num_samples(self.current_explanation)
        if shown is not None and shown != self._values["num_samples"]:
            self._emit({"num_samples": shown})

    # -- what is shown (the caller holds the lock) -----------------------------------------
    def _busy_status(self) -> str:
        return "computing" if self._resampling else "idle"

    def _show(self, exp: Any, image: bool = False) -> None:
        """Make ``exp`` the shown explanation."""
        changes: dict[str, Any] = {"explanation": exp.to_dict()}
        if image:
            changes["image"], changes["segments"] = serialization.image_buffers(exp)
            changes["num_features_max"] = state.num_features_max(exp)
        # the fit's settings decide the number of features (FitSettings caps it): the control shows that
        changes["num_features"] = state.shown_num_features(exp)
        changes["error"] = ""
        changes["status"] = self._busy_status()
        if not self._resampling:
            changes["progress"] = 1.0
        self.current_explanation = exp
        self.failure = self.last_exception = None
        self._emit(changes)
        self._request_uncertainty(exp)

    def _fail(self, kind: str, action: str, exc: BaseException, put_back: Optional[dict] = None) -> None:
        """Show ``exc`` as the error; ``put_back``: controls set back to their last valid values, in the same update."""
        self.failure = ViewFailure(kind, action, exc)
        self.last_exception = exc
        # kept for people debugging their predict_fn
        self.traceback = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self._emit({"error": self.failure.message, "status": "error", "progress": 1.0, **(put_back or {})})

    def _emit(self, changes: dict) -> None:
        with self.lock:
            self._values.update(changes)
            if self._on_state is not None:
                self._on_state(changes)

    # -- uncertainty -----------------------------------------------------------------------
    def _request_uncertainty(self, exp: Any) -> None:
        """Compute the shown fit's intervals and stability in the background (zero model calls)."""
        with self.lock:
            self._trust_token += 1
            if getattr(exp, "neighborhood", None) is None or not callable(getattr(exp, "uncertainty", None)):
                self._trust.cancel()
                self._emit({"uncertainty": {}})
                return
            self._trust.request(self._trust_token, exp, trust.shown_label(exp, self._values["label"]))

    def _deliver_uncertainty(self, token: int, payload: Optional[dict], error: Optional[BaseException]) -> None:
        with self.lock:
            if token != self._trust_token:
                return  # the view moved on; a newer request is on its way
            if error is not None:
                payload = {"label": trust.shown_label(self.current_explanation, self._values["label"]),
                           "error": str(error) or type(error).__name__}
            self._emit({"uncertainty": payload or {}})


def check_explanation(exp: Any) -> None:
    """Raise ``TypeError`` unless ``exp`` looks like a lime-widget explanation."""
    missing = [name for name in ("to_dict", "refit", "local_exp", "mode", "settings", "domain_mapper")
               if not hasattr(exp, name)]
    if missing:
        raise TypeError(
            f"ExplanationWidget needs a lime-widget Explanation (from lime_widget's explainers); got "
            f"{type(exp).__name__}, which lacks {', '.join(missing)}."
        )
