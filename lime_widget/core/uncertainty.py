"""How far to trust a surrogate: resampled fits on the cached neighbourhood.

A LIME neighbourhood is a sample of independent rows (row 0, the instance, is
fixed), so the sampling variability of everything fitted on it can be estimated
by the bootstrap (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993):
refit on resampled rows, with the same feature-selection rule and the same ridge
surrogate, and look at how the answers spread. This is what Visani et al.
("Statistical stability indices for LIME", 2020) measure by calling LIME again,
and what Zhou, Hooker & Wang (S-LIME, KDD 2021) and Slack et al. (BayesLIME,
NeurIPS 2021) use to choose the number of samples; here it costs no model call.

Resampling is a multinomial bootstrap of rows 1..n-1 (row 0 is always kept once),
represented as a count matrix ``M`` (rows x replicates). Every replicate's
weighted, centred Gram matrix and cross products are then matrix products of the
cached (sqrt-kernel-weighted, centred) design with ``M``, computed for all
replicates at once:

* forward selection runs for all replicates together (the Gram-Schmidt /
  Schur-complement form of :func:`.surrogate.forward_selection`); each step needs
  one Gram column per replicate, one ``(features x rows) @ (rows x replicates)``
  product;
* all-feature ridge fits (``highest_weights``' ranking fit, ``none``) solve each
  replicate's system by preconditioned iteration, the full sample's Cholesky
  factor as preconditioner (a few products per iteration; exact at convergence);
* the final ``Ridge(alpha=1)`` on each replicate's chosen features needs a small
  ``(k x k)`` Gram block per replicate: gathered from the forward-selection columns,
  or computed from one matrix of column products per distinct chosen set (a stable
  explanation has few), then all solved batched;
* ``lasso_path`` and a custom ``model_regressor`` refit replicate by replicate
  (scikit-learn's LARS / the regressor), which is slower.

With ``scale > 1`` the replicates draw ``scale * n`` rows, which mimics a
neighbourhood of that size (the "m out of n" bootstrap with m > n): the adaptive
sampler uses it to predict how many rows it needs.

The bootstrap overstates stability where features nearly tie: it takes this
sample's order of the tied features for the truth (at an exact tie of two
features it sees a third of the pairs disagree where half do). Disjoint parts of
the rows do not: they are independent neighbourhoods of a fraction of the size,
so :func:`subsample_stability` and :func:`doubling_gain` (the same vectorised
refits with 0/1 counts) measure the stability at n/2 and n/4 rows without that
bias, at the price of more noise; the adaptive sampler uses them to tell when
more rows have stopped helping.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Optional

import numpy as np
import scipy.linalg
import scipy.stats
from sklearn.base import clone

from .blas import one_blas_thread
from .surrogate import WeightedDesign, resolved_selection, select_features, validate_feature_selection
from .validation import check_real

#: replicates per estimate (selection frequencies to about +-0.035, interval ends to a few %)
DEFAULT_RESAMPLES = 200
#: random partitions per subsample estimate
DEFAULT_PARTITIONS = 40
_SEED = 20240601  # resampling is deterministic: the same explanation always gives the same answer
_MAX_ITERATIONS = 50
_SHARED_SETS_MAX = 8  # up to this many distinct chosen sets, Gram blocks are shared per set
_GATHER_VALUES = 1 << 20  # gathered column values per batch of Gram blocks


@dataclass(frozen=True)
class Resampled:
    """Surrogates refitted on bootstrap replicates of one neighbourhood.

    Attributes
    ----------
    coef : ndarray of shape (n_resamples, n_features)
        Each replicate's surrogate weights (0 for features it does not use).
    top : ndarray of bool, shape (n_resamples, n_features)
        Each replicate's top-``num_features`` set (the features an explanation
        with this setting would list).
    """

    coef: np.ndarray
    top: np.ndarray

    @cached_property
    def selection_frequency(self) -> np.ndarray:
        """Share of replicates whose top set holds each feature, shape (n_features,)."""
        return self.top.mean(axis=0)

    @cached_property
    def stability(self) -> float:
        """Mean Jaccard similarity of the top sets over all pairs of replicates."""
        return mean_pairwise_jaccard(self.top)

    def standard_errors(self) -> np.ndarray:
        """Bootstrap standard deviation of each feature's weight, shape (n_features,)."""
        return self.coef.std(axis=0, ddof=1)


