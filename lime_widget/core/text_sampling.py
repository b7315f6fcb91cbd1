"""The text neighbourhood: which features each perturbed row removes, and its distance."""

from __future__ import annotations

from typing import Callable, Optional, Union

import numpy as np

# Rows whose random permutations are drawn into one buffer before the mask is
# written with a single vectorised scatter (bounds the buffer's memory).
_ROWS_PER_BLOCK = 256

DistanceMetric = Union[str, Callable]

# Without a batch_size, perturbed documents are built and sent to the model in batches
# of at most this many characters, so a long document's neighbourhood never exists as
# strings all at once (a 100,000-word document times 5000 samples is gigabytes).
_CHARS_PER_BATCH = 1 << 24


def documents_per_batch(text: str, num_samples: int, batch_size: Optional[int]) -> Optional[int]:
    """The batch size to use: ``batch_size`` if given, else ``None`` (one call, as lime) when
    all perturbed documents together stay under ``_CHARS_PER_BATCH`` characters, else as many
    documents as fit in that."""
    if batch_size is not None or len(text) * num_samples <= _CHARS_PER_BATCH:
        return batch_size
    return max(1, _CHARS_PER_BATCH // max(len(text), 1))


def document_bytes(text: str) -> int:
    """Upper bound of the memory one perturbed copy of ``text`` takes as a Python string."""
    width = 1 if text.isascii() else 4
    return 64 + width * len(text)


def sample_active(rng: np.random.RandomState, n_features: int, num_samples: int) -> np.ndarray:
    """Which features every neighbourhood row keeps, with lime's random draws.

    lime draws how many features each row removes,
    ``randint(1, n_features + 1, num_samples - 1)``, then for every row
    ``choice(range(n_features), size, replace=False)``, which is the first
    ``size`` entries of a random permutation. We draw the same permutations in
    the same order (one C-level ``shuffle`` per row: the number of generator
    draws a shuffle consumes depends on rejection sampling, so it cannot be
    batched without changing the stream), then build the whole mask at once.

    Parameters
    ----------
    rng : numpy.random.RandomState
    n_features : int
        Number of interpretable features (>= 1).
    num_samples : int
        Rows including row 0, the unperturbed document.

    Returns
    -------
    ndarray of bool, shape (num_samples, n_features)
        ``True`` where the row keeps the feature; row 0 keeps everything.
    """
    sizes = rng.randint(1, n_features + 1, num_samples - 1)
    active = np.ones((num_samples, n_features), dtype=bool)
    identity = np.arange(n_features, dtype=np.intp)
    for start in range(0, num_samples - 1, _ROWS_PER_BLOCK):
        stop = min(start + _ROWS_PER_BLOCK, num_samples - 1)
        perms = np.tile(identity, (stop - start, 1))
        for row in perms:
            rng.shuffle(row)
        # a feature is removed when it lands among the first `size` of its row's permutation;
        # scatter through flat indices (cheaper than put_along_axis' broadcast fancy index)
        kept = identity[None, :] >= sizes[start:stop, None]
        flat = perms + (np.arange(stop - start) * n_features)[:, None]
        active[start + 1: stop + 1].reshape(-1)[flat.ravel()] = kept.ravel()
    return active


def neighborhood_distances(active: np.ndarray, metric: DistanceMetric = "cosine") -> np.ndarray:
    """Distance of every row to row 0, times 100 (lime's text convention).

    Cosine distance to the all-ones row depends only on how many features a row
    keeps, ``1 - sqrt(kept / n_features)``, so it is computed in closed form;
    other metrics go to :func:`sklearn.metrics.pairwise_distances`.
    """
    if isinstance(metric, str) and metric == "cosine":
        kept = np.count_nonzero(active, axis=1)
        return (1.0 - np.sqrt(kept / active.shape[1])) * 100
    from sklearn.metrics import pairwise_distances

    rows = active.astype(float)
    return pairwise_distances(rows, rows[:1], metric=metric).ravel() * 100
