"""Tabular LIME, side by side with lime 0.2.0.1 in one run.

Prints, for wine and breast_cancer with RandomForestClassifier(n_estimators=100) and
5000 samples: lime's time, ours, lime / ours, each one's overhead ratio (total time /
time of the bare predict_fn on the same rows, measured right after each explanation),
ours also without a seed (new draws every call), and the refit latency of our cached
neighbourhood (with the number of model calls it made: always 0).

Run: python benchmarks/bench_tabular.py [--repeats N]
"""

from __future__ import annotations

import argparse
import time
import warnings
from functools import partial

import numpy as np
from lime.lime_tabular import LimeTabularExplainer as ReferenceExplainer
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.ensemble import RandomForestClassifier

from lime_widget.lime_tabular import LimeTabularExplainer


class TimedModel:
    """predict_proba that records its own time, calls and the rows it saw."""

    def __init__(self, model):
        self.model, self.seconds, self.calls, self.last_rows = model, 0.0, 0, None

    def __call__(self, rows):
        start = time.perf_counter()
        out = self.model.predict_proba(rows)
        self.seconds += time.perf_counter() - start
        self.calls += 1
        self.last_rows = rows
        return out

    def reset(self):
        self.seconds, self.calls = 0.0, 0


def side_by_side(explain, model, timed, repeats):
    """Median time of ``explain()`` and of the bare model on the rows it sent, interleaved.

    Each explanation is followed by the bare ``predict_proba`` on the same rows, so
    both are measured under the same conditions (caches, clock, background load).
    """
    totals, bares = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        explain()
        totals.append(time.perf_counter() - start)
        rows = timed.last_rows
        start = time.perf_counter()
        model.predict_proba(rows)
        bares.append(time.perf_counter() - start)
    return float(np.median(totals)), float(np.median(bares))


def run(repeats: int) -> None:
    warnings.filterwarnings("ignore")
    header = (f"{'data':<14}{'nf':>3}{'lime ms':>9}{'ours ms':>9}{'lime/ours':>10}{'lime ovh':>9}"
              f"{'ours ovh':>9}{'fresh ovh':>10}{'refit ms':>9}{'refit calls':>12}")
    print(header)
    print("-" * len(header))
    for name, load in (("wine", load_wine), ("breast_cancer", load_breast_cancer)):
        X, y = load(return_X_y=True)
        model = RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y)
        timed = TimedModel(model)
        row = X[0]
        for num_features in (3, 10):
            theirs = ReferenceExplainer(X, random_state=0)
            ours = LimeTabularExplainer(X, random_state=0)
            unseeded = LimeTabularExplainer(X)  # fresh draws on every call
            for explainer in (theirs, ours, unseeded):  # warm-up
                explainer.explain_instance(row, timed, num_features=num_features)
            lime_total, lime_bare = side_by_side(
                partial(theirs.explain_instance, row, timed, num_features=num_features), model, timed, repeats)
            our_total, our_bare = side_by_side(
                partial(ours.explain_instance, row, timed, num_features=num_features), model, timed, repeats)
            fresh_total, fresh_bare = side_by_side(
                partial(unseeded.explain_instance, row, timed, num_features=num_features), model, timed, repeats)
            exp = ours.explain_instance(row, timed, num_features=num_features)
            timed.reset()
            settings = [{"num_features": k} for k in (2, 4, 6, 8)] + [{"label": 2 if name == "wine" else 0},
                                                                          {"kernel_width": 1.5}]
            refit_times = []
            for change in settings:
                start = time.perf_counter()
                exp.refit(**change)
                refit_times.append(time.perf_counter() - start)
            print(f"{name:<14}{num_features:>3}{lime_total * 1e3:>9.1f}{our_total * 1e3:>9.1f}"
                  f"{lime_total / our_total:>10.2f}{lime_total / lime_bare:>9.2f}{our_total / our_bare:>9.2f}"
                  f"{fresh_total / fresh_bare:>10.2f}{max(refit_times) * 1e3:>9.2f}{timed.calls:>12d}")
    print("\novh = total explanation time / time of the bare predict_fn on the same 5000 rows, each explanation "
          "followed by the bare call (medians of repeats).\nours: random_state=0, so the explainer reuses its "
          "draws (every call makes the same ones); fresh: random_state=None, new draws on every call.\n"
          "refit ms = slowest of num_features 2/4/6/8, another label, another kernel width.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    run(parser.parse_args().repeats)
