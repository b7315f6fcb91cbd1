"""Image explainer: inputs, superpixels, perturbation, masks, errors, widget buffers."""

import numpy as np
import pytest
from skimage.data import chelsea
from skimage.segmentation import felzenszwalb, quickshift, slic
from skimage.transform import resize

from lime_widget.core.image import ImagePerturber, prepare_image
from lime_widget.core.segmentation import hidden_image, index_segments
from lime_widget.lime_image import ImageExplanation, LimeImageExplainer
from lime_widget.widget.serialization import to_rgb_uint8
from lime_widget.wrappers.scikit_image import SegmentationAlgorithm

H = W = 24


def grid_segments(h=H, w=W, step=6):
    return (np.arange(h)[:, None] // step) * ((w + step - 1) // step) + np.arange(w)[None, :] // step


@pytest.fixture(scope="module")
def cat():
    return (resize(chelsea(), (H, W), anti_aliasing=True) * 255).astype(np.uint8)


class Recorder:
    """A cheap 3-class classifier that remembers every batch it saw."""

    def __init__(self, weights=None):
        self.batches = []
        self.weights = weights

    def __call__(self, batch):
        batch = np.asarray(batch)
        self.batches.append(batch.copy())
        x = batch.astype(float).reshape(len(batch), -1)
        w = self.weights if self.weights is not None else np.linspace(-1, 1, x.shape[1])
        s = x @ w / (x.shape[1] * 255.0)
        logits = np.stack([s, -s, 0.3 * s], axis=1) * 40
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    @property
    def calls(self):
        return len(self.batches)


def explain(image, fn, **kw):
    kw.setdefault("segmentation_fn", lambda im: grid_segments(*im.shape[:2]))
    kw.setdefault("num_samples", 60)
    kw.setdefault("progress_bar", False)
    return LimeImageExplainer(random_state=kw.pop("random_state", 0)).explain_instance(image, fn, **kw)


# -- perturbation ---------------------------------------------------------------------

@pytest.mark.parametrize("shape,dtype", [
    ((7, 5, 3), np.uint8), ((7, 5, 4), np.uint8), ((6, 6, 3), np.float32), ((5, 5, 3), np.float64),
    ((3, 3, 1), np.uint8), ((4, 4, 2), np.uint16), ((9, 7, 3), np.int64), ((5, 3, 3), np.uint8),
])
def test_perturber_matches_per_sample_reference(shape, dtype):
    rng = np.random.RandomState(1)
    image = (rng.rand(*shape) * 200).astype(dtype)
    hidden = (rng.rand(*shape) * 200).astype(dtype)
    fmap = rng.randint(0, 6, shape[:2])
    masks = rng.randint(0, 2, (5, 6))
    out = ImagePerturber(image, hidden, fmap)(masks)
    assert out.shape == (5,) + shape and out.dtype == dtype and out.flags["C_CONTIGUOUS"]
    for z, img in zip(masks, out):
        expected = image.copy()
        off = np.isin(fmap, np.flatnonzero(z == 0))
        expected[off] = hidden[off]
        np.testing.assert_array_equal(img, expected)


def test_perturber_on_non_contiguous_image():
    base = np.arange(8 * 6 * 3, dtype=np.uint8).reshape(8, 6, 3)
    image = base[::-1, ::2]  # a strided view
    hidden = np.zeros_like(image)
    fmap = np.arange(image.shape[0] * image.shape[1]).reshape(image.shape[:2]) % 2
    out = ImagePerturber(image, hidden, fmap)(np.array([[1, 0], [1, 1]]))
    np.testing.assert_array_equal(out[1], image)
    np.testing.assert_array_equal(out[0], np.where((fmap == 0)[..., None], image, 0))


# -- superpixels and hidden colours -----------------------------------------------------

def test_mean_colour_is_lime_s_per_segment_mean_cast_to_dtype(cat):
    segments = grid_segments()
    sp = index_segments(segments, cat.shape[:2])
    fudged = hidden_image(cat, sp)
    assert fudged.dtype == np.uint8
    for s in np.unique(segments):
        px = cat[segments == s]
        expected = [np.uint8(np.mean(px[:, c])) for c in range(3)]  # lime's truncating assignment
        assert (fudged[segments == s] == expected).all()


def test_hide_color_scalar_and_per_channel(cat):
    sp = index_segments(grid_segments(), cat.shape[:2])
    assert (hidden_image(cat, sp, 0) == 0).all()
    per_channel = hidden_image(cat, sp, (10, 20, 30))
    assert (per_channel == np.array([10, 20, 30], np.uint8)).all()
    with pytest.raises(ValueError, match="hide_color"):
        hidden_image(cat, sp, (1, 2))


def test_non_contiguous_segment_labels_are_mapped_to_features(cat):
    base = grid_segments()
    odd = base * 7 - 5  # gaps and negative labels, same partition
    sp = index_segments(odd, cat.shape[:2])
    np.testing.assert_array_equal(sp.feature_map, base)
    np.testing.assert_array_equal(sp.labels, np.unique(odd))
    fn_a, fn_b = Recorder(), Recorder()
    a = explain(cat, fn_a, segmentation_fn=lambda im: base)
    b = explain(cat, fn_b, segmentation_fn=lambda im: odd)
    # same weights; the feature ids are the segment labels (lime's contract)
    assert b.local_exp == {label: [(i * 7 - 5, w) for i, w in exp] for label, exp in a.local_exp.items()}
    for x, y in zip(fn_a.batches, fn_b.batches):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(b.segments, odd)
    np.testing.assert_array_equal(b.feature_map, base)
    # the mask covers the pixels of the segment with the right *label*
    top_feature = a.local_exp[a.top_labels[0]][0][0]
    _, mask = b.get_image_and_mask(b.top_labels[0], positive_only=False, num_features=1)
    np.testing.assert_array_equal(mask != 0, odd == sp.labels[top_feature])
    assert b.local_exp[b.top_labels[0]][0][0] == sp.labels[top_feature]
    # the front end keeps positions, matching the feature map it is sent
    assert b.to_dict()["fits"] == a.to_dict()["fits"]
    assert b.as_list(b.top_labels[0])[0][0] == f"superpixel {sp.labels[top_feature]}"


def test_segmentation_output_is_checked(cat):
    with pytest.raises(ValueError, match="shape"):
        explain(cat, Recorder(), segmentation_fn=lambda im: np.zeros((3, 3), int))
    with pytest.raises(ValueError, match="integer segment labels"):
        explain(cat, Recorder(), segmentation_fn=lambda im: np.full(im.shape[:2], 0.5))


def test_one_segment_gives_a_one_feature_explanation(cat):
    fn = Recorder()
    exp = explain(cat, fn, segmentation_fn=lambda im: np.zeros(im.shape[:2], int), hide_color=0, num_samples=40)
    label = exp.top_labels[0]
    (feature, weight), = exp.local_exp[label]
    assert feature == 0
    # the one feature is "the image versus the all-hidden image": its weight has the sign
    # of what hiding everything does to the class
    p_image = fn(cat[None])[0, label]
    p_hidden = fn(np.zeros_like(cat)[None])[0, label]
    assert np.sign(weight) == np.sign(p_image - p_hidden) and weight != 0


# -- images of every kind ------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["rgb_uint8", "rgba_uint8", "grey_2d", "grey_3d", "rgb_float", "grey_float"])
def test_image_kinds(cat, kind):
    grey = (cat.mean(axis=2)).astype(np.uint8)
    image = {
        "rgb_uint8": cat,
        "rgba_uint8": np.dstack([cat, np.full(cat.shape[:2], 200, np.uint8)]),
        "grey_2d": grey,
        "grey_3d": grey[..., None],
        "rgb_float": cat / 255.0,
        "grey_float": grey / 255.0,
    }[kind]
    channels = {"rgba_uint8": 4, "grey_3d": 1}.get(kind, 3)
    fn = Recorder(np.linspace(-1, 1, H * W * channels))
    exp = explain(image, fn, num_samples=30, batch_size=7)
    assert [len(b) for b in fn.batches] == [7, 7, 7, 7, 2]
    assert all(b.shape[1:] == (H, W, channels) and b.dtype == image.dtype for b in fn.batches)
    np.testing.assert_array_equal(fn.batches[0][0], exp.image)  # row 0 is the image itself
    if kind in ("grey_2d", "grey_float"):
        # a 2-D image reaches the classifier as RGB with three equal channels (as lime's gray2rgb)
        assert (fn.batches[0][..., 0] == fn.batches[0][..., 2]).all()
        np.testing.assert_array_equal(exp.image[..., 1], np.squeeze(image))
    if kind == "grey_3d":
        # an (H, W, 1) image keeps its layout: the model gets (n, H, W, 1) batches
        np.testing.assert_array_equal(exp.image, image)
    assert set(exp.local_exp) == set(exp.top_labels)
    img, mask = exp.get_image_and_mask(exp.top_labels[0], positive_only=False, num_features=3)
    # both signs are coloured (green and red channels), so a one-channel image comes back as RGB
    assert img.shape == (H, W, max(channels, 3)) and mask.shape == (H, W)
    buffers = exp.image_buffers()
    rgb = np.frombuffer(buffers["image"]["data"], np.uint8).reshape(buffers["image"]["shape"])
    assert rgb.shape == (H, W, 3)
    if kind in ("rgb_uint8", "rgba_uint8", "rgb_float"):
        assert np.abs(rgb.astype(int) - cat.astype(int)).max() <= 1


def test_default_segmentation_is_seeded_quickshift_on_rgb(cat):
    fn = Recorder()
    exp = LimeImageExplainer(random_state=0).explain_instance(cat, fn, num_samples=20, random_seed=7,
                                                              progress_bar=False)
    expected = quickshift(cat, kernel_size=4, max_dist=200, ratio=0.2, rng=7)
    np.testing.assert_array_equal(exp.segments, expected)
    rgba = np.dstack([cat, np.zeros(cat.shape[:2], np.uint8)])
    exp4 = LimeImageExplainer(random_state=0).explain_instance(rgba, fn, num_samples=20, random_seed=7,
                                                               progress_bar=False)
    np.testing.assert_array_equal(exp4.segments, expected)


# -- get_image_and_mask ---------------------------------------------------------------------

def test_get_image_and_mask_semantics(cat):
    exp = explain(cat, Recorder(), num_samples=80)
    label = exp.top_labels[0]
    weights = exp.local_exp[label]
    seg = exp.segments
    pos = [f for f, w in weights if w > 0][:2]
    img, mask = exp.get_image_and_mask(label, num_features=2)
    np.testing.assert_array_equal(mask, np.isin(seg, pos).astype(seg.dtype))
    np.testing.assert_array_equal(img, cat)
    neg = [f for f, w in weights if w < 0][:3]
    img, mask = exp.get_image_and_mask(label, positive_only=False, negative_only=True, hide_rest=True,
                                       num_features=3)
    assert img.dtype == np.float64
    np.testing.assert_array_equal(img[mask == 0], 0)
    np.testing.assert_array_equal(img[mask == 1], cat[mask == 1])
    np.testing.assert_array_equal(mask, np.isin(seg, neg))
    img, mask = exp.get_image_and_mask(label, positive_only=False, num_features=4)
    top4 = weights[:4]
    for f, w in top4:
        assert (mask[seg == f] == (1 if w > 0 else -1)).all()
        assert (img[seg == f, 1 if w > 0 else 0] == cat.max()).all()
    assert (mask[~np.isin(seg, [f for f, _ in top4])] == 0).all()
    with pytest.raises(ValueError, match="Positive_only and negative_only"):
        exp.get_image_and_mask(label, positive_only=True, negative_only=True)
    with pytest.raises(KeyError):
        exp.get_image_and_mask(99)


def test_min_weight_filters_superpixels(cat):
    exp = explain(cat, Recorder(), num_samples=80)
    label = exp.top_labels[0]
    big = sorted(abs(w) for _, w in exp.local_exp[label])[-2]
    _, mask = exp.get_image_and_mask(label, positive_only=False, num_features=100, min_weight=big)
    kept = {f for f, w in exp.local_exp[label] if abs(w) >= big}
    assert set(np.unique(exp.segments[mask != 0])) == kept and len(kept) == 2


# -- progress, errors, protocol ---------------------------------------------------------------

def test_progress_callable_and_bar(cat, capsys):
    seen = []
    explain(cat, Recorder(), num_samples=25, batch_size=10, progress_bar=seen.append)
    assert seen == [10 / 25, 20 / 25, 1.0]
    explain(cat, Recorder(), num_samples=25, progress_bar=False)
    assert capsys.readouterr().err == ""
    explain(cat, Recorder(), num_samples=25, progress_bar=True)
    assert "25/25" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((2, 4, 4, 3)), np.zeros((0, 4, 3)),
                                 np.array([["a", "b"], ["c", "d"]])])
