"""lime's ``lime.wrappers.scikit_image``: ``BaseWrapper`` and ``SegmentationAlgorithm``."""

from ..core.params import BaseWrapper
from ..core.segmentation import SegmentationAlgorithm

__all__ = ["BaseWrapper", "SegmentationAlgorithm"]
