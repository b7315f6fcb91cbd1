"""Memory per explained row: compact explanations against full ones.

breast_cancer (30 features, binary), logistic regression, 5000 samples, an integer
seed. For ``--rows`` rows explained with ``explain_many`` (compact by default) and,
for comparison, kept full: bytes per row by tracemalloc (reachable memory, after a
garbage collection) and pickled (the whole list, its explainer once; and one
explanation alone, with its explainer). The target is the model outputs
(5000 x 2 float64 = 80,000 bytes) + 32 KB per row. Then the cost of a compact
row's first refit (the rows are rebuilt, zero model calls) and of later refits.

Run: PYTHONPATH=. python benchmarks/bench_compact.py [--rows 500] [--samples 5000]
"""

from __future__ import annotations

import argparse
import copy
import gc
import pickle
import time
import tracemalloc

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression

from lime_widget.core.many import explain_many
from lime_widget.core.tabular import TabularExplainer


class Counting:
    def __init__(self, model):
        self.model, self.calls = model, 0

    def __call__(self, rows):
        self.calls += 1
        return self.model.predict_proba(rows)


def traced_bytes(make) -> tuple[object, int]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = make()
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return kept, grown


def alone(exp) -> bytes:
    clone = copy.copy(exp)
    if hasattr(clone, "resample"):
        del clone.resample  # the hook carries the model; measured without it
    return pickle.dumps(clone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--samples", type=int, default=5000)
    args = parser.parse_args()
    X, y = load_breast_cancer(return_X_y=True)
    model = LogisticRegression(max_iter=5000).fit(X, y)
    rows = X[np.arange(args.rows) % len(X)]
    explainer = TabularExplainer(X, random_state=0)
    predict = Counting(model)
    kw = {"num_samples": args.samples, "num_features": 10}
    explainer.explain_instance(rows[0], predict, **kw)  # the kept draws exist before measuring
    outputs = args.samples * 2 * 8
    target = outputs + 32 * 1024

    compact, compact_bytes = traced_bytes(lambda: explain_many(explainer, rows, predict, **kw))
    assert all(e.is_compact for e in compact)
    n_full = min(args.rows, 100)  # full ones are big: fewer rows, the same per-row figure
    full, full_bytes = traced_bytes(lambda: [explainer.explain_instance(r, predict, **kw) for r in rows[:n_full]])

    print(f"breast_cancer, {args.samples} samples, {args.rows} rows; target per row: outputs {outputs:,} B + "
          f"32 KB = {target:,} B")
    print(f"{'form':<9}{'tracemalloc/row':>17}{'pickled/row in a list':>23}{'pickled alone':>15}")
    for name, kept, grown, n in (("compact", compact, compact_bytes, args.rows), ("full", full, full_bytes, n_full)):
        listed = len(pickle.dumps(list(kept), protocol=5)) / n  # explainer and model once
        print(f"{name:<9}{grown / n:>17,.0f}{listed:>23,.0f}{len(alone(kept[0])):>15,}")

    predict.calls = 0
    sample = compact[: min(20, args.rows)]
    t0 = time.perf_counter()
    for exp in sample:
        exp.refit(num_features=5)
    first = (time.perf_counter() - t0) / len(sample)
    t0 = time.perf_counter()
    for exp in sample:
        exp.refit(num_features=6)
    later = (time.perf_counter() - t0) / len(sample)
    print(f"compact refit: first {first * 1e3:.1f} ms (rebuilds the rows), then {later * 1e3:.2f} ms; "
          f"model calls: {predict.calls}")


if __name__ == "__main__":
    main()
