"""The Explanation object: lime's interface over a cached neighbourhood."""

from __future__ import annotations

import copy
from typing import Any, Callable, Optional, Sequence

import numpy as np

from .exceptions import LabelNotExplainedError
from .neighborhood import Neighborhood, validate_label
from .predict import validate_mode
from .settings import FitSettings
from .surrogate import LabelFit, print_fit


class DomainMapper:
    """Maps feature ids to what a person reads (names, rules, words, segments).

    Subclasses describe one modality; :meth:`to_dict` gives the front end what it
    needs to draw the instance (JSON-serialisable, built by the widget layer).
    """

    modality = "generic"

    def feature_names(self) -> list[str]:
        raise NotImplementedError

    def map_exp_ids(self, exp: Sequence[tuple[int, float]], **kwargs: Any) -> list[tuple[Any, float]]:
        names = self.feature_names()
        return [(names[i], w) for i, w in exp]

    def to_dict(self) -> dict:
        """The instance as the front end draws it (``domain`` in docs/PROTOCOL.md)."""
        from ..widget.serialization import domain_payload  # at call time: core never loads widget code

        return domain_payload(self)


class Explanation:
    """A LIME explanation, compatible with ``lime.explanation.Explanation``.

    Besides lime's attributes (``local_exp``, ``intercept``, ``score``,
    ``local_pred``, ``predict_proba``, ``top_labels``, ``class_names``, ``mode``)
    it keeps the neighbourhood it was fitted on, so :meth:`refit` can change the
    number of features, the labels, the kernel width or the feature selection
    without calling the model again. ``scores`` and ``local_preds`` hold every
    label's value (lime keeps only the last label's in ``score``/``local_pred``).
    """

    def __init__(
        self,
        domain_mapper: DomainMapper,
        mode: str = "classification",
        class_names: Optional[Sequence[str]] = None,
        neighborhood: Optional[Neighborhood] = None,
        settings: Optional[FitSettings] = None,
    ):
        self.domain_mapper = domain_mapper
        self.mode = validate_mode(mode)
        self.neighborhood = neighborhood
        #: How the surrogate was fitted (``None`` for an explanation built by hand).
        self.settings = settings
        self.local_exp: dict[int, list] = {}
        self.intercept: dict[int, float] = {}
        self.scores: dict[int, float] = {}
        self.local_preds: dict[int, np.ndarray] = {}
        self.score: Optional[float] = None
        self.local_pred: Optional[np.ndarray] = None
        self.top_labels: Optional[list[int]] = None
        self.predict_proba: Optional[np.ndarray] = None
        #: Why this explanation may say little (degenerate fits, sampling problems); empty when all is well.
        self.warnings: list[str] = []
        if mode == "classification":
            self.class_names = list(class_names) if class_names is not None else None
        else:
            self.class_names = ["negative", "positive"]
            self.predicted_value: Optional[float] = None
            self.min_value = 0.0
            self.max_value = 1.0
            self.dummy_label = 1

    # -- filling in -----------------------------------------------------------------
    def _set_warnings(self, fits: dict[int, LabelFit]) -> None:
        """``warnings``: sampling notes, degenerate kernel weights, else one per constant output."""
        nb = self.neighborhood
        if nb is None:
            self.warnings = []
            return
        weights = nb.weight_warnings(self.settings.kernel_width if self.settings is not None else None)
        found = list(nb.notes) + weights
        for label, fit in fits.items():
            if weights or not fit.constant_target:  # degenerate weights explain the constant already
                continue
            value = float(nb.outputs[0, label])
            if self.mode == "classification":
                name = f"class {self.class_names[label]!s}" if self.class_names is not None else f"label {label}"
                what = f"The model's probability of {name}"
            else:
                what = "The model's prediction"
            found.append(f"{what} is the same ({value:.4g}) on every weighted sample: there is nothing to "
                         "explain, every feature weight is 0 (up to rounding, e.g. 1e-16) and R² is reported as 0.")
        self.warnings = found

    def _set_fits(self, fits: dict[int, LabelFit]) -> None:
        """Store fitted labels in lime's attribute layout (in fitting order)."""
        for label, fit in fits.items():
            self.local_exp[label] = list(fit.weights)
            self.intercept[label] = fit.intercept
            self.scores[label] = fit.score
            self.local_preds[label] = np.array([fit.local_pred])
            self.score, self.local_pred = fit.score, self.local_preds[label]
        if self.mode == "regression":
            # lime reports regression as label 1 ("positive") and its mirror as label 0
            self.intercept[1] = self.intercept[0]
            self.scores[1] = self.scores[0]
            self.local_preds[1] = self.local_preds[0]
            self.local_exp[1] = list(self.local_exp[0])
            self.local_exp[0] = [(i, -w) for i, w in self.local_exp[1]]

    # -- lime's API -------------------------------------------------------------------
    def available_labels(self) -> list[int]:
        """Labels with an explanation (``top_labels`` first when it was used)."""
        if self.mode != "classification":
            raise NotImplementedError("Not supported for regression explanations.")
        return list(self.top_labels) if self.top_labels else list(self.local_exp.keys())

    def _label_to_use(self, label: int) -> int:
        if self.mode != "classification":
            return self.dummy_label
        if label in self.local_exp:
            return label
        explained = sorted(self.local_exp)
        names = list(self.class_names) if self.class_names is not None else []
        if isinstance(label, str) and label in names:
            # labels are class indices, as in lime; a class name gets its index in the advice
            index = names.index(label)
            advice = (f"use label={index}." if index in self.local_exp
                      else f"it was not explained; use exp.refit(labels=[{index}]) to explain it on the same "
                           "neighbourhood.")
            raise LabelNotExplainedError(
                f"label={label!r} is a class name; labels are class indices: {label!r} is class {index}, so "
                f"{advice} Explained labels are {explained}."
            )
        raise LabelNotExplainedError(
            f"Label {label!r} was not explained; explained labels are {explained}. "
            f"Use exp.refit(labels=[{label!r}]) to explain it on the same neighbourhood."
        )

    def as_list(self, label: int = 1, **kwargs: Any) -> list[tuple[Any, float]]:
        """``(feature description, weight)`` pairs, largest |weight| first."""
        mapped = self.domain_mapper.map_exp_ids(self.local_exp[self._label_to_use(label)], **kwargs)
        return [(name, float(w)) for name, w in mapped]

    def as_map(self) -> dict[int, list]:
        """``{label: [(feature id, weight), ...]}``."""
        return self.local_exp

    def as_pyplot_figure(self, label: int = 1, figsize: tuple = (6.4, 4.8), **kwargs: Any):
        """A horizontal bar chart of the weights (green supports, red opposes)."""
        import matplotlib.pyplot as plt

        exp = self.as_list(label=label, **kwargs)[::-1]
        fig, ax = plt.subplots(figsize=figsize)
        values = [w for _, w in exp]
        pos = np.arange(len(exp)) + 0.5
        ax.barh(pos, values, align="center", color=["green" if v > 0 else "red" for v in values])
        ax.set_yticks(pos, [str(n) for n, _ in exp])
        if self.mode == "classification":
            ax.set_title(f"Local explanation for class {self.class_names[label]}")
        else:
            ax.set_title("Local explanation")
        fig.tight_layout()
        return fig

    def __repr__(self) -> str:
        labels = sorted(self.local_exp) if self.mode == "classification" else [self.dummy_label]
        return f"<{type(self).__name__} mode={self.mode} labels={labels} num_features={getattr(self.settings, 'num_features', None)}>"

    # -- beyond lime --------------------------------------------------------------------
    @property
    def explained_labels(self) -> list[int]:
        """Labels fitted on the neighbourhood (regression: ``[0]``)."""
        return [label for label in self.local_exp if self.mode == "classification"] or [0]

    def refit(
        self,
        num_features: Optional[int] = None,
        label: Optional[int] = None,
        labels: Optional[Sequence[int]] = None,
        kernel_width: Optional[float] = None,
        feature_selection: Optional[str] = None,
        model_regressor: Optional[object] = None,
    ) -> "Explanation":
        """A new explanation on the same neighbourhood, without calling the model.

        Parameters
        ----------
        num_features, kernel_width, feature_selection : optional
            New surrogate settings; ``None`` keeps the current one.
        label : int, optional
            Also explain this label (keeps the labels already explained).
        labels : sequence of int, optional
            Explain exactly these labels.
        model_regressor : estimator, optional
            A different surrogate regressor (cloned).

        Returns
        -------
        Explanation
        """
        if self.neighborhood is None:
            raise ValueError("This explanation has no cached neighbourhood to refit on.")
        nb = self.neighborhood
        settings = self.settings.replace(num_features=num_features, kernel_width=kernel_width,
                                         feature_selection=feature_selection, model_regressor=model_regressor)
        if labels is None:
            labels = self.explained_labels
        elif isinstance(labels, (str, bytes)) or np.ndim(labels) != 1 or len(labels) == 0:
            raise ValueError(f"labels must be a non-empty sequence of class indices, got {labels!r}.")
        labels = [validate_label(x, nb.outputs.shape[1]) for x in labels]
        if label is not None and self.mode == "classification":
            label = validate_label(label, nb.outputs.shape[1])
            labels = [x for x in labels if x != label] + [label]
        if self.mode == "regression":
            labels = [0]
        fits = fit_settings(nb, labels, settings)
        new = copy.copy(self)
        new.settings = settings
        new.local_exp, new.intercept, new.scores, new.local_preds = {}, {}, {}, {}
        new._set_fits(fits)
        new._set_warnings(fits)
        if self.top_labels is not None:
            new.top_labels = [x for x in self.top_labels if x in new.local_exp] or None
        return new

    # -- storage -------------------------------------------------------------------------
    def compact(self) -> "Explanation":
        """Keep only what refitting needs: drop the neighbourhood's rows, distances and designs.

        The model's outputs, the fits and the few values needed to replay the
        random draws stay; the rest is rebuilt, the same numbers and with zero
        model calls, on the next :meth:`refit` or :meth:`uncertainty`. Tabular
        explanations with a fixed ``num_samples`` can be compacted (about the size
        of the model's outputs plus a few KB; ``explain_many`` returns them
        compact); others only release their cached designs. Returns ``self``.
        """
        if self.neighborhood is not None:
            self.neighborhood.compact()
        return self

    @property
    def is_compact(self) -> bool:
        """Whether the neighbourhood's rows are dropped now (see :meth:`compact`)."""
        return self.neighborhood is not None and self.neighborhood.is_compact

    # -- how far to trust it (maths in .uncertainty) -------------------------------------
    @property
    def num_samples(self) -> Optional[int]:
        """Rows of the neighbourhood, i.e. how many rows the model scored (instance included)."""
        return None if self.neighborhood is None else self.neighborhood.num_samples

    def _trust_label(self, label: Optional[int]) -> tuple[int, int]:
        """(label as the user names it, column of the model outputs it describes)."""
        if self.neighborhood is None:
            raise ValueError("This explanation has no cached neighbourhood to estimate its uncertainty from.")
        if self.mode != "classification":
            shown = self.dummy_label if label is None else label
            if shown not in (0, 1):
                raise ValueError(f"label {label!r} is not a label of a regression explanation; expected 1 "
                                 "(the prediction) or 0 (its mirror).")
            return int(shown), 0  # label 0 mirrors label 1: same resamples, negated weights
        if label is None:
            if self.top_labels:
                label = self.top_labels[0]
            else:  # the most probable explained label, as the widget opens on
                proba = self.predict_proba
                label = max(self.local_exp, key=lambda x: (proba[x] if proba is not None else 0.0, -x))
        shown = self._label_to_use(label)
        return int(shown), int(shown)

    def _resampled(self, column: int):
        from .uncertainty import resampled_fit

        s = self.settings
        return resampled_fit(self.neighborhood, column, s.num_features, s.selection_method, s.kernel_width,
                             s.model_regressor)

    def uncertainty(self, label: Optional[int] = None, level: float = 0.95):
        """How sure each weight is, from the cached neighbourhood (zero model calls).

        Method: a bootstrap of the neighbourhood's rows (Efron & Tibshirani 1993;
        stability of LIME's selected features as in Visani et al. 2020 and Zhou,
        Hooker & Wang, S-LIME, KDD 2021). 200 multinomial resamples of the rows
        (the instance always kept) are refitted with this explanation's feature
        selection rule, kernel width and ``Ridge(alpha=1)`` surrogate, vectorised
        over resamples: each resample's Gram pieces are products of the cached
        weighted design with the count matrix, forward selection runs for all
        resamples at once, and all-feature ridge fits are solved by iteration
        preconditioned with the full sample's Cholesky factor (see
        :mod:`lime_widget.core.uncertainty`). ``lasso_path`` and a custom
        ``model_regressor`` refit resample by resample (slower). The interval is
        ``weight +- z * sd``, with ``sd`` the resampled weights' standard deviation
        (a resample that does not select a feature gives it weight 0) and ``z``
        the normal quantile of ``level``. Results are memoised per (label,
        settings) on the neighbourhood and reproducible (fixed resampling seed).
        Cost: about rows x features x 200 multiply-adds per forward-selection step
        (45 ms of CPU for 5000 rows x 30 features and 5 features; 105 ms with
        highest weights and 10), so documents with thousands of distinct words take
        seconds.

        Parameters
        ----------
        label : int, optional
            Class to describe; default: the top label, else the most probable
            explained one (regression: 1, the prediction; 0 is its mirror).
        level : float, default 0.95
            Confidence level, strictly between 0 and 1.

        Returns
        -------
        pandas.DataFrame
            One row per feature of the shown surrogate, in ``as_list`` order:
            ``feature`` (the ``as_list`` name), ``feature_id``, ``weight``,
            ``low``, ``high`` (the interval) and ``selection_frequency`` (share of
            resamples whose top ``num_features`` hold the feature).
            ``frame.attrs`` holds ``level``, ``stability`` and ``n_resamples``.

        Raises
        ------
        ValueError
            ``level`` outside (0, 1), an unknown label, or no cached neighbourhood.
        KeyError
            A classification label that was not explained.
        """
        from .uncertainty import uncertainty_table, validate_level

        level = validate_level(level)
        shown, column = self._trust_label(label)
        names = [name for name, _ in self.as_list(label=shown)]
        return uncertainty_table(self.local_exp[shown], names, self._resampled(column), level)

    def stability_of(self, label: Optional[int] = None) -> float:
        """Expected Jaccard similarity (0..1) of the top ``num_features`` between two neighbourhoods.

        Two independent neighbourhoods of this size would list, on average, this
        share of the same features (intersection over union), estimated as the
        mean Jaccard similarity over all pairs of the bootstrap resamples of
        :meth:`uncertainty`. Zero model calls; ``label`` as in :meth:`uncertainty`.
        """
        _, column = self._trust_label(label)
        return self._resampled(column).stability

    @property
    def stability(self) -> float:
        """:meth:`stability_of` the shown label (the top, else the most probable explained label)."""
        return self.stability_of()

    def to_dict(self) -> dict:
        """Everything a front end needs, as JSON-serialisable Python values.

        The wire format lives in the widget layer
        (:func:`lime_widget.widget.serialization.explanation_payload`); see docs/PROTOCOL.md.
        """
        from ..widget.serialization import explanation_payload  # at call time: core never loads widget code

        return explanation_payload(self)

