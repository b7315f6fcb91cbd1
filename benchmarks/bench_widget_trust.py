"""What the whiskers cost: a ``num_features`` change in ExplanationWidget, 5000 samples x 30 features.

For each new ``num_features`` (memos cleared, so every change is a first visit):
the refit alone, the time until the widget's observer returns (the refit is sent;
the uncertainty is computed in a background thread), and the time until the
intervals and stability are sent too. Zero model calls throughout.

Run: ``.venv/bin/python benchmarks/bench_widget_trust.py`` (prints; never part of a test).
"""

import time

import numpy as np
from sklearn.linear_model import LogisticRegression

from lime_widget import ExplanationWidget, LimeTabularExplainer


def main() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 30))
    y = (X[:, 0] + X[:, 1] - X[:, 2] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    exp = LimeTabularExplainer(X, random_state=1).explain_instance(X[0], model.predict_proba, num_samples=5000,
                                                                 num_features=5, labels=(0, 1))
    widget = ExplanationWidget(exp)
    widget.wait()
    nb = exp.neighborhood
    for k in (4, 6, 10, 20):
        plain, change, ready = [], [], []
        for _ in range(5):
            widget.num_features = 1
            widget.wait()
            nb._fits.clear()
            nb._resampled.clear()
            t = time.perf_counter()
            widget.num_features = k
            t1 = time.perf_counter()
            widget.wait()
            change.append(t1 - t)
            ready.append(time.perf_counter() - t)
            nb._fits.clear()
            t = time.perf_counter()
            exp.refit(num_features=k).to_dict()
            plain.append(time.perf_counter() - t)
        print(f"num_features -> {k:2d}: refit alone {1000 * min(plain):6.1f} ms | widget change returns in "
              f"{1000 * min(change):6.1f} ms | intervals sent after {1000 * min(ready):6.1f} ms (min of 5)")


if __name__ == "__main__":
    main()
