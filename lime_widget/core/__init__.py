"""Pure LIME: numpy, scikit-learn and scikit-image only.

Never imports widget code at import time: the payload methods (``Explanation.to_dict``,
``DomainMapper.to_dict``, ``ImageExplanation.image_buffers``) defer to
``lime_widget.widget.serialization`` when they are called.
"""
