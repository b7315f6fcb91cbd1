"""``GlobalView``: many explanations at once, and any one of them opened in place.

Traitlets and plumbing only. The numbers come from :func:`lime_widget.to_frame`
(the long table); this module pivots them into binary buffers for the front end.
A clicked row is shown through the controller ExplanationWidget uses
(:class:`~.controller.ExplanationController`, one per opened row), so its refit
controls work exactly as in the single-explanation widget, with zero model calls.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Optional, Sequence

import anywidget
import numpy as np
import traitlets

from ..core.table import to_frame
from ..core.validation import is_integer
from . import serialization, state
from .bundle import STATIC, BundleMissingError, bundle_source, missing_bundle_esm, missing_bundle_message
from .controller import ExplanationController
from .traits import ExplanationViewTraits

GLOBAL_JS = STATIC / "global_view.js"
#: How many opened rows keep their view (and the user's refits) when another row is opened.
KEPT_ROWS = 32
#: Default number of features shown per class (the most important ones).
MAX_FEATURES = 20


def _is_explanation(x: Any) -> bool:
    return hasattr(x, "local_exp") and hasattr(x, "domain_mapper")


def _picked_positions(pick: Any, items: Sequence[Any]) -> list[int]:
    """Positions (in the explanations given) of the rows a submodular pick chose.

    Parameters
    ----------
    pick : SubmodularPick, sequence of int or None
        A pick's ``V`` indexes ``pick.explanations``, which explain the data rows
        ``pick.sample_indices`` (a shuffled sample for ``method="sample"``). Shown
        with its own explanations, ``V`` are the positions; shown with the
        explanations of the data it was made on (row ``i`` at position ``i``), the
        positions are ``sample_indices[V]``. A sequence gives positions directly.
    items : sequence
        The explanations the view shows.

    Raises
    ------
    ValueError
        A position outside the explanations, or the view's explanations at the
        picked rows do not predict what the pick's did (not the same rows).
    TypeError
        ``pick`` is neither a pick nor a sequence of integers.
    """
    if pick is None:
        return []
    n_items = len(items)
    chosen = _picked_rows(pick, items) if getattr(pick, "V", None) is not None else pick
    if isinstance(chosen, (str, bytes)) or np.ndim(chosen) != 1:
        raise TypeError(f"pick must be a SubmodularPick or a list of row positions, got {type(pick).__name__}.")
    chosen = list(chosen)
    if not all(is_integer(x) for x in chosen):
        raise TypeError(f"pick must hold integer row positions, got {chosen!r}.")
    bad = [int(x) for x in chosen if not 0 <= int(x) < n_items]
    if bad:
        raise ValueError(f"pick has row positions {bad} outside 0..{n_items - 1} (the explanations given).")
    return sorted({int(x) for x in chosen})


def _picked_rows(pick: Any, items: Sequence[Any]) -> list[int]:
    """A submodular pick's chosen rows as positions in ``items`` (see :func:`_picked_positions`)."""
    chosen = [int(v) for v in pick.V]
    made_on = getattr(pick, "explanations", None)
    if made_on is not None and len(made_on) == len(items) and all(a is b for a, b in zip(made_on, items)):
        return chosen  # the view shows the pick's own explanations, which V indexes
    rows = getattr(pick, "sample_indices", None)
    if rows is None or made_on is None:
        raise ValueError("pick does not say which data rows it explained (no sample_indices and explanations), so "
                         "its rows cannot be marked in these explanations. Pass GlobalView(pick.explanations, "
                         "pick=pick), or pick=[row positions] in these explanations.")
    positions = [int(rows[v]) for v in chosen]
    outside = [p for p in positions if p >= len(items)]
    if outside:
        raise ValueError(f"pick chose data rows {sorted(outside)}, but the view has {len(items)} explanations: they "
                         "are not the explanations of the data the pick was made on (row i at position i). Pass "
                         "those, GlobalView(pick.explanations, pick=pick), or pick=[row positions] in these "
                         "explanations.")
    for v, position in zip(chosen, positions):
        ours, theirs = _prediction(items[position]), _prediction(made_on[v])
        if ours is not None and theirs is not None and (
                ours.shape != theirs.shape or not np.allclose(ours, theirs, rtol=1e-6, atol=1e-9)):
            raise ValueError(
                f"pick explained data row {position} with the model's output {theirs.round(4).tolist()}, but the "
                f"view's explanation at position {position} has {ours.round(4).tolist()}: these explanations are "
                "not of the data the pick was made on (row i at position i), so its rows would be marked at the "
                "wrong places. Pass those explanations, GlobalView(pick.explanations, pick=pick), or "
                "pick=[row positions] in these explanations.")
    return positions


