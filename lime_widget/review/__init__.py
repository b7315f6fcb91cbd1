"""Error review: walk through a model's mistakes with each row's LIME explanation.

``ErrorReview(model, X, y)`` is the widget; the modules under it hold one job each
(the rows, the predictions, the queue, the annotations, the background work).
"""

from .annotations import BUILTIN_TAGS
from .queue import ORDERS, SCOPES
from .widget import ErrorReview

__all__ = ["BUILTIN_TAGS", "ORDERS", "SCOPES", "ErrorReview"]
