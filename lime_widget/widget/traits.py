"""The synced state of an explanation view (docs/PROTOCOL.md).

Shared by :class:`ExplanationWidget` and ``ErrorReview``, whose front ends render the
same explanation views from these traits.
"""

from __future__ import annotations

import traitlets


class ExplanationViewTraits(traitlets.HasTraits):
    """Traits of one explanation view: Python -> JS state, and the user's controls."""

    # Python -> JS
    explanation = traitlets.Dict().tag(sync=True)
    image = traitlets.Dict().tag(sync=True)
    segments = traitlets.Dict().tag(sync=True)
    status = traitlets.Unicode("idle").tag(sync=True)
    progress = traitlets.Float(1.0).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    num_features_max = traitlets.Int(1).tag(sync=True)
    offline = traitlets.Bool(False).tag(sync=True)
    #: intervals and stability of the shown fit, sent when ready (docs/PROTOCOL.md)
    uncertainty = traitlets.Dict().tag(sync=True)

    # JS -> Python (controls)
    num_features = traitlets.Int(1).tag(sync=True)
    label = traitlets.Int(0).tag(sync=True)
    kernel_width = traitlets.Float(1.0).tag(sync=True)
    feature_selection = traitlets.Unicode("auto").tag(sync=True)
    num_samples = traitlets.Int(0).tag(sync=True)
    focused_feature = traitlets.Int(-1).tag(sync=True)
    #: a request counter: each increase re-samples with num_samples="auto"
    sample_until_stable = traitlets.Int(0).tag(sync=True)
