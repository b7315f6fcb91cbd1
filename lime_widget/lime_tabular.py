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

# the discretizers an explainer makes from a name are lime's public classes, as in lime
_DISCRETIZERS = {"quartile": QuartileDiscretizer, "decile": DecileDiscretizer, "entropy": EntropyDiscretizer}


class LimeTabularExplainer(TabularExplainer):
    __doc__ = TabularExplainer.__doc__
    explanation_class = Explanation
    discretizer_classes = _DISCRETIZERS
    stats_discretizer_class = StatsDiscretizer


class RecurrentTabularExplainer(_CoreRecurrentTabularExplainer):
    __doc__ = _CoreRecurrentTabularExplainer.__doc__
    explanation_class = Explanation
    discretizer_classes = _DISCRETIZERS
    stats_discretizer_class = StatsDiscretizer


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
