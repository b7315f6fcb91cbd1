"""Random state handling, scikit-learn style, with lime's draw order."""

from __future__ import annotations

from typing import Callable, Hashable, Optional, TypeVar, Union

import numpy as np

from .validation import as_generator, is_integer

RandomStateLike = Optional[Union[int, np.integer, np.random.RandomState]]
T = TypeVar("T")

# draws an explainer keeps for reuse, at most this big
_KEPT_DRAWS_MAX_BYTES = 64 << 20


def random_state_for_call(random_state: RandomStateLike, state: Optional[dict] = None) -> np.random.RandomState:
    """The generator one ``explain_instance`` call draws from.

    An integer seed gives a *fresh* generator on every call, so the same seed gives
    the same explanation every time (lime's explainers keep advancing one generator
    and drift). ``state`` (from ``RandomState.get_state()``) replays draws lime
    makes while constructing an explainer, so the first call matches lime's.
    ``None`` uses numpy's global generator and a ``RandomState`` instance is used
    as is, like scikit-learn's ``check_random_state``.
    """
    rng = as_generator(random_state)
    if state is not None and is_seed(random_state):
        rng.set_state(state)
    return rng


def is_seed(random_state: RandomStateLike) -> bool:
    """Whether ``random_state`` is an integer seed (every call then draws the same)."""
    return is_integer(random_state)


def reuse_draws(owner: object, key: Hashable, draw: Callable[[], T], reusable: bool) -> T:
    """``draw()``, or the draws ``owner`` kept from its last call with the same ``key``.

    Explainers with an integer seed draw the same on every call, so they keep their
    last draws (read-only, at most 64 MB) instead of drawing them again.
    """
    kept = getattr(owner, "_kept_draws", None)
    if reusable and kept is not None and kept[0] == key:
        return kept[1]
    draws = draw()
    if reusable and draws.nbytes <= _KEPT_DRAWS_MAX_BYTES:
        owner._kept_draws = (key, draws)
    return draws
