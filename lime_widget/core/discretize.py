"""Discretizers for continuous tabular features (quartile, decile, entropy, stats).

Same bins, names and per-bin statistics as ``lime.discretize``. Undiscretizing
draws values from a normal truncated to each bin with the *same* uniform draws as
scipy's ``truncnorm.rvs`` (which lime calls), but through a closed-form inverse CDF
computed once per bin, which is many times faster.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional, Sequence

import numpy as np
import scipy.special
from sklearn.tree import DecisionTreeClassifier

from .validation import int_keyed


class BaseDiscretizer:
    """Bins each continuous feature; subclasses define :meth:`bins`.

    Parameters
    ----------
    data : ndarray of shape (n_samples, n_features)
        Training data.
    categorical_features : sequence of int
        Columns left alone.
    feature_names : sequence of str
    labels : array-like, optional
        Training labels (the entropy discretizer needs them).
    random_state : RandomState, optional
        Used by discretizers that fit a model (entropy).
    data_stats : dict, optional
        Precomputed ``means``, ``stds``, ``mins``, ``maxs`` per feature and bin.
    """

    def __init__(self, data: np.ndarray, categorical_features: Sequence[int], feature_names: Sequence[str],
                 labels: Optional[np.ndarray] = None, random_state: Optional[np.random.RandomState] = None,
                 data_stats: Optional[dict] = None):
        self.to_discretize = [x for x in range(data.shape[1]) if x not in set(categorical_features)]
        self.data_stats = data_stats
        self.random_state = random_state
        self.names: dict[int, list[str]] = {}
        self.boundaries: dict[int, np.ndarray] = {}
        self.means: dict[int, list] = {}
        self.stds: dict[int, list] = {}
        self.mins: dict[int, list] = {}
        self.maxs: dict[int, list] = {}
        bins = [np.unique(b) for b in self.bins(data, labels)]
        if data_stats is not None:
            # only the discretized columns: their keys are the columns drawn inside bins
            self.means, self.stds, self.mins, self.maxs = (
                {f: data_stats[key][f] for f in self.to_discretize} for key in ("means", "stds", "mins", "maxs"))
        for feature, qts in zip(self.to_discretize, bins):
            name = feature_names[feature]
            self.names[feature] = (
                [f"{name} <= {qts[0]:.2f}"]
                + [f"{lo:.2f} < {name} <= {hi:.2f}" for lo, hi in zip(qts[:-1], qts[1:])]
                + [f"{name} > {qts[-1]:.2f}"]
            )
            self.boundaries[feature] = qts
            if data_stats is not None:
                continue
            column = data[:, feature]
            which = np.searchsorted(qts, column)
            self.means[feature], self.stds[feature] = [], []
            for b in range(len(qts) + 1):
                selection = column[which == b]
                self.means[feature].append(float(np.mean(selection)) if len(selection) else 0.0)
                self.stds[feature].append((float(np.std(selection)) if len(selection) else 0.0) + 1e-11)
            self.mins[feature] = [float(column.min())] + qts.tolist()
            self.maxs[feature] = qts.tolist() + [float(column.max())]

    @property
    def lambdas(self) -> dict:
        """lime's name for the per-feature binning functions (only the keys are used)."""
        return self.boundaries

    def bins(self, data: np.ndarray, labels: Optional[np.ndarray]) -> list[np.ndarray]:
        """Inner bin boundaries for each feature in ``to_discretize``."""
        raise NotImplementedError("Discretizers must define bins()")

    def discretize(self, data: np.ndarray) -> np.ndarray:
        """Bin index of every continuous value (1-d row or 2-d array)."""
        ret = np.array(data, dtype=float, copy=True)
        for feature, qts in self.boundaries.items():
            ret[..., feature] = np.searchsorted(qts, ret[..., feature])
        return ret

    def undiscretize(self, data: np.ndarray, random_state: Optional[np.random.RandomState] = None,
                     ) -> np.ndarray:
        """Replace bin indices by values drawn from the bin's truncated normal.

        Draw order and values match lime's (scipy ``truncnorm.rvs``: one uniform
        per value whose bin has non-zero width, mapped through the inverse CDF).
        """
        rng = random_state if random_state is not None else self.random_state
        ret = np.array(data, dtype=float, copy=True)
        features = list(self.means)
        if features:
            bins = ret[..., features].reshape(-1, len(features)).T.astype(np.intp)
            ret[..., features] = self.sample_bins(bins, rng).T.reshape(ret[..., features].shape)
        return ret

    def sample_bins(self, bins: np.ndarray, random_state: np.random.RandomState) -> np.ndarray:
        """Values drawn for bin indices laid out feature-major.

        Parameters
        ----------
        bins : int ndarray of shape (n_discretized_features, n_rows)
            Bin index of each value; features in the order of ``self.means``
            (lime's draw order: feature after feature, row after row).
        random_state : RandomState

        Returns
        -------
        ndarray of the same shape
        """
        offsets = self.bin_tables(list(self.means))["offset"]
        return self.draw_in_bins(bins + offsets[:, None], random_state)

    def draw_in_bins(self, index: np.ndarray, random_state: np.random.RandomState) -> np.ndarray:
        """Values drawn for indices into :meth:`bin_tables` (any shape, lime's draw order)."""
        return self.values_in_bins(index, self.bin_uniforms(index, random_state))

    def bin_uniforms(self, index: np.ndarray, random_state: np.random.RandomState) -> np.ndarray:
        """The uniforms lime's ``truncnorm.rvs`` draws for values in these bins.

        One per value whose bin has non-zero width, in C order; lime draws nothing
        for the others (they get 0 here and are not used).
        """
        tables = self.bin_tables(list(self.means))
        if tables["all_wide"]:
            return random_state.random_sample(np.shape(index))
        wide = np.take(tables["wide"], index)
        uniforms = np.zeros(np.shape(index))
        uniforms[wide] = random_state.random_sample(int(np.count_nonzero(wide)))
        return uniforms

    def values_in_bins(self, index: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
        """``mean + scale * ndtri(c0 + u * c1)`` for each value's bin and uniform.

        Elementwise, with no random draws (see :meth:`bin_uniforms`); a bin of zero
        width gives its bound.
        """
        tables = self.bin_tables(list(self.means))
        c0, c1, scale, mean = tables["params"]
        index = np.ascontiguousarray(index)  # np.take is many times slower on strided indices
        values = np.take(c1, index)
        values *= uniforms
        values += np.take(c0, index)
        scipy.special.ndtri(values, out=values)
        values *= np.take(scale, index)
        values += np.take(mean, index)
        if not tables["all_wide"]:
            narrow = ~np.take(tables["wide"], index)
            values[narrow] = np.take(tables["lo"], index[narrow])
        return values

    def bin_tables(self, features: list) -> dict:
        """Per-bin constants of the truncated-normal inverse CDF, all features concatenated.

        The inverse CDF of a standard normal truncated to [a, b] is
        ``ndtri(Phi(a) + q (Phi(b) - Phi(a)))``; intervals right of zero are mirrored
        (``-ndtri(Phi(-b) + (1 - q)(Phi(-a) - Phi(-b)))``) to keep precision, as scipy
        does. Both forms are ``s * ndtri(c0 + q c1)``, so each value costs one ndtri.
        Deliberate fix: lime returns the *standardised* bound (about 0) for a bin of
        zero width (a constant column, say); we return the bin's value.
        """
        cached = getattr(self, "_tables", None)
        if cached is not None and cached[0] == features:
            return cached[1]
        lo, hi, mean, std, offset = [], [], [], [], []
        for f in features:
            offset.append(len(lo))
            lo += list(self.mins[f])
            hi += list(self.maxs[f])
            mean += list(self.means[f])
            std += list(self.stds[f])
        lo, hi, mean, std = (np.asarray(v, dtype=float) for v in (lo, hi, mean, std))
        a, b = (lo - mean) / std, (hi - mean) / std
        left = a < 0
        cdf_lo = np.where(left, scipy.special.ndtr(a), scipy.special.ndtr(-b))
        mass = np.where(left, scipy.special.ndtr(b), scipy.special.ndtr(-a)) - cdf_lo
        c0 = np.where(left, cdf_lo, cdf_lo + mass)
        c1 = np.where(left, mass, -mass)
        scale = np.where(left, std, -std)
        wide = a != b
        tables = {"lo": lo, "wide": wide, "all_wide": bool(wide.all()), "offset": np.asarray(offset),
                  "params": (c0, c1, scale, mean)}
        self._tables = (features, tables)
        return tables


class QuartileDiscretizer(BaseDiscretizer):
    """Bins at the 25th, 50th and 75th percentiles."""

    def bins(self, data, labels):
        return [np.percentile(data[:, f], [25, 50, 75]) for f in self.to_discretize]


class DecileDiscretizer(BaseDiscretizer):
    """Bins at the 10th, 20th, ..., 90th percentiles."""

    def bins(self, data, labels):
        return [np.percentile(data[:, f], np.arange(10, 100, 10)) for f in self.to_discretize]


class EntropyDiscretizer(BaseDiscretizer):
    """Bins at the thresholds of a depth-3 entropy decision tree per feature (needs labels)."""

    def __init__(self, data, categorical_features, feature_names, labels=None, random_state=None):
        if labels is None:
            raise ValueError("The entropy discretizer needs training_labels; pass training_labels=y_train.")
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.shape[0] != data.shape[0]:
            raise ValueError(
                f"training_labels must hold one label per row of training_data ({data.shape[0]}), got shape "
                f"{labels.shape}."
            )
        super().__init__(data, categorical_features, feature_names, labels=labels, random_state=random_state)

    def bins(self, data, labels):
        out = []
        for feature in self.to_discretize:
            tree = DecisionTreeClassifier(criterion="entropy", max_depth=3, random_state=self.random_state)
            tree.fit(data[:, feature].reshape(-1, 1), labels)
            qts = tree.tree_.threshold[tree.tree_.children_left > -1]
            out.append(np.sort(qts) if qts.shape[0] else np.array([np.median(data[:, feature])]))
        return out


class StatsDiscretizer(BaseDiscretizer):
    """Bins and per-bin statistics supplied by ``training_data_stats``.

    ``data_stats`` is checked by :func:`check_training_data_stats` (string keys
    from a JSON round trip are read as column indices; missing ``bins`` are
    derived from ``mins`` and ``maxs``).
    """

    def __init__(self, data, categorical_features, feature_names, labels=None, random_state=None, data_stats=None):
        if data_stats is None:
            raise ValueError("StatsDiscretizer needs data_stats (lime's training_data_stats).")
        continuous = [x for x in range(data.shape[1]) if x not in set(categorical_features)]
        data_stats = check_training_data_stats(data_stats, continuous, [])
        super().__init__(data, categorical_features, feature_names, labels=labels, random_state=random_state,
                         data_stats=data_stats)

    def bins(self, data, labels):
        return [np.asarray(self.data_stats["bins"][f], dtype=float) for f in self.to_discretize]


STATS_KEYS = ("means", "mins", "maxs", "stds", "feature_values", "feature_frequencies")


def check_stats_keys(stats: Any) -> None:
    """``training_data_stats`` is a dict with every key lime requires (``STATS_KEYS``)."""
    if not isinstance(stats, Mapping):
        raise ValueError(f"training_data_stats must be a dict, got {type(stats).__name__}.")
    missing = [key for key in STATS_KEYS if key not in stats]
    if missing:
        raise ValueError(f"training_data_stats is missing the keys {missing} (it needs {list(STATS_KEYS)}).")


def check_training_data_stats(stats: Any, continuous: Sequence[int], categorical: Sequence[int]) -> dict:
    """lime's ``training_data_stats``, checked and with integer column keys.

    Parameters
    ----------
    stats : dict
        ``means``, ``mins``, ``maxs``, ``stds``, ``feature_values``,
        ``feature_frequencies`` and optionally ``bins``, each a dict keyed by
        column index (ints, or their strings after a JSON round trip).
    continuous : sequence of int
        Columns to discretize: each needs its inner bin boundaries (``bins``, or
        derived from ``mins[f][1:]`` when that equals ``maxs[f][:-1]``, which is
        how lime's discretizers lay them out) and one mean, std, min and max per bin.
    categorical : sequence of int
        Columns sampled from ``feature_values`` with ``feature_frequencies``.

    Returns
    -------
    dict
        A new dict with integer keys and a ``bins`` entry for every continuous column.

    Raises
    ------
    ValueError
        Naming the missing key or column and what it needs.
    """
    check_stats_keys(stats)
    out = dict(stats)
    for key in STATS_KEYS + ("bins",):
        if key in stats and stats[key] is not None:
            out[key] = int_keyed(f"training_data_stats[{key!r}]", stats[key])
    given_bins = out["bins"] if out.get("bins") is not None else {}
    bins = {}
    for f in continuous:
        for key in ("means", "stds", "mins", "maxs"):
            if out[key].get(f) is None:
                raise ValueError(f"training_data_stats[{key!r}] has no entry for column {f}, which is discretized.")
        if given_bins.get(f) is not None:
            qts = np.unique(np.asarray(given_bins[f], dtype=float))
        else:
            lows, highs = np.asarray(out["mins"][f], dtype=float), np.asarray(out["maxs"][f], dtype=float)
            if lows.shape != highs.shape or lows.size < 2 or not np.allclose(lows[1:], highs[:-1]):
                raise ValueError(
                    f"training_data_stats has no 'bins' for column {f}, which is discretized, and they cannot be "
                    f"derived from its 'mins' and 'maxs'; add 'bins': {{{f}: [inner bin boundaries]}}."
                )
            qts = np.unique(lows[1:])
        bins[f] = qts
        for key in ("means", "stds", "mins", "maxs"):
            if len(out[key][f]) != len(qts) + 1:
                raise ValueError(
                    f"training_data_stats[{key!r}][{f}] has {len(out[key][f])} entries; column {f} has "
                    f"{len(qts)} bin boundaries, so it needs one per bin ({len(qts) + 1})."
                )
    out["bins"] = {**given_bins, **bins}
    for f in categorical:
        values, counts = out["feature_values"].get(f), out["feature_frequencies"].get(f)
        if values is None or counts is None:
            raise ValueError(
                f"training_data_stats needs 'feature_values' and 'feature_frequencies' for column {f}, which is "
                "sampled from them (every column when discretizing, else the categorical ones)."
            )
        counts = np.asarray(counts, dtype=float)
        if np.shape(values) != counts.shape or counts.ndim != 1 or not counts.size:
            raise ValueError(
                f"training_data_stats['feature_values'][{f}] and ['feature_frequencies'][{f}] must be lists of "
                f"the same length, got {np.shape(values)} and {counts.shape}."
            )
        if not np.all(np.isfinite(counts)) or counts.min() < 0 or counts.sum() <= 0:
            raise ValueError(
                f"training_data_stats['feature_frequencies'][{f}] must be non-negative with a positive sum, got "
                f"{counts.tolist()}."
            )
    return out


DISCRETIZERS = {"quartile": QuartileDiscretizer, "decile": DecileDiscretizer, "entropy": EntropyDiscretizer}
