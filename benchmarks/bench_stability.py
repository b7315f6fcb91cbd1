"""Stability of the top 5 features: lime@5000 versus ours with num_samples="auto", in one run.

For each case, 10 explanations of the same instance with seeds 0..9: the mean pairwise
Jaccard similarity of their top-5 feature sets ("measured stability"), and the model rows
each used. lime 0.2.0.1 uses its default 5000 samples; ours uses ``num_samples="auto"``
(stability_target=0.9, max_samples=20000; a model-assisted surrogate, see
``lime_widget.core.assisted``), with how often it stopped on each reason
(``exp.neighborhood.auto_stop.reason``: target, ties, max_samples). Also: our own estimate (``exp.stability``,
mean over the 10 seeds), the measured stability of ours with a fixed 1667 rows (a third
of lime's; an integer ``num_samples`` is lime's own surrogate, so it shows what a third of
the rows buys without the emulator), and the cost of ``exp.uncertainty()`` on 5000 samples x 30
features (breast_cancer, memo cleared, median of 7).

Cases: wine RF-100, breast_cancer RF-100 (quartile discretization, row 0, its predicted
class), a 300-word document (TF-IDF + LogisticRegression on generated two-topic text)
and a 224x224 image (astronaut, quickshift, a cheap classifier, top label).

``--variants``: the experiment behind the README's "fewer rows for the same stability"
paragraph. The measured stability (top-5 Jaccard across seeds) of fixed-size neighbourhoods
drawn three ways, each row with lime's distribution: lime's independent rows ("iid"),
antithetic pairs (a text or image mask and its complement; for tabular rows the uniforms
u and 1 - u behind the bins and the values inside them) and stratified rows (tabular and
image: every feature's uniforms a Latin hypercube within blocks of 16 rows; text: the
number of removed words stratified). The samplers are patched in for the experiment only;
the library has none of them.

``--ties``: a 24-word document whose 4 words have exactly equal effects, top 2, ``"auto"``
for 20 seeds: the measured Jaccard (about 0.39 whatever the rows) and why each stopped.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_stability.py [--seeds 10] [--first-seed 0]``
or ``... --variants [--seeds 60] [--sizes 1667 5000] [--cases wine cancer text image]``
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
import warnings
from pathlib import Path

import lime.lime_image
import lime.lime_tabular
import lime.lime_text
import numpy as np
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.ensemble import RandomForestClassifier

from lime_widget.core.uncertainty import mean_pairwise_jaccard
from lime_widget.lime_image import LimeImageExplainer
from lime_widget.lime_tabular import LimeTabularExplainer
from lime_widget.lime_text import LimeTextExplainer

sys.path.insert(0, str(Path(__file__).parent))
from bench_image import SIZE, make_classifier  # noqa: E402
from bench_text import make_document, make_model  # noqa: E402

NUM_FEATURES = 5
THIRD = 1667  # a third of lime's rows: how stable a fixed-size explanation of that size is


class Rows:
    """Counts the rows a model is asked about."""

    def __init__(self, fn):
        self.fn, self.rows = fn, 0

    def __call__(self, batch):
        self.rows += len(batch)
        return self.fn(batch)


def top_set(local_exp, label, n_features):
    chosen = np.zeros(n_features, dtype=bool)
    chosen[[i for i, _ in local_exp[label][:NUM_FEATURES]]] = True
    return chosen


def tabular_case(loader):
    data = loader()
    model = RandomForestClassifier(n_estimators=100, random_state=0).fit(data.data, data.target)
    row = data.data[0]
    label = int(model.predict(row[None])[0])
    n_features = data.data.shape[1]

    def run_lime(seed, fn):
        explainer = lime.lime_tabular.LimeTabularExplainer(data.data, random_state=seed)
        exp = explainer.explain_instance(row, fn, labels=(label,), num_features=NUM_FEATURES)
        return top_set(exp.local_exp, label, n_features)

    def run_ours(seed, fn, num_samples="auto"):
        explainer = LimeTabularExplainer(data.data, random_state=seed)
        exp = explainer.explain_instance(row, fn, labels=(label,), num_features=NUM_FEATURES,
                                         num_samples=num_samples)
        return top_set(exp.local_exp, label, n_features), exp

    return model.predict_proba, run_lime, run_ours


def text_case():
    rng = np.random.RandomState(0)
    model, vocab, topics = make_model(rng)
    doc = make_document(rng, vocab, topics[1], 300)
    n_features = LimeTextExplainer().index_text(doc).num_words()

    def run_lime(seed, fn):
        exp = lime.lime_text.LimeTextExplainer(random_state=seed).explain_instance(doc, fn,
                                                                                   num_features=NUM_FEATURES)
        return top_set(exp.local_exp, 1, n_features)

    def run_ours(seed, fn, num_samples="auto"):
        exp = LimeTextExplainer(random_state=seed).explain_instance(doc, fn, num_features=NUM_FEATURES,
                                                                    num_samples=num_samples)
        return top_set(exp.local_exp, 1, n_features), exp

    return model.predict_proba, run_lime, run_ours


def image_case():
    from skimage.data import astronaut
    from skimage.segmentation import quickshift
    from skimage.transform import resize

    image = (resize(astronaut(), (SIZE, SIZE), anti_aliasing=True) * 255).astype(np.uint8)
    segments = quickshift(image, kernel_size=4, max_dist=200, ratio=0.2)
    n_features = len(np.unique(segments))
    classify = make_classifier()

    def run_lime(seed, fn):
        exp = lime.lime_image.LimeImageExplainer(random_state=seed).explain_instance(
            image, fn, top_labels=1, num_features=NUM_FEATURES, num_samples=5000, batch_size=100,
            segmentation_fn=lambda _: segments, hide_color=None)
        return top_set(exp.local_exp, exp.top_labels[0], n_features)

    def run_ours(seed, fn, num_samples="auto"):
        exp = LimeImageExplainer(random_state=seed).explain_instance(
            image, fn, top_labels=1, num_features=NUM_FEATURES, num_samples=num_samples, batch_size=100,
            segmentation_fn=lambda _: segments, progress_bar=False)
        return top_set(exp.local_exp, exp.top_labels[0], n_features), exp

    return classify, run_lime, run_ours


# -- --variants: the same neighbourhood distribution per row, dependent rows (experiment only) --------------
def _paired(base: np.ndarray, n: int, partner) -> np.ndarray:
    """Rows 1..n-1 from ``base`` rows, each followed by ``partner(row)``; row 0 is a placeholder."""
    pairs = (n - 1) // 2
    out = np.empty((n,) + base.shape[1:], dtype=base.dtype)
    out[0] = base[-1]
    out[1:2 * pairs + 1:2] = base[:pairs]
    out[2:2 * pairs + 1:2] = partner(base[:pairs])
    if (n - 1) % 2:
        out[-1] = base[pairs]
    return out


def _antithetic_uniforms(rng, k, n):
    return _paired(rng.random_sample((n // 2 + 1, k)), n, lambda u: 1 - u).T


def _stratified_uniforms(rng, k, n, block=16):
    """Per feature, a Latin hypercube within each block of ``block`` rows: each row's uniform is U(0, 1)."""
    blocks = -(-n // block)
    order = np.argsort(rng.random_sample((k, blocks, block)), axis=2)
    return ((order + rng.random_sample((k, blocks, block))) / block).reshape(k, -1)[:, :n]


def _tabular_draw(uniforms):
    from lime_widget.core.tabular_sampling import Draws

    def draw(self, num_samples, rng, sampling_method="gaussian", bin_rng=None):
        codes_u = uniforms(rng, len(self.categorical_features), num_samples)
        positions = np.repeat(self._starts[:, None], num_samples, axis=1)
        for point in self._inner_cdfs.T:
            positions += codes_u >= point[:, None]
        codes = np.take(self._values, positions)
        values = np.ascontiguousarray(codes.T)
        index = codes[self._binned_rows, 1:].astype(np.intp) + self._bin_offsets[:, None]
        in_bins = uniforms(rng, len(self._binned_rows), num_samples)[:, 1:]
        values[1:, self._binned_rows] = self.discretizer.values_in_bins(index, in_bins).T
        return Draws(codes=codes, values=values)

    return draw


def _image_masks(uniforms):
    def masks(rng, n, d):
        out = (uniforms(rng, d, n) < 0.5).astype(int).T
        out[0] = 1
        return out

    return masks


def _antithetic_active(rng, d, n):
    from lime_widget.core.text_sampling import sample_active

    def complement(active):  # removing k words <-> removing the other d - k; all removed stays so
        flipped = ~active
        flipped[~active.any(axis=1)] = False
        return flipped

    out = _paired(sample_active(rng, d, n // 2 + 2)[1:], n, complement)
    out[0] = True
    return out


def _stratified_active(rng, d, n):
    sizes = (np.floor(_stratified_uniforms(rng, 1, n - 1)[0] * d) + 1).astype(int)  # uniform on 1..d
    removed = np.argsort(rng.random_sample((n - 1, d)), axis=1) < sizes[:, None]
    return np.vstack([np.ones((1, d), dtype=bool), ~removed])


def _use_variant(variant: str) -> None:
    import lime_widget.core.image as image_module
    import lime_widget.core.text as text_module
    from lime_widget.core import tabular_sampling

    saved = _use_variant.__dict__.setdefault("lime", (image_module._draw_masks, text_module.sample_active,
                                                      tabular_sampling.TabularSampler.draw))
    if variant == "iid":
        image_module._draw_masks, text_module.sample_active, tabular_sampling.TabularSampler.draw = saved
        return
    uniforms = _antithetic_uniforms if variant == "antithetic" else _stratified_uniforms
    image_module._draw_masks = _image_masks(uniforms)
    text_module.sample_active = _antithetic_active if variant == "antithetic" else _stratified_active
    tabular_sampling.TabularSampler.draw = _tabular_draw(uniforms)


def variants(cases, sizes, seeds) -> None:
    print("| case | rows | seeds | iid (lime's draws) | antithetic pairs | stratified |")
    print("|---|---|---|---|---|---|")
    for name, make in cases:
        predict, _, run_ours = make()
        for size in sizes:
            cells = []
            for variant in ("iid", "antithetic", "stratified"):
                _use_variant(variant)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)
                    sets = [run_ours(seed, predict, size)[0] for seed in seeds]
                cells.append(f"{mean_pairwise_jaccard(np.array(sets)):.3f}")
            _use_variant("iid")
            print(f"| {name} | {size} | {len(seeds)} | " + " | ".join(cells) + " |", flush=True)


def exact_tie(seeds) -> None:
    """``--ties``: a document whose 4 words have exactly equal effects, top 2 of them, "auto" per seed."""
    tied = ["alpha", "beta", "gamma", "delta"]
    doc = " ".join(tied + [f"w{i}" for i in range(20)])

    def model(texts):
        kept = np.array([sum(word in text.split() for word in tied) for text in texts])
        p = 1 / (1 + np.exp(-(kept - 2.0)))
        return np.stack([1 - p, p], axis=1)

    reasons, rows, sets = collections.Counter(), [], []
    for seed in seeds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            exp = LimeTextExplainer(random_state=seed).explain_instance(doc, model, num_features=2,
                                                                        num_samples="auto")
        reasons[exp.neighborhood.auto_stop.reason] += 1
        rows.append(exp.num_samples)
        sets.append([name in dict(exp.as_list()) for name in tied])
    print(f"exact 4-word tie, top 2, {len(rows)} seeds: measured Jaccard {mean_pairwise_jaccard(np.array(sets)):.3f}, "
          f"rows median {statistics.median(rows):.0f} ({min(rows)}-{max(rows)}), stopped on "
          + ", ".join(f"{k} {v}" for k, v in reasons.most_common()))


def uncertainty_cost(repeats: int = 7) -> dict:
    data = load_breast_cancer()
    model = RandomForestClassifier(n_estimators=100, random_state=0).fit(data.data, data.target)
    out = {}
    for num_features in (5, 10):
        exp = LimeTabularExplainer(data.data, random_state=0).explain_instance(
            data.data[0], model.predict_proba, num_features=num_features, num_samples=5000)
        wall, cpu = [], []
        for _ in range(repeats):
            exp.neighborhood._resampled.clear()
            start, start_cpu = time.perf_counter(), time.process_time()
            exp.uncertainty(label=1)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        out[num_features] = (statistics.median(wall), statistics.median(cpu))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds first-seed .. first-seed + seeds - 1")
    parser.add_argument("--cost-only", action="store_true", help="only time exp.uncertainty()")
    parser.add_argument("--variants", action="store_true",
                        help="fixed-size stability of lime's draws, antithetic pairs and stratified rows")
    parser.add_argument("--sizes", type=int, nargs="+", default=[THIRD, 5000])
    parser.add_argument("--cases", nargs="+", default=["wine", "cancer", "text", "image"])
    parser.add_argument("--ties", action="store_true", help="only the exact-tie check (20 seeds unless --seeds)")
    args = parser.parse_args()
    if args.cost_only:
        return print_cost()
    if args.ties:
        count = args.seeds if "--seeds" in sys.argv else 20
        return exact_tie(range(args.first_seed, args.first_seed + count))
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    named = {"wine": ("wine RF-100", lambda: tabular_case(load_wine)),
             "cancer": ("breast_cancer RF-100", lambda: tabular_case(load_breast_cancer)),
             "text": ("text 300 words, TF-IDF+LR", text_case),
             "image": ("image 224x224", image_case)}
    cases = [named[key] for key in args.cases]
    if args.variants:
        return variants(cases, args.sizes, seeds)
    print("| case | lime@5000 stability | ours 'auto' stability | ours estimated | ours@1667 stability | lime rows "
          "| ours rows (median, min-max) | ours / lime rows | 'auto' stopped on | lime s | ours s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    ratios = []
    for name, make in cases:
        predict, run_lime, run_ours = make()
        lime_sets, ours_sets, ours_rows, estimates, third_sets = [], [], [], [], []
        reasons = collections.Counter()
        lime_time = ours_time = 0.0
        for seed in seeds:
            counter = Rows(predict)
            start = time.perf_counter()
            lime_sets.append(run_lime(seed, counter))
            lime_time += time.perf_counter() - start
            lime_rows = counter.rows
            counter = Rows(predict)
            start = time.perf_counter()
            with warnings.catch_warnings():  # the stop reason is tallied instead
                warnings.simplefilter("ignore", UserWarning)
                chosen, exp = run_ours(seed, counter)
            reasons[exp.neighborhood.auto_stop.reason] += 1
            ours_time += time.perf_counter() - start
            assert counter.rows == exp.num_samples
            ours_sets.append(chosen)
            ours_rows.append(counter.rows)
            estimates.append(exp.stability)
            third_sets.append(run_ours(seed, predict, THIRD)[0])
        ratio = statistics.median(ours_rows) / lime_rows
        ratios.append(ratio)
        print(f"| {name} | {mean_pairwise_jaccard(np.array(lime_sets)):.3f} | "
              f"{mean_pairwise_jaccard(np.array(ours_sets)):.3f} | {np.mean(estimates):.3f} | "
              f"{mean_pairwise_jaccard(np.array(third_sets)):.3f} | {lime_rows} | "
              f"{statistics.median(ours_rows):.0f} ({min(ours_rows)}-{max(ours_rows)}) | {ratio:.2f} | "
              f"{', '.join(f'{k} {v}' for k, v in reasons.most_common())} | "
              f"{lime_time / len(seeds):.2f} | {ours_time / len(seeds):.2f} |", flush=True)
    print(f"\nmedian case: ours / lime model rows = {statistics.median(ratios):.2f}")
    print_cost()


def print_cost() -> None:
    cost = uncertainty_cost()
    print("exp.uncertainty(), breast_cancer 5000 samples x 30 features, memo cleared, median of 7: "
          + ", ".join(f"num_features={k}: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU"
                      for k, (wall, cpu) in cost.items()))


if __name__ == "__main__":
    main()
