"""LIME for images: superpixels switched on and off, rendered batch by batch.

Reproduces ``lime.lime_image`` (lime 0.2.0.1): the same random draws, the same
hidden colours, the same batches sent to the classifier and the same surrogate,
but each batch of perturbed images is built by a few whole-array operations
(see :class:`ImagePerturber`) instead of a per-sample deep copy and a loop over
hidden segments. Only one batch of images exists at a time, so memory is bounded
by ``batch_size``.
"""

from __future__ import annotations

import os
from functools import partial
from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import sklearn.metrics

from . import adaptive
from .exceptions import LabelNotExplainedError
from .explainer import SurrogateArguments
from .explanation import DomainMapper, Explanation, Resample, build_explanation
from .memory import IMAGE_BYTES, check_sample_memory
from .neighborhood import Neighborhood, check_replayed, distances_fingerprint
from .predict import ProgressCallback, call_model, check_outputs, check_progress, progress_callback, resolve_labels
from .random import RandomStateLike, random_state_for_call
from .segmentation import Superpixels, default_segmentation, hidden_image, index_segments, warn_large_image
from .settings import FitSettings
from .validation import (
    check_callable,
    check_distance_metric,
    check_instance_not_function,
    check_integer,
    check_labels,
    check_model_regressor,
    check_num_samples,
    check_predict_fn,
)

ProgressBar = Union[bool, None, ProgressCallback]


# -- the image ------------------------------------------------------------------------

def prepare_image(image: Any) -> np.ndarray:
    """Check an image and give it a channel axis.

    ``(H, W)`` greyscale images become RGB by repeating the grey value, as lime
    does with ``gray2rgb``; images with a channel axis keep their layout
    (``(H, W, 1)``, RGB, RGBA, any number of channels), so the model receives
    batches shaped like the image it was given. The dtype is kept.

    Returns
    -------
    ndarray of shape (height, width, channels)
    """
    if isinstance(image, (str, bytes, os.PathLike)):
        raise TypeError(
            f"image must be an array of pixels, got the {type(image).__name__} {image!r}. Load the file first, "
            "e.g. skimage.io.imread(path), and pass the array."
        )
    if not isinstance(image, np.ndarray):
        image = np.asarray(image)
    if image.ndim not in (2, 3):
        raise ValueError(
            f"image must be a single image of shape (height, width) or (height, width, channels); got an array "
            f"of shape {image.shape}. To explain several images, call explain_instance once per image."
        )
    if image.dtype == bool or not (np.issubdtype(image.dtype, np.integer) or np.issubdtype(image.dtype, np.floating)):
        raise ValueError(f"image must hold integer or floating-point pixel values, got dtype {image.dtype}.")
    if image.shape[0] == 0 or image.shape[1] == 0 or (image.ndim == 3 and image.shape[2] == 0):
        raise ValueError(f"image is empty (shape {image.shape}).")
    if np.issubdtype(image.dtype, np.floating) and not np.all(np.isfinite(image)):
        raise ValueError("image contains NaN or infinite pixel values.")
    if image.ndim == 3 and image.shape[0] in (1, 3, 4) and image.shape[1] > 4 and image.shape[2] > 4:
        # a PyTorch-style (C, H, W) image would otherwise be read as C rows of W pixels with H channels
        raise ValueError(
            f"image has shape {image.shape}, which looks channels-first (C, H, W); images are (H, W, C). Pass "
            "np.moveaxis(image, 0, -1), and let classifier_fn move the axis back for the model "
            "(batch.transpose(0, 3, 1, 2))."
        )
    if image.ndim == 2:
        image = np.stack((image, image, image), axis=-1)
    return image


