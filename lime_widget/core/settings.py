"""The surrogate's settings as one checked value (what ``exp.refit`` can change).

:class:`FitSettings` is built once per explanation, after the explainer knows how
many interpretable features there are, and replaced (never edited) by
``Explanation.refit``. It is the single place that decides the effective
``num_features``: lime caps a larger request at the number of features, and every
reader (the surrogate fit, the widget's slider, the offline export) reads
``settings.num_features`` instead of capping again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Iterator, Optional

from .surrogate import validate_feature_selection
from .validation import check_integer, check_kernel_width, check_model_regressor


def cap_num_features(num_features: Any, n_features: int) -> int:
    """The number of features a surrogate uses: ``num_features`` capped at ``n_features``.

    lime silently caps a larger request (its defaults, 10, or 100000 for images,
    rely on it), so a request above ``n_features`` is not an error.

    Raises
    ------
    ValueError
        ``num_features`` is not an integer >= 1.
    """
    return min(check_integer("num_features", num_features), int(n_features))


@dataclasses.dataclass(frozen=True)
class FitSettings(Mapping):
    """How the surrogate is fitted on a cached neighbourhood, checked on creation.

    Parameters
    ----------
    num_features : int
        Requested number of features; stored capped at ``n_features``
        (:func:`cap_num_features`).
    n_features : int
        Interpretable features of the neighbourhood (words, superpixels, columns).
    kernel_width : float
        Positive, finite.
    feature_selection : str, default 'auto'
        One of lime's methods.
    model_regressor : estimator, optional
        Surrogate regressor (cloned per fit); ``None`` is ``Ridge(alpha=1)``.
    num_samples : int, optional
        Rows of the neighbourhood (the model's calls are not repeated by a refit).
    distance_metric : str or callable, optional
        How the neighbourhood's distances were measured (informational).
    batch_size : int, optional
        Images per model call (image explanations only; informational).
    requested_num_features : int, optional
        The ``num_features`` asked for, before the cap (set from ``num_features``
        when omitted); lime's ``'auto'`` feature selection decides on it.

    Notes
    -----
    The instance also reads as a mapping of its JSON-able values
    (``settings["num_features"]``), as the dict it replaces did.
    """

    num_features: int
    n_features: int
    kernel_width: float
    feature_selection: str = "auto"
    model_regressor: Any = None
    num_samples: Optional[int] = None
    distance_metric: Any = None
    batch_size: Optional[int] = None
    requested_num_features: Optional[int] = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_features", check_integer("n_features", self.n_features))
        requested = self.num_features if self.requested_num_features is None else self.requested_num_features
        requested = check_integer("num_features", requested)
        object.__setattr__(self, "requested_num_features", requested)
        object.__setattr__(self, "num_features", min(requested, self.n_features))  # cap_num_features, checked
        object.__setattr__(self, "kernel_width", check_kernel_width(self.kernel_width))
        validate_feature_selection(self.feature_selection)
        check_model_regressor(self.model_regressor)

    def cap(self, num_features: Any) -> int:
        """``num_features`` as a fit on this neighbourhood uses it (see :func:`cap_num_features`)."""
        return cap_num_features(num_features, self.n_features)

    @property
    def selection_method(self) -> str:
        """The feature selection the fit runs: ``'auto'`` resolved as lime resolves it.

        lime picks forward selection for at most 6 requested features, else highest
        weights, on the request before the cap (both then select every feature;
        the method still decides the order of equal weights).
        """
        if self.feature_selection != "auto":
            return self.feature_selection
        return "forward_selection" if self.requested_num_features <= 6 else "highest_weights"

    def replace(self, **changes: Any) -> "FitSettings":
        """A copy with ``changes`` (``None`` values keep the current setting), checked again."""
        changes = {name: value for name, value in changes.items() if value is not None}
        if "num_features" in changes:
            changes["requested_num_features"] = None
        return dataclasses.replace(self, **changes) if changes else self

    def as_dict(self) -> dict:
        """The JSON-able settings (no regressor object; a callable metric as its ``repr``)."""
        metric = self.distance_metric
        out = {
            "num_features": self.num_features,
            "feature_selection": self.feature_selection,
            "kernel_width": self.kernel_width,
            "num_samples": self.num_samples,
            "distance_metric": metric if metric is None or isinstance(metric, str) else repr(metric),
        }
        if self.batch_size is not None:
            out["batch_size"] = self.batch_size
        return out

    # -- read-only mapping view, for code written against the former dict ----------
    def __getitem__(self, key: str) -> Any:
        if key == "model_regressor":
            return self.model_regressor
        return self.as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())
