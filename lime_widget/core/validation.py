"""Checks of the arguments users give the explainers, shared by all three.

Every check runs before the model is first called and raises ``ValueError`` (or
``TypeError`` for a wrong kind of object) with a message naming the argument, what
it got and what is expected. Array-like arguments are never read by truthiness: a
one-element array or an empty list means what it says.
"""

from __future__ import annotations

import inspect
import numbers
import warnings
from collections.abc import Mapping
from functools import partial
from typing import Any, Callable, Optional, Sequence

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state as sklearn_check_random_state
from sklearn.utils import check_scalar
from sklearn.utils.validation import has_fit_parameter

# distances the kernel is tried on before the model is called
_PROBE_DISTANCES = np.array([0.0, 0.5, 1.0])
# a second probe of another length: a kernel returning a fixed number of weights
# cannot match both (a neighbourhood of 3 rows would pass a single probe of 3)
_PROBE_DISTANCES_2 = np.array([0.0, 0.25, 0.75, 1.5, 3.0])
# metric names that passed the probe (a handful of strings at most)
_KNOWN_METRICS: set = set()


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_integer(value: Any) -> bool:
    """Whether ``value`` is an integer (Python or numpy), booleans excluded."""
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_integer(name: str, value: Any, minimum: int = 1, expected: Optional[str] = None) -> int:
    """``value`` as an ``int``, which must be an integer of at least ``minimum``.

    Checked with scikit-learn's :func:`~sklearn.utils.check_scalar`; booleans are
    refused too. ``expected`` replaces "an integer >= minimum" in the message.

    Raises
    ------
    ValueError
        For floats (even ``2.0``), booleans, strings and integers below ``minimum``.
    """
    try:
        if isinstance(value, (bool, np.bool_)):
            raise TypeError
        check_scalar(value, name, numbers.Integral, min_val=minimum)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {expected or f'an integer >= {minimum}'}, got {_short(value)}.") from None
    return int(value)


def check_option(name: str, value: Any, options: Sequence[str], error: type = ValueError) -> str:
    """``value`` if it is one of the string ``options``; else ``error`` listing them."""
    if isinstance(value, str) and value in options:
        return value
    quoted = [repr(option) for option in options]
    listed = f"{quoted[0]} or {quoted[1]}" if len(quoted) == 2 else f"one of {', '.join(quoted)}"
    raise error(f"{name}={_short(value)} is not known; expected {listed}.{_names_hint(value)}")


def check_flag(name: str, value: Any) -> bool:
    """A yes/no argument: ``True``/``False`` (or 1/0), never a string or an array read by truthiness."""
    if isinstance(value, (bool, np.bool_)) or (is_integer(value) and value in (0, 1)):
        return bool(value)
    raise ValueError(f"{name} must be True or False, got {_short(value)}.{_names_hint(value)}")


def _names_hint(value: Any) -> str:
    """Advice when ``value`` is a list of strings: most likely class or feature names
    given positionally (the explainers' leading parameters are kernel_width, kernel,
    verbose, class_names, feature_selection in lime's order)."""
    if (isinstance(value, (list, tuple, np.ndarray)) and len(value) > 0
            and all(isinstance(x, (str, np.str_)) for x in value)):
        return " These look like class names: pass them by keyword, class_names=[...]."
    return ""


def check_num_samples(num_samples: Any) -> int:
    """The neighbourhood size: the instance itself and at least one perturbed sample."""
    return check_integer("num_samples", num_samples, 2,
                         "an integer >= 2 (the instance and at least one perturbed sample)")


def check_batch_size(batch_size: Any) -> Optional[int]:
    """``None`` (one model call) or a positive integer."""
    if batch_size is None:
        return None
    return check_integer("batch_size", batch_size, 1, "a positive integer or None")