class ImagePerturber:
    """Builds batches of perturbed images from rows of a binary mask matrix.

    Row ``z`` of the masks keeps superpixel ``j`` when ``z[j]`` is 1 and shows the
    hidden image there otherwise. Whatever the dtype and channels, this is a
    selection of bytes: the pixels, read in memory order, form runs that belong
    to one superpixel each, so a batch's byte mask is one ``np.repeat`` of each
    run's mask bit (0 or 255) over the run's bytes, and then
    ``hidden ^ ((image ^ hidden) & mask)`` on machine words gives the images.
    Nothing is allocated per sample; work is proportional to the batch's bytes.
    """

    def __init__(self, image: np.ndarray, hidden: np.ndarray, feature_map: np.ndarray):
        self.shape = image.shape
        self.dtype = image.dtype
        flat_map = np.ascontiguousarray(feature_map).ravel()
        run_starts = np.concatenate(([0], np.flatnonzero(flat_map[1:] != flat_map[:-1]) + 1))
        self._run_features = flat_map[run_starts].astype(np.intp)
        run_pixels = np.diff(np.append(run_starts, flat_map.size))
        self._run_bytes = run_pixels * (image.shape[-1] * image.dtype.itemsize)
        image_bytes = np.ascontiguousarray(image).reshape(-1).view(np.uint8)
        hidden_bytes = np.ascontiguousarray(hidden, dtype=image.dtype).reshape(-1).view(np.uint8)
        # the widest word dividing an image's byte length, so rows can be viewed as words
        self._word = next(w for w in (np.uint64, np.uint32, np.uint16, np.uint8)
                          if image_bytes.size % np.dtype(w).itemsize == 0)
        self._hidden = hidden_bytes.view(self._word)
        self._diff = (image_bytes ^ hidden_bytes).view(self._word)

    def __call__(self, masks: np.ndarray) -> np.ndarray:
        """Images for a ``(batch, n_features)`` mask block, shape ``(batch, *image.shape)``."""
        batch = masks.shape[0]
        run_masks = np.where(masks[:, self._run_features] != 0, np.uint8(255), np.uint8(0))
        out = np.repeat(run_masks, self._run_bytes, axis=1).view(self._word)
        out &= self._diff
        out ^= self._hidden
        return out.view(np.uint8).view(self.dtype).reshape((batch,) + self.shape)


# -- the explanation ----------------------------------------------------------------

class ImageDomainMapper(DomainMapper):
    """Superpixels as interpretable features.

    Parameters
    ----------
    image : ndarray of shape (height, width, channels)
        The explained image (greyscale already made RGB).
    superpixels : Superpixels
    """

    modality = "image"

    def __init__(self, image: np.ndarray, superpixels: Superpixels):
        self.image = image
        self.superpixels = superpixels

    def feature_names(self) -> list[str]:
        """Names by feature position (the order of the sorted segment labels)."""
        return [f"superpixel {label}" for label in self.superpixels.labels.tolist()]

    def positions(self) -> dict:
        """Segment label -> feature position (column of the neighbourhood's masks)."""
        return {label: i for i, label in enumerate(self.superpixels.labels.tolist())}

    def map_exp_ids(self, exp: Sequence[tuple[Any, float]], **kwargs: Any) -> list[tuple[str, float]]:
        """``(name, weight)`` for ``(segment label, weight)`` pairs."""
        return [(f"superpixel {label}", w) for label, w in exp]


