"""Tabular LIME, side by side with lime 0.2.0.1 in one run.

Prints, for wine and breast_cancer with RandomForestClassifier(n_estimators=100) and
5000 samples: lime's time, ours, lime / ours, each one's overhead ratio (total time /
time of the bare predict_fn on the same rows) and the refit latency of our cached
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


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def bare_predict_time(model, rows, repeats):
    return median_time(lambda: model.predict_proba(rows), repeats)


def run(repeats: int) -> None:
    warnings.filterwarnings("ignore")
    header = (f"{'data':<14}{'nf':>3}{'lime ms':>10}{'ours ms':>10}{'lime/ours':>11}"
              f"{'lime ovh':>10}{'ours ovh':>10}{'refit ms':>10}{'refit calls':>12}")
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
            for explainer in (theirs, ours):  # warm-up
                explainer.explain_instance(row, timed, num_features=num_features)
            lime_total = median_time(partial(theirs.explain_instance, row, timed, num_features=num_features), repeats)
            lime_bare = bare_predict_time(model, timed.last_rows, repeats)
            our_total = median_time(partial(ours.explain_instance, row, timed, num_features=num_features), repeats)
            our_bare = bare_predict_time(model, timed.last_rows, repeats)
            exp = ours.explain_instance(row, timed, num_features=num_features)
            timed.reset()
            settings = [{"num_features": k} for k in (2, 4, 6, 8)] + [{"label": 2 if name == "wine" else 0},
                                                                          {"kernel_width": 1.5}]
            refit_times = []
            for change in settings:
                start = time.perf_counter()
                exp.refit(**change)
                refit_times.append(time.perf_counter() - start)
            print(f"{name:<14}{num_features:>3}{lime_total * 1e3:>10.1f}{our_total * 1e3:>10.1f}"
                  f"{lime_total / our_total:>11.2f}{lime_total / lime_bare:>10.2f}{our_total / our_bare:>10.2f}"
                  f"{max(refit_times) * 1e3:>10.2f}{timed.calls:>12d}")
    print("\novh = total explanation time / time of the bare predict_fn on the same 5000 rows "
          "(median of repeats); refit ms = slowest of num_features 2/4/6/8, another label, another kernel width.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    run(parser.parse_args().repeats)
