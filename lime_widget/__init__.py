"""lime-widget: LIME explanations, faithful to lime and fast, shown as live notebook widgets."""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Public names resolve lazily so that ``import lime_widget`` stays cheap and the
# pure-LIME modules work without the widget stack being importable.
_LAZY = {
    "LimeTabularExplainer": "lime_widget.lime_tabular",
    "LimeTextExplainer": "lime_widget.lime_text",
    "LimeImageExplainer": "lime_widget.lime_image",
    "Explanation": "lime_widget.explanation",
    "ExplanationWidget": "lime_widget.widget",
    "explain": "lime_widget.convenience",
    "explain_many": "lime_widget.convenience",
    "ErrorReview": "lime_widget.review",
    "GlobalView": "lime_widget.widget.global_view",
    "SubmodularPick": "lime_widget.submodular_pick",
    "to_frame": "lime_widget.core.table",
}
_SUBMODULES = {"lime_base", "lime_tabular", "lime_text", "lime_image", "explanation", "submodular_pick", "wrappers",
               "discretize", "exceptions", "utils"}

__all__ = sorted(_LAZY) + sorted(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return import_module(f"lime_widget.{name}")
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lime_widget' has no attribute {name!r}")
