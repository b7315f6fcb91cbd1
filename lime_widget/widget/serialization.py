"""The wire format: every conversion from explanations and arrays to what a front end is sent.

The live widget, ErrorReview and the standalone HTML export all send their payloads
through this module, so one explanation or one image looks the same in each of them
(docs/PROTOCOL.md describes the result). No LIME maths here: the values come from
the explanation as fitted.
"""

from __future__ import annotations

import base64
from typing import Any, Optional

import numpy as np

# -- explanations -> JSON-able dicts ------------------------------------------------------


def explanation_payload(exp: Any) -> dict:
    """Everything the front end draws for one explanation, as plain JSON-able values.

    Parameters
    ----------
    exp : lime_widget.core.explanation.Explanation
        A fitted explanation of any modality.

    Returns
    -------
    dict
        The ``explanation`` trait (docs/PROTOCOL.md): modality, mode, names, labels,
        one fit per explained label (``weights`` as ``[feature id, weight]`` pairs),
        settings, warnings and the domain description. Image weights use feature
        positions ``0..n-1`` (the ids of the ``segments`` buffer), not segment labels.
    """
    mapper = exp.domain_mapper
    labels = sorted(exp.local_exp)
    # image explanations key local_exp by segment label, as lime does; the view by position
    positions = mapper.positions() if mapper.modality == "image" else None
    out = {
        "modality": mapper.modality,
        "mode": exp.mode,
        "class_names": [str(c) for c in exp.class_names] if exp.class_names is not None else None,
        "feature_names": [str(n) for n in mapper.feature_names()],
        "labels": labels,
        "top_labels": list(exp.top_labels) if exp.top_labels else None,
        "fits": {
            str(label): {
                "weights": [[int(i) if positions is None else positions[i], float(w)] for i, w in exp.local_exp[label]],
                "intercept": float(exp.intercept[label]),
                "score": float(exp.scores[label]),
                "local_pred": float(np.ravel(exp.local_preds[label])[0]),
            }
            for label in labels
        },
        "settings": exp.settings.as_dict() if exp.settings is not None else {},
        "warnings": [str(w) for w in exp.warnings],
        # through the mapper, so a user's DomainMapper subclass may describe its own domain
        "domain": mapper.to_dict(),
    }
    if exp.mode == "classification":
        out["predict_proba"] = [float(p) for p in exp.predict_proba] if exp.predict_proba is not None else None
    else:
        out["predicted_value"] = float(exp.predicted_value)
        out["min_value"] = float(exp.min_value)
        out["max_value"] = float(exp.max_value)
    return out


#: Confidence level of the intervals the views show.
LEVEL = 0.95


def uncertainty_payload(exp: Any, label: int, level: float = LEVEL) -> dict:
    """The ``uncertainty`` trait for ``exp``'s surrogate of ``label`` (docs/PROTOCOL.md).

    Parameters
    ----------
    exp : Explanation
        With a cached neighbourhood; ``label`` must be explained.
    label : int
        The label as the view shows it (regression: 1).
    level : float, default 0.95

    Returns
    -------
    dict
        ``{"label", "level", "stability", "stability_na", "num_samples", "intervals"}``;
        ``intervals`` holds ``[feature_id, weight, low, high, selection_frequency]``
        per feature of the fit, in its order (the weight lets the view check that the
        intervals belong to the fit it shows). ``stability_na`` is why the stability
        does not apply (then ``stability`` is ``None``), else ``None``: see
        :func:`stability_not_applicable`.
    """
    frame = exp.uncertainty(label=label, level=level)
    columns = zip(frame["feature_id"], frame["weight"], frame["low"], frame["high"], frame["selection_frequency"])
    intervals = [[int(fid), *(jsonable(float(v)) for v in values)] for fid, *values in columns]
    not_applicable = stability_not_applicable(len(intervals), interpretable_features(exp))
    return {
        "label": int(label),
        "level": float(level),
        "stability": None if not_applicable else jsonable(float(frame.attrs["stability"])),
        "stability_na": not_applicable,
        "num_samples": int(exp.num_samples),
        "intervals": intervals,
    }


