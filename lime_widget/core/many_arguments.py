"""The arguments every row of :func:`~lime_widget.core.many.explain_many` shares, checked once.

A wrong ``num_samples`` or ``labels`` is wrong for every row: it is refused once,
before any row is explained and any model call, with the message
``explain_instance`` gives (the same checks from :mod:`.validation`), rather than
becoming one failure per row.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from . import adaptive
from .predict import check_progress
from .recurrent import RecurrentTabularExplainer
from .tabular import TabularExplainer
from .tabular_sampling import validate_sampling_method
from .validation import (
    check_batch_size,
    check_callable,
    check_class_names,
    check_distance_metric,
    check_integer,
    check_labels,
    check_model_regressor,
    check_num_samples,
    checked_kernel,
)

_ROW = object()  # stands for the row in a signature check


def _signature(explainer: Any) -> inspect.Signature:
    if isinstance(explainer, RecurrentTabularExplainer):  # its explain_instance passes **kwargs on
        return inspect.signature(TabularExplainer.explain_instance.__get__(explainer))
    return inspect.signature(explainer.explain_instance)


def check_shared_arguments(explainer: Any, predict_fn: Callable, kwargs: dict) -> None:
    """Check ``explain_instance``'s row-independent arguments of a known explainer.

    Parameters
    ----------
    explainer : LimeTabularExplainer, LimeTextExplainer, LimeImageExplainer or RecurrentTabularExplainer
    predict_fn : callable
    kwargs : dict
        What ``explain_many`` passes to every ``explain_instance`` call.

    Raises
    ------
    TypeError
        A keyword ``explain_instance`` does not take, or a wrong callable.
    ValueError
        An argument ``explain_instance`` would refuse for every row (same message).
    """
    signature = _signature(explainer)
    try:
        bound = signature.bind(_ROW, predict_fn, **kwargs)
    except TypeError as exc:
        raise TypeError(f"explain_many passes its other keyword arguments to {type(explainer).__name__}."
                        f"explain_instance, which refuses them: {exc}.") from None
    bound.apply_defaults()
    given = bound.arguments
    defaults = {name: p.default for name, p in signature.parameters.items()}

    if "num_samples" in given:
        auto = adaptive.check_num_samples(given["num_samples"], given.get("stability_target",
                                          adaptive.DEFAULT_STABILITY_TARGET),
                                          given.get("max_samples", adaptive.DEFAULT_MAX_SAMPLES))
        if not auto:
            check_num_samples(given["num_samples"])
        elif isinstance(explainer, TabularExplainer):  # every row has the explainer's columns
            adaptive.check_features_to_choose(check_integer("num_features", given["num_features"]),
                                              len(explainer.feature_names), explainer.feature_selection, "features")
    if "num_features" in given:
        check_integer("num_features", given["num_features"])
    if "batch_size" in given:
        if defaults.get("batch_size") is None:
            check_batch_size(given["batch_size"])
        else:
            check_integer("batch_size", given["batch_size"])
    if "sampling_method" in given:
        validate_sampling_method(given["sampling_method"])
    if "distance_metric" in given:
        check_distance_metric(given["distance_metric"])
    if "model_regressor" in given:
        check_model_regressor(given["model_regressor"])
    if "segmentation_fn" in given:
        check_callable("segmentation_fn", given["segmentation_fn"], "a function image -> (H, W) segment labels",
                       optional=True)
    if given.get("random_seed") is not None:
        check_integer("random_seed", given["random_seed"], minimum=0)
    if "progress_bar" in given:  # explain_many keeps ``progress`` for itself
        check_progress("progress_bar", given["progress_bar"])
    if "labels" in given and getattr(explainer, "mode", "classification") == "classification":
        check_labels(given["labels"], given.get("top_labels"), check_class_names(explainer.class_names))
    if isinstance(explainer, TabularExplainer):
        checked_kernel(explainer.kernel_fn, explainer.kernel_width)
    elif hasattr(explainer, "_surrogate_arguments"):
        explainer._surrogate_arguments()
