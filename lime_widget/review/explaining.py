"""How a row under review is explained: which explainer, which labels, which settings.

No LIME maths here: the explainer's ``explain_instance`` does the work.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Sequence

import pandas as pd

from ..convenience import make_explainer
from ..core.validation import check_integer, check_num_samples
from .data import ReviewData
from .outcomes import Outcomes

#: A row's neighbourhood is predicted in this many batches, so the progress bar moves.
PROGRESS_STEPS = 10
#: lime's default neighbourhood size for tables and texts (images default to 1000 in the explainer).
DEFAULT_NUM_SAMPLES = 5000


class RowExplainer:
    """``row_explainer(index, progress)`` -> the row's explanation.

    Classification rows explain the predicted and the true class, so switching to
    the true class in the view costs no model call.

    Parameters
    ----------
    explainer : lime-widget explainer
    predict_fn : callable
    data : ReviewData
    outcomes : Outcomes
    num_features, num_samples : int, optional
        The explainer's defaults when omitted.
    explain_kwargs : dict, optional
        More ``explain_instance`` arguments (``segmentation_fn``, ``hide_color``, ``batch_size``...).
    """

    def __init__(self, explainer: Any, predict_fn: Callable[[Any], Any], data: ReviewData, outcomes: Outcomes,
                 num_features: Optional[int] = None, num_samples: Optional[int] = None,
                 explain_kwargs: Optional[dict] = None):
        self.explainer = explainer
        self.predict_fn = predict_fn
        self.data = data
        self.outcomes = outcomes
        kwargs = {} if explain_kwargs is None else dict(explain_kwargs)
        if num_features is not None:
            kwargs["num_features"] = check_integer("num_features", num_features)
        if num_samples is not None:
            kwargs["num_samples"] = check_num_samples(num_samples)
        if data.modality != "image" and "batch_size" not in kwargs:
            kwargs["batch_size"] = max(1, math.ceil(kwargs.get("num_samples", DEFAULT_NUM_SAMPLES) / PROGRESS_STEPS))
        self.kwargs = kwargs

    def __call__(self, index: int, progress: Callable[[float], None]) -> Any:
        kwargs = dict(self.kwargs)
        if self.outcomes.mode == "classification":
            pred, true = int(self.outcomes.pred[index]), int(self.outcomes.true[index])
            kwargs.setdefault("labels", tuple(sorted({pred, true})))
            kwargs.setdefault("top_labels", None)
        # the image explainer names its progress hook after lime's progress_bar argument
        kwargs["progress_bar" if self.data.modality == "image" else "progress"] = progress
        return self.explainer.explain_instance(self.data.instance(index), self.predict_fn, **kwargs)


def default_explainer(data: ReviewData, X: Any, mode: str, training_data: Any = None,
                      class_names: Optional[Sequence[str]] = None, feature_names: Optional[Sequence[str]] = None,
                      random_state: Any = 0, explainer_kwargs: Optional[dict] = None) -> Any:
    """The explainer for ``data``'s modality; tabular rows are perturbed like ``training_data`` (default: X)."""
    kwargs = {} if explainer_kwargs is None else dict(explainer_kwargs)
    if data.modality == "tabular":
        if training_data is None:
            training_data = X
        if feature_names is not None and not isinstance(training_data, pd.DataFrame):
            kwargs.setdefault("feature_names", list(feature_names))
    return make_explainer(data.modality, mode, training_data, class_names, random_state, **kwargs)
