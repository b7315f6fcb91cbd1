"""lime-compatible ``Explanation`` (``from lime_widget.explanation import Explanation``)."""

from .core.explanation import DomainMapper
from .core.explanation import Explanation as CoreExplanation
from .display import Displayable


class Explanation(Displayable, CoreExplanation):
    """A LIME explanation that also shows itself as a live widget in notebooks."""


__all__ = ["DomainMapper", "Explanation"]
