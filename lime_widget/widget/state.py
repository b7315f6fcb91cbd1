"""The view's starting point: plain values derived from an explanation (no LIME maths).

Which label and controls a view opens on, the slider's range, a text summary. Shared
by the live widget and the standalone HTML export so that both show the same thing
for the same explanation; the payloads themselves are built in :mod:`.serialization`.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import serialization

#: The labels a regression explanation carries (lime: 1 is the prediction, 0 its mirror).
REGRESSION_LABELS = (0, 1)
REGRESSION_LABEL = 1


def default_label(exp: Any) -> int:
    """The class a view opens on: the top label, else the most probable explained label."""
    if exp.mode != "classification":
        return REGRESSION_LABEL
    if exp.top_labels:
        return int(exp.top_labels[0])
    labels = [int(x) for x in exp.local_exp]
    if not labels:
        raise ValueError("The explanation has no explained label to show.")
    if exp.predict_proba is not None:
        proba = np.asarray(exp.predict_proba, dtype=float)
        return max(labels, key=lambda x: (proba[x], -x))
    return labels[0]


def num_features_max(exp: Any) -> int:
    """How many interpretable features the neighbourhood has (the slider's maximum)."""
    return serialization.interpretable_features(exp)


def shown_num_features(exp: Any) -> int:
    """The surrogate's number of features, as its settings capped it (10 of 4 features is 4)."""
    if exp.settings is not None:
        return exp.settings.num_features
    return max((len(w) for w in exp.local_exp.values()), default=1)


def shown_num_samples(exp: Any) -> Optional[int]:
    """The number of samples the explanation was fitted on, if known."""
    num_samples = exp.settings.num_samples if exp.settings is not None else None
    if num_samples is None and exp.neighborhood is not None:
        num_samples = exp.neighborhood.num_samples
    return int(num_samples) if num_samples is not None else None


def controls(exp: Any) -> dict:
    """Initial values of the control traits for an explanation."""
    settings = exp.settings
    width = settings.kernel_width if settings is not None else None
    if width is None and exp.neighborhood is not None:
        width = exp.neighborhood.kernel_width
    num_samples = shown_num_samples(exp)
    return {
        "num_features": shown_num_features(exp),
        "label": default_label(exp),
        "kernel_width": float(width) if width is not None else 1.0,
        "feature_selection": settings.feature_selection if settings is not None else "auto",
        "num_samples": int(num_samples) if num_samples is not None else 0,
    }


def summary(exp: Optional[Any], label: Optional[int] = None, top: int = 5) -> str:
    """A short text description, for front ends that cannot show the widget."""
    if exp is None:
        return "<ExplanationWidget (empty)>"
    label = default_label(exp) if label is None else label
    try:
        pairs = exp.as_list(label=label)
    except (KeyError, ValueError):
        return repr(exp)
    if exp.mode == "classification" and exp.class_names is not None:
        head = f"class {exp.class_names[label]!s} (label {label})"
    elif exp.mode == "classification":
        head = f"label {label}"
    else:
        head = f"predicted value {getattr(exp, 'predicted_value', float('nan')):.4g}"
    body = ", ".join(f"{name} {weight:+.3g}" for name, weight in pairs[:top])
    more = f", … ({len(pairs) - top} more)" if len(pairs) > top else ""
    return f"LIME explanation, {exp.domain_mapper.modality}, {head}: {body}{more}"