#: Why the stability of a fit that shows every feature is not shown.
ALL_FEATURES_SHOWN = "all features shown"


def stability_not_applicable(n_shown: int, n_features: int) -> Optional[str]:
    """Why a fit's stability says nothing (``None`` when it applies).

    The stability is the expected Jaccard overlap of the top features of two
    samples. A fit that lists every interpretable feature (``num_features`` at or
    above their number, as images by default, or ``feature_selection='none'``)
    has the same top set in every sample, so its stability is 1 by construction,
    whatever its intervals say.

    Parameters
    ----------
    n_shown : int
        Features in the fit.
    n_features : int
        Interpretable features of the explanation.
    """
    return ALL_FEATURES_SHOWN if n_shown >= n_features else None


def interpretable_features(exp: Any) -> int:
    """How many interpretable features ``exp`` has (columns, words or superpixels)."""
    if getattr(exp, "neighborhood", None) is not None:
        return int(exp.neighborhood.num_features)
    return len(exp.domain_mapper.feature_names())


def jsonable(value: Any) -> Any:
    """A value JSON can carry: numpy scalars as Python ones, NaN and infinities as ``None`` (null)."""
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def domain_payload(mapper: Any) -> dict:
    """What the front end needs to draw the explained instance (the ``domain`` key).

    Tabular: ``columns``, ``values`` (as text) and ``categorical``; text: the raw
    ``text``, its ``pieces`` (``[text, feature id or -1]``), ``bow`` and ``char_level``;
    image: ``height``, ``width`` and ``num_segments``; ``{}`` for other modalities.
    """
    if mapper.modality == "tabular":
        return {"columns": mapper.columns, "values": mapper.values, "categorical": mapper.categorical}
    if mapper.modality == "text":
        return {"text": mapper.indexed_string.raw_string(), "pieces": mapper.pieces(),
                "bow": mapper.indexed_string.bow, "char_level": mapper.char_level}
    if mapper.modality == "image":
        height, width = mapper.image.shape[:2]
        return {"height": int(height), "width": int(width), "num_segments": mapper.superpixels.n_features}
    return {}


# -- arrays -> binary buffers -------------------------------------------------------------


def array_buffer(array: np.ndarray) -> dict:
    """An array as a binary trait value ``{"data", "dtype", "shape"}``.

    ``data`` is a flat ``memoryview`` of the bytes in C order, little-endian (what
    the front end's typed arrays read); ipywidgets sends a memoryview as a binary
    buffer, not as JSON. ``dtype`` is numpy's name (``"uint8"``, ``"int32"``).
    """
    array = np.asarray(array)
    array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
    return {"data": memoryview(array.reshape(-1).view(np.uint8)), "dtype": str(array.dtype),
            "shape": [int(n) for n in array.shape]}


def base64_buffer(buffer: dict) -> dict:
    """A binary trait value for an HTML page: ``{"data_b64", "dtype", "shape"}`` (``{}`` stays ``{}``)."""
    if not buffer:
        return {}
    # an HTML file has no binary channel; the page decodes this back into a DataView
    return {"data_b64": base64.b64encode(bytes(buffer["data"])).decode("ascii"),
            "dtype": buffer["dtype"], "shape": list(buffer["shape"])}


# -- images -> display pixels -------------------------------------------------------------


