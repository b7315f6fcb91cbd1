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
        self._values = np.concatenate([np.asarray(feature_values[c], dtype=float)
                                       for c in self.categorical_features] or [np.zeros(0)])
        if isinstance(discretizer, BaseDiscretizer):
            self._binned = list(discretizer.means)
            # bin-table index of each drawn position of a discretised column
            offsets = dict(zip(self._binned, discretizer.bin_tables(self._binned)["offset"]))
            index = np.zeros(len(self._values), dtype=np.intp)
            for k, c in enumerate(self.categorical_features):
                if c in offsets:
                    span = slice(self._starts[k], self._starts[k] + sizes[k])
                    index[span] = offsets[c] + np.asarray(feature_values[c]).astype(np.intp)
            self._bin_index = index

    def draw(self, num_samples: int, rng: np.random.RandomState, sampling_method: str = "gaussian") -> Draws:
        """Draw a neighbourhood's random part, consuming ``rng`` exactly as lime does."""
        if self.discretizer is not None:
            positions = self._draw_positions(num_samples, rng)
            codes = np.take(self._values, positions)
            values = codes.copy()
            if isinstance(self.discretizer, BaseDiscretizer):
                rows = [self.categorical_features.index(c) for c in self._binned]
                bins = np.take(self._bin_index, positions[rows, 1:])
                values[rows, 1:] = self.discretizer.draw_in_bins(bins, rng)
            else:
                values[:, 1:] = self.discretizer.undiscretize(values[:, 1:].T).T
            return Draws(codes=codes, values=np.ascontiguousarray(values.T))
        n_cols = len(self.sampling_scale)
        if sampling_method == "gaussian":
            noise = rng.normal(0, 1, num_samples * n_cols).reshape(num_samples, n_cols)
        elif sampling_method == "lhs":
            cube = scipy.stats.qmc.LatinHypercube(d=n_cols, seed=rng).random(num_samples)
            noise = scipy.stats.norm.ppf(cube)
        else:
            raise ValueError(f"sampling_method={sampling_method!r} is not known; expected 'gaussian' or 'lhs'.")
        codes = np.take(self._values, self._draw_positions(num_samples, rng))
        return Draws(codes=codes, noise=noise)

    def _draw_positions(self, num_samples: int, rng: np.random.RandomState) -> np.ndarray:
        """Index into the concatenated values of each draw, shape (n_categorical, num_samples).

        Consumes ``rng`` as lime's per-column ``RandomState.choice(values,
        num_samples, p=freqs)`` calls do: one uniform per value, column after column,
        mapped to the number of CDF points at or below it (numpy's
        ``searchsorted(side='right')``), here one vectorised pass per CDF point.
        """
        n_columns = len(self.categorical_features)
        uniforms = rng.random_sample((n_columns, num_samples))
        positions = np.repeat(self._starts[:, None], num_samples, axis=1)
        for point in self._inner_cdfs.T:
            positions += uniforms >= point[:, None]
        return positions

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

        Continuous (not discretised) columns keep their model-space values; the
        explainer scales them.
        """
        categorical = self.categorical_features
        if draws.values is not None:
            binary = draws.codes == self.discretizer.discretize(row)[:, None]
            binary[:, 0] = True
            return binary.T.astype(float)  # column-major, as the transposed view: no copy
        data = model_rows.copy()
        if categorical:
            binary = draws.codes.T == row[categorical]
            binary[0] = True
            data[:, categorical] = binary
        return data