def check_kernel_width(kernel_width: Any) -> float:
    """A positive, finite kernel width as a float.

    A sequence of strings is most likely class names passed positionally (the
    text and image explainers' first parameter is ``kernel_width``): the message
    says so.
    """
    if isinstance(kernel_width, (bool, np.bool_, str, bytes)):
        width = np.nan
    else:
        try:
            width = float(kernel_width)
        except (TypeError, ValueError):
            width = np.nan
    if not np.isfinite(width) or width <= 0:
        raise ValueError(f"kernel_width must be a positive, finite number, got {_short(kernel_width)}."
                         f"{_names_hint(kernel_width)}")
    if width * width == 0.0:  # the kernel divides by width**2, which underflows to 0 here
        raise ValueError(f"kernel_width={width!r} is too small: its square underflows to 0, so no distance would "
                         "get a weight. Use a width on the scale of the neighbourhood's distances.")
    return width


def check_callable(name: str, value: Any, what: str, optional: bool = False) -> Any:
    """``value`` if it is callable (or ``None`` when ``optional``)."""
    if value is None and optional:
        return None
    if not callable(value):
        hint = ""
        if hasattr(value, "predict_proba"):
            hint = f" Pass its method, e.g. {name}=model.predict_proba."
        elif hasattr(value, "predict"):
            hint = f" Pass its method, e.g. {name}=model.predict."
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} {_short(value, 60)}.{hint}"
                        f"{_names_hint(value)}")
    return value


def check_instance_not_function(name: str, instance: Any, fn_name: str, fn: Any) -> None:
    """Refuse a function passed as the instance: ``explain_instance(predict_fn, row)``, the arguments swapped.

    Raises
    ------
    TypeError
        ``instance`` is callable (a model or its method); the message names both
        arguments and the order ``explain_instance(<name>, <fn_name>)``.
    """
    if not callable(instance) or isinstance(instance, type):
        return
    what = getattr(instance, "__qualname__", None) or type(instance).__name__
    got = f"of shape {np.shape(fn)}" if hasattr(fn, "shape") else _short(fn, 60)
    swapped = f" and {fn_name} got {type(fn).__name__} {got}: the arguments look swapped" if not callable(fn) else ""
    call = "explain_many(explainer, instances, predict_fn)" if name == "instances" else \
        f"explain_instance({name}, {fn_name})"
    raise TypeError(f"{name} got a function ({what}){swapped}; the order is {call}, "
                    f"the data to explain first and the model second.")


def check_predict_fn(name: str, predict_fn: Any) -> Any:
    """The user's model function (``predict_fn`` or ``classifier_fn``)."""
    return check_callable(name, predict_fn, "a function taking a batch of instances and returning the model's "
                                            "outputs (e.g. model.predict_proba)")


def checked_kernel(kernel: Optional[Callable[..., Any]], kernel_width: float) -> Callable[[np.ndarray, float], Any]:
    """The explainer's kernel as all three explainers call it, tried before the model is called.

    ``None`` is lime's exponential kernel. A user's kernel gets the width by
    keyword, ``kernel(distances, kernel_width=width)``, as lime passes it, when it
    takes a ``kernel_width`` (or ``**kwargs``) parameter, and as the second
    positional argument otherwise. It must return one finite weight per distance
    (tried on a few distances).

    Raises
    ------
    TypeError
        ``kernel`` is not callable.
    ValueError
        The kernel raises, or does not return one finite weight per distance.
    """
    from .surrogate import exponential_kernel

    check_callable("kernel", kernel, "a function kernel(distances, kernel_width)", optional=True)
    if kernel is None or kernel is exponential_kernel:
        wrapped = exponential_kernel
    else:
        wrapped = partial(_width_by_keyword, kernel) if _takes_width_keyword(kernel) else kernel
    check_kernel(wrapped, kernel_width)
    return wrapped


