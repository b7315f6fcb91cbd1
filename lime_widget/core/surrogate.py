"""The local surrogate: kernel, feature selection and the weighted ridge fit.

Everything here reproduces ``lime.lime_base.LimeBase`` (lime 0.2.0.1) numerically,
but works on a weighted, centred Gram matrix computed once per kernel width instead
of refitting scikit-learn estimators in loops. Ridge regression with an intercept
and sample weights is, after centring by the weighted means, the linear system
``(Xc' W Xc + alpha I) coef = Xc' W (y - ybar)``, so every fit needs only pieces of
one Gram matrix (see :class:`WeightedDesign`), and forward selection scores all
candidates of a step at once through a Schur complement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np
import scipy.linalg
from sklearn.base import clone
from sklearn.linear_model import lars_path

from .blas import one_blas_thread
from .validation import check_option

FEATURE_SELECTION_METHODS = ("auto", "forward_selection", "highest_weights", "lasso_path", "none")

Kernel = Callable[[np.ndarray, float], np.ndarray]

# designs up to this many products in their Gram matrix compute it whole
_WHOLE_GRAM_MAX_PRODUCTS = 10_000_000
# up to this many features, R² multiplies the whole design rather than copying the used columns
_DENSE_PREDICT_MAX_FEATURES = 64

_potrf, _potrs = scipy.linalg.lapack.dpotrf, scipy.linalg.lapack.dpotrs


def exponential_kernel(distances: np.ndarray, kernel_width: float) -> np.ndarray:
    """lime's default similarity kernel, ``sqrt(exp(-d**2 / width**2))``."""
    # exp underflows to weight 0 far away (a tiny width): WeightedDesign warns when all are ~0
    with np.errstate(under="ignore"):
        return np.sqrt(np.exp(-(distances**2) / kernel_width**2))


@dataclass(frozen=True)
class LabelFit:
    """The surrogate fitted for one label.

    Attributes
    ----------
    label : int
        Column of the model output that was explained.
    weights : list of (int, float)
        ``(feature id, coefficient)`` sorted by decreasing absolute coefficient,
        exactly lime's ``local_exp[label]``.
    intercept : float
    score : float
        Weighted R² of the surrogate on the neighbourhood.
    local_pred : float
        The surrogate's prediction for the explained instance (row 0).
    constant_target : bool
        The model's output is the same on every weighted row: there is nothing to
        explain, and ``score`` is 0.0 (R² is 0/0 there; lime reports rounding noise).
    """

    label: int
    weights: list
    intercept: float
    score: float
    local_pred: float
    constant_target: bool = False


def print_fit(fit: LabelFit, right: float) -> None:
    """lime's ``verbose`` report of one fit: intercept, local prediction, the model's value on the instance."""
    print("Intercept", fit.intercept)
    print("Prediction_local", np.array([fit.local_pred]))
    print("Right:", right)


def validate_feature_selection(method: str) -> str:
    return check_option("feature_selection", method, FEATURE_SELECTION_METHODS)