class ImageExplanation(Explanation):
    """An image explanation, compatible with ``lime.lime_image.ImageExplanation``.

    As in lime, the feature ids of ``local_exp`` are segment labels (the values
    of ``segments``), whatever the segmentation numbers them (``slic`` starts at
    1); unlike lime, every segment is perturbed even when labels have gaps. The
    front end (``to_dict``, ``image_buffers``) uses positions ``0..n-1`` in
    the sorted labels instead (``feature_map``).

    Attributes
    ----------
    image : ndarray
        The explained image (greyscale images as RGB, like lime).
    segments : ndarray of shape (height, width)
        The segmentation as returned by the segmentation function.
    feature_map : ndarray of shape (height, width), int32
        Position of every pixel's segment among the sorted segment labels (the
        column of the neighbourhood's masks, and the id the front end uses).
    """

    @property
    def image(self) -> np.ndarray:
        return self.domain_mapper.image

    def _set_fits(self, fits: dict) -> None:
        super()._set_fits(fits)
        labels = self.domain_mapper.superpixels.labels.tolist()
        for label, weights in self.local_exp.items():
            self.local_exp[label] = [(_as_key(labels[i]), w) for i, w in weights]

    @property
    def segments(self) -> np.ndarray:
        return self.domain_mapper.superpixels.segments

    @property
    def feature_map(self) -> np.ndarray:
        return self.domain_mapper.superpixels.feature_map

    def get_image_and_mask(
        self,
        label: int,
        positive_only: bool = True,
        negative_only: bool = False,
        hide_rest: bool = False,
        num_features: int = 5,
        min_weight: float = 0.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The image with the explanation's superpixels, and their mask (as lime).

        Parameters
        ----------
        label : int
            Explained label.
        positive_only : bool
            Only superpixels whose weight is positive and above ``min_weight``.
        negative_only : bool
            Only superpixels whose weight is negative with ``|weight| > min_weight``.
            Cannot be combined with ``positive_only``; with both False, both signs
            are shown (skipping ``|weight| < min_weight``).
        hide_rest : bool
            Zero (black, as float) every pixel outside the chosen superpixels.
        num_features : int
            How many superpixels, in the order of the explanation (largest
            ``|weight|`` first).
        min_weight : float

        Returns
        -------
        (image, mask)
            ``image`` is a copy of the image (float64 zeros outside when
            ``hide_rest``); with both signs, the green channel of positive and the
            red channel of negative superpixels are set to the image's maximum.
            ``mask`` has the segments' shape: 1 on chosen superpixels (-1 on
            negative ones when both signs are shown), 0 elsewhere; its dtype is the
            segments' (int64 when those are unsigned, so -1 fits), ready for
            ``skimage.segmentation.mark_boundaries``.
        """
        if label not in self.local_exp:
            raise LabelNotExplainedError(f"Label {label!r} not in explanation; explained labels are {sorted(self.local_exp)}.")
        if positive_only & negative_only:
            raise ValueError("Positive_only and negative_only cannot be true at the same time.")
        exp = self.local_exp[label]
        image = self.image
        feature_map = self.feature_map
        n = self.domain_mapper.superpixels.n_features
        segments_dtype = np.asarray(self.segments).dtype
        mask_dtype = segments_dtype if np.issubdtype(segments_dtype, np.signedinteger) else np.dtype(np.int64)
        temp = np.zeros(image.shape) if hide_rest else image.copy()
        # per-feature sign, then one gather by the feature map (segments are disjoint,
        # so lime's per-segment loop order does not matter)
        positions = self.domain_mapper.positions()  # local_exp's ids are segment labels
        sign = np.zeros(n, dtype=np.int8)
        if positive_only or negative_only:
            if positive_only:
                chosen = [positions[f] for f, w in exp if w > 0 and w > min_weight][:num_features]
            else:
                chosen = [positions[f] for f, w in exp if w < 0 and abs(w) > min_weight][:num_features]
            sign[np.asarray(chosen, dtype=np.intp)] = 1
        else:
            for f, w in exp[:num_features]:
                if np.abs(w) < min_weight:
                    continue
                sign[positions[f]] = -1 if w < 0 else 1
        pixel_sign = sign[feature_map]
        shown = pixel_sign != 0
        if hide_rest:
            temp[shown] = image[shown]
        if not (positive_only or negative_only):
            top = np.max(image)
            if temp.shape[-1] < 3:  # colours need RGB: grey (or 2-channel) images are shown as RGB
                temp = np.repeat(temp[..., :1], 3, axis=-1)
            temp[pixel_sign > 0, 1] = top
            temp[pixel_sign < 0, 0] = top
        return temp, pixel_sign.astype(mask_dtype)

    def image_buffers(self) -> dict:
        """The image and its superpixels as binary buffers for the front end.

        Returns
        -------
        dict
            ``{"image": {"data", "dtype": "uint8", "shape": [h, w, 3]},
            "segments": {"data", "dtype": "int32", "shape": [h, w]}}`` where each
            ``data`` is a flat ``memoryview`` of bytes (C order,
            little-endian); segment values are feature ids. See docs/PROTOCOL.md.
        """
        from ..widget.serialization import explanation_image_buffers  # at call time: core never loads widget code

        image, segments = explanation_image_buffers(self)
        return {"image": image, "segments": segments}


def _as_key(label: Any) -> Any:
    """A segment label as a plain Python number (an int when it is a whole number)."""
    return int(label) if float(label).is_integer() else label


# -- the explainer ------------------------------------------------------------------


def _round_sampler(rng: np.random.RandomState, n_features: int, perturb: "ImagePerturber", classifier_fn: Callable,
                   distance_metric: str, batch_size: int, class_names: Optional[Sequence[str]],
                   owner: object) -> adaptive.RoundSampler:
    """One round of ``num_samples='auto'``: fresh on/off masks from the explainer's generator."""
    def sample_round(n_rows: int, first: bool, progress: Optional[ProgressCallback]) -> tuple:
        masks = rng.randint(0, 2, n_rows * n_features).reshape((n_rows, n_features))
        if first:
            masks[0, :] = 1
        whole = np.ones((1, n_features), dtype=masks.dtype)
        distances = sklearn.metrics.pairwise_distances(masks, whole, metric=distance_metric).ravel()
        outputs = call_model(classifier_fn, lambda rows: perturb(masks[rows]), n_rows, batch_size, progress,
                             "classification", class_names)
        return masks, check_outputs(outputs, "classification", class_names, owner=owner), distances

    return sample_round


