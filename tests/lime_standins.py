"""Stand-ins for what lime's own tests need from this machine's environment.

lime's shipped tests (``lime/tests``) fail here for reasons outside any LIME code:
they download 20 newsgroups, compare ragged lists with ``np.array_equal`` (numpy 2
no longer builds ragged arrays, so the comparison is always False) and call
``quickshift(random_seed=...)`` (scikit-image renamed the argument ``rng``). The
conformance test (``test_lime_conformance.py``) points those tests' own imports at
the stand-ins below, so the behaviour the tests check is still checked; the
library under test keeps using the real numpy, scikit-image and scikit-learn.
"""

from __future__ import annotations

import gzip
import json
import types
from pathlib import Path
from typing import Any, Optional, Sequence

import numpy
import sklearn.datasets
from skimage import segmentation
from sklearn.utils import Bunch

OFFLINE_NEWSGROUPS = Path(__file__).resolve().parents[1] / "notebooks" / "data" / "newsgroups_offline.json.gz"


def fetch_20newsgroups(subset: str = "train", categories: Optional[Sequence[str]] = None, **kwargs: Any) -> Bunch:
    """scikit-learn's ``fetch_20newsgroups`` when the data is on disk, else the offline corpus.

    The offline corpus (``notebooks/data/make_offline_newsgroups.py``) holds
    synthetic ``alt.atheism`` and ``soc.religion.christian`` posts, the two
    categories lime's tests use.
    """
    try:
        return sklearn.datasets.fetch_20newsgroups(subset=subset, categories=categories,
                                                   download_if_missing=False, **kwargs)
    except OSError:
        pass
    with gzip.open(OFFLINE_NEWSGROUPS, "rt", encoding="utf8") as fh:
        corpus = json.load(fh)
    names = corpus["target_names"]
    if categories is not None and not set(categories) <= set(names):
        raise OSError(f"the offline stand-in only has the categories {names}, not {sorted(categories)}")
    part = corpus[subset]
    return Bunch(data=list(part["data"]), target=numpy.asarray(part["target"]), target_names=list(names),
                 filenames=numpy.array([f"offline/{subset}/{i}" for i in range(len(part["data"]))]),
                 DESCR=corpus["description"])


def quickshift(image: Any, *args: Any, random_seed: Optional[int] = None, **kwargs: Any) -> numpy.ndarray:
    """``skimage.segmentation.quickshift`` that also takes its old ``random_seed`` argument."""
    if random_seed is not None:
        kwargs["rng"] = random_seed
    return segmentation.quickshift(image, *args, **kwargs)


def _nested_equal(a: Any, b: Any) -> bool:
    try:
        return bool(numpy.array_equal(numpy.asarray(a), numpy.asarray(b)))
    except ValueError:  # ragged: compare element by element, as numpy < 1.24 did on object arrays
        return len(a) == len(b) and all(_nested_equal(x, y) for x, y in zip(a, b))


def _array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> bool:
    try:
        numpy.asarray(a1), numpy.asarray(a2)
    except ValueError:
        return _nested_equal(a1, a2)
    return bool(numpy.array_equal(a1, a2, equal_nan=equal_nan))


# numpy for a test module's own use, with an array_equal that still compares ragged lists
numpy_ragged = types.ModuleType("numpy_ragged")
numpy_ragged.__dict__.update({k: v for k, v in vars(numpy).items() if not k.startswith("__")})
numpy_ragged.array_equal = _array_equal
