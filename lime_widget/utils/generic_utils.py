"""lime's ``lime.utils.generic_utils``."""

from ..core.params import has_arg

__all__ = ["has_arg"]
