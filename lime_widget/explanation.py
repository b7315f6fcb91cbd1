"""lime-compatible ``lime.explanation`` (``from lime_widget.explanation import Explanation``)."""

from __future__ import annotations

import string
from typing import Optional, Union

import numpy as np
from sklearn.utils import check_random_state

from .core.exceptions import LimeError
from .core.explanation import DomainMapper
from .core.explanation import Explanation as CoreExplanation
from .display import Displayable

_ID_CHARACTERS = list(string.ascii_uppercase + string.digits)


class Explanation(Displayable, CoreExplanation):
    """A LIME explanation that also shows itself as a live widget in notebooks."""


def id_generator(size: int = 15, random_state: Optional[Union[int, np.random.RandomState]] = None) -> str:
    """A random identifier of ``size`` upper-case letters and digits (lime's HTML div ids).

    Parameters
    ----------
    size : int, default 15
    random_state : None, int or numpy.random.RandomState
        As scikit-learn's ``check_random_state``; a ``RandomState`` gives lime's
        identifier for the same generator state (one ``choice`` over the 36 characters).

    Returns
    -------
    str
    """
    rng = check_random_state(random_state)
    return "".join(rng.choice(_ID_CHARACTERS, size, replace=True))


__all__ = ["DomainMapper", "Explanation", "LimeError", "id_generator"]