def _prediction(exp: Any) -> Optional[np.ndarray]:
    """The model's output on the explained row, when the explanation carries it (else ``None``)."""
    if not _is_explanation(exp):
        return None
    value = getattr(exp, "predict_proba", None) if exp.mode == "classification" else getattr(
        exp, "predicted_value", None)
    return None if value is None else np.atleast_1d(np.asarray(value, dtype=float))


def _normalised(values: np.ndarray) -> np.ndarray:
    """Per column, values scaled to [0, 1] (NaN stays NaN; a constant column is 0.5)."""
    with np.errstate(all="ignore"):
        low = np.nanmin(np.where(np.isnan(values), np.inf, values), axis=0)
        high = np.nanmax(np.where(np.isnan(values), -np.inf, values), axis=0)
        span = high - low
        scaled = (values - low) / np.where(span > 0, span, 1.0)
    scaled = np.where(span > 0, scaled, 0.5)
    return np.where(np.isnan(values), np.nan, scaled)


class GlobalData:
    """What the global view shows, as arrays (no widget): built from :func:`to_frame`.

    Parameters
    ----------
    explanations : sequence of Explanation
        E.g. what ``explain_many`` returns; failed rows (``RowFailure``) are left out.
    max_features : int
        Features shown per class: the ``max_features`` with the largest mean |weight|.

    Attributes
    ----------
    positions : ndarray of int, shape (n_rows,)
        Each shown row's position in ``explanations``.
    labels : list of int
        The classes (regression: ``[1]``, lime's label of the prediction).
    features : list of str
        The features with a strip (union over classes of each class's top ones).
    weights : ndarray of float32, shape (n_labels, n_rows, n_features)
        Each row's weight; NaN where the feature is not in that row's explanation.
    colors : ndarray of float32, shape (n_rows, n_features)
        Tabular: the feature's value in the row, scaled to [0, 1] over the rows
        (NaN when not a number). Text and image: 1 (the word or superpixel is
        present in its row, which every explained feature is).
    importance : ndarray of float, shape (n_labels, n_features)
        Mean |weight| over all rows (a row without the feature counts 0).
    ranking : list of list of int
        Per class, feature indices by decreasing importance (at most ``max_features``).
    """

    def __init__(self, explanations: Sequence[Any], max_features: int = MAX_FEATURES):
        if isinstance(max_features, bool) or not is_integer(max_features) or max_features < 1:
            raise ValueError(f"max_features must be a positive integer, got {max_features!r}.")
        items = list(explanations)
        row_ids = list(getattr(explanations, "row_ids", range(len(items))))
        positions = [i for i, x in enumerate(items) if _is_explanation(x)]
        others = [i for i, x in enumerate(items) if not _is_explanation(x) and not hasattr(x, "error_type")]
        if others:
            raise TypeError(f"GlobalView needs explanations; position {others[0]} holds a "
                            f"{type(items[others[0]]).__name__}.")
        if not positions:
            raise ValueError("GlobalView needs at least one explanation; got none (every row failed, or the list "
                             "is empty).")
        modes = {items[i].mode for i in positions}
        modalities = {items[i].domain_mapper.modality for i in positions}
        if len(modes) > 1 or len(modalities) > 1:
            raise ValueError(f"GlobalView shows explanations of one kind; got modes {sorted(modes)} and data "
                             f"{sorted(modalities)}.")
        self.explanations = items
        self.positions = np.asarray(positions, dtype=np.int64)
        self.row_ids = [row_ids[i] if i < len(row_ids) else i for i in positions]
        self.mode = modes.pop()
        self.modality = modalities.pop()
        self.failed = len(items) - len(positions)
        frame = to_frame({k: items[i] for k, i in enumerate(positions)})
        self.frame = frame
        labels = sorted(int(x) for x in frame["label"].unique())
        self.labels = labels
        first = items[positions[0]]
        names = getattr(first, "class_names", None)
        if self.mode == "classification":
            self.class_names = [str(names[x]) if names is not None and x < len(names) else str(x) for x in labels]
        else:
            self.class_names = ["prediction"]
        n_rows = len(positions)
        feature_codes, all_features = frame["feature"].factorize(sort=False)
        label_codes = np.searchsorted(labels, frame["label"].to_numpy())
        rows = frame["row_id"].to_numpy().astype(np.int64)
        weights = frame["weight"].to_numpy()
        # mean |weight| over every row: a feature a row's explanation left out weighs 0 there
        totals = np.zeros((len(labels), len(all_features)))
        np.add.at(totals, (label_codes, feature_codes), np.abs(weights))
        mean_abs = totals / n_rows
        chosen: list[int] = []
        for k in range(len(labels)):
            # ties break by name, so the order does not depend on the rows' order
            order = sorted(range(len(all_features)), key=lambda f: (-mean_abs[k, f], str(all_features[f])))
            chosen.extend(f for f in order[:max_features] if mean_abs[k, f] > 0 and f not in chosen)
        index = {f: j for j, f in enumerate(chosen)}
        self.features = [str(all_features[f]) for f in chosen]
        self.importance = mean_abs[:, chosen]
        self.ranking = [[j for j in sorted(range(len(chosen)), key=lambda j: (-self.importance[k, j], self.features[j]))
                         if self.importance[k, j] > 0][:max_features] for k in range(len(labels))]
        column = np.array([index.get(int(f), -1) for f in feature_codes], dtype=np.int64)
        keep = column >= 0
        self.weights = np.full((len(labels), n_rows, len(chosen)), np.nan, dtype=np.float32)
        self.weights[label_codes[keep], rows[keep], column[keep]] = weights[keep]
        colors = np.full((n_rows, len(chosen)), np.nan)
        if self.modality == "tabular":
            colors[rows[keep], column[keep]] = frame["value"].to_numpy()[keep]
            colors = _normalised(colors)
        else:
            colors[rows[keep], column[keep]] = 1.0
        self.colors = colors.astype(np.float32)
        self.default_label = state.default_label(first) if self.mode == "classification" else labels[0]
        if self.default_label not in labels:
            self.default_label = labels[0]

    def summary(self, picked: Sequence[int]) -> dict:
        """The JSON part of the front end's state (docs/PROTOCOL.md, ``GlobalView``)."""
        where = {int(p): r for r, p in enumerate(self.positions)}
        return {
            "mode": self.mode,
            "modality": self.modality,
            "n_rows": int(len(self.positions)),
            "n_failed": int(self.failed),
            "labels": self.labels,
            "class_names": self.class_names,
            "features": self.features,
            "importance": [[float(v) for v in row] for row in self.importance],
            "ranking": self.ranking,
            "row_ids": [str(x) for x in self.row_ids],
            "positions": [int(p) for p in self.positions],
            "picked": [where[p] for p in picked if p in where],
            "color_kind": "value" if self.modality == "tabular" else "presence",
        }