def _progress_callback(progress_bar: ProgressBar, total: int) -> tuple[Optional[ProgressCallback], Callable[[], None]]:
    """A ``progress(fraction)`` callback for ``progress_bar`` and a function closing it."""
    return progress_callback(progress_bar, total, "img", "progress_bar")


class LimeImageExplainer(SurrogateArguments):
    """Explains an image classifier's prediction with superpixels (lime-compatible).

    Parameters
    ----------
    kernel_width : float, default 0.25
        Width of the exponential kernel on the cosine distance between masks.
    kernel : callable, optional
        ``kernel(distances, kernel_width) -> weights``; default
        ``sqrt(exp(-d**2 / width**2))``.
    verbose : bool, default False
        Print each label's intercept, local prediction and model prediction.
    feature_selection : str, default 'auto'
        ``auto``, ``forward_selection``, ``highest_weights``, ``lasso_path`` or
        ``none``.
    random_state : None, int or numpy.random.RandomState
        An int gives the same explanation on every call (a fresh generator per
        call, drawing in lime's order, so the first call equals lime's
        ``LimeImageExplainer(random_state=seed)``'s first call); ``None`` uses
        numpy's global generator.
    class_names : sequence of str, optional
        Names of the classifier's outputs, shown by ``as_pyplot_figure`` and the
        widget (an addition to lime's signature; lime names classes by index).
    """

    explanation_class: type = ImageExplanation

    def __init__(
        self,
        kernel_width: float = 0.25,
        kernel: Optional[Callable] = None,
        verbose: bool = False,
        feature_selection: str = "auto",
        random_state: RandomStateLike = None,
        class_names: Optional[Sequence[str]] = None,
    ):
        self._keep_surrogate_arguments(kernel_width, kernel, verbose, feature_selection, random_state, class_names)

    def explain_instance(
        self,
        image: np.ndarray,
        classifier_fn: Callable[[np.ndarray], Any],
        labels: Sequence[int] = (1,),
        hide_color: Any = None,
        top_labels: Optional[int] = 5,
        num_features: int = 100000,
        num_samples: int = 1000,
        batch_size: int = 10,
        segmentation_fn: Optional[Callable[[np.ndarray], np.ndarray]] = None,
        distance_metric: str = "cosine",
        model_regressor: Optional[object] = None,
        random_seed: Optional[int] = None,
        progress_bar: ProgressBar = True,
        stability_target: float = adaptive.DEFAULT_STABILITY_TARGET,
        max_samples: int = adaptive.DEFAULT_MAX_SAMPLES,
    ) -> ImageExplanation:
        """Explain ``classifier_fn``'s prediction on ``image``.

        Parameters
        ----------
        image : ndarray of shape (H, W), (H, W, 1), (H, W, 3), (H, W, 4) or (H, W, C)
            uint8 or float pixels. Greyscale images are made RGB (the grey value in
            all three channels), as lime does.
        classifier_fn : callable
            Takes a batch of images, shape ``(batch, H, W, C)`` with the image's
            dtype, and returns class probabilities ``(batch, n_classes)``. For a
            greyscale input it receives RGB images, ``C = 3``; RGBA images are
            passed with their alpha channel.
        labels : sequence of int, default (1,)
            Labels to explain when ``top_labels`` is falsy.
        hide_color : None, number or sequence, optional
            Colour of a switched-off superpixel; ``None`` uses each superpixel's
            mean colour (every channel, alpha included).
        top_labels : int or None, default 5
            Explain the ``top_labels`` most probable classes instead of ``labels``.
        num_features : int, default 100000
            Maximum number of superpixels in the explanation (capped at the number
            of superpixels).
        num_samples : int or 'auto', default 1000
            Size of the neighbourhood; row 0 is the image itself. ``'auto'`` samples
            in rounds, reusing every earlier row, until every explained label's top
            ``num_features`` are stable (:mod:`lime_widget.core.adaptive`; with
            ``num_features`` at or above the number of superpixels that is at once);
            ``exp.num_samples`` then tells how many images the model saw.
        batch_size : int, default 10
            Images per call of ``classifier_fn``; bounds memory.
        segmentation_fn : callable, optional
            ``segmentation_fn(image) -> (H, W)`` integer labels (any integers). The
            default is lime's ``quickshift(kernel_size=4, max_dist=200, ratio=0.2)``
            on the RGB channels, seeded with ``random_seed`` when given. One segment is
            allowed: the explanation then has one feature, the effect of hiding
            the whole image.
        distance_metric : str, default 'cosine'
            Metric of ``sklearn.metrics.pairwise_distances`` between masks and row 0.
        model_regressor : estimator, optional
            Surrogate regressor accepting ``sample_weight``; default ``Ridge(alpha=1)``.
        random_seed : int, optional
            Seed of the default segmentation. ``None`` draws one from the
            explainer's random state (``randint(0, 1000)``, as lime) but, like lime
            0.2.0.1 on current scikit-image, leaves quickshift on scikit-image's own
            fixed seed, so default segments equal lime's.
        progress_bar : bool or callable, default True
            ``True`` shows a tqdm bar (a notebook bar in notebooks) when tqdm is installed; a callable is
            called with the fraction of images done after each batch.
        stability_target : float in (0, 1], default 0.9
            With ``num_samples='auto'``: the estimated stability (``exp.stability``)
            at which sampling stops.
        max_samples : int, default 20000
            With ``num_samples='auto'``: the most images the model is asked about.

        Returns
        -------
        ImageExplanation
        """
        kernel_width, kernel, class_names = self._surrogate_arguments()
        check_instance_not_function("image", image, "classifier_fn", classifier_fn)
        check_predict_fn("classifier_fn", classifier_fn)
        auto = adaptive.check_num_samples(num_samples, stability_target, max_samples)
        num_samples = num_samples if auto else check_num_samples(num_samples)
        batch_size = check_integer("batch_size", batch_size)
        check_integer("num_features", num_features)  # capped once the superpixels are known
        labels, top_labels = check_labels(labels, top_labels, class_names)
        check_callable("segmentation_fn", segmentation_fn, "a function image -> (H, W) segment labels",
                       optional=True)
        check_distance_metric(distance_metric)
        check_model_regressor(model_regressor)  # before the (slow) segmentation
        if random_seed is not None:
            random_seed = check_integer("random_seed", random_seed, minimum=0)
        check_progress("progress_bar", progress_bar)
        image = prepare_image(image)
        most_rows = max_samples if auto else num_samples
        batch_bytes = 2 * min(batch_size, most_rows) * image.nbytes  # one batch of images and its byte mask
        if segmentation_fn is None:  # refuse a hopeless num_samples before the (slow) default segmentation
            check_sample_memory(most_rows, 1, IMAGE_BYTES, "masks of at least one superpixel", batch_bytes)
        rng = random_state_for_call(self.random_state)
        # lime draws the segmentation seed first, even when it is not used; on current
        # scikit-image lime's quickshift never receives it (the argument was renamed), so
        # only a seed the caller chose reaches the segmentation here too.
        seed_given = random_seed is not None
        if random_seed is None:
            random_seed = rng.randint(0, high=1000)
        notes: list[str] = []
        if segmentation_fn is None:
            if image.shape[-1] not in (1, 3, 4):
                raise ValueError(
                    f"The default segmentation (quickshift) needs a grey, RGB or RGBA image; this one has "
                    f"{image.shape[-1]} channels. Pass a segmentation_fn."
                )
            notes = warn_large_image(image.shape)
            rgb = np.repeat(image, 3, axis=-1) if image.shape[-1] == 1 else image[..., :3]
            segments = default_segmentation(random_seed if seed_given else None)(rgb)
        else:
            segments = segmentation_fn(image)
        superpixels = index_segments(segments, image.shape[:2])
        n_features = superpixels.n_features
        check_sample_memory(most_rows, n_features, IMAGE_BYTES, f"masks of {n_features} superpixels", batch_bytes)
        settings = FitSettings(num_features, n_features, kernel_width, self.feature_selection, model_regressor,
                               distance_metric=distance_metric, batch_size=batch_size)

        if auto:
            adaptive.check_features_to_choose(settings.requested_num_features, n_features, settings.feature_selection,
                                              "superpixels")
        perturb = ImagePerturber(image, hidden_image(image, superpixels, hide_color), superpixels.feature_map)
        progress, close = _progress_callback(progress_bar, max_samples if auto else num_samples)
        if auto:
            try:
                neighborhood = adaptive.sample_until_stable(
                    _round_sampler(rng, n_features, perturb, classifier_fn, distance_metric, batch_size, class_names,
                                   self), kernel,
                    kernel_width, "classification", labels, top_labels, settings.num_features,
                    settings.selection_method, model_regressor, stability_target, max_samples, progress=progress,
                    population=ImagePopulation(n_features, distance_metric))
            finally:
                close()
            outputs, num_samples = neighborhood.outputs, neighborhood.num_samples
            neighborhood.notes = [*notes, *neighborhood.notes]
        else:
            state = rng.get_state()  # replays the masks of a compact explanation
            masks = _draw_masks(rng, num_samples, n_features)
            try:
                outputs = call_model(classifier_fn, lambda rows: perturb(masks[rows]), num_samples, batch_size,
                                     progress, "classification", class_names)
            finally:
                close()
            outputs = check_outputs(outputs, "classification", class_names, owner=self)

            distances = sklearn.metrics.pairwise_distances(masks, masks[:1], metric=distance_metric).ravel()
            neighborhood = Neighborhood(masks, outputs, distances, kernel, kernel_width, notes=notes)
            neighborhood.regenerate = ImageRegenerate(state, num_samples, n_features, distance_metric, distances)
        explained, top = resolve_labels(outputs, "classification", labels, top_labels)
        exp = build_explanation(self.explanation_class, ImageDomainMapper(image, superpixels), neighborhood,
                                "classification", class_names, explained, top,
                                settings.replace(num_samples=num_samples), self.verbose)
        # the widget's hook for a new neighbourhood: same arguments, and the segmentation
        # is reused rather than recomputed (it is the slow part and does not depend on
        # num_samples)
        exp.resample = Resample(self.explain_instance, image, classifier_fn, progress_name="progress_bar",
                                segmentation_fn=partial(_same_segments, superpixels.segments), labels=labels,
                                hide_color=hide_color, top_labels=top_labels, num_features=num_features,
                                batch_size=batch_size, distance_metric=distance_metric,
                                model_regressor=model_regressor)
        return exp

    def data_labels(self, image: np.ndarray, fudged_image: np.ndarray, segments: np.ndarray,
                    classifier_fn: Callable[[np.ndarray], Any], num_samples: int, batch_size: int = 10,
                    progress_bar: ProgressBar = True) -> tuple[np.ndarray, np.ndarray]:
        """The perturbed neighbourhood and the classifier's outputs on it (lime's method).

        Parameters
        ----------
        image : ndarray of shape (H, W) or (H, W, C)
        fudged_image : ndarray of the same shape
            What a switched-off superpixel shows (lime's ``fudged_image``).
        segments : ndarray of shape (H, W)
            Integer segment labels; feature ``j`` is the ``j``-th smallest label
            (the label ``j`` itself when the labels are ``0..n-1``, as lime assumes).
        classifier_fn : callable
            Takes a batch of images ``(batch, *image.shape)`` and returns one
            output row per image.
        num_samples : int
            Number of perturbed images; row 0 keeps every superpixel.
        batch_size : int, default 10
            Images per call of ``classifier_fn``.
        progress_bar : bool or callable, default True
            As in :meth:`explain_instance`.

        Returns
        -------
        data : int ndarray of shape (num_samples, n_superpixels)
            1 where the superpixel is kept; drawn from the explainer's random
            state as lime draws them (``randint(0, 2)``).
        labels : ndarray of shape (num_samples, n_outputs)
            ``classifier_fn``'s outputs, in the rows' order.
        """
        num_samples = check_integer("num_samples", num_samples)
        batch_size = check_integer("batch_size", batch_size)
        image = np.asarray(image)
        fudged_image = np.asarray(fudged_image)
        if image.ndim not in (2, 3) or fudged_image.shape != image.shape:
            raise ValueError(
                f"image must have shape (H, W) or (H, W, C) and fudged_image the same shape; got {image.shape} "
                f"and {fudged_image.shape}."
            )
        superpixels = index_segments(segments, image.shape[:2])
        rng = random_state_for_call(self.random_state)
        n_features = superpixels.n_features
        data = rng.randint(0, 2, num_samples * n_features).reshape((num_samples, n_features))
        data[0, :] = 1
        # the perturber works on a channel axis; a 2-d image gets one and loses it again
        channels = image if image.ndim == 3 else image[..., None]
        hidden = fudged_image if image.ndim == 3 else fudged_image[..., None]
        perturb = ImagePerturber(channels, hidden.astype(image.dtype, copy=False), superpixels.feature_map)
        progress, close = _progress_callback(progress_bar, num_samples)
        try:
            labels = call_model(classifier_fn, lambda rows: perturb(data[rows]).reshape((-1,) + image.shape),
                                num_samples, batch_size, progress)
        finally:
            close()
        return data, labels


