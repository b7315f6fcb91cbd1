"""Model-assisted surrogates for ``num_samples="auto"``: fewer model rows for the same stability.

lime's surrogate is a weighted least-squares fit over a random neighbourhood. What
it estimates is the fit over the neighbourhood *distribution*; the randomness of
the answer comes from averaging the model's outputs over a finite sample. Two
things here are cheap: drawing more interpretable rows (no model call), and
evaluating a small *emulator* of the model fitted on the rows it has scored. The
difference estimator of survey sampling (model-assisted estimation: Särndal,
Swensson & Wretman, *Model Assisted Survey Sampling*, 1992, ch. 6; the same idea
as control variates) combines them:

    E[w z f]  =  E[w z g]            (a large population of free rows, g the emulator)
              +  E[w z (f - g)]      (the scored rows)

and likewise for ``E[w f]``; the design moments ``E[w]``, ``E[w z]`` and
``E[w z z']`` come from the free rows alone. These are moments of the perturbed
rows; row 0, the instance, is in every neighbourhood exactly once and enters as a
stratum of its own (share ``1/n``, its own output), as in lime's sums. Whatever ``g`` is, this estimates
the same surrogate as lime's fit (it is unbiased for every moment); a good ``g``
leaves a small residual ``f - g``, whose average over the scored rows is all
that the model's randomness still moves. ``g`` is cross-fitted (each scored
row's residual uses an emulator fitted without that row: Chernozhukov et al.,
"Double/debiased machine learning", 2018), so an emulator that overfits costs
variance, never bias.

The emulator is a weighted ridge regression on features the explainer supplies
(:class:`Population`): the interpretable rows for images; for text the rows and
the rows divided by the square root of the share of words kept (removing words
rescales a length-normalised document vector); for tabular data the one-hot
codes of every drawn bin or category, which the binary interpretable row only
summarises. Probabilities are modelled on the logit scale.

Feature selection and the final ridge fit then run on the moments, by the same
rules as :mod:`.surrogate` (the Gram matrix is scaled to the number of scored
rows, so ``Ridge(alpha=1)`` shrinks as much as lime's does on that many rows).
The free rows are drawn in chunks and only each chunk's moment sums are kept, so
memory does not grow with their number; the bootstrap (:mod:`.uncertainty`)
resamples the scored rows *and* the chunks, so the estimated stability includes
the free rows' own sampling error.

An integer ``num_samples`` never comes here: it keeps lime's exact estimator.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Optional, Protocol, Sequence

import numpy as np
from sklearn.linear_model import Ridge, lars_path_gram

from .blas import one_blas_thread
from .neighborhood import Neighborhood, validate_label
from .surrogate import LabelFit, last_path_point, resolved_selection, validate_feature_selection
from .uncertainty import (
    Resampled,
    _blocks_from_columns,
    _final_ridge,
    _forward_selection,
    _top_sets,
    bootstrap_counts,
    gain_from_halves_and_quarters,
    halves_and_quarters,
)

#: free rows per scored row, and at least this many; more while one pass over them costs at most
#: POPULATION_FLOPS multiply-adds of Gram sums (rows x features²), up to POPULATION_MAX; never
#: more than MAX_FLOPS, and no emulator at all where POPULATION_MIN rows would cost more
POPULATION_FACTOR = 20
POPULATION_MIN = 20_000
POPULATION_FLOPS = 200_000_000
POPULATION_MAX = 200_000
MAX_FLOPS = 4_000_000_000
#: values per array of one draw of free rows (a chunk is drawn in parts of at most this size)
_DRAW_VALUES = 1 << 21
#: at most this many emulator features (tabular: one per value of every categorical or binned column)
MAX_EMULATOR_INPUTS = 1024
#: cross-fitting folds of the emulator
FOLDS = 5
EMULATOR_ALPHA = 1.0
#: chunks of free rows (the bootstrap's units for their sampling error), fewer for wide rows
_MAX_CHUNKS = 32
_MIN_CHUNKS = 8
_CHUNK_SUMS_BYTES = 32 << 20
_LOGIT_CLIP = 1e-6
_SUMS_CACHE_SIZE = 2


class Population(Protocol):
    """What an explainer supplies for model-assisted fits (picklable, no model inside).

    ``link`` is ``"logit"`` for probabilities, ``"identity"`` otherwise. The rows
    drawn are the perturbed rows of a neighbourhood (its rows 1..n-1 in
    distribution); the instance, row 0 of every neighbourhood, is accounted for
    on its own.
    """

    link: str
    #: number of emulator features
    n_inputs: int

    def draw(self, rng: np.random.RandomState, n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``n_rows`` perturbed rows (never the instance itself): (interpretable rows, distances, emulator features)."""
        ...

    def features(self, data: np.ndarray, inputs: Optional[np.ndarray]) -> np.ndarray:
        """Emulator features of scored rows, from their interpretable rows and the round's extra ``inputs``."""
        ...


