"""lime-compatible submodular pick (``from lime_widget import submodular_pick``)."""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional

import numpy as np

from .core.many import explain_many
from .core.pick import explanation_matrix, global_importance, greedy_pick
from .core.random import random_state_for_call
from .core.validation import check_integer, check_option

PICK_METHODS = ("sample", "full")


def _row(data: Any, index: int) -> Any:
    # a DataFrame's [] selects columns; rows need .iloc
    return data.iloc[index] if hasattr(data, "iloc") else data[index]


class SubmodularPick:
    """Explain many instances and pick a few that cover the important features (SP-LIME).

    Compatible with ``lime.submodular_pick.SubmodularPick``.

    Parameters
    ----------
    explainer : object
        Any explainer with ``explain_instance(instance, predict_fn, num_features=...,
        top_labels=..., **kwargs)`` (tabular, text or image).
    data : sequence, ndarray or pandas DataFrame
        Candidate instances, one per row (strings for text).
    predict_fn : callable
        The model, as for ``explain_instance``.
    method : {'sample', 'full'}, default 'sample'
        ``sample`` explains ``sample_size`` rows drawn without replacement;
        ``full`` explains every row.
    sample_size : int, default 1000
        Capped at ``len(data)`` with a warning.
    num_exps_desired : int, default 5
        How many explanations to pick; capped at the number explained, with a
        warning.
    num_features : int, default 10
        ``num_features`` of each explanation.
    n_jobs : int, optional
        Explain the candidates in parallel with joblib (not in lime); ``None``
        explains them one after another unless a ``joblib.parallel_config`` says
        otherwise. With an integer ``random_state`` the result does not depend on
        it.
    **kwargs
        Passed to ``explain_instance``; ``top_labels`` defaults to 1 (as lime).

    Attributes
    ----------
    explanations : list
        Every candidate explanation, in the order explained.
    V : list of int
        Indices into ``explanations`` of the picked ones, in pick order.
    sp_explanations : list
        The picked explanations.
    sample_indices : ndarray of int
        The rows of ``data`` that were explained (``explanations[k]`` explains
        ``data[sample_indices[k]]``).
    W, features, importance
        The explanation matrix, its column names and the global importance.

    Notes
    -----
    The sample is drawn with the explainer's ``random_state`` (an int seed gives
    the same sample every time); lime shuffles with numpy's global generator,
    which is what happens here when the explainer's ``random_state`` is None.
    """

    def __init__(
        self,
        explainer: Any,
        data: Any,
        predict_fn: Callable,
        method: str = "sample",
        sample_size: int = 1000,
        num_exps_desired: int = 5,
        num_features: int = 10,
        *,
        n_jobs: Optional[int] = None,
        **kwargs: Any,
    ):
        top_labels = kwargs.pop("top_labels", 1)
        n_rows = len(data)
        if n_rows == 0:
            raise ValueError("data is empty: submodular pick needs at least one instance to explain.")
        # checked before any explanation is computed (lime checks after)
        num_exps_desired = check_integer("num_exps_desired", num_exps_desired)
        check_option("method", method, PICK_METHODS)
        if method == "sample":
            sample_size = check_integer("sample_size", sample_size, expected="a positive integer")
            if sample_size > n_rows:
                warnings.warn(
                    f"Requested sample size {sample_size} is larger than the data ({n_rows} rows); using all data.",
                    UserWarning,
                    stacklevel=2,
                )
                sample_size = n_rows
            indices = np.arange(n_rows)
            random_state_for_call(getattr(explainer, "random_state", None)).shuffle(indices)
            self.sample_indices = indices[:sample_size]
        else:
            self.sample_indices = np.arange(n_rows)

        self.explanations = explain_many(explainer, [_row(data, int(i)) for i in self.sample_indices], predict_fn,
                                         n_jobs=n_jobs, errors="raise", num_features=num_features,
                                         top_labels=top_labels, **kwargs)
        if num_exps_desired > len(self.explanations):
            warnings.warn(
                f"Requested {num_exps_desired} explanations but only {len(self.explanations)} were computed; "
                "returning all of them.",
                UserWarning,
                stacklevel=2,
            )
        self.W, self.features = explanation_matrix(self.explanations)
        self.importance = global_importance(self.W)
        self.V = greedy_pick(self.W, num_exps_desired, self.importance)
        self.sp_explanations = [self.explanations[i] for i in self.V]


__all__ = ["SubmodularPick"]
