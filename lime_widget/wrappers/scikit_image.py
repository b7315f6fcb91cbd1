"""lime-compatible ``SegmentationAlgorithm`` (``lime.wrappers.scikit_image``)."""

from ..core.segmentation import SegmentationAlgorithm

__all__ = ["SegmentationAlgorithm"]
