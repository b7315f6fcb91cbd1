"""Image explanations, side by side with lime 0.2.0.1 in one run.

224x224 RGB image (scikit-image's astronaut), 1000 samples, quickshift(kernel_size=4,
max_dist=200, ratio=0.2), batch_size=10, a cheap classifier (a few numpy ops per
batch). The same timed segmentation function is given to both, so segmentation and
predict time are measured inside each run and subtracted to get the overhead.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_image.py [--repeats 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time
import tracemalloc

import numpy as np
from lime.lime_image import LimeImageExplainer as LimeExplainer
from skimage.data import astronaut
from skimage.segmentation import quickshift
from skimage.transform import resize

from lime_widget.lime_image import LimeImageExplainer

SIZE = 224
NUM_SAMPLES = 1000


class Timed:
    """Wraps a function, adding up the time spent inside it and counting calls."""

    def __init__(self, fn):
        self.fn = fn
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, *args):
        start = time.perf_counter()
        try:
            return self.fn(*args)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1


def make_classifier():
    weights = np.random.RandomState(0).randn(3)

    def classify(batch):
        # mean colour of a pixel grid through a logistic unit: a few numpy ops per batch
        x = batch[:, ::4, ::4].mean(axis=(1, 2)) / 255.0
        p = 1.0 / (1.0 + np.exp(-(x - 0.5) @ weights * 4))
        return np.stack([1 - p, p], axis=1)

    return classify


def segment(image):
    return quickshift(image, kernel_size=4, max_dist=200, ratio=0.2)


def run(explainer, image, num_samples=NUM_SAMPLES):
    seg, clf = Timed(segment), Timed(make_classifier())
    start = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):  # both show tqdm bars by default
        exp = explainer.explain_instance(image, clf, segmentation_fn=seg, num_samples=num_samples)
    total = time.perf_counter() - start
    return exp, {"total": total, "segmentation": seg.seconds, "predict": clf.seconds,
                 "overhead": total - seg.seconds - clf.seconds}


def peak_mb(image, num_samples):
    segments = segment(image)
    tracemalloc.start()
    with contextlib.redirect_stderr(io.StringIO()):
        LimeImageExplainer(random_state=0).explain_instance(image, make_classifier(), num_samples=num_samples,
                                                            segmentation_fn=lambda im: segments)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def refit_ms(exp, repeats=5, **change):
    times = []
    for _ in range(repeats):
        # a fresh neighbourhood cache each time, so memoised fits don't flatter the number
        exp.neighborhood._fits.clear()
        exp.neighborhood._designs.clear()
        start = time.perf_counter()
        exp.refit(**change)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main(repeats: int) -> None:
    image = (resize(astronaut(), (SIZE, SIZE), anti_aliasing=True) * 255).astype(np.uint8)
    lime_runs, our_runs = [], []
    for r in range(repeats):
        lime_runs.append(run(LimeExplainer(random_state=r), image)[1])
        exp, stats = run(LimeImageExplainer(random_state=r), image)
        our_runs.append(stats)

    def med(runs, key):
        return statistics.median(s[key] for s in runs)

    n_segments = exp.domain_mapper.superpixels.n_features
    print(f"image {SIZE}x{SIZE}x3 uint8, {NUM_SAMPLES} samples, batch_size=10, quickshift -> {n_segments} "
          f"superpixels, median of {repeats} runs\n")
    print(f"{'':34s}{'lime 0.2.0.1':>14s}{'lime-widget':>14s}{'lime / ours':>13s}")
    for key, name in [("total", "total (s)"), ("segmentation", "segmentation (s)"), ("predict", "predict (s)"),
                      ("overhead", "overhead outside seg+predict (s)")]:
        a, b = med(lime_runs, key), med(our_runs, key)
        print(f"{name:34s}{a:14.3f}{b:14.3f}{a / b:13.1f}")
    print(f"{'overhead / predict':34s}{med(lime_runs, 'overhead') / med(lime_runs, 'predict'):14.2f}"
          f"{med(our_runs, 'overhead') / med(our_runs, 'predict'):14.2f}")
    print(f"{'(total - segmentation) / predict':34s}"
          f"{(med(lime_runs, 'total') - med(lime_runs, 'segmentation')) / med(lime_runs, 'predict'):14.2f}"
          f"{(med(our_runs, 'total') - med(our_runs, 'segmentation')) / med(our_runs, 'predict'):14.2f}")
    print(f"{'total / predict':34s}{med(lime_runs, 'total') / med(lime_runs, 'predict'):14.2f}"
          f"{med(our_runs, 'total') / med(our_runs, 'predict'):14.2f}")

    calls = Timed(make_classifier())
    exp = LimeImageExplainer(random_state=0).explain_instance(image, calls, segmentation_fn=lambda im: exp.segments,
                                                              num_samples=NUM_SAMPLES, progress_bar=False)
    before = calls.calls
    label = exp.top_labels[0]
    print("\nrefit on the cached neighbourhood (median of 5, caches cleared; lime: a full re-run)")
    for change in [{"num_features": 10}, {"num_features": 5}, {"num_features": 3, "label": 1 - label},
                   {"kernel_width": 0.5}, {"feature_selection": "lasso_path", "num_features": 8}]:
        print(f"  {str(change):58s}{refit_ms(exp, **change):8.2f} ms")
    print(f"  model calls during refits: {calls.calls - before}")

    print("\npeak traced memory, lime-widget (tracemalloc)")
    for n in (1000, 5000):
        print(f"  {n:5d} samples: {peak_mb(image, n):7.1f} MB   (one 224x224x3 image: {SIZE * SIZE * 3 / 1e6:.2f} MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    main(parser.parse_args().repeats)
