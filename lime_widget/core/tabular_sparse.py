"""Sparse (scipy.sparse) tabular input, sampled as ``lime.lime_tabular`` samples it.

lime perturbs a sparse row only where it is non-zero: every perturbed row keeps the
explained row's zero columns at zero and draws the non-zero columns from normals
scaled by the training data's standard deviations. Here the ``k`` non-zero columns
are worked as a dense ``num_samples x k`` block; the model receives a CSR matrix
with ``num_samples * k`` stored values, and neither the training data nor the
neighbourhood is ever densified to all columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
import scipy.stats


def is_sparse(values: Any) -> bool:
    return scipy.sparse.issparse(values)


def check_sparse_training_data(data: Any) -> scipy.sparse.csr_matrix:
    """The training data as CSR, checked: two-dimensional, not empty, finite.

    Raises
    ------
    ValueError
        A wrong shape, no rows or columns, or NaN/infinite stored values.
    """
    if len(data.shape) != 2:
        raise ValueError(f"training_data must be 2-dimensional (rows x features), got shape {data.shape}.")
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise ValueError(f"training_data is empty (shape {data.shape}); it needs rows and columns.")
    data = scipy.sparse.csr_matrix(data, dtype=float)
    if not np.all(np.isfinite(data.data)):
        raise ValueError("training_data contains NaN or infinite values; impute or drop them first.")
    return data


def check_sparse_row(data_row: Any, n_features: int) -> scipy.sparse.csr_matrix:
    """One sparse row as a ``(1, n_features)`` CSR matrix (lime's shape for sparse rows).

    Raises
    ------
    ValueError
        Not one row of ``n_features`` columns, or NaN/infinite stored values.
    """
    if data_row.shape not in ((1, n_features), (n_features,)):
        raise ValueError(
            f"data_row must be one row of {n_features} values (a sparse matrix of shape (1, {n_features})), "
            f"got shape {data_row.shape}."
        )
    row = scipy.sparse.csr_matrix(data_row, dtype=float).reshape(1, n_features)
    if len(np.unique(row.indices)) != len(row.indices):  # a column stored twice means their sum
        row.sum_duplicates()
    if not np.all(np.isfinite(row.data)):
        raise ValueError("data_row contains NaN or infinite values.")
    return row


@dataclass(frozen=True)
class SparseSample:
    """A neighbourhood of a sparse row: only its non-zero columns vary.

    Attributes
    ----------
    columns : int ndarray of shape (k,)
        The row's non-zero columns, ascending.
    values : ndarray of shape (num_samples, k)
        Model-space values of those columns; row 0 is the explained row.
    n_features : int
        Number of columns of the full rows.
    """

    columns: np.ndarray
    values: np.ndarray
    n_features: int

    @classmethod
    def draw(cls, row: scipy.sparse.csr_matrix, num_samples: int, rng: np.random.RandomState, scale: np.ndarray,
             mean: np.ndarray, sample_around_instance: bool, sampling_method: str) -> "SparseSample":
        """Perturb ``row``'s non-zero columns, consuming ``rng`` as lime does.

        lime draws ``num_samples * k`` standard normals, one row of ``k`` per
        sample, the ``k`` columns in the row's storage order (what
        ``row.nonzero()`` returns), and centres them on the training mean (or on
        the row with ``sample_around_instance``).
        """
        nonzero = row.indices[row.data != 0]
        k = len(nonzero)
        if sampling_method == "lhs" and k:
            cube = scipy.stats.qmc.LatinHypercube(d=k, seed=rng).random(num_samples)
            noise = scipy.stats.norm.ppf(cube)
        else:
            noise = rng.normal(0, 1, num_samples * k).reshape(num_samples, k)
        row_values = row.toarray()[0, nonzero]
        values = noise * scale[nonzero]
        values += row_values if sample_around_instance else mean[nonzero]
        values[0] = row_values
        order = np.argsort(nonzero, kind="stable")
        return cls(nonzero[order].astype(np.intp), np.ascontiguousarray(values[:, order]), int(row.shape[1]))

    def model_rows(self) -> scipy.sparse.csr_matrix:
        """The rows the model sees: CSR, ``(num_samples, n_features)``, ``k`` values per row."""
        num_samples, k = self.values.shape
        indptr = np.arange(0, k * (num_samples + 1), k) if k else np.zeros(num_samples + 1, dtype=np.intp)
        return scipy.sparse.csr_matrix((self.values.ravel(), np.tile(self.columns, num_samples), indptr),
                                       shape=(num_samples, self.n_features))

    def scaled(self, scaler_scale: np.ndarray) -> np.ndarray:
        """The varying columns divided by the training scale, ``(num_samples, k)``.

        Deliberate fix: lime *multiplies* sparse rows by the scale (its dense rows
        are divided); dividing keeps features in different units comparable, as
        the scaling is meant to, and gives the dense path's distances. No mean is
        subtracted (it would make the rows dense); it cancels in distances and in
        the surrogate's coefficients.
        """
        return self.values / scaler_scale[self.columns]

    def scaled_rows(self, scaler_scale: np.ndarray) -> scipy.sparse.csr_matrix:
        """:meth:`scaled` as full-width CSR rows (for distance metrics other than euclidean)."""
        return SparseSample(self.columns, self.scaled(scaler_scale), self.n_features).model_rows()
