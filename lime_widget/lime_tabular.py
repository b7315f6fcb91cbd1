"""Drop-in replacement for ``lime.lime_tabular``."""

from .core.discretize import (
    BaseDiscretizer,
    DecileDiscretizer,
    EntropyDiscretizer,
    QuartileDiscretizer,
    StatsDiscretizer,
)
from .core.tabular import TableDomainMapper, TabularExplainer
from .explanation import Explanation


class LimeTabularExplainer(TabularExplainer):
    __doc__ = TabularExplainer.__doc__
    explanation_class = Explanation


__all__ = [
    "BaseDiscretizer",
    "DecileDiscretizer",
    "EntropyDiscretizer",
    "LimeTabularExplainer",
    "QuartileDiscretizer",
    "StatsDiscretizer",
    "TableDomainMapper",
]
