"""Error review: walk through a model's mistakes with each row's LIME explanation.

``ErrorReview(model, X, y)`` is the widget; the modules under it hold one job each:
``data`` (the rows), ``outcomes`` (one batched prediction, per-row failures), ``queue``
(orders, scopes, confusion matrix), ``annotations`` (tags, notes, CSV), ``jobs`` (the
background work and per-row cache), ``explaining`` (how a row is explained),
``payload`` (JSON for the front end) and ``widget``. The row shown is refitted and
re-sampled by ExplanationWidget's own controller (``lime_widget.widget.controller``).

State protocol (front end: ``js/review.ts``, bundled as ``static/review.js``)

- The explanation of the row shown uses ExplanationWidget's traits and meaning
  (docs/PROTOCOL.md: ``explanation``, ``image``, ``segments``, ``status``, ``progress``,
  ``error``, ``num_features_max`` and the controls ``num_features``, ``label``,
  ``kernel_width``, ``feature_selection``, ``num_samples``, ``focused_feature``); the
  front end renders it with the regular widget's ``render``.
- Python -> JS: ``summary`` (modality, mode, class_names, n_rows, n_errors, n_failed,
  tags, orders), ``confusion`` (``{labels, counts[true][pred]}``, ``{}`` for regression),
  ``queue_length``, ``row`` (index, id, position, true / pred names, labels,
  probabilities, confidence, loss or residual, failed, tag, note, instance),
  ``row_status`` (empty / computing / ready / error), ``row_error``, ``row_progress``,
  ``row_image`` (RGB uint8 buffer, images only, the same pixels as the ``image`` trait),
  ``annotated``, ``notice``.
- JS -> Python traits: ``position``, ``order``, ``scope`` (errors / all), ``cell``
  (``[true, pred]`` or ``[]``); messages: ``{"type": "annotate", "index", "tag"?,
  "note"?}`` and ``{"type": "jump", "row": <row id as typed>}``.
"""

from .annotations import BUILTIN_TAGS
from .queue import ORDERS, SCOPES
from .widget import ErrorReview

__all__ = ["BUILTIN_TAGS", "ORDERS", "SCOPES", "ErrorReview"]
