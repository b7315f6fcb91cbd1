"""lime-compatible wrappers (``lime_widget.wrappers.scikit_image``)."""
