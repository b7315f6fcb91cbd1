"""Tabular neighbourhoods, drawn exactly as ``lime.lime_tabular`` draws them.

None of lime's random draws depends on the explained row: bins and categories come
from training frequencies, values inside a bin from the bin's truncated normal and
continuous noise from a standard normal. The row only decides which draws count as
"same as the instance" and, with ``sample_around_instance``, where the noise is
centred. So sampling is split: :meth:`TabularSampler.draw` makes the draws
(:class:`Draws`, read-only, reusable); :meth:`TabularSampler.model_rows` and
:meth:`TabularSampler.interpretable_rows` place them around one row. With an
integer seed every call makes the same draws, so an explainer can keep them and
explaining another row costs only the placement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
import scipy.stats

from .discretize import BaseDiscretizer
from .threads import in_halves
from .validation import check_option

# values per block of columns drawn at once, and the least worth splitting over two threads
_BLOCK_VALUES = 1 << 15
_PARALLEL_VALUES = 1 << 16


def validate_sampling_method(method: str) -> str:
    """How continuous columns are sampled when not discretised: lime's 'gaussian' or 'lhs'."""
    return check_option("sampling_method", method, ("gaussian", "lhs"))


def _blocks(n_columns: int, num_samples: int) -> list[slice]:
    """Consecutive blocks of columns with about ``_BLOCK_VALUES`` values each."""
    step = max(1, _BLOCK_VALUES // max(num_samples, 1))
    return [slice(k, min(k + step, n_columns)) for k in range(0, n_columns, step)]


@dataclass(frozen=True)
class Draws:
    """The random part of one neighbourhood (arrays are read-only).

    Attributes
    ----------
    codes : ndarray of shape (n_categorical, num_samples)
        Drawn category values (bin indices for discretised columns), feature-major:
        lime's draw order, column after column.
    values : ndarray of shape (num_samples, n_features), optional
        Discretised sampling only: the model-space rows; row 0 is a placeholder
        for the instance.
    noise : ndarray of shape (num_samples, n_features), optional
        Continuous sampling only: standard-normal (or Latin hypercube) noise.
    """

    codes: np.ndarray
    values: Optional[np.ndarray] = None
    noise: Optional[np.ndarray] = None

    def __post_init__(self):
        for array in (self.codes, self.values, self.noise):
            if array is not None:
                array.flags.writeable = False

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.codes, self.values, self.noise) if a is not None)


