"""Notebook widgets (anywidget): traitlets and plumbing only, the maths stays in ``core``."""

from .bundle import BundleMissingError
from .explanation_widget import ExplanationWidget

__all__ = ["BundleMissingError", "ExplanationWidget"]
