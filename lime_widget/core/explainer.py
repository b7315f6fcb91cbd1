"""What the text and image explainers keep for their surrogate, checked one way."""

from __future__ import annotations

from typing import Any, Callable, Optional

from .surrogate import validate_feature_selection
from .validation import (
    check_callable,
    check_class_names,
    check_flag,
    check_kernel_width,
    check_random_state,
    checked_kernel,
)


class SurrogateArguments:
    """Keeps ``kernel_width``, ``kernel``, ``verbose``, ``feature_selection``,
    ``random_state`` and ``class_names`` as checked attributes (lime's names).
    """

    def _keep_surrogate_arguments(self, kernel_width: Any, kernel: Any, verbose: Any, feature_selection: Any,
                                  random_state: Any, class_names: Any) -> None:
        self.kernel_width = check_kernel_width(kernel_width)
        self.kernel = check_callable("kernel", kernel, "a function kernel(distances, kernel_width)", optional=True)
        self.verbose = check_flag("verbose", verbose)
        self.feature_selection = validate_feature_selection(feature_selection)
        self.random_state = check_random_state(random_state)
        self.class_names = check_class_names(class_names)

    def _surrogate_arguments(self) -> tuple[float, Callable, Optional[list]]:
        """``(kernel_width, kernel, class_names)`` for one call, checked again.

        The attributes are public and may have been changed since construction.
        """
        validate_feature_selection(self.feature_selection)
        kernel_width = check_kernel_width(self.kernel_width)
        return kernel_width, checked_kernel(self.kernel, kernel_width), check_class_names(self.class_names)