class WeightedDesign:
    """The neighbourhood's interpretable rows, centred and weighted once.

    Gram-matrix pieces are computed on demand: the full ``features x features``
    matrix only when a fit needs it (and it is smaller than the samples' kernel
    matrix), single columns for forward selection, and the ``samples x samples``
    kernel matrix for ridge fits on more features than samples (sklearn's dual
    path), so long positional texts never build a huge Gram matrix.

    Parameters
    ----------
    data : ndarray of shape (n_samples, n_features)
        Interpretable representation; row 0 is the explained instance.
    sample_weight : ndarray of shape (n_samples,)
        Kernel weights.
    """

    def __init__(self, data: np.ndarray, sample_weight: np.ndarray):
        self.data = data
        self.sample_weight = sample_weight
        self.total_weight = float(sample_weight.sum())
        if not self.total_weight > 0:
            raise ValueError(
                "All kernel weights are zero: the kernel width is too small for the "
                "distances in this neighbourhood. Use a larger kernel_width."
            )
        self.n_samples, self.n_features = data.shape
        # one float copy, centred and scaled in place: mixed bool/float arithmetic is
        # several times slower than a cast and float-only arithmetic, for the same numbers
        centred = np.array(data, dtype=float, order="K")  # the same memory layout, hence the same einsum sums
        # einsum rather than BLAS: a design may be built on a helper thread beside the model call
        self.x_mean = np.einsum("i,ij->j", sample_weight, centred) / self.total_weight
        self._sqrt_w = np.sqrt(sample_weight)
        centred -= self.x_mean
        centred *= self._sqrt_w[:, None]
        self._centred = centred
        self._all_weighted = bool(np.all(sample_weight > 0))
        self._gram: Optional[np.ndarray] = None
        self._kernel_matrix: Optional[np.ndarray] = None
        self._column_ss: Optional[np.ndarray] = None
        self._ridge_factors: dict[float, tuple] = {}
        self._columns: dict[int, np.ndarray] = {}
        self._targets: dict = {}

    @property
    def small(self) -> bool:
        """Whether the Gram matrix is cheap enough to compute whole.

        Small designs (most tabular data) always use that one matrix, so every fit,
        fresh or refitted, sees the same rounding.
        """
        return self.n_samples * self.n_features**2 <= _WHOLE_GRAM_MAX_PRODUCTS

    @property
    def gram(self) -> np.ndarray:
        """The full weighted, centred Gram matrix (computed once, on first use).

        ``Xc' Xc`` goes to BLAS's symmetric rank-k update (numpy spots the
        transpose), six times faster than an einsum. Small designs compute it on
        one BLAS thread, so its rounding is the same in every process; that limit
        is process-wide, hence the Gram matrix is computed in the foreground
        (a fit), never beside the model call.
        """
        if self._gram is None:
            if self.small:
                with one_blas_thread():
                    self._gram = self._centred.T @ self._centred
            else:
                self._gram = self._centred.T @ self._centred
        return self._gram

    def precompute(self) -> "WeightedDesign":
        """Compute what fits need that is independent of the model's outputs and needs no BLAS."""
        _ = self.column_ss
        return self

    @property
    def column_ss(self) -> np.ndarray:
        """Diagonal of the Gram matrix: each centred column's sum of squares."""
        if self._column_ss is None:
            self._column_ss = np.einsum("ij,ij->j", self._centred, self._centred)
        return self._column_ss

    def gram_column(self, feature: int) -> np.ndarray:
        """One column of the Gram matrix (kept: refits tend to choose the same features)."""
        if self._gram is not None or self.small:
            return self.gram[:, feature]
        if feature not in self._columns:
            self._columns[feature] = self._centred.T @ self._centred[:, feature]
        return self._columns[feature]

    def gram_block(self, features: np.ndarray) -> np.ndarray:
        """The Gram matrix restricted to ``features``."""
        if self._gram is not None or len(features) == self.n_features:
            return self.gram[np.ix_(features, features)]
        columns = self._centred[:, features]
        return columns.T @ columns

    def ridge_factor(self, alpha: float) -> tuple:
        """Cholesky factor of ``gram + alpha I`` over all features, kept per ``alpha``.

        Ridge fits on all features (``highest_weights``, ``none``) then cost two
        triangular solves per label instead of a new factorisation, which matters
        for documents with a thousand distinct words.
        """
        if alpha not in self._ridge_factors:
            regularised = self.gram.copy()
            regularised.flat[:: self.n_features + 1] += alpha
            # LAPACK directly: scipy.linalg.cho_factor's checks cost more than the 30 x 30 factorisation
            factor, info = _potrf(regularised, lower=False, clean=False, overwrite_a=True)
            if info != 0:
                raise np.linalg.LinAlgError(f"The regularised Gram matrix is not positive definite (LAPACK info {info}).")
            self._ridge_factors[alpha] = (factor, False)  # as scipy.linalg.cho_factor returns it
        return self._ridge_factors[alpha]

    def kernel_matrix(self) -> np.ndarray:
        """``Xc Xc'`` (samples x samples), for ridge fits on more features than samples."""
        if self._kernel_matrix is None:
            self._kernel_matrix = self._centred @ self._centred.T
        return self._kernel_matrix

    def target(self, y: np.ndarray, key: Optional[int] = None) -> "WeightedTarget":
        """``y`` seen through this design; with a ``key`` (the label) it is computed once."""
        if key is None:
            return WeightedTarget(self, y)
        if key not in self._targets:
            self._targets[key] = WeightedTarget(self, y)
        return self._targets[key]


