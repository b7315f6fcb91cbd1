"""Explanations as one long table: a row per (explained row, label, feature)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Optional

import numpy as np
import pandas as pd

COLUMNS = ("row_id", "label", "class_name", "feature_id", "feature", "rule", "value", "value_text", "weight",
           "low", "high", "score", "local_pred", "intercept", "prediction")


def _number(text: Any) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return np.nan


def _items(explanations: Any) -> Iterable[tuple[Any, Any]]:
    """(row id, explanation) pairs; failures (objects with ``error_type``) are left out."""
    if hasattr(explanations, "local_exp"):
        explanations = [explanations]
    if isinstance(explanations, (str, bytes)) or not isinstance(explanations, (Mapping, Iterable)):
        raise TypeError(
            f"to_frame needs an explanation, a list or dict of explanations, or explain_many's result; got "
            f"{type(explanations).__name__}."
        )
    if isinstance(explanations, Mapping):
        pairs: Iterable = explanations.items()
    else:
        pairs = ((getattr(exp, "row_id", i), exp) for i, exp in enumerate(explanations))
    for row_id, exp in pairs:
        if hasattr(exp, "error_type") and not hasattr(exp, "local_exp"):
            continue  # a RowFailure: explain_many lists it in .failures
        if not hasattr(exp, "local_exp"):
            raise TypeError(f"to_frame needs explanations; the one for row {row_id!r} is a {type(exp).__name__}.")
        yield row_id, exp


def _labels(exp: Any) -> list[int]:
    if exp.mode != "classification":
        return [1]  # lime's label of a regression explanation (0 is its mirror image)
    return list(exp.top_labels) if exp.top_labels else list(exp.local_exp)


def _intervals(exp: Any, label: int, level: Optional[float]) -> dict:
    if level is None:
        return {}
    uncertainty = getattr(exp, "uncertainty", None)
    if not callable(uncertainty):
        raise TypeError(f"level={level!r} asks for intervals, but {type(exp).__name__} has no uncertainty(); "
                        "pass level=None.")
    frame = uncertainty(label, level)
    return {int(f): (lo, hi) for f, lo, hi in zip(frame["feature_id"], frame["low"], frame["high"])}


def to_frame(explanations: Any, level: Optional[float] = None) -> pd.DataFrame:
    """Explanations as a long DataFrame, one row per (row, label, feature).

    Parameters
    ----------
    explanations : Explanation, sequence of Explanation, or mapping row id -> Explanation
        E.g. what :func:`~lime_widget.core.many.explain_many` returns (its
        :class:`~lime_widget.core.many.RowFailure` entries are left out: they are
        listed in its ``failures``). Row ids are ``exp.row_id`` (set by
        ``explain_many``), the mapping's keys, else positions.
    level : float, optional
        Fill ``low`` and ``high`` with each weight's interval at this
        confidence level, from ``exp.uncertainty(label, level)`` (zero model
        calls). ``None`` (default) leaves them NaN, which costs nothing.

    Returns
    -------
    pandas.DataFrame
        Columns ``row_id``; ``label`` and ``class_name`` (regression: label 1, as
        lime's ``as_list()``); ``feature_id``; ``feature`` (the column name for
        tables, the word for text, ``superpixel k`` for images); ``rule`` (the
        ``as_list`` name, e.g. ``x <= 2.30``); ``value`` (the instance's value as
        shown, a float, NaN when not a number or not tabular) and ``value_text``;
        ``weight``; ``low``, ``high``; ``score``, ``local_pred`` and
        ``intercept`` of the label's surrogate; ``prediction`` (the model's
        probability for the label, or its prediction in regression). Features
        of one (row, label) come in ``as_list`` order (largest |weight| first).

    Raises
    ------
    TypeError
        An entry that is not an explanation, or ``level`` for explanations
        without ``uncertainty()``.
    """
    columns: dict[str, list] = {name: [] for name in COLUMNS}
    for row_id, exp in _items(explanations):
        mapper = exp.domain_mapper
        names = getattr(mapper, "columns", None)  # tabular: the data's column names
        values = getattr(mapper, "values", None)
        for label in _labels(exp):
            pairs = exp.local_exp[label]
            rules = [name for name, _ in mapper.map_exp_ids(pairs)]
            bounds = _intervals(exp, label, level)
            if exp.mode == "classification":
                class_name = str(exp.class_names[label]) if exp.class_names is not None else str(label)
                prediction = float(exp.predict_proba[label]) if exp.predict_proba is not None else np.nan
            else:
                class_name, prediction = None, float(exp.predicted_value)
            for (feature, weight), rule in zip(pairs, rules):
                text = values[feature] if values is not None else None
                low, high = bounds.get(int(feature), (np.nan, np.nan))
                columns["row_id"].append(row_id)
                columns["label"].append(int(label))
                columns["class_name"].append(class_name)
                columns["feature_id"].append(int(feature))
                columns["feature"].append(str(names[feature]) if names is not None else str(rule))
                columns["rule"].append(str(rule))
                columns["value"].append(_number(text))
                columns["value_text"].append(text)
                columns["weight"].append(float(weight))
                columns["low"].append(float(low))
                columns["high"].append(float(high))
                columns["score"].append(float(exp.scores[label]))
                columns["local_pred"].append(float(np.ravel(exp.local_preds[label])[0]))
                columns["intercept"].append(float(exp.intercept[label]))
                columns["prediction"].append(prediction)
    frame = pd.DataFrame(columns)
    return frame.astype({"label": "int64", "feature_id": "int64", "value": "float64", "weight": "float64",
                         "low": "float64", "high": "float64", "score": "float64", "local_pred": "float64",
                         "intercept": "float64", "prediction": "float64"})
