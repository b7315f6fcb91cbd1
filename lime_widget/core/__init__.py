"""Pure LIME: numpy, scikit-learn and scikit-image only. Never imports widget code."""
