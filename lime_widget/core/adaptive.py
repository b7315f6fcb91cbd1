"""``num_samples="auto"``: sample the neighbourhood in rounds until its top features are stable.

Every round draws new rows from the explainer's generator, asks the model about
those rows only, and appends them to the rows already scored; after each round the
bootstrap of :mod:`.uncertainty` estimates the stability of every explained
label's top ``num_features`` (zero model calls). Sampling stops at the first of:

* **target**: the lowest of them reaches ``stability_target``;
* **ties**: the target is out of reach and more rows have stopped helping, and at
  least lime's default ``num_samples`` (5000, ``TIE_FLOOR``; or ``max_samples`` if
  lower) rows are scored, so that ``"auto"`` never ends below its target less stable
  than lime's default would be: on the same distribution and surrogate, stability
  grows with the rows. Near-tied
  features keep swapping places however many rows are drawn, so the stability
  levels off below the target. Two tests, both on the rows already scored, must
  agree: (1) the bootstrap that draws ``max_samples`` rows from this sample
  ("m out of n", m > n) predicts a stability below the target even for the whole
  budget; (2) the last doubling of the rows raised the stability by less than
  ``GAIN_TOLERANCE`` (0.03), measured on disjoint quarters and halves of the rows,
  which are independent neighbourhoods of n/4 and n/2 rows (unlike the bootstrap,
  not inflated by ties). Each alone is fooled in one direction: (1) takes a
  sample's chance near-tie for a real one, (2) is noisy on one sample. A warning
  says so, in the spirit of S-LIME (Zhou, Hooker & Wang, KDD 2021), which
  samples until a test decides the order of the features or the budget ends;
* **max_samples**: the budget is spent (a warning says so).

``exp.neighborhood.auto_stop`` (:class:`AutoStop`) tells which, with the estimates.
The size of the next round is predicted with the same m-out-of-n bootstrap: the
smallest growth, among 1.25x, 1.5x and 2x, whose predicted stability reaches
the target (2x when none does), but no further than ``TIE_FLOOR`` while the target
looks out of reach (test (1) above), so that the tie stop is judged there.
An integer ``num_samples`` never comes here: it keeps lime's exact draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

import numpy as np

from . import assisted
from .caller import warn_at_caller
from .neighborhood import Neighborhood
from .predict import PredictFnError, ProgressCallback, resolve_labels
from .uncertainty import _SEED, DEFAULT_PARTITIONS, doubling_gain, is_assisted, resampled_fit
from .validation import check_integer, check_real

AUTO = "auto"
#: rows (instance included) of the first round
FIRST_ROUND = 500
DEFAULT_MAX_SAMPLES = 20000
DEFAULT_STABILITY_TARGET = 0.9
# at most doubling: the prediction is cautious (from 2000 rows at 0.8, 3x was planned where
# 6000 rows gave 0.94-0.97), and growing 3-4x at once doubled the median rows in the benchmark
_GROWTH = (1.25, 1.5, 2.0)
# when no growth of _GROWTH is predicted to reach the target: double (overshoots by at most 2x)
_FALLBACK_GROWTH = 2.0
# replicates for predicting the next round's size (the stop decision uses the full default)
_PLANNING_RESAMPLES = 100
#: "more rows have stopped helping": the last doubling raised the stability by less than this
GAIN_TOLERANCE = 0.03
#: no stop at ties before this many rows (lime's default num_samples), or max_samples if lower
TIE_FLOOR = 5000

#: ``sample_round(n_rows, first, progress) -> (interpretable rows, model outputs, distances[, inputs])``;
#: the first round's first row is the instance; outputs are already checked. ``inputs`` (rows
#: first): what the population's emulator features need besides the interpretable rows.
RoundSampler = Callable[[int, bool, Optional[ProgressCallback]], tuple]


class RoundFailed(PredictFnError):
    """The model failed during a round of ``num_samples="auto"``.

    Attributes
    ----------
    round : int
        The round that failed (1 is the first).
    neighborhood : Neighborhood or None
        The rows scored in the earlier rounds (``None`` when the first round failed);
        they are kept, so ``neighborhood.fit(...)`` still explains from them.
    """

    def __init__(self, message: str, round_number: int, neighborhood: Optional[Neighborhood]):
        super().__init__(message)
        self.round = round_number
        self.neighborhood = neighborhood


def is_auto(num_samples: Any) -> bool:
    """Whether ``num_samples`` asks for adaptive sampling (the string ``"auto"``)."""
    return isinstance(num_samples, str) and num_samples == AUTO


def check_num_samples(num_samples: Any, stability_target: Any = DEFAULT_STABILITY_TARGET,
                      max_samples: Any = DEFAULT_MAX_SAMPLES, first_round: int = FIRST_ROUND) -> bool:
    """Whether ``num_samples`` is ``"auto"``; if so, validate its two companions.

    Integers are left to the explainer's own check (each keeps its message).

    Raises
    ------
    ValueError
        Another string than ``"auto"``; with ``"auto"``, ``stability_target``
        outside (0, 1] or ``max_samples`` not an integer or below the first round;
        with an integer, either of them given another value than its default
        (it would be ignored).
    """
    if is_auto(num_samples):
        validate_stability_target(stability_target)
        validate_max_samples(max_samples, first_round)
        return True
    if isinstance(num_samples, str):
        raise ValueError(f"num_samples must be an integer or 'auto', got {num_samples!r}.")
    for name, value, default in (("stability_target", stability_target, DEFAULT_STABILITY_TARGET),
                                 ("max_samples", max_samples, DEFAULT_MAX_SAMPLES)):
        if not (np.isscalar(value) and value == default):
            # with a fixed size every row is drawn at once: the argument would be ignored
            raise ValueError(
                f"{name}={value!r} applies only with num_samples='auto'; num_samples={num_samples!r} draws that "
                f"many rows at once. Pass num_samples='auto' to sample until stable, or leave {name} out."
            )
    return False


def check_features_to_choose(num_features: int, n_features: int, feature_selection: str, what: str) -> None:
    """``num_samples="auto"`` needs a choice of features whose stability it can measure.

    With ``num_features`` covering every interpretable feature, or with
    ``feature_selection='none'``, every fit shows all of them: the top-feature set
    is the same in every sample, so the first round would look "stable" however
    noisy its weights are.

    Raises
    ------
    ValueError
        Before any model call, naming ``num_features`` (or ``feature_selection``).
    """
    if feature_selection == "none":
        raise ValueError(
            "num_samples='auto' samples until the top num_features features are stable, but "
            "feature_selection='none' shows every feature. Choose a feature selection, or pass an integer "
            "num_samples."
        )
    if num_features >= n_features:
        raise ValueError(
            f"num_samples='auto' samples until the top num_features features are stable, but "
            f"num_features={num_features} covers all {n_features} {what}, so every fit shows them all and there "
            f"is nothing to make stable. Pass num_features below {n_features} (e.g. {min(5, n_features - 1)}), "
            "or an integer num_samples."
            if n_features > 1 else
            f"num_samples='auto' needs more than one of the {what} to choose from; pass an integer num_samples."
        )


def validate_stability_target(stability_target: Any) -> float:
    """The stability ``num_samples="auto"`` samples for: a number in (0, 1]."""
    return check_real("stability_target", stability_target, 0.0, 1.0, "right", "a number in (0, 1] (e.g. 0.9)")


def validate_max_samples(max_samples: Any, first_round: int = FIRST_ROUND) -> int:
    """The row budget of ``num_samples="auto"``: an integer of at least the first round."""
    return check_integer("max_samples", max_samples, first_round,
                         f"an integer >= {first_round} (the first round of num_samples='auto'; below it, use an "
                         "integer num_samples)")


def sample_until_stable(
    sample_round: RoundSampler,
    kernel: Callable,
    kernel_width: float,
    mode: str,
    labels: Sequence[int],
    top_labels: Optional[int],
    num_features: int,
    feature_selection: str,
    model_regressor: Optional[object] = None,
    stability_target: float = DEFAULT_STABILITY_TARGET,
    max_samples: int = DEFAULT_MAX_SAMPLES,
    first_round: int = FIRST_ROUND,
    progress: Optional[ProgressCallback] = None,
    population: Optional[Any] = None,
) -> Neighborhood:
    """Sample in rounds until every explained label's top features are stable.

    Parameters
    ----------
    sample_round : callable
        ``sample_round(n_rows, first, progress)`` draws ``n_rows`` new rows (the
        first round's row 0 is the instance), scores them with the model and
        returns ``(interpretable rows, checked outputs, distances)``.
    kernel, kernel_width : the explainer's kernel
    mode, labels, top_labels : which labels are explained, as the explainer resolves them
    num_features, feature_selection, model_regressor : the surrogate's settings
    stability_target : float in (0, 1]
    max_samples : int
    first_round : int
    progress : callable, optional
        Called with the fraction of ``max_samples`` scored so far while sampling, and
        with 1.0 when sampling stops.
    population : assisted.Population, optional
        When given, every round's neighbourhood is an
        :class:`.assisted.AssistedNeighborhood`: its surrogate is fitted with an
        emulator of the model and free rows of this population, which reach the
        same stability with fewer model rows (see :mod:`.assisted`); not for rows
        of more features than :func:`.assisted.affordable` allows.

    Returns
    -------
    Neighborhood
        All rows scored, in the order drawn; ``num_samples`` tells how many.
        With a model whose outputs do not vary on the first round every weight is
        0 and the explanation is stable at once: a warning says so and no more
        rows are drawn. Stopping below the target (at ties, or at ``max_samples``)
        also warns. ``neighborhood.auto_stop`` (:class:`AutoStop`) tells why it stopped.

    Raises
    ------
    RoundFailed
        The model failed in a round; the error names the round and keeps the rows
        scored before it.
    """
    target = validate_stability_target(stability_target)
    max_samples = validate_max_samples(max_samples, first_round)
    parts: list[tuple] = []
    total, planned, round_number = 0, first_round, 0
    neighborhood: Optional[Neighborhood] = None
    while True:
        round_number += 1
        n_new = planned - total
        done = total

        def report(fraction: float, done=done, n_new=n_new) -> None:
            if progress is not None:
                progress(min(1.0, (done + fraction * n_new) / max_samples))

        try:
            # no progress asked for: no callback, so the model gets each round in one call (batch_size aside)
            parts.append(sample_round(n_new, round_number == 1, report if progress is not None else None))
        except Exception as exc:
            if neighborhood is None:
                raise  # nothing scored yet: the model's own error, as with an integer num_samples
            rounds = "round 1" if round_number == 2 else f"rounds 1-{round_number - 1}"
            raise RoundFailed(
                f"num_samples='auto': round {round_number} (rows {total}..{planned - 1}) failed: "
                f"{str(exc).rstrip('.')}. The {neighborhood.num_samples} rows scored in {rounds} are kept in "
                "the error's .neighborhood.", round_number, neighborhood) from exc
        total = planned
        data, outputs, distances, *inputs = (np.concatenate([p[i] for p in parts]) if len(parts) > 1 else parts[0][i]
                                             for i in range(len(parts[0])))
        if population is not None and not assisted.affordable(data.shape[1]):
            population = None  # too many features for free rows: the scored rows alone
        if population is None:
            neighborhood = Neighborhood(data, outputs, distances, kernel, kernel_width)
        else:
            neighborhood = assisted.AssistedNeighborhood.assisted(data, outputs, distances, kernel, kernel_width,
                                                                  population, inputs[0] if inputs else None)
        fit_labels, _ = resolve_labels(outputs, mode, labels, top_labels)
        if round_number == 1 and np.ptp(outputs[:, fit_labels], axis=0).max() == 0:
            _warn(neighborhood,
                "num_samples='auto': the model's outputs are constant on the first round's "
                f"{total} rows, so every weight is 0 and the explanation is trivially stable; "
                "no more rows were drawn.")
            return _stopped(neighborhood, "constant", 1.0, None, round_number, progress)

        settings = (neighborhood, fit_labels, num_features, feature_selection, model_regressor)
        reached = lowest_stability(*settings)
        if reached >= target:
            return _stopped(neighborhood, "target", reached, None, round_number, progress)
        if total >= max_samples:
            _warn(neighborhood,
                f"num_samples='auto' stopped at max_samples={max_samples} with an estimated stability of "
                f"{_floor2(reached):.2f}, below stability_target={target:g}: the order of some of the top "
                f"{num_features} features is not settled yet. Raise max_samples, explain fewer features, or read "
                "their place in the list with care (exp.uncertainty() shows which).")
            return _stopped(neighborhood, "max_samples", reached, None, round_number, progress)
        # stop early only when, for every label still below the target, the target is out of
        # reach AND more rows have stopped helping (near-tied features): both tests, because
        # each alone is fooled in one direction
        below = [label for label in fit_labels
                 if stability_of(neighborhood, label, num_features, feature_selection, model_regressor) < target]
        at_cap = max(stability_of(neighborhood, label, num_features, feature_selection, model_regressor,
                                  max_samples / total, _PLANNING_RESAMPLES) for label in below)
        floor = min(TIE_FLOOR, max_samples)
        if at_cap < target and total >= floor:
            gain = max(gain_of_doubling(neighborhood, label, num_features, feature_selection, model_regressor)
                       for label in below)
            if gain < GAIN_TOLERANCE:
                _warn(neighborhood,
                    f"num_samples='auto' stopped at {total} rows with an estimated stability of {_floor2(reached):.2f}, "
                    f"below stability_target={target:g}: doubling the rows last raised it by {max(gain, 0.0):.2f} "
                    f"only, and even max_samples={max_samples} rows are predicted to reach {_floor2(at_cap):.2f}, because "
                    f"some of the top {num_features} features have nearly equal effects (ties) whose order more "
                    "rows barely settle. Read their place in the list with care (exp.uncertainty() shows which), "
                    "or explain fewer features.")
                return _stopped(neighborhood, "ties", reached, at_cap, round_number, progress)
        growth = next((g for g in _GROWTH if lowest_stability(*settings, g, _PLANNING_RESAMPLES) >= target),
                      _FALLBACK_GROWTH)
        planned = min(max_samples, max(total + 1, math.ceil(growth * total)))
        if at_cap < target and total < floor:
            planned = min(planned, floor)  # the tie stop is judged at the floor, not past it


def _floor2(value: float) -> float:
    """Rounded down to 2 decimals, so a stability just below the target never prints as reaching it."""
    return math.floor(value * 100) / 100


def _warn(neighborhood: Neighborhood, message: str) -> None:
    """Warn now and keep the message on the neighbourhood (``exp.warnings``), which
    survives worker processes where a warning would only reach their stderr."""
    neighborhood.notes = [*neighborhood.notes, message]
    warn_at_caller(message, UserWarning)


@dataclass(frozen=True)
class AutoStop:
    """Why ``num_samples="auto"`` stopped (``exp.neighborhood.auto_stop``).

    Attributes
    ----------
    reason : str
        ``"target"`` (the estimated stability reached ``stability_target``),
        ``"ties"`` (even ``max_samples`` rows are predicted to stay below it: near-tied
        features), ``"max_samples"`` (the budget ran out below it) or ``"constant"``
        (the model's outputs do not vary: trivially stable).
    stability : float
        The estimated stability of the least stable explained label when sampling stopped.
    predicted_at_max_samples : float or None
        With ``"ties"``: the (optimistic) predicted stability at ``max_samples``
        (of the label predicted to come closest).
    rounds : int
        Rounds of sampling (model calls, batches aside).
    """

    reason: str
    stability: float
    predicted_at_max_samples: Optional[float]
    rounds: int


def _stopped(neighborhood: Neighborhood, reason: str, stability: float, at_cap: Optional[float],
             rounds: int, progress: Optional[ProgressCallback] = None) -> Neighborhood:
    neighborhood.auto_stop = AutoStop(reason, float(stability), None if at_cap is None else float(at_cap), rounds)
    if progress is not None:
        progress(1.0)  # done: the rows are a share of max_samples only while sampling goes on
    return neighborhood


def stability_of(neighborhood: Neighborhood, label: int, num_features: int, feature_selection: str,
                 model_regressor: Optional[object] = None, scale: float = 1.0,
                 n_resamples: Optional[int] = None) -> float:
    """One label's estimated stability (with ``scale``: predicted for a ``scale`` times larger sample)."""
    extra = {} if n_resamples is None else {"n_resamples": n_resamples}
    return resampled_fit(neighborhood, label, num_features, feature_selection, None, model_regressor,
                         scale=scale, **extra).stability


def gain_of_doubling(neighborhood: Neighborhood, label: int, num_features: int, feature_selection: str,
                     model_regressor: Optional[object] = None) -> float:
    """How much the last doubling of the rows raised one label's stability (see :func:`.uncertainty.doubling_gain`)."""
    if model_regressor is None and is_assisted(neighborhood):
        return assisted.doubling_gain(neighborhood, label, num_features, feature_selection, DEFAULT_PARTITIONS,
                                      _SEED)[0]
    return doubling_gain(neighborhood.design(), neighborhood.outputs[:, label], num_features, feature_selection,
                         model_regressor)[0]


def lowest_stability(neighborhood: Neighborhood, labels: Sequence[int], num_features: int, feature_selection: str,
                     model_regressor: Optional[object] = None, scale: float = 1.0,
                     n_resamples: Optional[int] = None) -> float:
    """The least stable label's estimated stability (with ``scale``: of a ``scale`` times larger sample)."""
    return min(stability_of(neighborhood, label, num_features, feature_selection, model_regressor, scale,
                            n_resamples) for label in labels)