@dataclass(frozen=True)
class Emulator:
    """A cross-fitted ridge emulator of one label's outputs.

    Attributes
    ----------
    coefs : ndarray of shape (FOLDS, n_inputs + 1)
        Per fold, the intercept then the coefficients.
    scored : ndarray of shape (n_samples,)
        Each scored row's prediction by the fold fitted without it.
    link : str
    """

    coefs: np.ndarray
    scored: np.ndarray
    link: str

    def predict(self, features: np.ndarray) -> np.ndarray:
        """The folds' mean prediction, shape (n_rows,)."""
        linear = features @ self.coefs[:, 1:].T + self.coefs[:, 0]
        return _inverse_link(linear, self.link).mean(axis=1)


def _inverse_link(values: np.ndarray, link: str) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-values)) if link == "logit" else values


def fit_emulator(features: np.ndarray, y: np.ndarray, weights: np.ndarray, link: str, seed: int) -> Emulator:
    """Cross-fit a weighted ridge emulator of ``y`` on ``features`` (FOLDS folds, fixed by ``seed``)."""
    n = len(y)
    target = y
    if link == "logit":
        clipped = np.clip(y, _LOGIT_CLIP, 1 - _LOGIT_CLIP)
        target = np.log(clipped / (1 - clipped))
    fold = np.random.RandomState(seed).permutation(n) % FOLDS
    coefs = np.zeros((FOLDS, features.shape[1] + 1))
    scored = np.empty(n)
    for k in range(FOLDS):
        train = fold != k
        if not np.any(weights[train] > 0) or np.ptp(target[train]) == 0:
            # nothing to learn from (a constant, or no weight: a narrow or compact kernel): the mean
            coefs[k, 0] = target[train].mean() if train.any() else target.mean()
        else:
            model = Ridge(alpha=EMULATOR_ALPHA).fit(features[train], target[train], sample_weight=weights[train])
            coefs[k, 0], coefs[k, 1:] = model.intercept_, model.coef_
        test = ~train
        scored[test] = _inverse_link(features[test] @ coefs[k, 1:] + coefs[k, 0], link)
    return Emulator(coefs, scored, link)


@dataclass
class ChunkSums:
    """Kernel-weighted moment sums of the free rows, per chunk, for one kernel width.

    Attributes
    ----------
    rows : (C,) rows per chunk
    weight : (C,) ``sum w``
    first : (C, p) ``sum w z``
    second : (C, p, p) ``sum w z z'``
    label_weight, label_first : dict label -> (C,), (C, p)
        ``sum w g`` and ``sum w z g`` for each label's emulator ``g``.
    """

    rows: np.ndarray
    weight: np.ndarray
    first: np.ndarray
    second: np.ndarray
    label_weight: dict = field(default_factory=dict)
    label_first: dict = field(default_factory=dict)


