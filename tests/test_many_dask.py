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
    """predict_proba taking ``seconds`` per call, logging "start/end pid row" lines to ``log``."""

    def __init__(self, model, seconds, log):
        self.model, self.seconds, self.log = model, seconds, log

    def _write(self, what, rows):
        with open(self.log, "a") as log:
            log.write(f"{what} {os.getpid()} {rows[0, 0]!r}\n")

    def __call__(self, rows):
        self._write("start", rows)
        time.sleep(self.seconds)
        out = self.model.predict_proba(rows)
        self._write("end", rows)
        return out


def _open_call(log):
    """(pid, row key) of a model call started and not ended, if any."""
    lines = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    ended = {(pid, key) for what, pid, key in lines if what == "end"}
    started = [(pid, key) for what, pid, key in lines if what == "start" and (pid, key) not in ended]
    return started[0] if started else None


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


def test_a_killed_worker_loses_and_repeats_no_row(client, wine, tmp_path):
    X, model = wine
    explainer = LimeTabularExplainer(X, random_state=6)
    rows = X[40:50]
    single = [explainer.explain_instance(x, model.predict_proba, **KW) for x in rows]
    log = tmp_path / "calls.log"
    stream = explain_many(explainer, rows, SlowModel(model, 0.3, str(log)), client=client, chunk_size=1,
                          return_as="generator", **KW)
    results = [next(stream)]
    deadline = time.monotonic() + 20
    while _open_call(log) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    victim, row_key = _open_call(log)
    os.kill(int(victim), signal.SIGKILL)  # in the middle of a model call
    results.extend(stream)
    assert [e.row_id for e in results] == list(range(10))  # none lost, none twice
    for a, b in zip(results, single):
        same(a, b)
    # the interrupted row was explained again by another worker process
    finished_by = {pid for what, pid, key in (line.split() for line in log.read_text().splitlines())
                   if what == "end" and key == row_key}
    assert finished_by and victim not in finished_by
    assert int(victim) not in client.run(os.getpid).values()
