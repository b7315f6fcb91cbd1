"""Showing explanations: the notebook widget and the standalone HTML export.

This is the bridge between the pure LIME core and the front end; it adds no maths.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from .core.validation import check_flag

# lime's visualize_instance_html options (tabular: show_table, show_all; text: text); accepted
# for lime code, not applied: the interactive view always shows the table and the text
_LIME_VIEW_OPTIONS = ("show_table", "show_all", "text")


def _check_lime_display_options(predict_proba: Any, show_predicted_value: Any, options: dict) -> None:
    check_flag("predict_proba", predict_proba)
    check_flag("show_predicted_value", show_predicted_value)
    unknown = sorted(set(options) - set(_LIME_VIEW_OPTIONS))
    if unknown:
        raise TypeError(f"unexpected keyword argument(s) {unknown}; lime's display options are labels, "
                        f"predict_proba, show_predicted_value and {', '.join(_LIME_VIEW_OPTIONS)}.")
    for name, value in options.items():
        check_flag(name, value)


class Displayable:
    """Mixin giving a core explanation lime's display methods, backed by the widget."""

    def as_html(self, labels: Optional[Sequence[int]] = None, predict_proba: bool = True,
                show_predicted_value: bool = True, **kwargs: Any) -> str:
        """One self-contained HTML page with the interactive view (no network needed).

        lime's display options (``predict_proba``, ``show_predicted_value``,
        ``show_table``, ``show_all``, ``text``) are checked and accepted so lime
        code runs, but the interactive view always shows every panel; other
        keywords are a ``TypeError``.
        """
        from .export import explanation_html

        _check_lime_display_options(predict_proba, show_predicted_value, kwargs)
        return explanation_html(self, labels=labels)

    def save_to_file(self, file_path: str, labels: Optional[Sequence[int]] = None, predict_proba: bool = True,
                     show_predicted_value: bool = True, **kwargs: Any) -> None:
        """Write :meth:`as_html` to ``file_path`` (UTF-8)."""
        _check_lime_display_options(predict_proba, show_predicted_value, kwargs)
        with open(file_path, "w", encoding="utf8") as fh:
            fh.write(self.as_html(labels=labels))

    def show_in_notebook(self, labels: Optional[Sequence[int]] = None, predict_proba: bool = True,
                         show_predicted_value: bool = True, **kwargs: Any) -> None:
        """Display the interactive widget in a notebook (lime's options: see :meth:`as_html`)."""
        from IPython.display import display

        _check_lime_display_options(predict_proba, show_predicted_value, kwargs)
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
