"""Image explainer against lime 0.2.0.1 (the oracle), with a fixed segmentation_fn."""

import warnings

import numpy as np
import pytest
from lime.lime_base import LimeBase
from lime.lime_image import LimeImageExplainer as LimeOracle
from skimage.data import astronaut
from skimage.transform import resize

from lime_widget.lime_image import LimeImageExplainer

H = W = 32
N_SAMPLES = 120


def grid(im):
    return (np.arange(H)[:, None] // 8) * 4 + np.arange(W)[None, :] // 8


@pytest.fixture(scope="module")
def image():
    return (resize(astronaut(), (H, W), anti_aliasing=True) * 255).astype(np.uint8)


class Model:
    """A cheap 3-class classifier that counts and keeps its batches."""

    def __init__(self):
        self.batches = []
        self.weights = np.random.RandomState(5).randn(H * W * 3)

    def __call__(self, batch):
        batch = np.asarray(batch)
        self.batches.append(batch.copy())
        x = batch.astype(float).reshape(len(batch), -1) / 255.0
        s = x @ self.weights / np.sqrt(x.shape[1])
        logits = np.stack([s, -s, 0.5 * s + 0.2], axis=1)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def assert_same_explanation(ours, theirs, tol=1e-8):
    assert set(ours.local_exp) == set(int(k) for k in theirs.local_exp)
    for label, weights in theirs.local_exp.items():
        mine = ours.local_exp[int(label)]
        assert [f for f, _ in mine] == [int(f) for f, _ in weights]
        np.testing.assert_allclose([w for _, w in mine], [w for _, w in weights], rtol=0, atol=tol)
        assert abs(ours.intercept[int(label)] - theirs.intercept[label]) < tol
    # lime keeps the last fitted label's score and local prediction
    assert abs(ours.score - theirs.score) < tol
    np.testing.assert_allclose(ours.local_pred, theirs.local_pred, atol=tol)


@pytest.mark.parametrize("options", [
    {},
    {"hide_color": 0, "batch_size": 7},
    {"top_labels": None, "labels": (0, 2), "num_features": 5},
    {"top_labels": 2, "num_features": 4, "batch_size": 1000},
])
def test_same_seed_same_explanation_as_fresh_lime_first_call(image, options):
    theirs_model, ours_model = Model(), Model()
    theirs = LimeOracle(random_state=11).explain_instance(image, theirs_model, segmentation_fn=grid,
                                                           num_samples=N_SAMPLES, **options)
    ours = LimeImageExplainer(random_state=11).explain_instance(image, ours_model, segmentation_fn=grid,
                                                                 num_samples=N_SAMPLES, progress_bar=False,
                                                                 **options)
    # the model saw exactly the same batches: same draws, same hidden colours, same batching
    assert [len(b) for b in ours_model.batches] == [len(b) for b in theirs_model.batches]
    for a, b in zip(ours_model.batches, theirs_model.batches):
        np.testing.assert_array_equal(a, b)
    assert_same_explanation(ours, theirs)
    if options.get("top_labels", 5):
        assert ours.top_labels == [int(x) for x in theirs.top_labels]
    np.testing.assert_array_equal(ours.segments, theirs.segments)
    np.testing.assert_array_equal(ours.image, theirs.image)


def test_float_and_greyscale_images_match_lime(image):
    for img in (image / 255.0, image.mean(axis=2)):
        theirs = LimeOracle(random_state=3).explain_instance(img, Model(), segmentation_fn=grid,
                                                             num_samples=60)
        ours = LimeImageExplainer(random_state=3).explain_instance(img, Model(), segmentation_fn=grid,
                                                                    num_samples=60, progress_bar=False)
        # float means: lime sums pairwise (np.mean), we with bincount; both in float64,
        # so hidden colours agree to ~1e-16 and the weights far inside 1e-8
        assert_same_explanation(ours, theirs)


@pytest.mark.parametrize("feature_selection", ["auto", "forward_selection", "highest_weights", "lasso_path", "none"])
def test_same_neighbourhood_same_weights_as_lime_base(image, feature_selection):
    exp = LimeImageExplainer(random_state=0, feature_selection=feature_selection).explain_instance(
        image, Model(), segmentation_fn=grid, num_samples=N_SAMPLES, num_features=5, progress_bar=False)
    nb = exp.neighborhood

    def kernel(d, kernel_width=0.25):
        return np.sqrt(np.exp(-(d ** 2) / kernel_width ** 2))

    base = LimeBase(kernel, verbose=False)
    for label in exp.local_exp:
        intercept, weights, score, local_pred = base.explain_instance_with_data(
            nb.data, nb.outputs, nb.distances, label, 5, feature_selection=feature_selection)
        assert [f for f, _ in exp.local_exp[label]] == [int(f) for f, _ in weights]
        np.testing.assert_allclose([w for _, w in exp.local_exp[label]], [w for _, w in weights], atol=1e-8, rtol=0)
        assert abs(exp.intercept[label] - intercept) < 1e-8
        assert abs(exp.scores[label] - score) < 1e-8
        assert abs(exp.local_preds[label][0] - local_pred[0]) < 1e-8


def test_get_image_and_mask_equals_lime(image):
    theirs = LimeOracle(random_state=2).explain_instance(image, Model(), segmentation_fn=grid, num_samples=80)
    ours = LimeImageExplainer(random_state=2).explain_instance(image, Model(), segmentation_fn=grid,
                                                                num_samples=80, progress_bar=False)
    label = ours.top_labels[0]
    for kw in [{}, {"positive_only": False}, {"positive_only": False, "negative_only": True},
               {"hide_rest": True, "num_features": 8}, {"positive_only": False, "hide_rest": True, "min_weight": 0.005},
               {"positive_only": False, "num_features": 16, "min_weight": 0.0}]:
        a_img, a_mask = theirs.get_image_and_mask(label, **kw)
        b_img, b_mask = ours.get_image_and_mask(label, **kw)
        assert a_img.dtype == b_img.dtype and a_mask.dtype == b_mask.dtype
        np.testing.assert_array_equal(a_img, b_img)
        np.testing.assert_array_equal(a_mask, b_mask)


def test_one_segment_matches_lime(image):
    one = lambda im: np.zeros(im.shape[:2], dtype=np.int64)  # noqa: E731
    theirs = LimeOracle(random_state=4).explain_instance(image, Model(), segmentation_fn=one, num_samples=50)
    ours = LimeImageExplainer(random_state=4).explain_instance(image, Model(), segmentation_fn=one,
                                                                num_samples=50, progress_bar=False)
    assert_same_explanation(ours, theirs)


def test_same_seed_same_answer_every_call_lime_drifts(image):
    explainer = LimeImageExplainer(random_state=9)
    first = explainer.explain_instance(image, Model(), segmentation_fn=grid, num_samples=60, progress_bar=False)
    second = explainer.explain_instance(image, Model(), segmentation_fn=grid, num_samples=60, progress_bar=False)
    assert first.local_exp == second.local_exp
    lime = LimeOracle(random_state=9)
    a = lime.explain_instance(image, Model(), segmentation_fn=grid, num_samples=60)
    b = lime.explain_instance(image, Model(), segmentation_fn=grid, num_samples=60)
    # lime keeps drawing from one generator, so its second call differs (the fix we make)
    assert a.local_exp != b.local_exp
    assert_same_explanation(first, a)


def test_refit_makes_no_model_calls(image):
    model = Model()
    exp = LimeImageExplainer(random_state=1).explain_instance(image, model, segmentation_fn=grid,
                                                               num_samples=N_SAMPLES, top_labels=1,
                                                               progress_bar=False)
    calls = len(model.batches)
    assert calls == N_SAMPLES // 10
    other_label = [x for x in range(3) if x not in exp.local_exp][0]
    refitted = exp.refit(num_features=3, label=other_label)
    refitted = refitted.refit(kernel_width=0.5, feature_selection="highest_weights")
    assert len(model.batches) == calls
    assert other_label in refitted.local_exp and len(refitted.local_exp[other_label]) == 3
    # ... and it equals a fresh explanation with those settings
    fresh = LimeImageExplainer(random_state=1, kernel_width=0.5, feature_selection="highest_weights").explain_instance(
        image, Model(), segmentation_fn=grid, num_samples=N_SAMPLES, top_labels=None,
        labels=sorted(refitted.local_exp), num_features=3, progress_bar=False)
    for label in refitted.local_exp:
        assert refitted.local_exp[label] == fresh.local_exp[label]


def test_custom_kernel_and_verbose_match_lime(image, capsys):
    def kernel(d, kernel_width):
        return np.exp(-d / kernel_width)

    theirs = LimeOracle(random_state=6, kernel=kernel, kernel_width=0.4, verbose=True).explain_instance(
        image, Model(), segmentation_fn=grid, num_samples=60, top_labels=1)
    lime_out = capsys.readouterr().out
    ours = LimeImageExplainer(random_state=6, kernel=kernel, kernel_width=0.4, verbose=True).explain_instance(
        image, Model(), segmentation_fn=grid, num_samples=60, top_labels=1, progress_bar=False)
    our_out = capsys.readouterr().out
    assert_same_explanation(ours, theirs)
    assert [line.split()[0] for line in our_out.splitlines()] == [line.split()[0] for line in lime_out.splitlines()]


def test_default_segmentation_equals_lime_first_call():
    """lime's quickshift ignores the drawn seed on current scikit-image; so do we."""
    import skimage.data

    image = skimage.data.chelsea()[::4, ::4].astype(float)

    def classifier(batch):
        brightness = batch.mean(axis=(1, 2, 3)) / 255
        return np.stack([brightness, 1 - brightness], axis=1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = LimeOracle(random_state=0).explain_instance(
            image, classifier, top_labels=1, num_samples=60)
    ours = LimeImageExplainer(random_state=0).explain_instance(
        image, classifier, top_labels=1, num_samples=60, progress_bar=False)
    np.testing.assert_array_equal(ours.segments, theirs.segments)
    label = theirs.top_labels[0]
    np.testing.assert_allclose([w for _, w in ours.local_exp[label]], [w for _, w in theirs.local_exp[label]],
                               atol=1e-8, rtol=0)
