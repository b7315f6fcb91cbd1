"""Superpixels: segmentation algorithms, segment indexing and hidden colours.

An image explanation's interpretable features are superpixels. This module turns a
segmentation (any integer labels, one per pixel) into feature ids ``0..n-1`` and
computes the colour each superpixel takes when it is switched off.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from .caller import warn_at_caller
from .params import BaseWrapper

SEGMENTATION_ALGORITHMS = ("quickshift", "slic", "felzenszwalb")

# lime's default segmentation for explain_instance
DEFAULT_QUICKSHIFT = {"kernel_size": 4, "max_dist": 200, "ratio": 0.2}


def _skimage_function(algo_type: str) -> Callable:
    from skimage import segmentation

    return getattr(segmentation, algo_type)


def _keyword_names(fn: Callable) -> set[str]:
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {name for name, p in inspect.signature(fn).parameters.items() if p.kind in kinds}


class SegmentationAlgorithm(BaseWrapper):
    """A scikit-image segmentation with fixed parameters, callable on an image.

    Compatible with ``lime.wrappers.scikit_image.SegmentationAlgorithm`` (a
    :class:`~lime_widget.core.params.BaseWrapper`, as lime's is).

    Parameters
    ----------
    algo_type : {'quickshift', 'slic', 'felzenszwalb'}
        The scikit-image function in ``skimage.segmentation``.
    **target_params
        Keyword arguments of that function. ``random_seed`` seeds quickshift (it is
        passed as scikit-image's ``rng``; lime 0.2.0.1 drops it silently on
        scikit-image versions that renamed the argument, so its segmentation is
        always seeded with 42 there). Arguments the function does not take are
        ignored with a warning (lime ignores them silently).

    Attributes
    ----------
    algo_type : str
    target_fn : callable
        The scikit-image function.
    target_params : dict
        The keyword arguments it is called with.

    Examples
    --------
    >>> from skimage.data import astronaut
    >>> segments = SegmentationAlgorithm("slic", n_segments=50)(astronaut())
    """

    def __init__(self, algo_type: str, **target_params: Any):
        if algo_type not in SEGMENTATION_ALGORITHMS:
            raise ValueError(
                f"algo_type={algo_type!r} is not known; expected one of {', '.join(SEGMENTATION_ALGORITHMS)} "
                "(or pass any function image -> segments as segmentation_fn)."
            )
        self.algo_type = algo_type
        self.target_fn = _skimage_function(algo_type)
        self.target_params = self._accepted(target_params)

    def _renamed(self, params: dict) -> dict:
        params = dict(params)
        accepted = _keyword_names(self.target_fn)
        if "random_seed" in params and "random_seed" not in accepted:
            seed = params.pop("random_seed")
            # scikit-image renamed quickshift's random_seed to rng; slic and
            # felzenszwalb are deterministic and need no seed
            if "rng" in accepted and "rng" not in params and seed is not None:
                params["rng"] = int(seed)
        return params

    def _accepted(self, params: dict) -> dict:
        params = self._renamed(params)
        accepted = _keyword_names(self.target_fn)
        unknown = sorted(set(params) - accepted)
        if unknown:
            warn_at_caller(
                f"skimage.segmentation.{self.algo_type} does not take {', '.join(unknown)}; ignored. "
                f"Its parameters are: {', '.join(sorted(accepted - {'image'}))}.",
                UserWarning,
            )
        return {k: v for k, v in params.items() if k in accepted}

    def set_params(self, **params: Any) -> "SegmentationAlgorithm":
        """Replace the keyword arguments the segmentation is called with.

        Raises
        ------
        ValueError
            A parameter the scikit-image function does not take (as lime's
            ``set_params``; the constructor only warns, lime's drops them silently).
        """
        params = self._renamed(params)
        self._check_params(params)
        self.target_params = params
        return self

    def __call__(self, image: np.ndarray, *args: Any) -> np.ndarray:
        return self.target_fn(image, **self.target_params)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.target_params.items())
        return f"SegmentationAlgorithm({self.algo_type!r}{', ' if params else ''}{params})"


def default_segmentation(random_seed: Optional[int]) -> SegmentationAlgorithm:
    """lime's default: ``quickshift(kernel_size=4, max_dist=200, ratio=0.2)``.

    Seeded with ``random_seed`` when given; otherwise scikit-image's own fixed
    default seed is used, which is what lime 0.2.0.1 gets on current scikit-image.
    """
    seed = {} if random_seed is None else {"random_seed": random_seed}
    return SegmentationAlgorithm("quickshift", **seed, **DEFAULT_QUICKSHIFT)


#: Above this many pixels the default segmentation warns before it starts: quickshift's
#: time grows with the pixels (about 5 s per megapixel measured here, 99 s at 4000 x 4000).
LARGE_IMAGE_PIXELS = 1 << 20
_SECONDS_PER_MEGAPIXEL = 5.0


class SlowSegmentationWarning(UserWarning):
    """The default segmentation is about to run on a very large image."""


def warn_large_image(shape: tuple) -> list[str]:
    """Warn (now, before segmenting) when the default segmentation would be slow on ``shape``.

    Returns
    -------
    list of str
        The warning's text (empty when the image is small enough), for the
        explanation's ``warnings``.
    """
    height, width = int(shape[0]), int(shape[1])
    pixels = height * width
    if pixels <= LARGE_IMAGE_PIXELS:
        return []
    scale = np.sqrt(LARGE_IMAGE_PIXELS / pixels)
    smaller = (max(1, int(height * scale)), max(1, int(width * scale)))
    message = (
        f"The image has {height} x {width} pixels ({pixels / 1e6:.1f} megapixels): the default segmentation "
        f"(quickshift) may take about {pixels / 1e6 * _SECONDS_PER_MEGAPIXEL:.0f} s and make thousands of "
        "superpixels. Downscale the image first if the model accepts it, e.g. "
        f"skimage.transform.resize(image, {smaller}, preserve_range=True).astype(image.dtype), or pass a "
        "segmentation: segmentation_fn=SegmentationAlgorithm('slic', n_segments=100) (fast), or your own "
        "function image -> (H, W) labels."
    )
    warn_at_caller(message, SlowSegmentationWarning)
    return [message]


@dataclass(frozen=True)
class Superpixels:
    """A segmentation indexed as interpretable features.

    Attributes
    ----------
    segments : ndarray of shape (height, width)
        The segmentation as the segmentation function returned it.
    feature_map : ndarray of shape (height, width), int32
        Feature id (``0..n_features-1``) of every pixel.
    labels : ndarray of shape (n_features,)
        The segment label of each feature id (sorted, as ``np.unique`` gives them).
        When the segmentation uses the labels ``0..n-1`` this is ``arange(n)`` and
        feature ids equal segment labels, as lime assumes.
    """

    segments: np.ndarray
    feature_map: np.ndarray
    labels: np.ndarray

    @property
    def n_features(self) -> int:
        return int(self.labels.shape[0])

    def pixel_counts(self) -> np.ndarray:
        return np.bincount(self.feature_map.ravel(), minlength=self.n_features)


def index_segments(segments: Any, shape: tuple[int, int]) -> Superpixels:
    """Check a segmentation and number its segments ``0..n-1``.

    Parameters
    ----------
    segments : array-like of shape (height, width)
        Integer segment label of every pixel; labels may be any integers (gaps,
        negative values, any order).
    shape : (int, int)
        The image's height and width.

    Returns
    -------
    Superpixels
    """
    arr = np.asarray(segments)
    if arr.shape != tuple(shape):
        raise ValueError(
            f"segmentation_fn returned an array of shape {arr.shape}; expected one integer label per pixel, "
            f"shape {tuple(shape)}."
        )
    if arr.dtype == bool:
        arr = arr.astype(np.int64)
    elif not np.issubdtype(arr.dtype, np.integer):
        if not np.issubdtype(arr.dtype, np.floating) or not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise ValueError(
                f"segmentation_fn must return integer segment labels, got dtype {arr.dtype} with "
                "non-integer values."
            )
    labels, inverse = np.unique(arr, return_inverse=True)
    feature_map = inverse.reshape(arr.shape).astype(np.int32)
    return Superpixels(np.asarray(segments), feature_map, labels)


def hidden_image(image: np.ndarray, superpixels: Superpixels, hide_color: Any = None) -> np.ndarray:
    """The image every superpixel takes when it is switched off (lime's ``fudged_image``).

    Parameters
    ----------
    image : ndarray of shape (height, width, channels)
    superpixels : Superpixels
    hide_color : None, number or sequence of numbers
        ``None``: every superpixel is filled with its own mean colour (per channel,
        alpha included). Otherwise the colour of every hidden pixel (a number, or
        one number per channel).

    Returns
    -------
    ndarray
        Same shape and dtype as ``image``; means are cast to the image's dtype
        the way lime's assignment casts them (truncated for integer images).
    """
    if hide_color is not None:
        fudged = np.empty_like(image)
        try:
            if not np.all(np.isfinite(np.asarray(hide_color, dtype=float))):
                raise ValueError("hide_color is not finite")
            fudged[:] = hide_color
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(
                f"hide_color={hide_color!r} cannot fill an image of shape {image.shape}: give None (mean colour of "
                f"each superpixel), one number, or {image.shape[-1]} numbers (one per channel)."
            ) from exc
        return fudged
    fmap = superpixels.feature_map.ravel()
    counts = superpixels.pixel_counts()
    flat = image.reshape(-1, image.shape[-1])
    means = np.empty((superpixels.n_features, image.shape[-1]))
    for channel in range(image.shape[-1]):  # a few channels, each one vectorised bincount
        means[:, channel] = np.bincount(fmap, weights=flat[:, channel], minlength=superpixels.n_features) / counts
    return means.astype(image.dtype, casting="unsafe")[superpixels.feature_map]
