"""Submodular pick (SP-LIME, Ribeiro et al. 2016, algorithm 2), as lime 0.2.0.1 does it.

Given many explanations, pick a few that together cover the features that matter
most globally: the explanation matrix ``W`` (explanations x features), the global
importance ``I_j = sqrt(sum_i |W_ij|)``, and a greedy maximisation of the
coverage ``c(V) = sum_j I_j [exists i in V: W_ij != 0]``.
"""

from __future__ import annotations

from typing import Any, Hashable, Sequence

import numpy as np


def explanation_matrix(explanations: Sequence[Any]) -> tuple[np.ndarray, list[Hashable]]:
    """The explanations x features weight matrix, lime's way.

    Features are identified by what ``as_list`` names them (so the same rule or
    word in two explanations is one column), in order of first appearance. A
    classification explanation contributes every available label (weights of one
    feature are summed across labels); a regression explanation its label 1.

    Returns
    -------
    W : ndarray of shape (n_explanations, n_distinct_features)
    features : list
        The feature name of each column.
    """
    columns: dict[Hashable, int] = {}
    rows, cols, values = [], [], []
    for i, exp in enumerate(explanations):
        labels = exp.available_labels() if exp.mode == "classification" else [1]
        for label in labels:
            for feature, weight in exp.as_list(label=label):
                cols.append(columns.setdefault(feature, len(columns)))
                rows.append(i)
                values.append(weight)
    W = np.zeros((len(explanations), len(columns)))
    # unbuffered add: a feature seen under several labels accumulates, as lime's +=
    np.add.at(W, (np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)), np.asarray(values, dtype=float))
    return W, list(columns)


def global_importance(W: np.ndarray) -> np.ndarray:
    """``I_j = sqrt(sum_i |W_ij|)``."""
    return np.sum(np.abs(W), axis=0) ** 0.5


def greedy_pick(W: np.ndarray, num_exps_desired: int, importance: np.ndarray | None = None) -> list[int]:
    """Indices of the explanations chosen by lime's greedy coverage maximisation.

    Each step adds the explanation whose features, joined with those already
    covered, have the largest total importance. Ties go to the highest index:
    lime scans the remaining indices in increasing order and keeps the last one
    with ``coverage >= best``.

    Parameters
    ----------
    W : ndarray of shape (n_explanations, n_features)
    num_exps_desired : int
        Capped at the number of explanations.
    importance : ndarray of shape (n_features,), optional
        Defaults to :func:`global_importance` of ``W``.

    Returns
    -------
    list of int
    """
    if importance is None:
        importance = global_importance(W)
    n = W.shape[0]
    used = np.abs(W) > 0
    covered = np.zeros(W.shape[1], dtype=bool)
    remaining = np.ones(n, dtype=bool)
    picked: list[int] = []
    for _ in range(min(int(num_exps_desired), n)):
        coverage = (used | covered).astype(float) @ importance
        coverage[~remaining] = -np.inf
        best = coverage.max()
        # equal coverage sets give bit-identical sums; a relative tolerance only
        # absorbs summation-order noise between different sets with equal sums
        ties = np.flatnonzero(coverage >= best - 1e-12 * max(abs(best), 1.0))
        choice = int(ties[-1])
        picked.append(choice)
        remaining[choice] = False
        covered |= used[choice]
    return picked
