"""The cached neighbourhood: sampled once, refitted many times without the model."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Optional, Protocol, Sequence

import numpy as np

from .blas import small_blas
from .settings import cap_num_features
from .surrogate import (
    Kernel,
    LabelFit,
    WeightedDesign,
    exponential_kernel,
    fit_label,
    resolved_selection,
    validate_feature_selection,
)
from .validation import check_kernel_width, is_integer

_DESIGN_CACHE_SIZE = 4


class Regenerate(Protocol):
    """What a compact neighbourhood keeps to rebuild its rows without the model.

    Called with no argument, it returns ``(data, distances)`` equal, number for
    number, to the neighbourhood's own (the same draws, replayed from a seed or a
    saved generator state). Explainers that can replay their draws attach one
    (``Neighborhood.regenerate``); :mod:`.many` swaps the explainer it holds for a
    placeholder while a result travels between processes (``detach``/``attach``).
    """

    def __call__(self) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass
class Neighborhood:
    """A LIME neighbourhood and the model's answers on it.

    Attributes
    ----------
    data : ndarray of shape (n_samples, n_features)
        Interpretable rows (binary for text, images and discretised tabular data,
        where they may be boolean); row 0 is the explained instance.
    outputs : ndarray of shape (n_samples, n_outputs)
        The model's outputs (probabilities, or one column for regression).
    distances : ndarray of shape (n_samples,)
        Distance of each row to the instance, before the kernel.
    kernel : callable
        ``kernel(distances, kernel_width) -> weights``.
    kernel_width : float
        Width used unless a fit asks for another.
    columns : int ndarray of shape (n_features,), optional
        When set, ``data`` holds only these columns (ascending) of a wider
        interpretable space of ``width`` columns; the others are zero in every
        row (the zero columns of a sparse row). Fits report feature ids in the
        wide space.
    width : int, optional
        Number of columns of the wide space (with ``columns``).
    notes : list of str
        Warnings about how the neighbourhood was sampled (e.g. training data
        without spread); see :meth:`weight_warnings`.
    """

    data: np.ndarray
    outputs: np.ndarray
    distances: np.ndarray
    kernel: Kernel = exponential_kernel
    kernel_width: float = 1.0
    columns: Optional[np.ndarray] = None
    width: Optional[int] = None
    notes: list = field(default_factory=list)
    _designs: "OrderedDict[float, WeightedDesign]" = field(default_factory=OrderedDict, repr=False)
    _fits: dict = field(default_factory=dict, repr=False)
    _resampled: dict = field(default_factory=dict, repr=False)  # see uncertainty.resampled_fit
    auto_stop: Optional[object] = field(default=None, repr=False)  # num_samples="auto": adaptive.AutoStop
    #: Rebuilds ``data`` and ``distances`` after :meth:`compact` (``None``: the neighbourhood cannot be compacted).
    regenerate: Optional[Regenerate] = field(default=None, repr=False)

    @classmethod
    def from_design(cls, design: WeightedDesign, outputs: np.ndarray, distances: np.ndarray,
                    kernel: Kernel, kernel_width: float, columns: Optional[np.ndarray] = None,
                    width: Optional[int] = None) -> "Neighborhood":
        """A neighbourhood whose design for ``kernel_width`` is already computed.

        ``design`` comes from :func:`weighted_design` (on the same data,
        distances and kernel), typically computed while the model ran.
        """
        neighborhood = cls(design.data, outputs, distances, kernel, kernel_width, columns, width)
        neighborhood._designs[check_kernel_width(kernel_width)] = design
        return neighborhood

    @property
    def num_samples(self) -> int:
        return self.shape[0]

    @property
    def num_features(self) -> int:
        return int(self.shape[1] if self.columns is None else self.width)

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of ``data``, known without rebuilding a compact neighbourhood."""
        data = self._data
        return self._shape if data is None else (int(data.shape[0]), int(data.shape[1]))

    @property
    def is_compact(self) -> bool:
        """Whether the rows are dropped now (they come back on the next fit or uncertainty)."""
        return self._data is None

    def compact(self) -> bool:
        """Drop the interpretable rows, the distances and the designs; keep the outputs and fits.

        Only when the neighbourhood can rebuild them (``regenerate`` is set): they
        come back, the same numbers, on first use (a refit, ``uncertainty()``),
        without calling the model. What stays is the model's outputs, the
        memoised fits and the few values needed to replay the draws. Otherwise
        only the designs are released (:meth:`release_designs`).

        Returns
        -------
        bool
            Whether the rows were dropped.
        """
        self.release_designs()
        if self.regenerate is None:
            return False
        self._resampled.clear()  # uncertainty: recomputed from the rebuilt rows (same seed, same numbers)
        # num_samples and num_features must answer without a rebuild
        data = self._data
        if data is not None:
            self._shape = (int(data.shape[0]), int(data.shape[1]))
        self._data = None
        self._distances = None
        return True

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays held now: outputs, rows, distances and cached designs (an estimate)."""
        arrays = [self.outputs, self._data, self._distances]
        for design in list(self._designs.values()):
            arrays += [v for v in vars(design).values() if isinstance(v, np.ndarray)]
        seen: set = set()
        total = 0
        for array in arrays:
            if isinstance(array, np.ndarray) and id(array) not in seen:
                seen.add(id(array))
                total += array.nbytes
        return total

    def _rebuild(self) -> tuple[np.ndarray, np.ndarray]:
        data, distances = self.regenerate()
        if data.shape != self._shape or distances.shape != (self._shape[0],):
            raise RuntimeError(
                f"The neighbourhood could not be rebuilt: got rows of shape {data.shape} for {self._shape}. Was the "
                "explainer changed after this explanation was made?"
            )
        self._distances = distances
        self._data = data
        return data, distances

    def release_designs(self) -> None:
        """Forget the cached weighted designs (the largest part of a neighbourhood).

        They are rebuilt, with the same numbers, on the next fit that needs one;
        memoised fits are kept. ``explain_many`` calls this on every result.
        """
        self._designs.clear()

    def design(self, kernel_width: Optional[float] = None) -> WeightedDesign:
        """The weighted, centred design for a kernel width (a small LRU cache)."""
        width = check_kernel_width(self.kernel_width if kernel_width is None else kernel_width)
        if width in self._designs:
            self._designs.move_to_end(width)
            return self._designs[width]
        design = weighted_design(self.data, self.distances, self.kernel, width)
        self._designs[width] = design
        if len(self._designs) > _DESIGN_CACHE_SIZE:
            self._designs.popitem(last=False)
        return design

    def weight_warnings(self, kernel_width: Optional[float] = None) -> list[str]:
        """Why every fit at this kernel width is degenerate (empty when none is).

        Two cases: the kernel gives (numerically) zero weight to every sample that
        differs from the instance, or no interpretable feature varies among the
        weighted samples. Either way every feature weight is 0 and so is R².
        """
        width = check_kernel_width(self.kernel_width if kernel_width is None else kernel_width)
        design = self.design(width)
        found = []
        moved = self.distances > 0
        weight = design.sample_weight
        if moved.any() and weight[moved].sum() <= 1e-9 * design.total_weight:
            found.append(
                f"Only the explained instance carries weight: with kernel_width={width:.4g} every perturbed "
                f"sample (distances {self.distances[moved].min():.3g} to {self.distances.max():.3g}) gets a "
                "kernel weight of (almost) zero, so the surrogate fits one point: every feature weight is "
                f"0 and R² is reported as 0. Use a larger kernel_width, e.g. about the median distance, {np.median(self.distances):.3g}."
            )
        elif np.all(design.column_ss <= 1e-20 * design.total_weight):
            found.append(
                "No feature varies among the weighted samples, so the surrogate has nothing to fit: every "
                "feature weight is 0 and so is R²."
            )
        return found

    def fit(
        self,
        labels: Sequence[int],
        num_features: int,
        feature_selection: str = "auto",
        kernel_width: Optional[float] = None,
        model_regressor: Optional[object] = None,
    ) -> dict[int, LabelFit]:
        """Fit the surrogate for each label; never calls the model.

        Fits with the default regressor are memoised, so going back to an earlier
        setting in an interactive view costs nothing.
        """
        validate_feature_selection(feature_selection)
        cap_num_features(num_features, self.num_features)
        width = check_kernel_width(self.kernel_width if kernel_width is None else kernel_width)
        with small_blas(self.data.shape):
            fits = self._fit_labels(labels, num_features, feature_selection, width, model_regressor)
        if self.columns is None:
            return fits
        return {label: self._widen(fit, num_features, feature_selection) for label, fit in fits.items()}

    def _widen(self, fit: LabelFit, num_features: int, feature_selection: str) -> LabelFit:
        """A fit on the stored columns, with feature ids of the wide space.

        The other columns are zero in every row, so lime's surrogate gives them
        weight 0; lime still lists them when it selects more features than vary:
        all of them for ``none``; for forward selection and highest weights as
        many as are missing, the first columns not used, in column order.
        """
        weights = [(int(self.columns[i]), w) for i, w in fit.weights]
        method = resolved_selection(feature_selection, num_features)
        missing = {"none": self.width, "lasso_path": 0}.get(method, int(num_features)) - len(weights)
        if missing > 0:
            free = np.setdiff1d(np.arange(self.width), self.columns, assume_unique=True)[:missing]
            weights += [(int(i), 0.0) for i in free]
        return LabelFit(fit.label, weights, fit.intercept, fit.score, fit.local_pred)

    def _fit_labels(self, labels, num_features, feature_selection, width, model_regressor) -> dict[int, LabelFit]:
        fits = {}
        for label in labels:
            label = validate_label(label, self.outputs.shape[1])
            key = (label, int(num_features), feature_selection, width)
            fit = self._fits.get(key) if model_regressor is None else None
            if fit is None:
                fit = fit_label(self.design(width), self.outputs[:, label], label, num_features,
                                feature_selection, model_regressor)
                if model_regressor is None:
                    self._fits[key] = fit
            fits[label] = fit
        return fits


# read once: another thread may compact between the test and the return
def _data_get(self: Neighborhood) -> np.ndarray:
    data = self._data
    return self._rebuild()[0] if data is None else data


def _data_set(self: Neighborhood, value: np.ndarray) -> None:
    self._data = value


def _distances_get(self: Neighborhood) -> np.ndarray:
    distances = self._distances
    return self._rebuild()[1] if distances is None else distances


def _distances_set(self: Neighborhood, value: np.ndarray) -> None:
    self._distances = value


# ``data`` and ``distances`` stay dataclass fields (positional construction, repr)
# but read through properties, so a compact neighbourhood rebuilds them on first use
Neighborhood._shape = (0, 0)
Neighborhood.data = property(_data_get, _data_set, doc="Interpretable rows (rebuilt on use when compact).")
Neighborhood.distances = property(_distances_get, _distances_set, doc="Distances to the instance (rebuilt on use when compact).")


def distances_fingerprint(distances: np.ndarray) -> tuple:
    """A cheap summary of a neighbourhood's distances, kept by a compact explanation."""
    return (distances.shape, float(distances.sum()), distances[:: max(1, distances.shape[0] // 16)].tobytes())


def check_replayed(distances: np.ndarray, fingerprint: tuple, what: str, again: str) -> None:
    """Raise when replayed draws gave other ``what`` (rows, masks) than the compact explanation saw."""
    if distances_fingerprint(distances) != fingerprint:
        raise RuntimeError(
            f"This compact explanation's neighbourhood could not be rebuilt: replaying its random draws gave other "
            f"{what} (was the explainer changed since, or its random generator shared with another thread while "
            f"it drew?). {again}"
        )


def weighted_design(data: np.ndarray, distances: np.ndarray, kernel: Kernel, kernel_width: float) -> WeightedDesign:
    """The design of ``data`` weighted by ``kernel(distances, kernel_width)`` (no BLAS calls)."""
    weights = np.asarray(kernel(distances, kernel_width), dtype=float)
    if weights.shape != distances.shape or not np.all(np.isfinite(weights)):
        got = (f"{int(np.sum(~np.isfinite(weights)))} NaN or infinite weights" if weights.shape == distances.shape
               else f"weights of shape {weights.shape}")
        raise ValueError(f"The kernel must return one finite weight per distance; for {distances.shape[0]} "
                         f"distances (kernel_width={kernel_width:g}) it returned {got}.")
    return WeightedDesign(data, weights).precompute()



def validate_label(label: int, n_outputs: int) -> int:
    if not is_integer(label) or not 0 <= label < n_outputs:
        raise ValueError(
            f"label {label!r} is not a class of this model; expected an integer in 0..{n_outputs - 1}."
        )
    return int(label)
