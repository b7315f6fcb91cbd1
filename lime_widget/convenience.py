"""``explain(model, instance, ...)``: pick the right explainer from the input."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import pandas as pd
from sklearn.base import is_classifier

from .core.many import ExplanationList as _CoreExplanationList
from .core.many import explain_many as _explain_many
from .display import DisplayableList


def infer_mode(model: Any) -> str:
    """``classification`` for estimators with ``predict_proba`` and for scikit-learn
    classifiers (``is_classifier``: LinearSVC, RidgeClassifier, ... which
    :func:`predict_function` then refuses with advice), else ``regression``."""
    if callable(model) and not hasattr(model, "predict"):
        return "classification"
    return "classification" if hasattr(model, "predict_proba") or _is_classifier(model) else "regression"


def _is_classifier(model: Any) -> bool:
    if not hasattr(model, "predict"):
        return False
    try:
        return bool(is_classifier(model))
    except (AttributeError, TypeError):  # scikit-learn >= 1.6 raises for objects that are not estimators
        return False


def predict_function(model: Any, mode: str) -> Callable[[Any], Any]:
    """The callable LIME queries: ``predict_proba`` or ``predict`` of an estimator, or ``model`` itself.

    Raises
    ------
    TypeError
        ``model`` is a class (not a fitted instance), or neither an estimator nor a function.
    ValueError
        A classifier without ``predict_proba`` in classification mode.
    """
    if isinstance(model, type):
        # a class has predict_proba too (unbound): it would fail only inside the model call
        raise TypeError(f"model must be a fitted estimator or a function, got the class {model.__name__}; "
                        f"pass an instance fitted on your data, e.g. {model.__name__}().fit(X, y).")
    if hasattr(model, "predict_proba") and mode == "classification":
        return model.predict_proba
    if hasattr(model, "predict"):
        if mode == "classification":
            raise ValueError(
                f"{type(model).__name__} has no predict_proba; LIME needs class probabilities. Wrap it in "
                "sklearn.calibration.CalibratedClassifierCV(model) (LinearSVC, RidgeClassifier, ...), use "
                "SVC(probability=True), or pass mode='regression' to explain its output as a number."
            )
        return model.predict
    if callable(model):
        return model
    raise TypeError(f"model must be a scikit-learn estimator or a function, got {type(model).__name__}.")


def default_class_names(model: Any, mode: str) -> Optional[list]:
    """A classifier's ``classes_`` as strings (the order of ``predict_proba``'s columns), else ``None``."""
    if mode != "classification":
        return None
    classes = getattr(model, "classes_", None)
    if classes is None or np.ndim(classes) != 1:  # multi-output classifiers keep one array per output
        return None
    return [str(c) for c in classes]


def _check_not_documents(instance: Any) -> None:
    """Strings in a list, tuple, array or Series are documents: explain() takes one, as a str."""
    if isinstance(instance, (str, bytes)) or not isinstance(instance, (list, tuple, np.ndarray, pd.Series)):
        return
    values = list(np.ravel(np.asarray(instance, dtype=object)))
    if values and all(isinstance(v, str) for v in values):
        raise ValueError(
            f"instance is a {type(instance).__name__} of {len(values)} string(s); explain() explains one "
            "document, given as a str: pass it on its own (e.g. docs[0]), or explain several with "
            "lime_widget.explain_many(explainer, docs, predict_fn) (a table row needs training_data=...)."
        )


def modality_of(instance: Any, training_data: Any = None) -> str:
    """``text`` for a string, ``tabular`` with ``training_data`` or for pandas input,
    ``image`` for an array of rank 2 or more, else ``tabular``."""
    if isinstance(instance, str):
        return "text"
    if training_data is not None or isinstance(instance, (pd.Series, pd.DataFrame)):
        return "tabular"
    if np.ndim(instance) >= 2 and np.shape(instance)[0] > 1:
        return "image"
    return "tabular"


def make_explainer(
    modality: str,
    mode: str,
    training_data: Any = None,
    class_names: Optional[Sequence[str]] = None,
    random_state: Any = 0,
    **explainer_kwargs: Any,
):
    """A lime-compatible explainer for ``modality``."""
    if modality == "text":
        from .lime_text import LimeTextExplainer

        return LimeTextExplainer(class_names=class_names, random_state=random_state, **explainer_kwargs)
    if modality == "image":
        from .lime_image import LimeImageExplainer

        return LimeImageExplainer(class_names=class_names, random_state=random_state, **explainer_kwargs)
    if training_data is None:
        raise ValueError("Tabular explanations need training_data (the data the model was trained on, or a sample "
                         "of it) to learn how to perturb each feature.")
    from .lime_tabular import LimeTabularExplainer

    return LimeTabularExplainer(training_data, mode=mode, class_names=class_names, random_state=random_state,
                                **explainer_kwargs)


def explain(
    model: Any,
    instance: Any,
    training_data: Any = None,
    *,
    class_names: Optional[Sequence[str]] = None,
    mode: Optional[str] = None,
    labels: Optional[Sequence[int]] = None,
    num_features: Optional[int] = None,
    num_samples: Union[int, str, None] = None,
    random_state: Any = 0,
    explainer_kwargs: Optional[dict] = None,
    **explain_kwargs: Any,
):
    """Explain one prediction; the result shows as the live widget in a notebook.

    Parameters
    ----------
    model : estimator or callable
        A scikit-learn estimator (``predict_proba`` is used for classifiers,
        ``predict`` for regressors) or a prediction function.
    instance : str, image array (H, W[, C]), pandas Series / one-row DataFrame, or 1-d array
        What to explain; the modality follows from its type.
    training_data : array or DataFrame, optional
        Needed for tabular data.
    class_names : sequence of str, optional
        Default: a classifier's ``classes_`` (as strings), else ``'0'``, ``'1'``, ...
    mode : {'classification', 'regression'}, optional
        Inferred from the model when omitted.
    labels : sequence of int, optional
        Classes to explain; by default the predicted class (``top_labels=1``).
    num_features : int, optional
        lime's default per modality when omitted.
    num_samples : int or 'auto', optional
        lime's default per modality when omitted; ``'auto'`` samples until the
        explanation is stable (see ``explain_instance``).
    random_state : int, RandomState or None
        Seed; the default 0 makes the explanation reproducible.
    explainer_kwargs : dict, optional
        Passed to the explainer's constructor (e.g. ``categorical_features``).
    **explain_kwargs
        Passed to ``explain_instance``.

    Returns
    -------
    Explanation

    Raises
    ------
    TypeError
        ``model`` is a class or neither an estimator nor a function.
    ValueError
        Several rows, several documents, tabular data without ``training_data``,
        a classifier without ``predict_proba``; the explainer's own checks follow.
    """
    if mode is None:
        mode = infer_mode(model)
    if explainer_kwargs is not None and not isinstance(explainer_kwargs, Mapping):
        raise ValueError(f"explainer_kwargs must be a dict of constructor arguments, got {explainer_kwargs!r}.")
    predict_fn = predict_function(model, mode)
    if training_data is None:
        _check_not_documents(instance)
    modality = modality_of(instance, training_data)
    if modality == "tabular":
        _check_one_row(instance)
    if class_names is None:
        class_names = default_class_names(model, mode)
    explainer = make_explainer(modality, mode, training_data, class_names, random_state,
                               **({} if explainer_kwargs is None else explainer_kwargs))
    if labels is not None:
        # checked by the explainer, as any other labels (arrays and names included)
        explain_kwargs.update(labels=labels, top_labels=None)
    elif mode == "classification":
        explain_kwargs.setdefault("top_labels", 1)
    if num_features is not None:
        explain_kwargs["num_features"] = num_features
    if num_samples is not None:
        explain_kwargs["num_samples"] = num_samples
    return explainer.explain_instance(instance, predict_fn, **explain_kwargs)


def _check_one_row(instance: Any) -> None:
    """A tabular instance is one row; several rows get a message saying so (not an image's)."""
    shape = np.shape(instance)
    if len(shape) <= 1 or (len(shape) == 2 and shape[0] == 1):
        return
    rows = f"got {shape[0]} rows" if len(shape) == 2 else f"got an array of shape {shape}"
    raise ValueError(
        f"explain() explains one row; {rows}. Pass a single row, e.g. X[0] or df.iloc[0], or explain "
        "several rows with lime_widget.explain_many(explainer, rows, predict_fn)."
    )


class ExplanationList(DisplayableList, _CoreExplanationList):
    """What :func:`explain_many` returns (a list), shown in notebooks as a :class:`~lime_widget.GlobalView`."""


@functools.wraps(_explain_many)
def explain_many(*args: Any, **kwargs: Any) -> Any:
    result = _explain_many(*args, **kwargs)
    if type(result) is _CoreExplanationList:
        result.__class__ = ExplanationList  # same list, no copy: it gains the notebook display
    return result


__all__ = ["ExplanationList", "default_class_names", "explain", "explain_many", "infer_mode", "make_explainer", "modality_of", "predict_function"]
