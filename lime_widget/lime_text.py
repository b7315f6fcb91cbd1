"""Drop-in replacement for ``lime.lime_text`` whose explanations show as live widgets."""

from .core.text import LimeTextExplainer as _CoreLimeTextExplainer
from .core.text import TextDomainMapper
from .core.text_index import IndexedCharacters, IndexedString
from .explanation import Explanation


class LimeTextExplainer(_CoreLimeTextExplainer):
    __doc__ = _CoreLimeTextExplainer.__doc__
    explanation_class = Explanation


__all__ = ["IndexedCharacters", "IndexedString", "LimeTextExplainer", "TextDomainMapper"]