class TabularSampler:
    """Draws lime's tabular perturbations and places them around a row.

    Parameters
    ----------
    categorical_features : sequence of int
        Columns drawn from ``feature_values`` with ``feature_frequencies`` (every
        column when ``discretizer`` is set).
    feature_values, feature_frequencies : dict
        Per categorical column, its values (bin indices for discretised columns)
        and their training frequencies.
    discretizer : BaseDiscretizer, optional
        Bins of the continuous columns; values inside a bin are drawn from its
        truncated normal.
        A lime-style discretizer object (with ``discretize`` and ``undiscretize``)
        is also accepted; it draws from its own generator.
    sampling_scale : ndarray of shape (n_features,)
        Continuous sampling: the noise's scale per column.
    """

    def __init__(self, categorical_features: Sequence[int], feature_values: dict, feature_frequencies: dict,
                 discretizer: Optional[Any], sampling_scale: np.ndarray):
        self.categorical_features = list(categorical_features)
        self.discretizer = discretizer
        self.sampling_scale = sampling_scale
        cdfs = [np.cumsum(feature_frequencies[c]) for c in self.categorical_features]
        # inner CDF points, padded with +inf so every column has the same number
        width = max([len(c) - 1 for c in cdfs] + [1])
        self._inner_cdfs = np.full((len(cdfs), width), np.inf)
        for k, cdf in enumerate(cdfs):
            self._inner_cdfs[k, : len(cdf) - 1] = (cdf / cdf[-1])[:-1]
        sizes = np.array([len(feature_values[c]) for c in self.categorical_features], dtype=np.intp)
        self._starts = np.cumsum(sizes) - sizes
        self._sizes = sizes
        self._owner = np.repeat(np.arange(len(sizes)), sizes)  # the column of every value
        self._positions = np.arange(int(sizes.sum())) - np.repeat(self._starts, sizes)  # its place in the column
        self._values = np.concatenate([np.asarray(feature_values[c], dtype=float)
                                       for c in self.categorical_features] or [np.zeros(0)])
        if isinstance(discretizer, BaseDiscretizer):
            binned = list(discretizer.means)
            # binned columns' rows in the drawn codes, and where their bins start in the bin tables
            self._binned_rows = np.array([self.categorical_features.index(c) for c in binned], dtype=np.intp)
            self._bin_offsets = discretizer.bin_tables(binned)["offset"].astype(np.intp)
        self._boundaries = _boundary_table(discretizer)

    def bin_row(self, row: np.ndarray) -> np.ndarray:
        """``discretizer.discretize(row)`` for one row: its bin indices (other columns as they are).

        One vectorised comparison with every feature's boundaries rather than a
        ``searchsorted`` call per feature: a bin index is the number of boundaries
        below the value, the same integer ``searchsorted`` finds.
        """
        if self._boundaries is None:
            return self.discretizer.discretize(row)
        features, table = self._boundaries
        binned = np.array(row, dtype=float, copy=True)
        binned[features] = np.count_nonzero(table < binned[features, None], axis=1)
        return binned

    def draw(self, num_samples: int, rng: np.random.RandomState, sampling_method: str = "gaussian",
             bin_rng: Optional[np.random.RandomState] = None) -> Draws:
        """Draw a neighbourhood's random part, consuming ``rng`` exactly as lime does.

        ``bin_rng``, when given, draws the values inside bins instead of ``rng``
        (lime draws them from a discretizer's own generator).

        Work goes in blocks of columns so that temporaries stay small: fresh memory
        costs page faults, which on a virtual machine cost as much as the arithmetic.
        """
        if self.discretizer is None:
            n_cols = len(self.sampling_scale)
            if validate_sampling_method(sampling_method) == "lhs":
                cube = scipy.stats.qmc.LatinHypercube(d=n_cols, seed=rng).random(num_samples)
                noise = scipy.stats.norm.ppf(cube)
            else:
                noise = rng.normal(0, 1, num_samples * n_cols).reshape(num_samples, n_cols)
            return Draws(codes=self._draw_codes(num_samples, rng), noise=noise)
        codes = self._draw_codes(num_samples, rng)
        values = np.ascontiguousarray(codes.T)
        if isinstance(self.discretizer, BaseDiscretizer):
            self._draw_in_bins(codes, values, rng if bin_rng is None else bin_rng)
        else:  # a lime-style discretizer object draws from its own generator
            values[1:] = self.discretizer.undiscretize(values[1:])
        return Draws(codes=codes, values=values)

    def _draw_codes(self, num_samples: int, rng: np.random.RandomState) -> np.ndarray:
        """Category values (bin indices) drawn for every categorical column, feature-major.

        Consumes ``rng`` as lime's per-column ``RandomState.choice(values,
        num_samples, p=freqs)`` calls do: one uniform per value, column after column,
        mapped to the number of CDF points at or below it (numpy's
        ``searchsorted(side='right')``), here one vectorised pass per CDF point.
        """
        codes = np.empty((len(self.categorical_features), num_samples))
        for block in _blocks(len(self.categorical_features), num_samples):
            uniforms = rng.random_sample((block.stop - block.start, num_samples))
            positions = np.repeat(self._starts[block, None], num_samples, axis=1)
            for point in self._inner_cdfs[block].T:
                positions += uniforms >= point[:, None]
            np.take(self._values, positions, out=codes[block], mode="clip")  # positions are in range
        return codes

    def _draw_in_bins(self, codes: np.ndarray, values: np.ndarray, rng: np.random.RandomState) -> None:
        """Fill rows 1: of the binned columns of ``values`` with draws inside their bins.

        The uniforms are drawn first, in lime's order (column after column); the
        values, elementwise and mostly ``ndtri``, are then computed on two threads.
        """
        rows = self._binned_rows
        jobs = []
        for block in _blocks(len(rows), codes.shape[1]):
            index = codes[rows[block], 1:].astype(np.intp)
            index += self._bin_offsets[block, None]
            jobs.append((rows[block], index, self.discretizer.bin_uniforms(index, rng)))

        def fill(part: slice) -> None:
            for columns, index, uniforms in jobs[part]:
                values[1:, columns] = self.discretizer.values_in_bins(index, uniforms).T

        in_halves(fill, len(jobs), parallel=len(rows) * codes.shape[1] >= _PARALLEL_VALUES)

    def code_indices(self, codes: np.ndarray) -> np.ndarray:
        """Each draw's position among its column's values, rows first: shape (num_samples, n_categorical), uint16.

        ``codes`` is :attr:`Draws.codes` (feature-major). The positions index
        :meth:`one_hot`'s blocks, and take an eighth of the codes' memory.
        """
        index = np.zeros((codes.shape[1], len(self.categorical_features)), dtype=np.uint16)
        for k, start in enumerate(self._starts):
            values = self._values[start:start + self._sizes[k]]
            index[:, k] = np.argmax(codes[k][:, None] == values[None, :], axis=1)
        return index

    def one_hot(self, indices: np.ndarray) -> np.ndarray:
        """One column per value of every categorical column, 1 where a row drew it; (n, n_values) bool."""
        return indices[:, self._owner] == self._positions

    def model_rows(self, row: np.ndarray, draws: Draws, centre: np.ndarray) -> np.ndarray:
        """The rows the model sees, shape (num_samples, n_features); row 0 is ``row``.

        ``centre`` is where continuous noise is centred (lime: the training mean,
        or the row with ``sample_around_instance``).
        """
        if draws.values is not None:
            rows = draws.values.copy()
        else:
            rows = draws.noise * self.sampling_scale
            rows += centre
            if self.categorical_features:
                rows[:, self.categorical_features] = draws.codes.T
        rows[0] = row
        return rows

    def interpretable_rows(self, row: np.ndarray, draws: Draws, model_rows: np.ndarray) -> np.ndarray:
        """The interpretable rows: 1 where a draw is in the instance's bin or category, else 0.

        With every column discretised the rows are boolean. Continuous (not
        discretised) columns keep their model-space values; the explainer scales them.
        """
        categorical = self.categorical_features
        if draws.values is not None:
            binary = draws.codes == self.bin_row(row)[:, None]
            binary[:, 0] = True
            return binary.T  # boolean: an eighth of the memory, and no copy
        data = model_rows.copy()
        if categorical:
            binary = draws.codes.T == row[categorical]
            binary[0] = True
            data[:, categorical] = binary
        return data


def _boundary_table(discretizer: Any) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """The binned features and their sorted boundaries padded with +inf, for :meth:`TabularSampler.bin_row`.

    ``None`` (use the discretizer's own ``discretize``) unless it is a
    :class:`BaseDiscretizer` whose ``discretize`` is the base one, with sorted
    boundaries.
    """
    if not isinstance(discretizer, BaseDiscretizer) or type(discretizer).discretize is not BaseDiscretizer.discretize:
        return None
    boundaries = {f: np.asarray(q, dtype=float) for f, q in discretizer.boundaries.items()}
    if not boundaries or any(q.ndim != 1 or np.any(np.diff(q) < 0) or not np.all(np.isfinite(q))
                             for q in boundaries.values()):
        return None
    table = np.full((len(boundaries), max(len(q) for q in boundaries.values())), np.inf)
    for k, q in enumerate(boundaries.values()):
        table[k, :len(q)] = q
    return np.fromiter(boundaries, dtype=np.intp, count=len(boundaries)), table