def _takes_width_keyword(kernel: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(kernel).parameters.values()
    except (TypeError, ValueError):  # no readable signature: lime's convention
        return True
    return any(p.kind is p.VAR_KEYWORD or (p.name == "kernel_width" and p.kind is not p.POSITIONAL_ONLY)
               for p in parameters)


def _width_by_keyword(kernel: Callable[..., Any], distances: np.ndarray, kernel_width: float) -> Any:
    return kernel(distances, kernel_width=kernel_width)


def check_kernel(kernel: Callable[[np.ndarray, float], Any], kernel_width: float) -> None:
    """Try ``kernel`` on a few distances: it must return one finite weight per distance.

    ``kernel`` is called the way the explainer calls it (wrapped if needed).
    """
    for probe in (_PROBE_DISTANCES, _PROBE_DISTANCES_2):
        try:
            weights = np.asarray(kernel(probe.copy(), kernel_width), dtype=float)
        except Exception as exc:  # the user's kernel: say what we tried
            raise ValueError(
                f"kernel raised {type(exc).__name__} on distances {probe.tolist()} with kernel_width="
                f"{kernel_width:g}: {exc}. A kernel takes an array of distances and the width and returns one "
                "weight per distance."
            ) from exc
        if weights.shape != probe.shape or not np.all(np.isfinite(weights)):
            raise ValueError(
                f"kernel must return one finite weight per distance; on the {len(probe)} distances {probe.tolist()} "
                f"with kernel_width={kernel_width:g} it returned "
                f"{_short(weights.tolist() if weights.ndim else weights)}."
            )


def check_class_names(class_names: Any) -> Optional[list]:
    """``None`` or the class names as a list (a single string is refused)."""
    if class_names is None:
        return None
    if isinstance(class_names, (str, bytes)) or isinstance(class_names, Mapping) or np.ndim(class_names) != 1:
        raise ValueError(f"class_names must be a sequence of names, one per class, got {_short(class_names)}.")
    return list(class_names)


def check_random_state(random_state: Any) -> Any:
    """``None``, an integer seed or a ``numpy.random.RandomState`` (returned unchanged).

    The value is kept (not turned into a generator) because an integer seed means
    "the same draws on every call" (see :mod:`.random`); :func:`as_generator` checks it.
    """
    as_generator(random_state)
    return random_state


def as_generator(random_state: Any) -> np.random.RandomState:
    """scikit-learn's :func:`~sklearn.utils.check_random_state`, booleans refused, with a message naming the argument."""
    if not isinstance(random_state, (bool, np.bool_)):
        try:
            return sklearn_check_random_state(random_state)
        except ValueError:
            pass
    raise ValueError(
        f"random_state must be None, an int or a numpy.random.RandomState, got {_short(random_state)}."
    )


def check_model_regressor(model_regressor: Any) -> Any:
    """``None`` or a scikit-learn regressor whose ``fit`` takes ``sample_weight``."""
    if model_regressor is None:
        return None
    if isinstance(model_regressor, type):
        raise TypeError(
            f"model_regressor must be an estimator instance, got the class {model_regressor.__name__}; "
            f"pass {model_regressor.__name__}() instead."
        )
    if not hasattr(model_regressor, "fit"):
        raise TypeError(f"model_regressor must be a scikit-learn regressor with fit(), got {_short(model_regressor)}.")
    if not has_fit_parameter(model_regressor, "sample_weight"):
        raise ValueError(
            f"model_regressor {type(model_regressor).__name__}'s fit() takes no sample_weight; LIME weights the "
            "neighbourhood by proximity, so use a regressor that accepts it (e.g. Ridge, Lasso, LinearRegression)."
        )
    try:
        clone(model_regressor)
    except Exception as exc:  # clone is how it is used; its own message is scikit-learn's
        raise TypeError(f"model_regressor cannot be cloned as a scikit-learn estimator: {exc}") from exc
    return model_regressor


def check_distance_metric(metric: Any) -> Any:
    """A metric :func:`sklearn.metrics.pairwise_distances` knows, or a callable."""
    if callable(metric):
        return metric
    if not isinstance(metric, str):
        raise ValueError(f"distance_metric must be a metric name (e.g. 'cosine') or a callable, got {_short(metric)}.")
    if metric in _KNOWN_METRICS:  # tried once: the probe costs about 0.4 ms, a few % of a tabular explanation
        return metric
    from sklearn.metrics import pairwise_distances

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # three columns: metrics that only work in two dimensions (haversine) fail here too
            pairwise_distances(np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]), np.array([[1.0, 1.0, 1.0]]),
                               metric=metric)
    except Exception:
        raise ValueError(
            f"distance_metric={metric!r} is not a metric of sklearn.metrics.pairwise_distances "
            "(e.g. 'euclidean', 'cosine', 'manhattan')."
        ) from None
    _KNOWN_METRICS.add(metric)
    return metric