def to_rgb_uint8(image: np.ndarray) -> np.ndarray:
    """An ``(H, W, 3)`` uint8 copy of an image for display: the one converter every view uses.

    Channels: greyscale (``(H, W)`` or ``(H, W, 1)``) is repeated into RGB, alpha
    (a 4th channel) is dropped, any other channel count shows its first channel in grey.
    Values, read from the whole image's range:

    - ``uint8`` as is; ``bool`` as 0 / 255;
    - floats in ``[0, 1]`` times 255 (lime's and scikit-image's float images);
    - floats in ``[-1, 1]`` with negatives mapped linearly, -1 to 0 and 1 to 255
      (the signed float images of scikit-image and of ``x / 127.5 - 1`` preprocessing);
    - other values in ``[0, 255]`` as is (rounded);
    - anything else stretched linearly, minimum to 0 and maximum to 255; a constant
      image has no range to stretch and is clipped into ``[0, 255]`` (300 is white).

    Raises
    ------
    ValueError
        If ``image`` is not 2-d or 3-d, or holds NaN or infinite values.
    """
    image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(f"Expected an image of shape (H, W) or (H, W, channels), got an array of shape {image.shape}.")
    if image.ndim == 2:
        image = image[:, :, None]
    channels = image.shape[2]
    rgb = image[:, :, :3] if channels in (3, 4) else np.repeat(image[:, :, :1], 3, axis=2)
    if rgb.dtype == np.uint8:
        return np.ascontiguousarray(rgb)
    if rgb.dtype == bool:
        return np.where(rgb, np.uint8(255), np.uint8(0))
    values = rgb.astype(np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("The image contains NaN or infinite values.")
    if values.size == 0:
        return np.zeros(rgb.shape, dtype=np.uint8)
    low, high = float(values.min()), float(values.max())
    floating = np.issubdtype(rgb.dtype, np.floating)
    if floating and low >= 0.0 and high <= 1.0:
        values = values * 255.0
    elif floating and low >= -1.0 and high <= 1.0:
        values = (values + 1.0) * 127.5
    elif (low < 0.0 or high > 255.0) and high > low:
        values = (values - low) * (255.0 / (high - low))
    return np.ascontiguousarray(np.clip(np.rint(values), 0, 255).astype(np.uint8))


def image_buffer(image: np.ndarray) -> dict:
    """An image as the RGB uint8 binary trait value the views draw (:func:`to_rgb_uint8`)."""
    return array_buffer(to_rgb_uint8(image))


def segment_ids(exp: Any) -> np.ndarray:
    """Feature id per pixel (int32): the explanation's ``feature_map`` if it has one,
    else the rank of each pixel's segment label among the sorted labels (lime's order)."""
    ids = getattr(exp, "feature_map", None)
    if ids is None:
        ids = getattr(exp, "segment_ids", None)
    if ids is None:
        segments = np.asarray(exp.segments)
        _, ids = np.unique(segments, return_inverse=True)
        ids = ids.reshape(segments.shape)
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"Segments must be an (H, W) array of superpixel ids, got shape {ids.shape}.")
    return ids.astype(np.int32, copy=False)


def image_buffers(exp: Any) -> tuple[dict, dict]:
    """``(image, segments)`` trait values of an explanation; empty dicts when it has no image.

    An explanation class with its own ``image_buffers()`` (docs/PROTOCOL.md) is
    asked for them; otherwise this is :func:`explanation_image_buffers`.
    """
    if getattr(exp, "domain_mapper", None) is None or exp.domain_mapper.modality != "image":
        return {}, {}
    from ..core.image import ImageExplanation

    own = getattr(type(exp), "image_buffers", None)
    if callable(own) and own is not ImageExplanation.image_buffers:  # ours comes back here
        buffers = exp.image_buffers()
        return buffers["image"], buffers["segments"]
    return explanation_image_buffers(exp)


def explanation_image_buffers(exp: Any) -> tuple[dict, dict]:
    """``(image, segments)`` of an image explanation, converted here.

    ``image`` is :func:`image_buffer` of ``exp.image``; ``segments`` holds each
    pixel's feature id (:func:`segment_ids`) as int32.

    Raises
    ------
    ValueError
        If the segments' shape is not the image's height and width.
    """
    image = to_rgb_uint8(exp.image)
    ids = segment_ids(exp)
    if ids.shape != image.shape[:2]:
        raise ValueError(f"Segments of shape {ids.shape} do not match the image of shape {image.shape[:2]}.")
    return array_buffer(image), array_buffer(ids)