def test_bad_images(bad):
    with pytest.raises(ValueError, match="image"):
        explain(bad, Recorder())


def test_nan_image():
    with pytest.raises(ValueError, match="NaN"):
        explain(np.full((H, W, 3), np.nan), Recorder())


def test_bad_classifier_outputs(cat):
    with pytest.raises(ValueError, match="shape"):
        explain(cat, lambda b: np.ones(len(b) + 1))
    with pytest.raises(ValueError, match="NaN"):
        explain(cat, lambda b: np.full((len(b), 2), np.nan))
    with pytest.raises(ValueError, match="probabilities"):
        explain(cat, lambda b: np.full((len(b), 2), 3.0))


@pytest.mark.parametrize("kw,match", [({"num_samples": 0}, "num_samples"), ({"batch_size": 0}, "batch_size"),
                                      ({"num_features": 0}, "num_features"), ({"labels": (5,), "top_labels": None}, "label")])
def test_bad_arguments(cat, kw, match):
    with pytest.raises(ValueError, match=match):
        explain(cat, Recorder(), **kw)


def test_default_segmentation_needs_rgb():
    with pytest.raises(ValueError, match="segmentation_fn"):
        LimeImageExplainer().explain_instance(np.zeros((8, 8, 2)), Recorder(), progress_bar=False)


