"""Drop-in for ``lime.lime_base``: the local surrogate on data you sampled yourself."""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from .core.neighborhood import validate_label
from .core.settings import cap_num_features
from .core.surrogate import WeightedDesign, fit_label, print_fit, select_features, validate_feature_selection
from .core.validation import check_callable, check_model_regressor


class LimeBase:
    """Learn lime's locally weighted linear surrogate from a given neighbourhood.

    Parameters
    ----------
    kernel_fn : callable
        Turns an array of distances into proximity weights.
    verbose : bool, default False
        Print the intercept, the local prediction and the model's value.
    random_state : ignored
        Accepted for compatibility; the surrogate is deterministic.
    """

    def __init__(self, kernel_fn: Callable[[np.ndarray], np.ndarray], verbose: bool = False,
                 random_state: Any = None):
        self.kernel_fn = check_callable("kernel_fn", kernel_fn, "a function distances -> proximity weights")
        self.verbose = verbose
        self.random_state = random_state

    def feature_selection(self, data: np.ndarray, labels: np.ndarray, weights: np.ndarray, num_features: int,
                          method: str) -> np.ndarray:
        """Indices of the features lime's ``method`` selects."""
        return select_features(WeightedDesign(data, weights).target(labels), num_features, method)

    def explain_instance_with_data(self, neighborhood_data: np.ndarray, neighborhood_labels: np.ndarray,
                                   distances: np.ndarray, label: int, num_features: int,
                                   feature_selection: str = "auto", model_regressor: Optional[Any] = None):
        """``(intercept, [(feature, weight), ...], score, local_pred)`` exactly as lime returns them.

        Row 0 of ``neighborhood_data`` is the explained instance.
        """
        check_model_regressor(model_regressor)
        validate_feature_selection(feature_selection)
        neighborhood_labels = np.asarray(neighborhood_labels)
        if neighborhood_labels.ndim != 2:
            raise ValueError(f"neighborhood_labels must be 2-D (n_samples, n_labels), got shape "
                             f"{neighborhood_labels.shape}.")
        validate_label(label, neighborhood_labels.shape[1])
        cap_num_features(num_features, np.shape(neighborhood_data)[1])
        weights = np.asarray(self.kernel_fn(distances), dtype=float)
        if weights.shape != np.shape(distances) or not np.all(np.isfinite(weights)):
            raise ValueError("kernel_fn must return one finite weight per distance.")
        fit = fit_label(WeightedDesign(np.asarray(neighborhood_data, dtype=float), weights),
                        np.asarray(neighborhood_labels)[:, label], label, num_features, feature_selection,
                        model_regressor)
        if self.verbose:
            print_fit(fit, neighborhood_labels[0, label])
        return fit.intercept, fit.weights, fit.score, np.array([fit.local_pred])