def mean_pairwise_jaccard(sets: np.ndarray) -> float:
    """Mean Jaccard similarity over all pairs of rows of a boolean membership matrix.

    Two empty sets count as identical (1).

    Parameters
    ----------
    sets : ndarray of bool, shape (n_sets, n_items)

    Returns
    -------
    float
    """
    sets = np.asarray(sets, dtype=bool)
    n = sets.shape[0]
    if n < 2:
        raise ValueError(f"Need at least two sets to compare, got {n}.")
    as_float = sets.astype(float)
    inter = np.einsum("ip,jp->ij", as_float, as_float)  # no BLAS: its threads stall on a busy machine
    sizes = as_float.sum(axis=1)
    union = sizes[:, None] + sizes[None, :] - inter
    jaccard = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 1.0)
    off_diagonal = jaccard.sum() - np.trace(jaccard)
    return float(off_diagonal / (n * (n - 1)))


def validate_level(level: float) -> float:
    """A confidence level strictly between 0 and 1."""
    return check_real("level", level, 0.0, 1.0, "neither", "a number strictly between 0 and 1 (e.g. 0.95)")


def bootstrap_counts(n_samples: int, n_resamples: int, scale: float = 1.0, seed: int = _SEED) -> np.ndarray:
    """Multinomial bootstrap counts of rows 1..n-1; row 0 (the instance) counts once.

    Returns
    -------
    ndarray of shape (n_samples, n_resamples)
        How often each row is drawn in each replicate; each column sums to
        ``1 + round(scale * (n_samples - 1))``.
    """
    rng = np.random.default_rng(seed)
    draws = max(1, int(round(scale * (n_samples - 1))))
    counts = np.zeros((n_resamples, n_samples))
    if n_samples > 1:
        picks = rng.integers(1, n_samples, size=(n_resamples, draws))
        picks += (np.arange(n_resamples) * n_samples)[:, None]
        counts = np.bincount(picks.ravel(), minlength=n_resamples * n_samples).reshape(n_resamples, n_samples)
        counts = counts.astype(float)
    counts[:, 0] = 1.0
    return np.ascontiguousarray(counts.T)


