"""Notebook widgets (anywidget): traitlets and plumbing only, the maths stays in ``core``."""

from .bundle import BundleMissingError
from .controller import ExplanationController
from .explanation_widget import ExplanationWidget

__all__ = ["BundleMissingError", "ExplanationController", "ExplanationWidget"]