class WeightedTarget:
    """One label's model outputs seen through a :class:`WeightedDesign`."""

    def __init__(self, design: WeightedDesign, y: np.ndarray):
        self.design = design
        w = design.sample_weight
        self.y_mean = float(w @ y / design.total_weight)
        self._yc = (y - self.y_mean) * design._sqrt_w
        self.xty = design._centred.T @ self._yc
        self.total_ss = float(self._yc @ self._yc)
        weighted = y if getattr(design, "_all_weighted", False) else y[design.sample_weight > 0]
        # exactly constant outputs leave only rounding noise in total_ss, whose R² is arbitrary
        self.constant = bool(np.ptp(weighted) <= 1e-12 * np.abs(weighted).max()) if weighted.size else True

    def solve(self, features: np.ndarray, alpha: float) -> np.ndarray:
        """Ridge coefficients (``alpha > 0``) on a subset of features, as sklearn's solver."""
        d = self.design
        if d.n_features == 0:  # an all-zero sparse row: nothing varies
            return np.zeros(0)
        if alpha and len(features) == d.n_features:
            # all features, possibly reordered: solve in natural order, then permute
            if d.n_features > d.n_samples:
                # dual form, as sklearn's Ridge does with more features than samples
                kernel = d.kernel_matrix() + alpha * np.eye(d.n_samples)
                coef = d._centred.T @ np.linalg.solve(kernel, self._yc)
            else:
                coef, info = _potrs(d.ridge_factor(alpha)[0], self.xty, lower=False)
                if info != 0:
                    raise np.linalg.LinAlgError(f"The ridge solve failed (LAPACK info {info}).")
            return coef[features]
        gram = d.gram_block(features)
        gram.flat[:: len(features) + 1] += alpha  # a fresh copy: gram_block indexes
        return np.linalg.solve(gram, self.xty[features])

    def r2(self, features: np.ndarray, coef: np.ndarray) -> float:
        """Weighted R² (sklearn's ``score`` with ``sample_weight``)."""
        d = self.design
        if len(features) < d.n_features and d.n_features <= _DENSE_PREDICT_MAX_FEATURES:
            # a product with the whole design, zeros for the unused features, rather than a copy of the used columns
            full = np.zeros(d.n_features)
            full[features] = coef
            resid = d._centred @ full - self._yc
        else:
            resid = d._centred[:, features] @ coef - self._yc
        rss = float(resid @ resid)
        if self.constant or self.total_ss == 0.0:
            return 0.0  # nothing to explain: stated as 0, with a warning on the explanation
        return 1.0 - rss / self.total_ss


def forward_selection(target: WeightedTarget, num_features: int) -> np.ndarray:
    """Greedy forward selection by weighted R² of an unregularised fit, as lime.

    Adding candidate ``c`` to the chosen set raises the explained sum of squares by
    ``r_c² / s_c``, where ``s_c`` and ``r_c`` are the squared norm of ``c``'s part
    orthogonal to the chosen features and its product with the target. Both are
    updated for every candidate after each choice (Gram-Schmidt on Gram columns),
    so a step costs O(features x chosen) and no refits. ``argmax`` keeps lime's tie
    rule (the first best feature wins); a candidate already spanned by the chosen
    features (``s_c`` about 0, e.g. a constant column) adds nothing, as lime's SVD
    fallback finds, and is not added to the basis if chosen.
    """
    d = target.design
    column_ss = d.column_ss
    spanned_below = 1e-12 * np.maximum(column_ss, np.finfo(float).tiny)
    residual = target.xty.copy()  # r_c
    complement = column_ss.copy()  # s_c
    basis: list[np.ndarray] = []  # chosen features' orthonormalised products with every feature
    used: list[int] = []
    for _ in range(min(num_features, d.n_features)):
        spanned = complement <= spanned_below
        gain = np.where(spanned, 0.0, residual**2 / np.where(spanned, 1.0, complement))
        gain[used] = -np.inf
        # equal gains up to rounding (collinear candidates) go to the first, as in lime
        best = int(np.argmax(gain >= gain.max() * (1 - 1e-9)))
        used.append(best)
        if spanned[best] or len(used) == num_features:
            continue
        projection = d.gram_column(best).copy()
        for v in basis:
            projection -= v * v[best]
        v = projection / np.sqrt(complement[best])
        residual -= v * (residual[best] / np.sqrt(complement[best]))
        complement -= v**2
        basis.append(v)
    return np.array(used, dtype=int)