def _same_segments(segments: np.ndarray, _image: np.ndarray) -> np.ndarray:
    """A segmentation that returns the segments already computed (re-sampling reuses them)."""
    return segments


def _draw_masks(rng: np.random.RandomState, num_samples: int, n_features: int) -> np.ndarray:
    """Which superpixels each row keeps, drawn as lime draws them; row 0 keeps all."""
    masks = rng.randint(0, 2, num_samples * n_features).reshape((num_samples, n_features))
    masks[0, :] = 1
    return masks


class ImagePopulation:
    """Free rows of an image neighbourhood for ``num_samples="auto"`` (:class:`.assisted.Population`).

    The emulator's features are the superpixels' on/off indicators themselves.
    """

    link = "logit"

    def __init__(self, n_features: int, distance_metric: str):
        self.n_features = n_features
        self.distance_metric = distance_metric
        self.n_inputs = n_features

    def draw(self, rng: np.random.RandomState, n_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        masks = rng.randint(0, 2, n_rows * self.n_features).reshape((n_rows, self.n_features))
        whole = np.ones((1, self.n_features), dtype=masks.dtype)
        distances = sklearn.metrics.pairwise_distances(masks, whole, metric=self.distance_metric).ravel()
        return masks, distances, self.features(masks, None)

    def features(self, data: np.ndarray, inputs: Optional[np.ndarray]) -> np.ndarray:
        return np.asarray(data, dtype=float)


class ImageRegenerate:
    """Rebuilds an image neighbourhood's masks and distances from the generator's saved state (no model call)."""

    def __init__(self, state: tuple, num_samples: int, n_features: int, distance_metric: Any, distances: np.ndarray):
        self.state = state
        self.num_samples = num_samples
        self.n_features = n_features
        self.distance_metric = distance_metric
        self.fingerprint = distances_fingerprint(distances)

    def __call__(self) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.RandomState()
        rng.set_state(self.state)
        masks = _draw_masks(rng, self.num_samples, self.n_features)
        distances = sklearn.metrics.pairwise_distances(masks, masks[:1], metric=self.distance_metric).ravel()
        check_replayed(distances, self.fingerprint, "masks", "Explain the image again.")
        return masks, distances
