"""lime's ``lime.exceptions``: ``LimeError`` and the errors derived from it."""

from .core.exceptions import InvalidModeError, LabelNotExplainedError, LimeError

__all__ = ["InvalidModeError", "LabelNotExplainedError", "LimeError"]