def test_to_dict_and_buffers(cat):
    exp = explain(cat, Recorder())
    assert isinstance(exp, ImageExplanation)
    d = exp.to_dict()
    assert d["modality"] == "image" and d["domain"] == {"height": H, "width": W, "num_segments": 16}
    assert d["settings"]["num_features"] == 16 and d["settings"]["num_samples"] == 60
    assert len(d["feature_names"]) == 16
    buffers = exp.image_buffers()
    seg = buffers["segments"]
    assert seg["dtype"] == "int32" and seg["shape"] == [H, W]
    ids = np.frombuffer(seg["data"], dtype="<i4").reshape(seg["shape"])
    np.testing.assert_array_equal(ids, grid_segments())
    assert buffers["image"]["dtype"] == "uint8" and isinstance(buffers["image"]["data"], memoryview)


def test_to_rgb_uint8_ranges():
    assert to_rgb_uint8(np.full((2, 2, 3), 1.0))[0, 0, 0] == 255
    assert to_rgb_uint8(np.full((2, 2, 3), 200.0))[0, 0, 0] == 200
    stretched = to_rgb_uint8(np.array([[[-1.0] * 3, [3.0] * 3]]))
    assert stretched[0, 0, 0] == 0 and stretched[0, 1, 0] == 255
    assert to_rgb_uint8(prepare_image(np.zeros((2, 2), np.uint16))).shape == (2, 2, 3)


