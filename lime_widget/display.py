"""Showing explanations: the notebook widget and the standalone HTML export.

This is the bridge between the pure LIME core and the front end; it adds no maths.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence


class Displayable:
    """Mixin giving a core explanation lime's display methods, backed by the widget."""

    def as_html(self, labels: Optional[Sequence[int]] = None, predict_proba: bool = True,
                show_predicted_value: bool = True, **kwargs: Any) -> str:
        """One self-contained HTML page with the interactive view (no network needed)."""
        from .export import explanation_html

        return explanation_html(self, labels=labels)

    def save_to_file(self, file_path: str, labels: Optional[Sequence[int]] = None, predict_proba: bool = True,
                     show_predicted_value: bool = True, **kwargs: Any) -> None:
        """Write :meth:`as_html` to ``file_path`` (UTF-8)."""
        with open(file_path, "w", encoding="utf8") as fh:
            fh.write(self.as_html(labels=labels))

    def show_in_notebook(self, labels: Optional[Sequence[int]] = None, predict_proba: bool = True,
                         show_predicted_value: bool = True, **kwargs: Any) -> None:
        """Display the interactive widget in a notebook."""
        from IPython.display import display

        display(self.widget())

    def widget(self):
        """The live :class:`lime_widget.ExplanationWidget` showing this explanation."""
        from .widget import ExplanationWidget

        return ExplanationWidget(self)

    def _repr_mimebundle_(self, **kwargs: Any):
        bundle = self.widget()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle[0].setdefault("text/plain", repr(self))
        return bundle


class DisplayableList:
    """Mixin giving ``explain_many``'s list of explanations a notebook display: the global view."""

    def widget(self, **kwargs: Any):
        """The live :class:`lime_widget.GlobalView` of these explanations (``pick``, ``max_features``, ``label``)."""
        from .widget.global_view import GlobalView

        return GlobalView(self, **kwargs)

    def _repr_mimebundle_(self, **kwargs: Any):
        if not any(hasattr(x, "local_exp") for x in self):
            return None  # nothing to draw (empty, or every row failed): the list's own repr
        bundle = self.widget()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle[0].setdefault("text/plain", repr(self))
        return bundle
