"""Drop-in replacement for ``lime.lime_tabular``."""

from .core.recurrent import RecurrentTabularExplainer as _CoreRecurrentTabularExplainer
from .core.tabular import TableDomainMapper, TabularExplainer
from .discretize import (
    BaseDiscretizer,
    DecileDiscretizer,
    EntropyDiscretizer,
    QuartileDiscretizer,
    StatsDiscretizer,
)
from .explanation import Explanation


class LimeTabularExplainer(TabularExplainer):
    __doc__ = TabularExplainer.__doc__
    explanation_class = Explanation


class RecurrentTabularExplainer(_CoreRecurrentTabularExplainer):
    __doc__ = _CoreRecurrentTabularExplainer.__doc__
    explanation_class = Explanation


__all__ = [
    "BaseDiscretizer",
    "DecileDiscretizer",
    "EntropyDiscretizer",
    "LimeTabularExplainer",
    "QuartileDiscretizer",
    "RecurrentTabularExplainer",
    "StatsDiscretizer",
    "TableDomainMapper",
]
