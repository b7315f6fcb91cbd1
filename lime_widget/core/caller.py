"""Warnings that point at the caller's line, however deep in the package they are raised."""

from __future__ import annotations

import os
import sys
import warnings

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def warn_at_caller(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` attributed to the first frame outside lime_widget.

    A fixed ``stacklevel`` is wrong when the same warning is reached by several
    paths (a generator consumed by a list or by the user's loop, an explainer
    called directly or by ``explain_many``). Python 3.12's ``skip_file_prefixes``
    does this; older versions count the package's frames. A thread started by
    the package has no caller outside it: its outermost frame is used.
    """
    if sys.version_info >= (3, 12):
        warnings.warn(message, category, skip_file_prefixes=(_PACKAGE,))
        return
    frame, level = sys._getframe(0), 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
