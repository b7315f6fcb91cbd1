"""Peak memory of an image explanation is bounded by batch_size, not num_samples."""

import tracemalloc

import numpy as np

from lime_widget.lime_image import LimeImageExplainer

SIZE = 512
IMAGE_BYTES = SIZE * SIZE * 3


def grid(im):
    return (np.arange(SIZE)[:, None] // 64) * 8 + np.arange(SIZE)[None, :] // 64


def classifier(batch):
    s = batch[:, ::32, ::32, 0].mean(axis=(1, 2)) / 255.0
    return np.stack([1 - s, s], axis=1)


def peak_bytes(image, num_samples, batch_size):
    explainer = LimeImageExplainer(random_state=0)
    tracemalloc.start()
    try:
        exp = explainer.explain_instance(image, classifier, segmentation_fn=grid, num_samples=num_samples,
                                         batch_size=batch_size, progress_bar=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exp.neighborhood.num_samples == num_samples
    return peak


def test_peak_memory_bounded_by_batch_size():
    image = np.random.RandomState(0).randint(0, 256, (SIZE, SIZE, 3)).astype(np.uint8)
    small = peak_bytes(image, 500, batch_size=10)
    large = peak_bytes(image, 5000, batch_size=10)
    # 5000 perturbed 512x512 RGB images would take 3.9 GB; a batch of 10 takes 7.9 MB.
    # Allow a few batches of working memory plus the (5000 x 64) mask matrix.
    assert large < 8 * 10 * IMAGE_BYTES, f"peak {large / 1e6:.1f} MB"
    assert large < 5000 * IMAGE_BYTES / 50
    # ten times the samples costs only the per-sample rows (masks, outputs, distances)
    assert large - small < 5000 * 64 * 8 * 2 + 1_000_000, f"{small / 1e6:.1f} MB -> {large / 1e6:.1f} MB"