def build_explanation(
    cls: type,
    domain_mapper: DomainMapper,
    neighborhood: Neighborhood,
    mode: str,
    class_names: Optional[Sequence[str]],
    labels: Sequence[int],
    top_labels: Optional[list[int]],
    settings: FitSettings,
    verbose: bool = False,
) -> Explanation:
    """Fit the requested labels and assemble an explanation of class ``cls``.

    With ``verbose``, prints each fitted label's intercept, local prediction and
    the model's output on the instance, as lime's ``LimeBase`` does.
    """
    exp = cls(domain_mapper, mode=mode, class_names=class_names, neighborhood=neighborhood, settings=settings)
    fits = fit_settings(neighborhood, labels, settings)
    exp._set_fits(fits)
    exp._set_warnings(fits)
    outputs = neighborhood.outputs
    if mode == "classification":
        exp.predict_proba = outputs[0].copy()
        exp.top_labels = top_labels
    else:
        exp.predicted_value = float(outputs[0, 0])
        exp.min_value = float(outputs[:, 0].min())
        exp.max_value = float(outputs[:, 0].max())
    if verbose:
        for label, fit in fits.items():
            print_fit(fit, outputs[0, label])
    return exp


class Resample:
    """``exp.resample(num_samples, progress=None)``: the same explanation from a new neighbourhood.

    The widget's hook: calls the explainer's ``explain_instance`` (``func``) again
    with the arguments it was first given (``args``, ``keywords``, named as in
    :func:`functools.partial`), another ``num_samples`` and a progress callback
    (passed as ``progress_name``).
    """

    def __init__(self, explain: Callable[..., Explanation], *args: Any, progress_name: str = "progress",
                 **keywords: Any):
        self.func, self.args, self.keywords, self.progress_name = explain, args, keywords, progress_name

    def __call__(self, num_samples: Any, progress: Optional[Callable[[float], None]] = None,
                 **overrides: Any) -> Explanation:
        """Explain again with ``num_samples``; ``overrides`` replace first-call arguments (e.g. ``num_features``)."""
        keywords = {**self.keywords, **overrides}
        return self.func(*self.args, num_samples=num_samples, **{self.progress_name: progress}, **keywords)


def fit_settings(neighborhood: Neighborhood, labels: Sequence[int], settings: FitSettings) -> dict[int, LabelFit]:
    """Each label's surrogate on ``neighborhood``, fitted as ``settings`` say (no model call)."""
    return neighborhood.fit(labels, settings.num_features, settings.selection_method, settings.kernel_width,
                            settings.model_regressor)
