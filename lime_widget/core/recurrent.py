"""LIME for sequence models taking (n_samples, n_timesteps, n_features) input."""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

import numpy as np

from .tabular import TabularExplainer
from .validation import check_instance_not_function, check_predict_fn


class RecurrentTabularExplainer(TabularExplainer):
    """Tabular LIME for keras-style recurrent models, as ``lime``'s explainer of that name.

    Each (feature, timestep) pair becomes one tabular feature named
    ``'<feature>_t-<lag>'``; rows are flattened feature-major, and ``classifier_fn``
    receives arrays of shape ``(n, n_timesteps, n_features)`` again.

    Parameters
    ----------
    training_data : ndarray of shape (n_samples, n_timesteps, n_features)
    feature_names : sequence of str
        One name per feature (not per timestep).
    **kwargs
        The other parameters of :class:`TabularExplainer`.
    """

    def __init__(self, training_data: np.ndarray, mode: str = "classification", training_labels: Any = None,
                 feature_names: Optional[Sequence[str]] = None, **kwargs: Any):
        training_data = np.asarray(training_data)
        if training_data.ndim != 3:
            raise ValueError(
                f"training_data must have shape (n_samples, n_timesteps, n_features), got {training_data.shape}."
            )
        n_samples, self.n_timesteps, self.n_features = training_data.shape
        if feature_names is None:
            feature_names = [str(i) for i in range(self.n_features)]
        if len(feature_names) != self.n_features:
            raise ValueError(f"feature_names has {len(feature_names)} names for {self.n_features} features.")
        names = [f"{name}_t-{self.n_timesteps - (t + 1)}" for name in feature_names for t in range(self.n_timesteps)]
        flat = np.transpose(training_data, axes=(0, 2, 1)).reshape(n_samples, self.n_timesteps * self.n_features)
        super().__init__(flat, mode=mode, training_labels=training_labels, feature_names=names, **kwargs)

    def _sequences(self, rows: np.ndarray) -> np.ndarray:
        """Flattened rows back to (n, n_timesteps, n_features)."""
        return np.transpose(rows.reshape(len(rows), self.n_features, self.n_timesteps), axes=(0, 2, 1))

    def explain_instance(self, data_row: np.ndarray, classifier_fn: Callable[[np.ndarray], Any],
                         *args: Any, **kwargs: Any):
        """Explain one sequence of shape ``(n_timesteps, n_features)``; see :class:`TabularExplainer`."""
        check_instance_not_function("data_row", data_row, "classifier_fn", classifier_fn)
        check_predict_fn("classifier_fn", classifier_fn)
        data_row = np.asarray(data_row)
        if data_row.shape != (self.n_timesteps, self.n_features):
            raise ValueError(
                f"data_row must have shape (n_timesteps, n_features) = {(self.n_timesteps, self.n_features)}, "
                f"got {data_row.shape}."
            )

        def predict_sequences(rows: np.ndarray) -> Any:
            return classifier_fn(self._sequences(np.asarray(rows)))

        return super().explain_instance(data_row.T.reshape(-1), predict_sequences, *args, **kwargs)