def check_labels(labels: Any, top_labels: Any, class_names: Optional[Sequence[Any]] = None,
                 ) -> tuple[list[int], Optional[int]]:
    """The labels to explain, lime's way, checked before any model call.

    Parameters
    ----------
    labels : sequence of int
        Class indices (ignored when ``top_labels`` is a positive integer).
    top_labels : int or None
        ``None`` or ``0`` (lime treats it as unset) uses ``labels``.
    class_names : sequence, optional
        When known, labels must be below its length, and names given instead of
        indices get a hint.

    Returns
    -------
    (labels, top_labels)
        ``labels`` as a list of distinct ints in the order lime fits them last
        (empty when ``top_labels`` is used);
        ``top_labels`` as an int or ``None``.
    """
    if top_labels is not None and check_integer("top_labels", top_labels, minimum=0) > 0:
        return [], int(top_labels)
    if labels is None:
        raise ValueError("labels=None: give the class indices to explain, e.g. labels=(1,), or use top_labels=k.")
    if isinstance(labels, (set, frozenset)):
        labels = sorted(labels, key=repr)
    if isinstance(labels, (str, bytes)) or isinstance(labels, Mapping) or np.ndim(labels) != 1:
        raise ValueError(f"labels must be a sequence of class indices such as (0, 1), got {_short(labels)}.")
    values = list(labels)
    if not values:
        raise ValueError("labels is empty: give at least one class index to explain, e.g. labels=(1,).")
    names = list(class_names) if class_names is not None else []
    out: list[int] = []
    for value in values:
        if not is_integer(value):
            hint = ""
            if isinstance(value, (str, np.str_)):
                if value in names:
                    indices = tuple(names.index(v) if v in names else v for v in values)
                    hint = f" {value!r} is class {names.index(value)} of class_names; use labels={indices}."
                else:
                    hint = " Labels are class indices (columns of predict_fn's output), not class names."
            raise ValueError(f"labels must hold integer class indices, got {_short(value)} in "
                             f"labels={_short(labels)}.{hint}")
        if int(value) in out:  # lime fits a repeated label again: its last fit comes last
            out.remove(int(value))
        out.append(int(value))
    if class_names is not None:
        bad = [x for x in out if not 0 <= x < len(names)]
        if bad:
            raise ValueError(
                f"labels {bad} are not classes of this model: class_names has {len(names)} names, so labels "
                f"must be in 0..{len(names) - 1}."
            )
    return out, None


def int_key(name: str, key: Any) -> int:
    """A mapping key that is a column index, given as an int or as its decimal string (JSON)."""
    if is_integer(key):
        return int(key)
    if isinstance(key, str) and key.strip().lstrip("-").isdigit():
        return int(key)
    raise ValueError(f"{name} has the key {key!r}; keys must be column indices (integers, or their strings).")


def int_keyed(name: str, mapping: Any) -> dict:
    """``mapping`` with its keys read by :func:`int_key` (JSON turns int keys into strings)."""
    if not isinstance(mapping, Mapping):
        raise ValueError(f"{name} must be a dict keyed by column index, got {type(mapping).__name__}.")
    out: dict = {}
    for key, value in mapping.items():
        index = int_key(name, key)
        if index in out:
            raise ValueError(f"{name} has column {index} twice (keys {key!r} and another spelling of it).")
        out[index] = value
    return out


