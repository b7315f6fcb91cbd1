"""``ErrorReview``: step through a model's mistakes with each row's LIME explanation.

Traitlets and plumbing only: predictions come from one batched call
(:mod:`.outcomes`), the queue and the confusion matrix from :mod:`.queue`, each row's
explanation from the explainer in the background (:mod:`.jobs`), and the explanation
view's controls from the controller ExplanationWidget uses too
(:class:`~lime_widget.widget.controller.ExplanationController`, one per visited row).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import anywidget
import numpy as np
import pandas as pd
import traitlets

from ..convenience import infer_mode, predict_function
from ..core.validation import check_integer, check_num_samples
from ..widget.bundle import STATIC, BundleMissingError, bundle_source, missing_bundle_esm, missing_bundle_message
from ..widget.controller import ExplanationController
from ..widget.traits import ExplanationViewTraits
from . import payload
from .annotations import BUILTIN_TAGS, Annotations, read_annotations, warn_unmatched
from .data import ReviewData
from .explaining import RowExplainer, default_explainer
from .jobs import DEFAULT_CACHE_BYTES, RowJobs
from .outcomes import Outcomes, build_outcomes, encode_targets, predict_all
from .queue import SCOPES, build_queue, check_cell, check_order
from .queue import confusion as confusion_counts

REVIEW_JS = STATIC / "review.js"
#: Images are predicted in batches of this many (bounded memory); tables and texts in one call.
IMAGE_BATCH = 32
#: Views (a row's controller: its controls as left) kept for the last rows visited; older ones are rebuilt.
_VIEWS_KEPT = 4
#: Controls a new row inherits from the previous one (label is per row: the predicted class).
CARRIED = ("num_features", "kernel_width", "feature_selection")


class ErrorReview(ExplanationViewTraits, anywidget.AnyWidget):
    """Walk through the rows a model got wrong, one at a time, with their explanations.

    Parameters
    ----------
    model : estimator or callable
        A scikit-learn estimator (``predict_proba`` for classifiers, ``predict`` for
        regressors) or a prediction function taking a batch of rows.
    X : ndarray or DataFrame (tabular), list of str (text), or images (n, H, W[, C])
    y : array-like
        The true label (or target value) of each row of ``X``. Labels are matched to
        the model's ``classes_``, else to ``class_names``, else read as class indices.
    explainer : lime-widget explainer, optional
        Built from the data when omitted (tabular: on ``training_data``).
    training_data : ndarray or DataFrame, optional
        Tabular only: how features are perturbed. Defaults to ``X`` itself.
    class_names : sequence of str, optional
        Defaults to the model's ``classes_``.
    mode : {'classification', 'regression'}, optional
        Inferred from the model.
    feature_names : sequence of str, optional
        Column names for a numpy ``X``.
    num_features, num_samples : int, optional
        Of each explanation (the explainer's defaults when omitted).
    order : {'confidence', 'loss', 'index', 'true_class'}
        Queue order; ``confidence`` puts the most confident mistakes first
        (regression: the largest absolute residuals).
    scope : {'errors', 'all'}
        Review the mistakes, or every row.
    tags : sequence of str
        Tags offered as buttons.
    annotations : str, path, file or DataFrame, optional
        Annotations to load (as written by :meth:`save_annotations`).
    prefetch : bool
        Explain the next row in the background while the current one is read.
    random_state : int
        Seed of the explainer built when ``explainer`` is omitted.
    explainer_kwargs, explain_kwargs : dict, optional
        Passed to the explainer's constructor / ``explain_instance``.
    cache_bytes : int, default 512 MB (``jobs.DEFAULT_CACHE_BYTES``)
        Cap of the cache of explanations. Rows not on screen are kept compact
        (tabular, fixed ``num_samples``: about the model's outputs on the
        neighbourhood plus a few KB; revisiting one calls the model zero times);
        beyond the cap the least recently visited rows are forgotten and
        explained again, with the model, if visited again.

    Attributes
    ----------
    position : int
        Position in the queue (0-based); set it to move.
    current_row : row id
        The id (DataFrame index label, or row number) of the row shown.
    annotations : DataFrame
        ``row_id, true, predicted, confidence, tag, note`` of every annotated row.

    Notes
    -----
    The model is called once on all rows (in batches for images) to find the
    mistakes, then once per explained row (``num_samples`` perturbations). A row's
    explanation is cached (up to ``cache_bytes``): revisiting it calls the model zero times. Rows the model
    fails on show the error; the others work.
    """

    _esm = bundle_source(REVIEW_JS) if REVIEW_JS.is_file() else missing_bundle_esm(REVIEW_JS)

    # -- the review (Python -> JS) ---------------------------------------------------------
    summary = traitlets.Dict().tag(sync=True)
    confusion = traitlets.Dict().tag(sync=True)
    queue_length = traitlets.Int(0).tag(sync=True)
    row = traitlets.Dict().tag(sync=True)
    row_status = traitlets.Unicode("empty").tag(sync=True)
    row_error = traitlets.Unicode("").tag(sync=True)
    row_progress = traitlets.Float(0.0).tag(sync=True)
    row_image = traitlets.Dict().tag(sync=True)
    annotated = traitlets.Int(0).tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)

    # -- navigation (JS -> Python, and Python -> JS) ---------------------------------------
    position = traitlets.Int(0).tag(sync=True)
    order = traitlets.Unicode("confidence").tag(sync=True)
    scope = traitlets.Unicode("errors").tag(sync=True)
    cell = traitlets.List(traitlets.Int()).tag(sync=True)

    def __init__(
        self,
        model: Any,
        X: Any,
        y: Any,
        *,
        explainer: Any = None,
        training_data: Any = None,
        class_names: Optional[Sequence[str]] = None,
        mode: Optional[str] = None,
        feature_names: Optional[Sequence[str]] = None,
        num_features: Optional[int] = None,
        num_samples: Optional[int] = None,
        order: str = "confidence",
        scope: str = "errors",
        tags: Sequence[str] = BUILTIN_TAGS,
        annotations: Any = None,
        prefetch: bool = True,
        random_state: Any = 0,
        explainer_kwargs: Optional[dict] = None,
        explain_kwargs: Optional[dict] = None,
        cache_bytes: int = DEFAULT_CACHE_BYTES,
    ):
        self._ready = False  # observers fire inside super().__init__; they wait for this
        if not REVIEW_JS.is_file():
            raise BundleMissingError(missing_bundle_message(REVIEW_JS))
        check_order(order)
        check_integer("cache_bytes", cache_bytes, minimum=0)
        # checked before the model predicts every row of X, not when the first row is explained
        if num_features is not None:
            check_integer("num_features", num_features)
        if num_samples is not None:
            check_num_samples(num_samples)
        if scope not in SCOPES:
            raise ValueError(f"scope={scope!r} is not known; expected one of {SCOPES}.")
        if mode is None:
            mode = getattr(explainer, "mode", None)
        if mode is None:
            mode = infer_mode(model)
        self._predict_fn = predict_function(model, mode)
        self._data = ReviewData(X, feature_names=feature_names)
        classes = getattr(model, "classes_", None) if hasattr(model, "predict") else None
        if class_names is None and classes is not None and mode == "classification":
            class_names = [str(c) for c in classes]
        true = encode_targets(y, len(self._data), mode, classes if mode == "classification" else None, class_names)
        outputs, failures = predict_all(self._predict_fn, self._data, mode,
                                        IMAGE_BATCH if self._data.modality == "image" else None)
        self._outcomes: Outcomes = build_outcomes(outputs, failures, true, mode, class_names)
        if explainer is None:
            explainer = default_explainer(self._data, X, mode, training_data, class_names, feature_names,
                                          random_state, explainer_kwargs)
        self._explain = RowExplainer(explainer, self._predict_fn, self._data, self._outcomes, num_features,
                                     num_samples, explain_kwargs)

        self._lock = threading.RLock()
        self._prefetch = bool(prefetch)
        self._annotations = Annotations()
        self._queue = np.zeros(0, dtype=int)
        self._index: Optional[int] = None
        # the last few rows' controllers (their controls as left); older ones are rebuilt from the cache
        self._views: OrderedDict[int, ExplanationController] = OrderedDict()
        self._carry: dict[str, Any] = {}
        self._jobs = RowJobs(self._explain, self._on_row_progress, self._on_row_done, max_bytes=cache_bytes)

        counts = confusion_counts(self._outcomes)
        super().__init__(
            summary=payload.summary(self._data, self._outcomes, list(tags)),
            confusion={} if counts is None else {"labels": self._outcomes.class_names, "counts": counts.tolist()},
            order=order,
            scope=scope,
        )
        self.on_msg(self._on_message)
        self._ready = True
        if annotations is not None:
            self.load_annotations(annotations)
        self._rebuild(keep_row=False)

    # -- navigation -----------------------------------------------------------------------
    @property
    def queue(self) -> list:
        """Row ids of the queue, in review order."""
        return [self._data.ids[i] for i in self._queue]

    @property
    def current_row(self) -> Any:
        """The id of the row shown (``None`` when the queue is empty)."""
        return None if self._index is None else self._data.ids[self._index]

    def next(self) -> None:
        """Show the next row of the queue (stays on the last)."""
        self.position = min(self.position + 1, max(len(self._queue) - 1, 0))

    def prev(self) -> None:
        """Show the previous row of the queue (stays on the first)."""
        self.position = max(self.position - 1, 0)

    def jump(self, row_id: Any) -> None:
        """Show the row with id ``row_id``.

        A row outside the current queue (a correct prediction, another cell) is
        shown by widening the queue to every row.
        """
        index = self._data.find(row_id)
        if index is None:
            raise KeyError(f"No row with id {row_id!r} in this review.")
        where = np.flatnonzero(self._queue == index)
        if not len(where):
            with self.hold_sync():
                self._ready = False  # one rebuild for both changes
                self.cell, self.scope = [], "all"
                self._ready = True
                self._rebuild(keep_row=False)
            where = np.flatnonzero(self._queue == index)
            self.notice = f"Row {self._data.ids[index]!r} is not in the queue you were reviewing; showing all rows."
        self._go(int(where[0]))

    def filter(self, true: Any = None, predicted: Any = None) -> None:
        """Only the rows in the confusion-matrix cell (``true``, ``predicted``); no arguments clears it.

        Classes may be given by index or by name.
        """
        if true is None and predicted is None:
            self.cell = []
            return
        if true is None or predicted is None:
            raise ValueError("Give both the true and the predicted class (or neither, to clear the filter).")
        self.cell = [self._class_index(true), self._class_index(predicted)]

    # -- annotations ----------------------------------------------------------------------
    @property
    def tags(self) -> list:
        return list(self.summary.get("tags", []))

    def annotate(self, tag: Optional[str] = None, note: Optional[str] = None, row: Any = None) -> None:
        """Tag and/or note a row (the current one by default); ``""`` clears, ``None`` keeps."""
        index = self._index if row is None else self._data.find(row)
        if index is None:
            raise KeyError(f"No row with id {row!r} in this review." if row is not None else "No row is shown.")
        with self._lock:
            if self._annotations.set(index, tag=tag, note=note):
                self._annotations_changed(index)

    @property
    def annotations(self) -> pd.DataFrame:
        """Annotated rows: ``row_id, true, predicted, confidence, tag, note``."""
        return self._annotations.frame(lambda index: payload.describe(self._data, self._outcomes, index))

    def save_annotations(self, path: Union[str, Path, Any]) -> None:
        """Write :attr:`annotations` as CSV (a path or a file object)."""
        self.annotations.to_csv(path, index=False)

    def load_annotations(self, source: Union[str, Path, Any, pd.DataFrame]) -> int:
        """Read annotations written by :meth:`save_annotations` (or such a DataFrame).

        A loaded row's tag and note replace its current ones; rows not in this review
        are skipped with a warning. Returns how many rows were loaded.
        """
        loaded, unmatched = 0, []
        with self._lock:
            for row_id, tag, note in read_annotations(source):
                index = self._data.find(row_id)
                if index is None:
                    unmatched.append(row_id)
                    continue
                self._annotations.set(index, tag=tag, note=note)
                loaded += 1
            self._annotations_changed(self._index)
        warn_unmatched(unmatched)
        return loaded

    # -- explanations ---------------------------------------------------------------------
    def explanation_for(self, row_id: Any, timeout: Optional[float] = None) -> Any:
        """The explanation of row ``row_id`` as first computed (cached; computed now if needed)."""
        index = self._data.find(row_id)
        if index is None:
            raise KeyError(f"No row with id {row_id!r} in this review.")
        if index in self._outcomes.errors:
            raise RuntimeError(self._outcomes.errors[index])
        done = self._jobs.result(index, timeout)
        if done.error is not None:
            raise done.error
        return done.value

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until background work (the row shown, the prefetch, re-sampling) is done."""
        idle = self._jobs.wait(timeout)
        with self._lock:
            shown = self._shown_controller
        return (shown.wait(timeout) if shown is not None else True) and idle

    @property
    def cached_rows(self) -> list:
        """Ids of the rows whose explanation is computed (or whose model call failed)."""
        return [self._data.ids[i] for i in self._jobs.cached]

    def close(self) -> None:
        """Stop background work and close the widget."""
        # also runs from __del__ of a review whose __init__ raised part-way
        jobs, lock = getattr(self, "_jobs", None), getattr(self, "_lock", None)
        if jobs is not None:
            jobs.close()
        if lock is not None:
            with lock:
                self._detach()
                self._views.clear()
        super().close()

    def __repr__(self) -> str:
        n, wrong = len(self._outcomes), int(self._outcomes.wrong.sum())
        what = "mistakes" if self._outcomes.mode == "classification" else "rows with a residual"
        where = (f"row {self.current_row!r} ({self.position + 1} of {len(self._queue)})"
                 if self._index is not None else "nothing to show")
        return f"<ErrorReview: {wrong} {what} of {n} rows; {where}>"

    # -- observers ------------------------------------------------------------------------
    @traitlets.observe("position")
    def _on_position(self, change: dict) -> None:
        if self._ready:
            self._select(change["new"])

    @traitlets.observe("order", "scope", "cell")
    def _on_queue_setting(self, change: dict) -> None:
        if not self._ready:
            return
        try:
            if change["name"] == "order":
                check_order(change["new"])
            elif change["name"] == "scope" and change["new"] not in SCOPES:
                raise ValueError(f"scope={change['new']!r} is not known; expected one of {SCOPES}.")
            elif change["name"] == "cell" and change["new"]:
                check_cell(self._outcomes, change["new"])
        except ValueError as exc:  # undone, then shown in the widget (anywidget would swallow it)
            setattr(self, change["name"], change["old"])
            self.notice = str(exc)
            return
        self.notice = ""
        self._rebuild(keep_row=change["name"] != "cell")

    @traitlets.observe(*CARRIED)
    def _on_carried_control(self, change: dict) -> None:
        if self._ready and self._shown_controller is not None:
            # the value the row shows (a capped num_features), not the one asked for
            self._carry[change["name"]] = getattr(self, change["name"])

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Messages from the front end: ``annotate`` and ``jump``."""
        try:
            if not isinstance(content, dict):
                return
            kind = content.get("type")
            if kind == "annotate":
                index = int(content["index"])
                if not 0 <= index < len(self._data):
                    raise ValueError(f"No row at position {index}.")
                with self._lock:
                    if self._annotations.set(index, tag=content.get("tag"), note=content.get("note")):
                        self._annotations_changed(index)
            elif kind == "jump":
                self.notice = ""
                self.jump(str(content.get("row", "")))
        except (KeyError, ValueError, TypeError) as exc:
            self.notice = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)

    # -- work -----------------------------------------------------------------------------
    def _rebuild(self, keep_row: bool) -> None:
        """Recompute the queue after an order / scope / filter change and show a row of it."""
        with self._lock:
            self._queue = build_queue(self._outcomes, self.order, self.scope, self.cell or None)
            self.queue_length = len(self._queue)
            where = np.flatnonzero(self._queue == self._index) if keep_row and self._index is not None else []
            self._go(int(where[0]) if len(where) else 0, force=True)

    def _go(self, position: int, force: bool = False) -> None:
        if self.position != position:
            self.position = position  # the observer shows it
        elif force or self._index is None or not len(self._queue) or self._queue[position] != self._index:
            self._select(position)

    def _select(self, position: int) -> None:
        with self._lock:
            if not len(self._queue):
                self._detach()
                self._index = None
                with self.hold_sync():
                    self._clear_view()
                    self.row, self.row_image, self.row_status, self.row_error = {}, {}, "empty", ""
                if self.position != 0:
                    self.position = 0
                return
            clamped = min(max(int(position), 0), len(self._queue) - 1)
            if clamped != position:
                self.position = clamped  # observer comes back here with the clamped value
                return
            index = int(self._queue[position])
            if index == self._index and self.row_status != "empty":
                self.row = self._row_payload(index)
                return
            self._detach()
            self._index = index
            self._jobs.pin(index)
            with self.hold_sync():
                self.row = self._row_payload(index)
                self.row_image = self._data.pixels(index)
                self.row_error = ""
                self._show_row(index)
            upcoming = self._upcoming(position)
            self._jobs.keep_only({index, *upcoming})
            for nxt in upcoming:
                self._jobs.request(nxt)

    def _show_row(self, index: int) -> None:
        """Show row ``index``'s explanation if it is ready, else ask for it (caller holds the lock)."""
        if index in self._outcomes.errors:
            self._clear_view()
            self.row_status, self.row_error = "error", self._outcomes.errors[index]
            return
        done = self._jobs.get(index)
        if done is None:
            self._clear_view()
            self.row_status, self.row_progress = "computing", 0.0
            self._jobs.request(index, urgent=True)
        elif done.error is not None:
            self._clear_view()
            self.row_status, self.row_error = "error", _message(done.error)
        else:
            self._attach(index, done.value)

    def _attach(self, index: int, explanation: Any) -> None:
        view = self._views.get(index)
        try:
            if view is None:
                carry = self._carry if self._views else {}
                view = ExplanationController(explanation, carry, lock=self._lock)
                self._views[index] = view
                while len(self._views) > _VIEWS_KEPT:
                    self._views.popitem(last=False)
            self._views.move_to_end(index)
            self._show_controller(view)
        except Exception as exc:  # an explanation the view cannot show: this row's error, not the review's
            self._clear_view()
            self.row_status, self.row_error = "error", f"Could not show this row's explanation: {_message(exc)}"
            return
        self.row_status, self.row_progress = "ready", 1.0

    def _detach(self) -> None:
        self._show_controller(None)

    def _clear_view(self) -> None:
        self.explanation, self.image, self.segments, self.uncertainty = {}, {}, {}, {}
        self.status, self.progress, self.error = "idle", 1.0, ""

    def _upcoming(self, position: int) -> list:
        if not self._prefetch or position + 1 >= len(self._queue):
            return []
        nxt = int(self._queue[position + 1])
        return [] if nxt in self._outcomes.errors else [nxt]

    def _on_row_progress(self, index: int, fraction: float) -> None:
        with self._lock:  # never inside another thread's hold_sync block
            if index == self._index and self.row_status == "computing":
                self.row_progress = float(min(max(fraction, 0.0), 1.0))

    def _on_row_done(self, index: int) -> None:
        with self._lock:
            if index == self._index and self.row_status == "computing":
                with self.hold_sync():
                    self._show_row(index)

    def _annotations_changed(self, index: Optional[int]) -> None:
        self.annotated = len(self._annotations)
        if index is not None and index == self._index:
            self.row = self._row_payload(index)

    def _row_payload(self, index: int) -> dict:
        # the position travels with the row, so the front end knows when Python has caught up
        return {**payload.row(self._data, self._outcomes, self._annotations, index), "position": self.position}

    def _class_index(self, value: Any) -> int:
        names = self._outcomes.class_names
        if isinstance(value, str) and value in names:
            return names.index(value)
        if isinstance(value, (int, np.integer)) and 0 <= int(value) < len(names):
            return int(value)
        raise ValueError(f"{value!r} is not a class of this model; classes are {names}.")

def _message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