class _Replicates:
    """Every replicate's centred Gram pieces, as products of the design with the counts."""

    def __init__(self, design: WeightedDesign, y: np.ndarray, counts: np.ndarray):
        self.design = design
        xs = design._centred  # sqrt(w) * (X - weighted mean)
        target = design.target(np.asarray(y, dtype=float))
        ys = target._yc
        sqrt_w = design._sqrt_w
        self.xs, self.ys, self.counts = xs, ys, counts
        root_counts = sqrt_w[:, None] * counts
        self.total = design.sample_weight @ counts  # (B,)
        if np.any(self.total <= 0):
            raise ValueError("A resampled neighbourhood has no kernel weight; the kernel width is too small.")
        # replicate means in the full sample's centred coordinates
        self.x_mean = (xs.T @ root_counts) / self.total  # (p, B)
        self.y_mean = (ys @ root_counts) / self.total  # (B,)
        self.xty = (xs.T @ (counts * ys[:, None]) - self.total * self.x_mean * self.y_mean).T  # (B, p)
        self.column_ss = ((xs * xs).T @ counts - self.total * self.x_mean**2).T  # (B, p)
        self._buffer: Optional[np.ndarray] = None

    @property
    def n_resamples(self) -> int:
        return self.counts.shape[1]

    def gram_columns(self, features: np.ndarray) -> np.ndarray:
        """Column ``features[b]`` of replicate ``b``'s Gram matrix, for every ``b``; shape (B, p)."""
        if self._buffer is None:  # fresh memory costs page faults: one (rows x replicates) buffer
            self._buffer = np.empty_like(self.counts)
        picked = np.take(self.xs, features, axis=1, out=self._buffer)
        picked *= self.counts
        raw = self.xs.T @ picked  # (p, B)
        cols = np.arange(self.n_resamples)
        return (raw - self.total * self.x_mean * self.x_mean[features, cols]).T

    def gram_times(self, coef: np.ndarray) -> np.ndarray:
        """Each replicate's Gram matrix times its own coefficient vector; (B, p) -> (B, p)."""
        if self._buffer is None:  # fresh memory costs page faults: one (rows x replicates) buffer
            self._buffer = np.empty_like(self.counts)
        fitted = np.matmul(self.xs, coef.T, out=self._buffer)
        fitted *= self.counts
        raw = self.xs.T @ fitted
        mean_dot = np.einsum("pb,bp->b", self.x_mean, coef)
        return (raw - self.total * self.x_mean * mean_dot).T

    def gram_blocks(self, used: np.ndarray) -> np.ndarray:
        """Each replicate's Gram matrix restricted to its own features ``used[b]``; (B, k) -> (B, k, k).

        A stable explanation's replicates mostly choose the same features: those share
        one matrix of column products (rows x k(k+1)/2). Otherwise the blocks are
        batched products of each replicate's gathered columns, a few replicates at a
        time to bound memory.
        """
        B, k = used.shape
        n = self.xs.shape[0]
        sets, which = np.unique(used, axis=0, return_inverse=True)
        which = which.ravel()
        blocks = np.empty((B, k, k))
        if len(sets) <= _SHARED_SETS_MAX:
            upper = np.triu_indices(k)
            for index, features in enumerate(sets):
                members = np.flatnonzero(which == index)
                columns = self.xs[:, features]
                raw = self.counts[:, members].T @ (columns[:, upper[0]] * columns[:, upper[1]])
                blocks[members[:, None], upper[0], upper[1]] = raw
                blocks[members[:, None], upper[1], upper[0]] = raw
        else:
            xs_t, counts_t = np.ascontiguousarray(self.xs.T), np.ascontiguousarray(self.counts.T)
            step = max(1, _GATHER_VALUES // (n * k))
            for start in range(0, B, step):
                part = slice(start, min(B, start + step))
                columns = xs_t[used[part]]  # (b, k, n), contiguous rows
                weighted = columns * counts_t[part, None, :]
                blocks[part] = np.matmul(columns, weighted.transpose(0, 2, 1))
        means = np.take_along_axis(self.x_mean.T, used, axis=1)  # (B, k)
        blocks -= self.total[:, None, None] * means[:, :, None] * means[:, None, :]
        return blocks

    def ridge_all(self, alpha: float, tolerance: float = 1e-11) -> np.ndarray:
        """Every replicate's ridge coefficients on all features, shape (B, p).

        Conjugate gradients on each replicate's ``(G_b + alpha I) c = xty_b``, all
        replicates at once, preconditioned by the full sample's ``(G + alpha I)^-1``
        (a bootstrap Gram matrix differs from the full one by a relative
        O(1/sqrt(n_eff)), so a few iterations reach machine precision; each costs
        two products with the design). Replicates that do not settle are solved
        directly.
        """
        apply_inverse = _ridge_inverse(self.design, alpha)
        rhs = self.xty
        scale = np.abs(rhs).max(axis=1) + 1e-300
        coef = apply_inverse(rhs)
        residual = rhs - self.gram_times(coef) - alpha * coef
        z = apply_inverse(residual)
        direction = z.copy()
        rz = np.einsum("bp,bp->b", residual, z)
        for _ in range(_MAX_ITERATIONS):
            if np.all(np.abs(residual).max(axis=1) <= tolerance * scale):
                return coef
            product = self.gram_times(direction) + alpha * direction
            curvature = np.einsum("bp,bp->b", direction, product)
            step = np.divide(rz, curvature, out=np.zeros_like(rz), where=curvature > 0)
            coef += step[:, None] * direction
            residual -= step[:, None] * product
            z = apply_inverse(residual)
            rz_new = np.einsum("bp,bp->b", residual, z)
            beta = np.divide(rz_new, rz, out=np.zeros_like(rz), where=rz > 0)
            direction = z + beta[:, None] * direction
            rz = rz_new
        p = self.design.n_features
        for b in np.flatnonzero(np.abs(residual).max(axis=1) > 1e3 * tolerance * scale):
            gram = (self.xs * self.counts[:, b, None]).T @ self.xs
            gram -= self.total[b] * np.outer(self.x_mean[:, b], self.x_mean[:, b])
            coef[b] = np.linalg.solve(gram + alpha * np.eye(p), rhs[b])
        return coef


def _ridge_inverse(design: WeightedDesign, alpha: float):
    """``v -> (G + alpha I)^-1 v`` for the full sample, rows of a (B, p) matrix at once."""
    if design.n_features <= design.n_samples:
        factor = design.ridge_factor(alpha)
        return lambda v: scipy.linalg.cho_solve(factor, v.T, check_finite=False).T
    # more features than rows: Woodbury identity on the (rows x rows) kernel matrix
    xs = design._centred
    factor = scipy.linalg.cho_factor(design.kernel_matrix() + alpha * np.eye(design.n_samples), check_finite=False)

    def apply(v: np.ndarray) -> np.ndarray:
        inner = scipy.linalg.cho_solve(factor, xs @ v.T, check_finite=False)
        return (v.T - xs.T @ inner).T / alpha

    return apply


def _forward_selection(reps: _Replicates, num_features: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """:func:`.surrogate.forward_selection` for every replicate at once.

    Returns the chosen features (B, k) and, per step, the chosen feature's Gram
    column of each replicate (B, p), which the final fit reuses.
    """
    B, p = reps.xty.shape
    rows = np.arange(B)
    column_ss = reps.column_ss
    spanned_below = 1e-12 * np.maximum(column_ss, np.finfo(float).tiny)
    residual = reps.xty.copy()
    complement = column_ss.copy()
    basis: list[np.ndarray] = []
    steps = min(num_features, p)
    used = np.empty((B, steps), dtype=int)
    columns = []
    for step in range(steps):
        spanned = complement <= spanned_below
        gain = np.where(spanned, 0.0, residual**2 / np.where(spanned, 1.0, complement))
        if step:
            gain[rows[:, None], used[:, :step]] = -np.inf
        best = np.argmax(gain >= gain.max(axis=1, keepdims=True) * (1 - 1e-9), axis=1)
        used[:, step] = best
        column = reps.gram_columns(best)
        columns.append(column)
        if step == steps - 1:
            break
        projection = column.copy()
        for v in basis:
            projection -= v * v[rows, best][:, None]
        norm = np.sqrt(np.where(spanned[rows, best], 1.0, complement[rows, best]))
        v = np.where(spanned[rows, best][:, None], 0.0, projection / norm[:, None])
        residual -= v * (residual[rows, best] / norm)[:, None]
        complement -= v**2
        basis.append(v)
    return used, columns


def _blocks_from_columns(used: np.ndarray, columns: list[np.ndarray]) -> np.ndarray:
    """The (B, k, k) Gram blocks of the chosen features, from their Gram columns (B, p) per step."""
    rows = np.arange(used.shape[0])
    return np.stack([col[rows[:, None], used] for col in columns], axis=1)


def _final_ridge(reps: _Replicates, used: np.ndarray, block: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """``Ridge(alpha)`` on each replicate's features ``used`` (B, k), given their Gram blocks; dense (B, p)."""
    B, k = used.shape
    rows = np.arange(B)
    block = 0.5 * (block + block.transpose(0, 2, 1)) + alpha * np.eye(k)
    rhs = reps.xty[rows[:, None], used]
    solved = np.linalg.solve(block, rhs[..., None])[..., 0]
    coef = np.zeros_like(reps.xty)
    coef[rows[:, None], used] = solved
    return coef


def _top_sets(coef: np.ndarray, used_mask: np.ndarray, num_features: int) -> np.ndarray:
    """Each replicate's listed features: the used ones, or the ``num_features`` largest |weight| of them."""
    if int(used_mask.sum(axis=1).max()) <= num_features:
        return used_mask
    score = np.where(used_mask, np.abs(coef), -1.0)
    order = np.argsort(-score, axis=1, kind="stable")[:, :num_features]
    top = np.zeros_like(used_mask)
    np.put_along_axis(top, order, True, axis=1)
    return top & used_mask


def resample_fits(
    design: WeightedDesign,
    y: np.ndarray,
    num_features: int,
    feature_selection: str = "auto",
    model_regressor: Optional[object] = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    scale: float = 1.0,
    seed: int = _SEED,
) -> Resampled:
    """Refit one label's surrogate on bootstrap replicates of the neighbourhood.

    Parameters
    ----------
    design : WeightedDesign
        The cached neighbourhood's weighted design (kernel width applied).
    y : ndarray of shape (n_samples,)
        The model's outputs for the label.
    num_features : int
        Number of features the surrogate lists (capped at the number of features).
    feature_selection : str
        lime's rule: ``auto``, ``forward_selection``, ``highest_weights``,
        ``lasso_path`` or ``none``; applied again on every replicate.
    model_regressor : estimator, optional
        Custom surrogate (refitted per replicate, slowly); ``None`` is ``Ridge(alpha=1)``.
    n_resamples : int
        Number of bootstrap replicates.
    scale : float
        Replicates draw ``scale * (n - 1)`` rows (1: the usual bootstrap).
    seed : int
        Seed of the resampling (fixed, so results are reproducible).

    Returns
    -------
    Resampled
        Zero model calls are made. With constant outputs every weight is 0 and
        every resample lists the full fit's features (stability 1).
    """
    validate_feature_selection(feature_selection)
    num_features = int(min(num_features, design.n_features))
    method = resolved_selection(feature_selection, num_features)
    counts = bootstrap_counts(design.n_samples, n_resamples, scale, seed)
    return fits_on_counts(design, y, counts, num_features, method, model_regressor)


def fits_on_counts(design: WeightedDesign, y: np.ndarray, counts: np.ndarray, num_features: int,
                   feature_selection: str = "auto", model_regressor: Optional[object] = None) -> Resampled:
    """Refit one label's surrogate once per column of a row-count matrix.

    Parameters
    ----------
    design, y, num_features, feature_selection, model_regressor
        As in :func:`resample_fits`.
    counts : ndarray of shape (n_samples, n_fits)
        How often each row enters each fit (bootstrap counts, or 0/1 for subsamples).

    Returns
    -------
    Resampled
        One fit per column of ``counts``; zero model calls.
    """
    num_features = int(min(num_features, design.n_features))
    method = resolved_selection(feature_selection, num_features)
    n_resamples = counts.shape[1]
    if np.ptp(y) == 0:
        # constant outputs: every resample refits the same zero weights (rounding aside), so the
        # listed features never change and the explanation is trivially stable
        used = select_features(design.target(y), num_features, method)
        top = np.zeros((n_resamples, design.n_features), dtype=bool)
        top[:, used[:num_features]] = True
        return Resampled(coef=np.zeros((n_resamples, design.n_features)), top=top)
    # threaded BLAS took ten times longer on a busy 2-core machine (2.3 s instead of 0.25 s for
    # 5000 x 30, 10 features, off the main thread); these products are small
    with one_blas_thread():
        if method == "lasso_path" or model_regressor is not None:
            return _resample_by_loop(design, y, counts, num_features, method, model_regressor)
        return _resample_vectorised(design, y, counts, num_features, method)


def _resample_vectorised(design: WeightedDesign, y: np.ndarray, counts: np.ndarray, num_features: int,
                         method: str) -> Resampled:
    reps = _Replicates(design, y, counts)
    B, p = reps.xty.shape
    if method == "forward_selection":
        used, columns = _forward_selection(reps, num_features)
        coef = _final_ridge(reps, used, _blocks_from_columns(used, columns))
    elif method == "highest_weights":
        # the ranking needs the ridge coefficients only to well within rounding of a near tie
        contribution = reps.ridge_all(0.01, tolerance=1e-9) * design.data[0].astype(float)
        used = np.argsort(-np.abs(contribution), axis=1, kind="stable")[:, :num_features]
        coef = _final_ridge(reps, used, reps.gram_blocks(used))
    else:  # none: every feature
        coef = reps.ridge_all(1.0)
        used = np.tile(np.arange(p), (B, 1))
    used_mask = np.zeros((B, p), dtype=bool)
    np.put_along_axis(used_mask, used, True, axis=1)
    return Resampled(coef=coef, top=_top_sets(coef, used_mask, num_features))


def _resample_by_loop(design: WeightedDesign, y: np.ndarray, counts: np.ndarray, num_features: int,
                      method: str, model_regressor: Optional[object]) -> Resampled:
    """Replicate by replicate, with the surrogate's own code (lasso path, custom regressors)."""
    data = design.data
    B, p = counts.shape[1], design.n_features
    coef = np.zeros((B, p))
    used_mask = np.zeros((B, p), dtype=bool)
    for b in range(B):
        weights = design.sample_weight * counts[:, b]
        replicate = WeightedDesign(data, weights)
        target = replicate.target(y)
        used = select_features(target, num_features, method)
        if model_regressor is None:
            coef[b, used] = target.solve(used, 1.0)
        else:
            keep = weights > 0
            model = clone(model_regressor).fit(data[keep][:, used], y[keep], sample_weight=weights[keep])
            coef[b, used] = np.ravel(model.coef_)
        used_mask[b, used] = True
    return Resampled(coef=coef, top=_top_sets(coef, used_mask, num_features))


def subsample_counts(n_samples: int, n_partitions: int, parts: int, seed: int = _SEED) -> np.ndarray:
    """0/1 counts of ``n_partitions`` random partitions of rows 1..n-1 into ``parts`` disjoint parts.

    Row 0 (the instance) is in every part, as in every neighbourhood.

    Returns
    -------
    ndarray of shape (n_samples, n_partitions * parts)
        Columns ``g * parts .. (g + 1) * parts - 1`` are partition ``g``'s parts.
    """
    rng = np.random.default_rng(seed)
    counts = np.zeros((n_samples, n_partitions * parts))
    # row i of a partition goes to part (its rank in a random order) mod parts: equal sizes +-1
    order = np.argsort(rng.random((n_partitions, n_samples - 1)), axis=1)
    part = np.empty_like(order)
    np.put_along_axis(part, order, np.arange(n_samples - 1) % parts, axis=1)
    columns = np.arange(n_partitions)[:, None] * parts + part  # (P, n - 1)
    counts[np.arange(1, n_samples)[None, :].repeat(n_partitions, 0), columns] = 1.0
    counts[0] = 1.0
    return counts


def grouped_pairwise_jaccard(sets: np.ndarray, parts: int) -> float:
    """Mean Jaccard similarity over the pairs within consecutive groups of ``parts`` rows of ``sets``."""
    sets = np.asarray(sets, dtype=float).reshape(-1, parts, sets.shape[-1])
    inter = np.einsum("gip,gjp->gij", sets, sets)
    sizes = sets.sum(axis=2)
    union = sizes[:, :, None] + sizes[:, None, :] - inter
    jaccard = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 1.0)
    upper = np.triu_indices(parts, 1)
    return float(jaccard[:, upper[0], upper[1]].mean())


def subsample_stability(design: WeightedDesign, y: np.ndarray, num_features: int, feature_selection: str = "auto",
                        model_regressor: Optional[object] = None, parts: int = 2,
                        n_partitions: int = DEFAULT_PARTITIONS, seed: int = _SEED) -> float:
    """Stability of a neighbourhood ``parts`` times smaller, measured on disjoint parts of this one.

    The rows of a neighbourhood are independent draws, so disjoint parts of it are
    independent neighbourhoods of ``n / parts`` rows (each with the instance). The
    mean Jaccard similarity of their top sets, averaged over random partitions,
    is an unbiased estimate of the stability at that size (subsampling without
    replacement: Politis, Romano & Wolf, *Subsampling*, 1999), also where
    features tie, where the bootstrap overstates it. Zero model calls.

    Returns
    -------
    float
    """
    if parts < 2 or design.n_samples - 1 < parts:
        raise ValueError(f"Cannot split {design.n_samples - 1} rows into {parts} parts.")
    counts = subsample_counts(design.n_samples, n_partitions, parts, seed)
    fits = fits_on_counts(design, y, counts, num_features, feature_selection, model_regressor)
    return grouped_pairwise_jaccard(fits.top, parts)


def doubling_gain(design: WeightedDesign, y: np.ndarray, num_features: int, feature_selection: str = "auto",
                  model_regressor: Optional[object] = None, n_partitions: int = DEFAULT_PARTITIONS,
                  seed: int = _SEED) -> tuple[float, float]:
    """How much the last doubling of the rows raised the stability, measured on disjoint parts.

    Each random partition splits rows 1..n-1 into quarters ``q1..q4`` and pairs
    them into halves ``q1+q2`` and ``q3+q4``: the Jaccard similarity of the
    halves' top sets estimates the stability at ``n/2`` rows, that of the
    quarters (all six pairs) the stability at ``n/4`` (see
    :func:`subsample_stability`). Nesting the halves on the quarters makes the
    difference less noisy. Unlike the bootstrap, neither estimate is inflated
    by near-tied features. Zero model calls.

    Returns
    -------
    (gain, half) : (float, float)
        Estimated stability at ``n/2`` minus that at ``n/4``, and the former.

    Raises
    ------
    ValueError
        Fewer than 4 rows besides the instance.
    """
    if design.n_samples - 1 < 4:
        raise ValueError(f"Cannot split {design.n_samples - 1} rows into quarters.")
    fits = fits_on_counts(design, y, halves_and_quarters(design.n_samples, n_partitions, seed), num_features,
                          feature_selection, model_regressor)
    return gain_from_halves_and_quarters(fits.top, n_partitions)


def halves_and_quarters(n_samples: int, n_partitions: int, seed: int = _SEED) -> np.ndarray:
    """0/1 counts of :func:`doubling_gain`'s parts: each partition's two halves, then all its quarters.

    Returns
    -------
    ndarray of shape (n_samples, 6 * n_partitions)
        ``2 * n_partitions`` halves (``q1+q2``, ``q3+q4`` per partition), then the
        ``4 * n_partitions`` quarters; row 0 is in every part.
    """
    quarters = subsample_counts(n_samples, n_partitions, 4, seed)
    grouped = quarters.reshape(n_samples, n_partitions, 4)
    halves = np.minimum(grouped[:, :, 0::2] + grouped[:, :, 1::2], 1.0).reshape(n_samples, -1)
    return np.concatenate([halves, quarters], axis=1)


def gain_from_halves_and_quarters(top: np.ndarray, n_partitions: int) -> tuple[float, float]:
    """``(stability at n/2 - stability at n/4, stability at n/2)`` from the top sets of :func:`halves_and_quarters`."""
    n_halves = 2 * n_partitions
    half = grouped_pairwise_jaccard(top[:n_halves], 2)
    return half - grouped_pairwise_jaccard(top[n_halves:], 4), half


def normal_quantile(level: float) -> float:
    """The two-sided standard normal quantile for a confidence level."""
    return float(scipy.stats.norm.ppf(0.5 + validate_level(level) / 2))


# -- on a cached neighbourhood ---------------------------------------------------------------
def resampled_fit(
    neighborhood,
    label: int,
    num_features: int,
    feature_selection: str = "auto",
    kernel_width: Optional[float] = None,
    model_regressor: Optional[object] = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    scale: float = 1.0,
) -> Resampled:
    """:func:`resample_fits` on a :class:`.neighborhood.Neighborhood`, memoised per setting.

    The memo lives on the neighbourhood, so refitted explanations sharing it share
    the replicates too. Zero model calls.
    """
    from .neighborhood import validate_label
    from .settings import cap_num_features
    from .validation import check_kernel_width

    label = validate_label(label, neighborhood.outputs.shape[1])
    num_features = cap_num_features(num_features, neighborhood.num_features)
    validate_feature_selection(feature_selection)
    width = check_kernel_width(neighborhood.kernel_width if kernel_width is None else kernel_width)
    key = (label, num_features, feature_selection, width, model_regressor, int(n_resamples), float(scale))
    cached = neighborhood._resampled.get(key)
    if cached is None and model_regressor is None and is_assisted(neighborhood):
        from .assisted import resample_fits as assisted_resample_fits

        cached = assisted_resample_fits(neighborhood, label, width, num_features, feature_selection,
                                        int(n_resamples), float(scale), _SEED)
        neighborhood._resampled[key] = cached
    if cached is None:
        cached = resample_fits(neighborhood.design(width), neighborhood.outputs[:, label], num_features,
                               feature_selection, model_regressor, n_resamples, scale)
        if neighborhood.columns is not None:  # a sparse row: back to the wide space's feature ids
            cached = widened(cached, neighborhood.columns, neighborhood.width, num_features, feature_selection)
        neighborhood._resampled[key] = cached
    return cached


def is_assisted(neighborhood) -> bool:
    """Whether ``neighborhood`` fits with an emulator and free rows (``num_samples="auto"``, :mod:`.assisted`)."""
    from .assisted import AssistedNeighborhood

    return isinstance(neighborhood, AssistedNeighborhood)


def widened(resampled: Resampled, columns: np.ndarray, width: int, num_features: int,
            feature_selection: str) -> Resampled:
    """Replicates fitted on a sparse row's stored ``columns``, in the ``width`` columns of the wide space.

    The other columns are zero in every row of the neighbourhood, so every
    replicate gives them weight 0 (standard error 0); each replicate's top set
    is padded as the explanation's own fit pads its list
    (:meth:`.neighborhood.Neighborhood._widen`): the first unused columns, up to
    the number of features the selection lists.
    """
    n = resampled.coef.shape[0]
    coef = np.zeros((n, width))
    coef[:, columns] = resampled.coef
    top = np.zeros((n, width), dtype=bool)
    top[:, columns] = resampled.top
    method = resolved_selection(feature_selection, num_features)
    wanted = {"none": width, "lasso_path": 0}.get(method, int(num_features))
    missing = wanted - resampled.top.sum(axis=1)
    free = np.setdiff1d(np.arange(width), columns, assume_unique=True)
    top[:, free] = np.arange(len(free))[None, :] < missing[:, None]
    return Resampled(coef, top)


def uncertainty_table(weights: list, names: list, resampled: Resampled, level: float = 0.95):
    """One row per listed feature: its weight, a normal bootstrap interval and selection frequency.

    Parameters
    ----------
    weights : list of (int, float)
        The shown surrogate's ``(feature id, weight)`` pairs (``local_exp[label]``;
        a regression explanation's mirrored label 0 passes its negated weights, and
        the symmetric interval follows).
    names : list
        The matching feature descriptions (``as_list``'s first elements).
    resampled : Resampled
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Columns ``feature``, ``feature_id``, ``weight``, ``low``, ``high``,
        ``selection_frequency``; ``attrs`` hold ``level``, ``stability`` and
        ``n_resamples``.
    """
    import pandas as pd

    z = normal_quantile(level)
    ids = np.array([int(i) for i, _ in weights], dtype=int)
    values = np.array([float(w) for _, w in weights], dtype=float)
    half = z * resampled.standard_errors()[ids] if len(ids) else np.zeros(0)
    frame = pd.DataFrame({
        "feature": list(names),
        "feature_id": ids,
        "weight": values,
        "low": values - half,
        "high": values + half,
        "selection_frequency": resampled.selection_frequency[ids] if len(ids) else np.zeros(0),
    })
    frame.attrs.update(level=float(level), stability=resampled.stability, n_resamples=resampled.coef.shape[0])
    return frame
