"""lime-compatible helpers (``lime_widget.utils.generic_utils``)."""
