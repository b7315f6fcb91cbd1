"""What the front end is sent: plain values derived from an explanation (no LIME maths).

Shared by the live widget and the standalone HTML export so that both show the same
thing for the same explanation.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

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
    if exp.neighborhood is not None:
        return int(exp.neighborhood.num_features)
    return len(exp.domain_mapper.feature_names())


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


def _buffer(array: np.ndarray) -> dict:
    array = np.ascontiguousarray(array)
    # memoryview keeps the bytes binary over the comm (ipywidgets sends buffers as-is)
    return {"data": memoryview(array.reshape(-1).view(np.uint8)), "dtype": str(array.dtype),
            "shape": [int(n) for n in array.shape]}


def rgb_uint8(image: np.ndarray) -> np.ndarray:
    """An image as H x W x 3 uint8 for display (greyscale replicated, alpha dropped).

    Floats are read as lime reads them: ``[0, 1]`` when the maximum is at most 1,
    otherwise ``[0, 255]``.
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.ndim == 2:
        image = np.stack([image] * 3, axis=-1)
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise ValueError(f"Expected an image of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), got {image.shape}.")
    image = image[:, :, :3]
    if image.dtype == np.uint8:
        return np.ascontiguousarray(image)
    if image.dtype == bool:
        return np.ascontiguousarray(image.astype(np.uint8) * 255)
    values = image.astype(float)
    if not np.all(np.isfinite(values)):
        raise ValueError("The image contains NaN or infinite values.")
    if values.size and values.max() <= 1.0:
        values = values * 255.0
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def segment_ids(exp: Any) -> np.ndarray:
    """Feature id per pixel (int32): the explanation's ``feature_map`` if it has one,
    else the rank of each pixel's segment label among the sorted labels (lime's order)."""
    ids = getattr(exp, "feature_map", None)
    if ids is None:
        ids = getattr(exp, "segment_ids", None)
    if ids is None:
        _, ids = np.unique(np.asarray(exp.segments), return_inverse=True)
        ids = ids.reshape(np.asarray(exp.segments).shape)
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"Segments must be an (H, W) array of superpixel ids, got shape {ids.shape}.")
    return ids.astype(np.int32, copy=False)


def image_buffers(exp: Any) -> tuple[dict, dict]:
    """``(image, segments)`` trait values; empty dicts for views without an image.

    Uses the image explanation's own ``image_buffers()`` when it has one (it knows
    its feature map); otherwise converts ``exp.image`` and ``exp.segments``.
    """
    if getattr(exp, "domain_mapper", None) is None or exp.domain_mapper.modality != "image":
        return {}, {}
    own = getattr(exp, "image_buffers", None)
    if callable(own):
        buffers = own()
        return buffers["image"], buffers["segments"]
    image = rgb_uint8(exp.image)
    ids = segment_ids(exp)
    if ids.shape != image.shape[:2]:
        raise ValueError(f"Segments of shape {ids.shape} do not match the image of shape {image.shape[:2]}.")
    return _buffer(image), _buffer(ids)


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