class GlobalView(ExplanationViewTraits, anywidget.AnyWidget):
    """Every row's explanation at once: features ranked per class, a strip of weights each.

    Parameters
    ----------
    explanations : sequence of Explanation
        What :func:`lime_widget.explain_many` returns (its failed rows are left out
        and counted), or any list of explanations of one kind.
    pick : SubmodularPick or sequence of int, optional
        Rows to mark: a :class:`~lime_widget.SubmodularPick` (the rows it chose:
        with its own ``pick.explanations``, its ``V``; with the explanations of the
        data it was made on, row ``i`` at position ``i``, its ``sample_indices[V]``),
        or positions in ``explanations``.
    max_features : int, default 20
        Features shown per class (largest mean |weight| first).
    label : int, optional
        The class shown first (default: the first row's top class).

    Attributes
    ----------
    selected : int
        Position (in ``explanations``) of the row opened below the strips, -1 for none.
        Set it from Python to open a row; clicking or pressing Enter on a dot sets it.
    current_explanation : Explanation or None
        The opened row's explanation, after the user's refits.

    Notes
    -----
    Importance is mean |weight| over all rows, a row whose explanation left the
    feature out counting 0: ``to_frame(explanations)`` grouped by label and feature,
    the sum of |weight| divided by the number of rows. Opening a row and refitting
    it never calls the model; changing its ``num_samples`` re-samples (calls it).
    """

    _esm = bundle_source(GLOBAL_JS) if GLOBAL_JS.is_file() else missing_bundle_esm(GLOBAL_JS)

    summary = traitlets.Dict().tag(sync=True)
    weights = traitlets.Dict().tag(sync=True)
    colors = traitlets.Dict().tag(sync=True)
    global_label = traitlets.Int(0).tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)
    selection_error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, explanations: Sequence[Any], pick: Any = None, max_features: int = MAX_FEATURES,
                 label: Optional[int] = None):
        self._ready = False
        if not GLOBAL_JS.is_file():
            raise BundleMissingError(missing_bundle_message(GLOBAL_JS))
        if _is_explanation(explanations):
            explanations = [explanations]
        data = GlobalData(explanations, max_features=max_features)
        picked = _picked_positions(pick, data.explanations)
        if label is None:
            label = data.default_label
        if not is_integer(label) or int(label) not in data.labels:
            raise ValueError(f"label must be one of the explained classes {data.labels}, got {label!r}.")
        self.data = data
        self.picked = picked
        self._lock = threading.RLock()
        self._views: OrderedDict[int, ExplanationController] = OrderedDict()
        super().__init__(summary=data.summary(picked), weights=serialization.array_buffer(data.weights),
                         colors=serialization.array_buffer(data.colors), global_label=int(label))
        self._ready = True

    def __repr__(self) -> str:
        d = self.data
        return (f"<GlobalView: {len(d.positions)} rows ({d.failed} failed), {d.modality}, "
                f"{len(d.features)} features, classes {d.class_names}>")

    def close(self) -> None:
        """Close the widget; the opened row's work still running finishes without updating it."""
        self._show_controller(None)
        getattr(self, "_views", {}).clear()  # also runs from __del__ of a view whose __init__ raised
        super().close()

    def open_row(self, position: int) -> None:
        """Open the row at ``position`` in the explanations (same as ``selected = position``)."""
        self.selected = position

    @traitlets.validate("global_label")
    def _check_label(self, proposal: dict) -> int:
        value = proposal["value"]
        if self._ready and value not in self.data.labels:
            raise traitlets.TraitError(f"global_label must be one of {self.data.labels}, got {value!r}.")
        return value

    @traitlets.observe("global_label")
    def _on_global_label(self, change: dict) -> None:
        if not self._ready:
            return
        with self._lock:
            # the opened row follows the class toggle when that class is explained for it
            shown = self._shown_controller
            if shown is not None and change["new"] in shown.current_explanation.local_exp:
                self.label = change["new"]

    @traitlets.observe("selected")
    def _on_selected(self, change: dict) -> None:
        if not self._ready:
            return
        position = change["new"]
        with self._lock:
            self._show_controller(None)
            if position == -1:
                self.selection_error = ""
                return
            try:
                view = self._row_view(position)
            except Exception as exc:  # shown in the widget; anywidget would swallow it
                self.selection_error = f"Could not open row at position {position!r}: {exc}"
                return
            self.selection_error = ""
            if self.global_label in view.current_explanation.local_exp:
                view.set_control("label", self.global_label)  # open on the class the strips show (a lookup)
            self._show_controller(view)

    def _row_view(self, position: int) -> ExplanationController:
        items = self.data.explanations
        if not 0 <= position < len(items):
            raise ValueError(f"selected must be -1 or a position in 0..{len(items) - 1}.")
        exp = items[position]
        if not _is_explanation(exp):
            raise ValueError(f"that row failed ({getattr(exp, 'error_type', '')}: {getattr(exp, 'message', '')}).")
        view = self._views.pop(position, None)
        if view is None:
            view = ExplanationController(exp, lock=self._lock)
        self._views[position] = view
        while len(self._views) > KEPT_ROWS:
            self._views.popitem(last=False)
        return view

    # -- offline export ---------------------------------------------------------------------
    def as_html(self, title: str = "LIME global view") -> str:
        """One self-contained HTML page with the strips and the ranking (no kernel, no network).

        Opening a row's explanation needs a running kernel; the page says so.
        """
        from .global_export import global_html

        return global_html(self, title)

    def save_to_file(self, file_path: str, title: str = "LIME global view") -> None:
        """Write :meth:`as_html` to ``file_path`` (UTF-8)."""
        with open(file_path, "w", encoding="utf8") as fh:
            fh.write(self.as_html(title))