def test_resample_hook_reuses_segmentation(cat):
    calls = []

    def segment(im):
        calls.append(1)
        return grid_segments()

    fn = Recorder()
    exp = explain(cat, fn, segmentation_fn=segment, num_samples=30)
    progress = []
    again = exp.resample(num_samples=50, progress=progress.append)
    assert len(calls) == 1 and progress[-1] == 1.0
    assert again.neighborhood.num_samples == 50
    fresh = explain(cat, Recorder(), segmentation_fn=segment, num_samples=50)
    assert again.local_exp == fresh.local_exp  # same seed: same as a fresh call


# -- segmentation wrapper ---------------------------------------------------------------------

def test_segmentation_algorithm_wraps_skimage(cat):
    q = SegmentationAlgorithm("quickshift", kernel_size=4, max_dist=200, ratio=0.2, random_seed=3)
    assert q.target_params == {"kernel_size": 4, "max_dist": 200, "ratio": 0.2, "rng": 3}
    np.testing.assert_array_equal(q(cat), quickshift(cat, kernel_size=4, max_dist=200, ratio=0.2, rng=3))
    np.testing.assert_array_equal(SegmentationAlgorithm("slic", n_segments=10, start_label=0)(cat),
                                  slic(cat, n_segments=10, start_label=0))
    np.testing.assert_array_equal(SegmentationAlgorithm("felzenszwalb", scale=50, random_seed=1)(cat),
                                  felzenszwalb(cat, scale=50))
    with pytest.warns(UserWarning, match="not_a_param"):
        s = SegmentationAlgorithm("slic", not_a_param=1)
    assert "not_a_param" not in s.target_params
    with pytest.raises(ValueError, match="algo_type"):
        SegmentationAlgorithm("watershed")
