"""One explanation of a 100,000-word document (run: python benchmarks/bench_long_text.py).

TF-IDF + LogisticRegression trained on generated two-topic text (as bench_text.py), 5000
samples, ``random_state=0``, default ``batch_size`` (documents built and predicted batch
by batch once they would exceed 16M characters together). Prints wall time, the
process's peak resident memory above its level before the call (``ru_maxrss``), the
share of the time spent inside ``predict_proba``, the number of model calls, and
the progress steps reported.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
from bench_text import make_document, make_model

from lime_widget.lime_text import LimeTextExplainer


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=5000)
    args = parser.parse_args()
    rng = np.random.RandomState(0)
    model, vocab, topics = make_model(rng)
    doc = make_document(rng, vocab, topics[1], args.words)
    in_model = [0.0, 0]

    def predict(docs):
        start = time.perf_counter()
        out = model.predict_proba(docs)
        in_model[0] += time.perf_counter() - start
        in_model[1] += 1
        return out

    steps = []
    explainer = LimeTextExplainer(random_state=0)
    before = rss_mib()
    start = time.perf_counter()
    exp = explainer.explain_instance(doc, predict, num_samples=args.samples, num_features=10, progress=steps.append)
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{args.words:,} words ({len(doc):,} characters, {exp.neighborhood.num_features:,} distinct words), "
          f"{args.samples} samples: {total:.1f} s, peak RSS {peak - before:,.0f} MiB above the "
          f"{before:,.0f} MiB before the call, model {in_model[0] / total:.0%} of the time "
          f"({in_model[1]} calls, {len(steps)} progress steps)")


if __name__ == "__main__":
    main()