def check_column_indices(name: str, values: Any, n_features: int) -> list[int]:
    """Distinct column indices in ``0..n_features-1``, sorted (``None`` gives ``[]``).

    Lists, tuples, arrays and Series are read element by element, never by truthiness.
    """
    if values is None:
        return []
    if isinstance(values, (str, bytes)) or isinstance(values, Mapping) or np.ndim(values) != 1:
        raise ValueError(f"{name} must be a sequence of column indices, got {_short(values)}.")
    out: list[int] = []
    for value in list(values):
        if not is_integer(value):
            raise ValueError(f"{name} must hold integer column indices, got {_short(value)} in {_short(values)}.")
        if not 0 <= value < n_features:
            raise ValueError(f"{name} has {int(value)}, which is not a column index (0..{n_features - 1}).")
        if int(value) in out:
            raise ValueError(f"{name} lists column {int(value)} more than once: {_short(values)}.")
        out.append(int(value))
    return sorted(out)


def check_categorical_names(categorical_names: Any, categorical_features: Sequence[int]) -> dict[int, list]:
    """``{column: [name of code 0, name of code 1, ...]}`` for categorical columns only."""
    if categorical_names is None:
        return {}
    if not isinstance(categorical_names, Mapping):
        raise ValueError(
            f"categorical_names must be a dict {{column index: [name of code 0, name of code 1, ...]}}, got "
            f"{type(categorical_names).__name__} {_short(categorical_names)}. For one column c write "
            "{c: ['a', 'b', ...]}."
        )
    out: dict[int, list] = {}
    for column, names in int_keyed("categorical_names", categorical_names).items():
        if column not in categorical_features:
            raise ValueError(
                f"categorical_names has names for column {column}, which is not in categorical_features "
                f"{list(categorical_features)}; add it there or drop its names."
            )
        if isinstance(names, (str, bytes)) or isinstance(names, Mapping) or np.ndim(names) != 1:
            raise ValueError(
                f"categorical_names[{column}] must be a list of names (the name of code 0, of code 1, ...), got "
                f"{_short(names)}."
            )
        out[column] = list(names)
    return out


def check_codes(where: str, values: np.ndarray, column: int, column_name: str,
                names: Optional[Sequence[Any]]) -> None:
    """A categorical column holds integer codes, and codes its names cover when it has names."""
    values = np.asarray(values, dtype=float)
    bad = values[values != np.round(values)]
    if bad.size:
        raise ValueError(
            f"{where}: categorical column {column} ({column_name!r}) holds {float(bad[0])!r}; categorical columns hold "
            "integer codes (encode the categories, e.g. with OrdinalEncoder, or pass a DataFrame)."
        )
    if names is not None and values.size:
        outside = values[(values < 0) | (values >= len(names))]
        if outside.size:
            raise ValueError(
                f"{where}: categorical column {column} ({column_name!r}) holds the code {int(outside[0])}, but "
                f"categorical_names[{column}] names only codes 0..{len(names) - 1}: {_short(list(names))}."
            )


def check_real(name: str, value: Any, min_val: float, max_val: float, include_boundaries: str = "both",
               expected: Optional[str] = None) -> float:
    """``value`` as a ``float``, a real number between ``min_val`` and ``max_val``.

    Checked with scikit-learn's :func:`~sklearn.utils.check_scalar` (``include_boundaries``
    as there: ``"both"``, ``"left"``, ``"right"`` or ``"neither"``); booleans and NaN are
    refused too. ``expected`` replaces "a number in [min_val, max_val]" in the message.

    Raises
    ------
    ValueError
        For booleans, strings, ``None``, NaN and numbers outside the interval.
    """
    try:
        if isinstance(value, (bool, np.bool_)) or (isinstance(value, numbers.Real) and np.isnan(value)):
            raise TypeError
        check_scalar(value, name, numbers.Real, min_val=min_val, max_val=max_val,
                     include_boundaries=include_boundaries)
    except (TypeError, ValueError):
        left = "[" if include_boundaries in ("both", "left") else "("
        right = "]" if include_boundaries in ("both", "right") else ")"
        interval = f"a number in {left}{min_val:g}, {max_val:g}{right}"
        raise ValueError(f"{name} must be {expected or interval}, got {_short(value)}.") from None
    return float(value)
