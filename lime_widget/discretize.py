"""lime's ``lime.discretize``: discretizers with lime's constructors, on our fast core.

Subclass :class:`BaseDiscretizer` and define ``bins(data, labels)`` for bins of your
own, then pass an instance as ``LimeTabularExplainer(..., discretizer=...)``; values
inside a bin are then drawn from the discretizer's own ``random_state``, as lime does.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable, Optional, Sequence

import numpy as np
from sklearn.utils import check_random_state

from .core import discretize as _core


class BaseDiscretizer(_core.BaseDiscretizer):
    """Bins every non-categorical column; subclasses define :meth:`bins`.

    Parameters
    ----------
    data : ndarray of shape (n_samples, n_features)
        Training data.
    categorical_features : sequence of int
        Columns that are not discretized.
    feature_names : sequence of str
        One name per column (used in the bin names, e.g. ``'x <= 2.30'``).
    labels : array-like, optional
        Training labels, for discretizers that need them.
    random_state : None, int or numpy.random.RandomState
        Generator of :meth:`undiscretize` (scikit-learn's ``check_random_state``:
        an int makes a new ``RandomState``, which then advances, as in lime).
    data_stats : dict, optional
        Precomputed per-bin ``means``, ``stds``, ``mins`` and ``maxs``.

    Attributes
    ----------
    to_discretize : list of int
    names : dict of int to list of str
        Name of every bin of every discretized column.
    means, stds, mins, maxs : dict of int to list of float
        Per-bin statistics of every discretized column.
    """

    def __init__(self, data: Any, categorical_features: Sequence[int], feature_names: Sequence[str],
                 labels: Optional[Any] = None, random_state: Any = None, data_stats: Optional[dict] = None):
        # the core's constructor is called by name: core subclasses (the entropy
        # discretizer) have narrower constructors than lime's base class
        _core.BaseDiscretizer.__init__(self, np.asarray(data), list(categorical_features), feature_names,
                                       labels=labels, random_state=check_random_state(random_state),
                                       data_stats=data_stats)

    @property
    def lambdas(self) -> dict[int, Callable[[Any], np.ndarray]]:
        """Per discretized column, a function from values to bin indices (lime's attribute)."""
        return {feature: partial(np.searchsorted, qts) for feature, qts in self.boundaries.items()}


class StatsDiscretizer(BaseDiscretizer, _core.StatsDiscretizer):
    """Bins given in ``data_stats['bins']`` (``{feature: inner boundaries}``) with their statistics."""


class QuartileDiscretizer(BaseDiscretizer, _core.QuartileDiscretizer):
    """Bins at the 25th, 50th and 75th percentiles of each column."""

    def __init__(self, data: Any, categorical_features: Sequence[int], feature_names: Sequence[str],
                 labels: Optional[Any] = None, random_state: Any = None):
        super().__init__(data, categorical_features, feature_names, labels=labels, random_state=random_state)


class DecileDiscretizer(BaseDiscretizer, _core.DecileDiscretizer):
    """Bins at the 10th, 20th, ..., 90th percentiles of each column."""

    def __init__(self, data: Any, categorical_features: Sequence[int], feature_names: Sequence[str],
                 labels: Optional[Any] = None, random_state: Any = None):
        super().__init__(data, categorical_features, feature_names, labels=labels, random_state=random_state)


class EntropyDiscretizer(BaseDiscretizer, _core.EntropyDiscretizer):
    """Bins at the thresholds of a depth-3 entropy decision tree per column.

    Raises
    ------
    ValueError
        ``labels`` is None (the trees are fitted on them).
    """

    def __init__(self, data: Any, categorical_features: Sequence[int], feature_names: Sequence[str],
                 labels: Optional[Any] = None, random_state: Any = None):
        if labels is None:
            raise ValueError("The entropy discretizer needs the training labels the trees are fitted on: pass "
                             "training_labels=y_train to the explainer (labels= to EntropyDiscretizer).")
        super().__init__(data, categorical_features, feature_names, labels=labels, random_state=random_state)


__all__ = ["BaseDiscretizer", "DecileDiscretizer", "EntropyDiscretizer", "QuartileDiscretizer",
           "StatsDiscretizer"]