def highest_weights(target: WeightedTarget, num_features: int) -> np.ndarray:
    """Features with the largest |coef * x0| under a ridge fit (alpha=0.01) on all."""
    d = target.design
    all_features = np.arange(d.data.shape[1])
    contribution = target.solve(all_features, 0.01) * d.data[0]
    # lime sorts with Python's stable sort, reverse=True: ties keep feature order
    order = np.argsort(-np.abs(contribution), kind="stable")
    return order[:num_features]


def lasso_path_selection(target: WeightedTarget, num_features: int) -> np.ndarray:
    """Features on the lasso path with at most ``num_features`` non-zeros, as lime."""
    d = target.design
    _, _, coefs = lars_path(d._centred, target._yc, method="lasso")
    return last_path_point(coefs, num_features)


def last_path_point(coefs: np.ndarray, num_features: int) -> np.ndarray:
    """The non-zeros of the last point of a lasso path (features x points) with at most
    ``num_features`` of them (all features when only the first point has so few), as lime."""
    nonzero = np.arange(coefs.shape[0])
    for i in range(coefs.shape[1] - 1, 0, -1):
        nonzero = coefs[:, i].nonzero()[0]
        if len(nonzero) <= num_features:
            break
    return nonzero


def resolved_selection(feature_selection: str, num_features: int) -> str:
    """lime's ``auto``: forward selection up to 6 features, highest weights beyond; other methods as they are."""
    if feature_selection == "auto":
        return "forward_selection" if num_features <= 6 else "highest_weights"
    return feature_selection


def select_features(target: WeightedTarget, num_features: int, method: str) -> np.ndarray:
    """Indices of the features the surrogate uses, by lime's rules."""
    validate_feature_selection(method)
    method = resolved_selection(method, num_features)
    if method == "none":
        return np.arange(target.design.data.shape[1])
    if method == "forward_selection":
        return forward_selection(target, num_features)
    if method == "highest_weights":
        return highest_weights(target, num_features)
    return lasso_path_selection(target, num_features)


def fit_label(
    design: WeightedDesign,
    y: np.ndarray,
    label: int,
    num_features: int,
    feature_selection: str = "auto",
    model_regressor: Optional[object] = None,
) -> LabelFit:
    """Fit lime's surrogate for one label.

    Parameters
    ----------
    design : WeightedDesign
        Neighbourhood rows with their kernel weights.
    y : ndarray of shape (n_samples,)
        The model's output for ``label`` on every row.
    label : int
    num_features : int
        Maximum number of features in the explanation.
    feature_selection : str
        One of ``auto``, ``forward_selection``, ``highest_weights``,
        ``lasso_path``, ``none``.
    model_regressor : estimator, optional
        A scikit-learn regressor accepting ``sample_weight``; it is cloned, never
        fitted in place. ``None`` means ``Ridge(alpha=1)``, solved directly.

    Returns
    -------
    LabelFit
    """
    target = design.target(y, key=label)
    used = select_features(target, num_features, feature_selection)
    if model_regressor is None:
        coef = target.solve(used, 1.0)
        intercept = target.y_mean - float(design.x_mean[used] @ coef)
        score = target.r2(used, coef)
        local_pred = intercept + float(design.data[0, used] @ coef)
    else:
        model = clone(model_regressor)
        x = design.data[:, used]
        model.fit(x, y, sample_weight=design.sample_weight)
        coef = np.ravel(model.coef_)
        intercept = float(np.ravel(model.intercept_)[0]) if np.ndim(model.intercept_) else float(model.intercept_)
        score = 0.0 if target.constant else float(model.score(x, y, sample_weight=design.sample_weight))
        local_pred = float(np.ravel(model.predict(x[:1]))[0])
    order = np.argsort(-np.abs(coef), kind="stable")
    weights = [(int(used[i]), float(coef[i])) for i in order]
    return LabelFit(int(label), weights, float(intercept), float(score), float(local_pred), target.constant)


def fit_labels(
    data: np.ndarray,
    outputs: np.ndarray,
    sample_weight: np.ndarray,
    labels: Sequence[int],
    num_features: int,
    feature_selection: str = "auto",
    model_regressor: Optional[object] = None,
) -> dict:
    """Fit the surrogate for several labels on one weighted design."""
    design = WeightedDesign(data, sample_weight)
    return {
        int(label): fit_label(design, outputs[:, label], label, num_features, feature_selection, model_regressor)
        for label in labels
    }
