"""explain_many on a real Dask cluster (two worker processes): same results, a killed worker's rows rerun."""

from __future__ import annotations

import os
import signal
import time

import joblib
import numpy as np
import pytest
from distributed import Client, LocalCluster
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from test_many import KW, same

from lime_widget.core.many import explain_many
from lime_widget.lime_tabular import LimeTabularExplainer


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    dask_client = Client(cluster)
    try:
        yield dask_client
    finally:
        dask_client.close()
        cluster.close()


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    return X, RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)


class SlowModel:
    """predict_proba that takes at least ``seconds`` per call (time to kill a worker mid-run)."""

    def __init__(self, model, seconds):
        self.model, self.seconds = model, seconds

    def __call__(self, rows):
        time.sleep(self.seconds)
        return self.model.predict_proba(rows)


def test_client_and_joblib_dask_backend_equal_single_calls(client, wine):
    X, model = wine
    explainer = LimeTabularExplainer(X, random_state=4)
    rows = X[20:30]
    single = [explainer.explain_instance(x, model.predict_proba, **KW) for x in rows]
    many = explain_many(explainer, rows, model.predict_proba, client=client, chunk_size=3, batch_rows=600, **KW)
    assert many.row_ids == list(range(10)) and [e.row_id for e in many] == many.row_ids
    for a, b in zip(many, single):
        same(a, b)
    with joblib.parallel_config(backend="dask"):
        through_joblib = explain_many(explainer, rows, model.predict_proba, chunk_size=4, **KW)
    for a, b in zip(through_joblib, single):
        same(a, b)


def test_a_random_state_generator_gives_each_chunk_its_own_draws(client, wine):
    X, model = wine
    rows = np.repeat(X[:1], 4, axis=0)  # one row four times, one chunk each
    runs = [explain_many(LimeTabularExplainer(X, random_state=np.random.RandomState(7)), rows,
                         model.predict_proba, client=client, chunk_size=1, **KW) for _ in range(2)]
    data = [exp.neighborhood.data for exp in runs[0]]
    assert all(not np.array_equal(data[0], d) for d in data[1:])  # workers did not replay one generator
    for a, b in zip(*runs):  # and the same generator state gives the same results
        same(a, b)


def test_a_killed_worker_loses_and_repeats_no_row(client, wine):
    X, model = wine
    explainer = LimeTabularExplainer(X, random_state=6)
    rows = X[40:50]
    single = [explainer.explain_instance(x, model.predict_proba, **KW) for x in rows]
    pids = client.run(os.getpid)
    stream = explain_many(explainer, rows, SlowModel(model, 0.3), client=client, chunk_size=1,
                          return_as="generator", **KW)
    results = [next(stream)]
    victim = next(iter(pids.values()))
    os.kill(victim, signal.SIGKILL)  # mid-run: both workers have chunks in flight
    results.extend(stream)
    assert [e.row_id for e in results] == list(range(10))
    for a, b in zip(results, single):
        same(a, b)
    assert victim not in client.run(os.getpid).values()
