"""lime-compatible image explainer (``from lime_widget import lime_image``).

Same names and signatures as ``lime.lime_image``; explanations also show
themselves as a live widget in notebooks.
"""

from .core.image import ImageDomainMapper
from .core.image import ImageExplanation as CoreImageExplanation
from .core.image import LimeImageExplainer as CoreLimeImageExplainer
from .core.segmentation import SegmentationAlgorithm
from .display import Displayable


class ImageExplanation(Displayable, CoreImageExplanation):
    """An image explanation with lime's methods that also displays as a widget."""


class LimeImageExplainer(CoreLimeImageExplainer):
    __doc__ = CoreLimeImageExplainer.__doc__
    explanation_class = ImageExplanation


__all__ = ["ImageDomainMapper", "ImageExplanation", "LimeImageExplainer", "SegmentationAlgorithm"]