def population_size(n_scored: int, n_features: int) -> int:
    """Free rows drawn for a neighbourhood of ``n_scored`` scored rows of ``n_features`` features.

    Their sampling error adds to the scored rows' (the bootstrap counts both), and
    they cost no model call: as many as a fixed budget of arithmetic allows.
    """
    squared = max(1, n_features) ** 2
    affordable = min(POPULATION_MAX, POPULATION_FLOPS // squared)
    return min(max(POPULATION_MIN, POPULATION_FACTOR * n_scored, affordable), max(POPULATION_MIN, MAX_FLOPS // squared))


def affordable(n_features: int) -> bool:
    """Whether free rows are cheap enough for rows of ``n_features`` interpretable features.

    The Gram sums cost rows x features² per pass; beyond about 450 features
    (a long document's distinct words) even :data:`POPULATION_MIN` rows cost more
    than :data:`MAX_FLOPS`, and ``"auto"`` fits on the scored rows alone.
    """
    return POPULATION_MIN * max(1, n_features) ** 2 <= MAX_FLOPS


def chunk_count(n_features: int) -> int:
    """Chunks of free rows: as many as fit :data:`_CHUNK_SUMS_BYTES` of Gram sums, 8 to 32."""
    fits = _CHUNK_SUMS_BYTES // max(1, 8 * n_features * n_features)
    return int(min(_MAX_CHUNKS, max(_MIN_CHUNKS, fits)))


@dataclass
class AssistedNeighborhood(Neighborhood):
    """A neighbourhood whose surrogate is fitted with an emulator and free rows (see the module).

    The scored rows (``data``, ``outputs``, ``distances``) are what the model saw,
    as in :class:`Neighborhood`; ``num_samples`` counts them. A custom
    ``model_regressor`` fits on them alone, as lime does.

    Attributes
    ----------
    population : Population
    inputs : ndarray, optional
        Per scored row, what the emulator features need besides the interpretable
        row (tabular: the drawn codes).
    seed : int
        Seed of the free rows and the folds (from the scored rows: the same
        neighbourhood always gives the same fit).
    """

    population: Optional[Population] = None
    inputs: Optional[np.ndarray] = None
    seed: int = 0
    _emulators: dict = field(default_factory=dict, repr=False)
    _sums: "OrderedDict[float, ChunkSums]" = field(default_factory=OrderedDict, repr=False)

    @classmethod
    def assisted(cls, data: np.ndarray, outputs: np.ndarray, distances: np.ndarray, kernel, kernel_width: float,
                 population: Population, inputs: Optional[np.ndarray] = None) -> "AssistedNeighborhood":
        """A neighbourhood of scored rows, seeded from their distances (deterministic, draws nothing)."""
        seed = zlib.crc32(np.ascontiguousarray(distances[: min(len(distances), 4096)]).tobytes())
        return cls(data, outputs, distances, kernel, kernel_width, population=population, inputs=inputs,
                   seed=int(seed))

    def release_designs(self) -> None:
        """Also forget the free rows' sums (drawn again, the same numbers, on the next fit)."""
        super().release_designs()
        self._sums.clear()

    @property
    def nbytes(self) -> int:
        arrays = [self.inputs] + [a for sums in list(self._sums.values())
                                  for a in (sums.second, sums.first, *list(sums.label_first.values()))]
        arrays += [e.scored for e in list(self._emulators.values())]
        return super().nbytes + sum(a.nbytes for a in arrays if a is not None)

    def __getstate__(self) -> dict:
        # the free rows' sums are the largest part and come back, the same numbers, from the seed
        state = self.__dict__.copy()
        state["_sums"] = OrderedDict()
        return state

    # -- the pieces -----------------------------------------------------------------------
    def emulator(self, label: int) -> Emulator:
        """The label's emulator, fitted once on the scored rows (weights at the default kernel width)."""
        if label not in self._emulators:
            features = self.population.features(self.data, self.inputs)
            weights = self.design().sample_weight
            self._emulators[label] = fit_emulator(features, self.outputs[:, label], weights,
                                                  self.population.link, self.seed)
        return self._emulators[label]

    def chunk_sums(self, width: float, labels: Sequence[int]) -> ChunkSums:
        """The free rows' moment sums at ``width``, with ``labels``' emulator sums (drawn on first use)."""
        sums = self._sums.get(width)
        missing = [label for label in labels if sums is None or label not in sums.label_first]
        if sums is not None and not missing:
            try:
                self._sums.move_to_end(width)
            except KeyError:  # released or evicted by another thread meanwhile: still valid
                pass
            return sums
        emulators = {label: self.emulator(label) for label in missing}
        p = self.shape[1]
        n_rows = population_size(self.num_samples, p)
        chunks = chunk_count(p)
        sizes = np.full(chunks, n_rows // chunks)
        sizes[: n_rows % chunks] += 1
        fresh = sums is None
        if fresh:
            sums = ChunkSums(sizes.astype(float), np.zeros(chunks), np.zeros((chunks, p)), np.zeros((chunks, p, p)))
        # filled aside and published when complete: a refit on another thread may read these sums meanwhile
        label_weight = {label: np.zeros(chunks) for label in missing}
        label_first = {label: np.zeros((chunks, p)) for label in missing}
        per_draw = max(1, _DRAW_VALUES // (2 * max(1, p) + self.population.n_inputs))  # rows, a copy, features
        with one_blas_thread():
            for c, size in enumerate(sizes):
                # chunk c of the free rows is the same draws whichever labels or width ask for it
                rng = np.random.RandomState([self.seed, chunks, c])
                for start in range(0, int(size), per_draw):
                    data, distances, features = self.population.draw(rng, min(per_draw, int(size) - start))
                    data = np.asarray(data, dtype=float)
                    w = np.asarray(self.kernel(distances, width), dtype=float)
                    if fresh:
                        weighted = data * w[:, None]
                        sums.weight[c] += w.sum()
                        sums.first[c] += weighted.sum(axis=0)
                        sums.second[c] += weighted.T @ data
                    for label, emulator in emulators.items():
                        wg = w * emulator.predict(features)
                        label_weight[label][c] += wg.sum()
                        label_first[label][c] += wg @ data
        sums.label_weight.update(label_weight)
        sums.label_first.update(label_first)
        self._sums[width] = sums
        if len(self._sums) > _SUMS_CACHE_SIZE:
            self._sums.popitem(last=False)
        return sums

    def moments(self, label: int, width: float, real_counts: np.ndarray, chunk_counts: np.ndarray) -> "MomentReplicates":
        """The difference estimator's moments for every column of the count matrices.

        ``real_counts`` (scored rows x B) and ``chunk_counts`` (chunks x B) say how
        often each scored row and each chunk of free rows enters replicate b (all
        ones: the estimate itself). Row 0, the instance, is in every neighbourhood
        exactly once: it is a stratum of its own, with its share ``1 / rows`` and
        its own output, as in lime's sums; the free rows and the other scored rows'
        residuals estimate the rest, the perturbed rows' distribution.
        """
        sums = self.chunk_sums(width, [label])
        w = self.design(width).sample_weight
        y = self.outputs[:, label]
        data = np.asarray(self.data, dtype=float)
        residual = w[1:] * (y[1:] - self.emulator(label).scored[1:])
        rows = real_counts.sum(axis=0)  # (B,) scored rows in each replicate, the instance included
        perturbed = real_counts[1:]
        n_perturbed = perturbed.sum(axis=0)
        anchor = 1.0 / rows  # the instance's share
        rest = 1.0 - anchor
        share = chunk_counts / (sums.rows @ chunk_counts) * rest  # (C, B): each chunk's share of the moments
        w0, z0, f0 = float(w[0]), data[0], float(y[0])
        e_w = anchor * w0 + sums.weight @ share
        e_z = np.outer(anchor * w0, z0) + (sums.first.T @ share).T
        residual_mean = rest * (residual @ perturbed) / n_perturbed
        e_f = anchor * w0 * f0 + sums.label_weight[label] @ share + residual_mean
        e_zf = (np.outer(anchor * w0 * f0, z0) + (sums.label_first[label].T @ share).T
                + (rest * ((data[1:].T * residual) @ perturbed) / n_perturbed).T)
        return MomentReplicates(sums.second, share, anchor * w0, z0, e_w, e_z, e_f, e_zf, rows)

    # -- fits -----------------------------------------------------------------------------
    def _fit_labels(self, labels, num_features, feature_selection, width, model_regressor) -> dict[int, LabelFit]:
        if model_regressor is not None:  # a custom regressor needs rows: the scored ones, as lime
            return super()._fit_labels(labels, num_features, feature_selection, width, model_regressor)
        fits = {}
        for label in labels:
            label = validate_label(label, self.outputs.shape[1])
            if np.ptp(self.outputs[:, label]) == 0:  # nothing to emulate: lime's fit, every weight 0
                fits.update(super()._fit_labels([label], num_features, feature_selection, width, None))
                continue
            key = (label, int(num_features), feature_selection, width)
            if key not in self._fits:
                self._fits[key] = self._assisted_fit(label, num_features, feature_selection, width)
            fits[label] = self._fits[key]
        return fits

    def _assisted_fit(self, label: int, num_features: int, feature_selection: str, width: float) -> LabelFit:
        ones_real = np.ones((self.num_samples, 1))
        ones_free = np.ones((len(self.chunk_sums(width, [label]).rows), 1))
        reps = self.moments(label, width, ones_real, ones_free)
        used, coef = select_and_fit(reps, num_features, feature_selection)
        used, coef = used[0], coef[0, used[0]]
        intercept = float(reps.y_mean[0] - reps.x_mean[0, used] @ coef)
        # R² on the rows the model scored: how well the surrogate describes the model there
        y = self.outputs[:, label]
        w = self.design(width).sample_weight
        data = np.asarray(self.data, dtype=float)
        fitted = intercept + data[:, used] @ coef
        y_mean = w @ y / w.sum()
        total = float(w @ (y - y_mean) ** 2)
        score = 0.0 if total == 0 else 1.0 - float(w @ (y - fitted) ** 2) / total
        order = np.argsort(-np.abs(coef), kind="stable")
        weights = [(int(used[i]), float(coef[i])) for i in order]
        return LabelFit(int(label), weights, intercept, float(score), float(intercept + data[0, used] @ coef))


class MomentReplicates:
    """Centred, weighted Gram pieces of B replicates given by moments (the surrogate's inputs).

    ``E[w z z']`` of replicate b is ``sum_c share[c, b] * second[c] + anchor[b] * z0 z0'``
    (the chunks of free rows, then the instance). Offers what :mod:`.uncertainty`'s
    vectorised feature selection and final ridge read (``xty``, ``column_ss``,
    ``gram_columns``, ``gram_blocks``, ``ridge_all``), each replicate scaled to its
    own number of scored rows ``n[b]``, as lime's sums over that many rows.
    """

    def __init__(self, second: np.ndarray, share: np.ndarray, anchor: np.ndarray, instance: np.ndarray,
                 e_w: np.ndarray, e_z: np.ndarray, e_f: np.ndarray, e_zf: np.ndarray, n: np.ndarray):
        self.second = second  # (C, p, p) sums
        self.share = share  # (C, B)
        self.anchor = anchor  # (B,): the instance's weighted share
        self.instance = instance  # (p,) its interpretable row
        self.n = np.asarray(n, dtype=float)  # (B,)
        self.e_w = e_w
        self.x_mean = e_z / e_w[:, None]  # (B, p)
        self.y_mean = e_f / e_w
        self.total = self.n * e_w
        self.xty = self.n[:, None] * (e_zf - e_z * (e_f / e_w)[:, None])
        diagonal = (np.einsum("cpp->cp", second).T @ share).T + np.outer(anchor, instance**2)
        self.column_ss = self.n[:, None] * (diagonal - e_z * self.x_mean)
        self._e_z = e_z

    @property
    def n_resamples(self) -> int:
        return self.share.shape[1]

    def gram_columns(self, features: np.ndarray) -> np.ndarray:
        """Column ``features[b]`` of replicate b's Gram matrix, for every b; shape (B, p)."""
        cols = np.arange(len(features))
        raw = np.einsum("cpb,cb->bp", self.second[:, :, features], self.share)
        raw += (self.anchor * self.instance[features])[:, None] * self.instance
        return self.n[:, None] * (raw - self._e_z * self.x_mean[cols, features][:, None])

    def gram_blocks(self, used: np.ndarray) -> np.ndarray:
        """Replicate b's Gram matrix on its features ``used[b]``; (B, k) -> (B, k, k)."""
        rows = np.arange(used.shape[0])[:, None]
        raw = np.einsum("cbij,cb->bij", self.second[:, used[:, :, None], used[:, None, :]], self.share)
        own = self.instance[used]
        raw += self.anchor[:, None, None] * own[:, :, None] * own[:, None, :]
        e_z, means = self._e_z[rows, used], self.x_mean[rows, used]
        return self.n[:, None, None] * (raw - e_z[:, :, None] * means[:, None, :])

    def gram(self, b: int) -> np.ndarray:
        raw = np.einsum("cpq,c->pq", self.second, self.share[:, b]) + self.anchor[b] * np.outer(self.instance,
                                                                                              self.instance)
        return self.n[b] * (raw - np.outer(self._e_z[b], self.x_mean[b]))

    def ridge_all(self, alpha: float, tolerance: float = 0.0) -> np.ndarray:
        """Every replicate's ridge coefficients on all features, shape (B, p) (direct solves)."""
        p = self.xty.shape[1]
        return np.stack([np.linalg.solve(self.gram(b) + alpha * np.eye(p), self.xty[b])
                         for b in range(self.n_resamples)])


def select_and_fit(reps: MomentReplicates, num_features: int, feature_selection: str) -> tuple[list, np.ndarray]:
    """lime's feature selection and ``Ridge(alpha=1)`` on every replicate of ``reps``.

    Returns
    -------
    used : list of B int ndarrays
        Each replicate's features, in the order chosen.
    coef : ndarray of shape (B, p)
        Weights (0 off ``used``).
    """
    validate_feature_selection(feature_selection)
    p = reps.xty.shape[1]
    method = resolved_selection(feature_selection, num_features)  # on the number asked for, as lime
    num_features = int(min(num_features, p))
    B = reps.n_resamples
    if method == "forward_selection":
        used, columns = _forward_selection(reps, num_features)
        return list(used), _final_ridge(reps, used, _blocks_from_columns(used, columns))
    if method == "highest_weights":
        contribution = reps.ridge_all(0.01) * reps.instance
        used = np.argsort(-np.abs(contribution), axis=1, kind="stable")[:, :num_features]
        return list(used), _final_ridge(reps, used, reps.gram_blocks(used))
    if method == "none":
        return [np.arange(p)] * B, reps.ridge_all(1.0)
    # lasso_path, replicate by replicate on its Gram matrix: the last point of the path
    # with at most num_features non-zeros, as lime
    chosen, coef = [], np.zeros((B, p))
    for b in range(B):
        gram = reps.gram(b)
        _, _, coefs = lars_path_gram(reps.xty[b], gram, n_samples=int(reps.n[b]), method="lasso")
        nonzero = last_path_point(coefs, num_features)
        if len(nonzero):
            block = gram[np.ix_(nonzero, nonzero)] + np.eye(len(nonzero))
            coef[b, nonzero] = np.linalg.solve(block, reps.xty[b, nonzero])
        chosen.append(nonzero)
    return chosen, coef


# -- resampling (what :mod:`.uncertainty` and :mod:`.adaptive` call for these neighbourhoods) ------
def chunk_bootstrap_counts(n_chunks: int, n_resamples: int, scale: float = 1.0, seed: int = 0) -> np.ndarray:
    """Multinomial bootstrap counts of the chunks of free rows, shape (n_chunks, n_resamples)."""
    rng = np.random.default_rng([seed, 1])
    draws = max(1, int(round(scale * n_chunks)))
    return rng.multinomial(draws, np.full(n_chunks, 1.0 / n_chunks), size=n_resamples).T.astype(float)


def fits_on_counts(neighborhood: AssistedNeighborhood, label: int, width: float, num_features: int,
                   feature_selection: str, real_counts: np.ndarray, chunk_counts: np.ndarray):
    """:func:`.uncertainty.fits_on_counts` for an assisted neighbourhood: one fit per column of the counts."""
    num_features = int(min(num_features, neighborhood.shape[1]))
    B, p = real_counts.shape[1], neighborhood.shape[1]
    if np.ptp(neighborhood.outputs[:, label]) == 0:  # constant outputs: every fit is the same zero surrogate
        used = neighborhood.fit([label], num_features, feature_selection, width)[label].weights
        top = np.zeros((B, p), dtype=bool)
        top[:, [i for i, _ in used][:num_features]] = True
        return Resampled(coef=np.zeros((B, p)), top=top)
    with one_blas_thread():
        reps = neighborhood.moments(label, width, real_counts, chunk_counts)
        used, coef = select_and_fit(reps, num_features, feature_selection)
    mask = np.zeros((B, p), dtype=bool)
    for b, features in enumerate(used):
        mask[b, features] = True
    return Resampled(coef=coef, top=_top_sets(coef, mask, num_features))


def resample_fits(neighborhood: AssistedNeighborhood, label: int, width: float, num_features: int,
                  feature_selection: str, n_resamples: int, scale: float, seed: int):
    """Bootstrap replicates of the scored rows and of the chunks of free rows, refitted."""
    n_chunks = len(neighborhood.chunk_sums(width, [label]).rows)
    n, p = neighborhood.shape
    # a neighbourhood scale times larger would also draw population_size(scale * n) free rows
    free_scale = population_size(int(round(scale * n)), p) / population_size(n, p)
    return fits_on_counts(neighborhood, label, width, num_features, feature_selection,
                          bootstrap_counts(n, n_resamples, scale, seed),
                          chunk_bootstrap_counts(n_chunks, n_resamples, free_scale, seed))


def doubling_gain(neighborhood: AssistedNeighborhood, label: int, num_features: int, feature_selection: str,
                  n_partitions: int, seed: int) -> tuple[float, float]:
    """:func:`.uncertainty.doubling_gain` for an assisted neighbourhood: scored rows and chunks split alike."""
    width = neighborhood.kernel_width
    n_chunks = len(neighborhood.chunk_sums(width, [label]).rows)
    real = halves_and_quarters(neighborhood.num_samples, n_partitions, seed)
    # chunks split as rows would be, with a dummy row 0 (subsample_counts keeps row 0 in every part)
    chunks = halves_and_quarters(n_chunks + 1, n_partitions, seed + 1)[1:]
    fits = fits_on_counts(neighborhood, label, width, num_features, feature_selection, real, chunks)
    return gain_from_halves_and_quarters(fits.top, n_partitions)
