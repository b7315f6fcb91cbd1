"""ErrorReview memory: RSS growth per visited row with the bounded, compact cache.

A 20,000-row review (30 features, binary, logistic regression, every row in the
queue), 5000 samples per explanation. Visits ``--rows`` rows one after another
(prefetch on, as by default) after a short warm-up and reports the growth of the
resident set size per visited row, the cache's own estimate and how many rows it
forgot. ``--whole`` keeps every cached row whole (no compaction: the behaviour
before the cache was bounded) for comparison. Target: at most 150 KB per row.

Run: PYTHONPATH=. python benchmarks/bench_review_cache.py [--rows 300] [--whole]
"""

from __future__ import annotations

import argparse
import gc
import os
import time

from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from lime_widget import ErrorReview


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--whole", action="store_true", help="keep cached rows whole (no compaction)")
    args = parser.parse_args()
    X, y = make_classification(n_samples=20_000, n_features=30, n_informative=10, random_state=0)
    model = LogisticRegression(max_iter=1000).fit(X, y)
    review = ErrorReview(model, X, y, scope="all")
    if args.whole:
        review._jobs._shrink = lambda value: None
    assert review.wait(120)

    def visit(position: int) -> None:
        review.position = position
        assert review.wait(120)

    for position in range(args.warmup):
        visit(position)
    gc.collect()
    start, t0 = rss(), time.perf_counter()
    for position in range(args.warmup, args.warmup + args.rows):
        visit(position)
    gc.collect()
    grown = rss() - start
    elapsed = time.perf_counter() - t0
    jobs = review._jobs
    print(f"{'whole' if args.whole else 'compact'} cache: {args.rows} rows visited in {elapsed:.1f} s; "
          f"RSS growth {grown / 2**20:.1f} MB = {grown / args.rows / 1024:.0f} KB per visited row "
          f"(target <= 150 KB); cache estimate {jobs.cached_bytes / 2**20:.1f} MB for {len(jobs.cached)} rows, "
          f"{jobs.evicted} forgotten (cap {jobs.max_bytes / 2**20:.0f} MB)")
    review.close()


if __name__ == "__main__":
    main()
