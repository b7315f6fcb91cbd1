"""explain_many at scale, every engine side by side in one run.

1000 breast_cancer rows (drawn with replacement), RandomForestClassifier(n_estimators=100,
n_jobs=1), 5000 samples per row, random_state=0. Each configuration runs in a fresh
subprocess, so its peak RSS and CPU time are its own:

- lime 0.2.0.1, sequential, on the first 100 rows (extrapolated to all rows);
- ours sequential (``explain_many``, in process);
- ours ``n_jobs=2`` (joblib's two reusable worker processes, started by a first 4-row
  call whose time is printed apart: later calls find them warm);
- ours on a ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``
  (cluster start-up not timed);
- the model alone: ``predict_proba`` on the very rows of every neighbourhood (captured
  first, untimed).

Printed per configuration: wall time, rows/s, CPU time of every thread of every process
(the caller and its workers), peak RSS (caller; largest worker), memory per explanation
(pickled size without the resample hook, which references the explainer and model every
row shares; and RSS growth of the caller per kept explanation), and the ratios the
targets are stated in: n_jobs=2 / sequential throughput (target >= 1.7) and sequential
/ model alone, CPU and wall (target <= 1.15).

Run: python benchmarks/bench_many.py [--rows 1000] [--lime-rows 100]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import pickle
import resource
import subprocess
import sys
import time
import warnings

import numpy as np

NUM_SAMPLES = 5000


def _setup(n_rows: int):
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier

    X, y = load_breast_cancer(return_X_y=True)
    model = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(X, y)
    rows = X[np.random.RandomState(0).randint(0, len(X), n_rows)]
    return X, model, rows


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _cpu(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _children_cpu() -> float:
    """CPU of every live descendant process (joblib's reusable workers, Dask's nannies and workers)."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            total += _cpu(child)
        except psutil.NoSuchProcess:
            pass
    return total


def _children_peak_rss_mb() -> float:
    """The largest peak RSS (VmHWM) among live descendant processes."""
    import psutil

    peak = 0
    for child in psutil.Process().children(recursive=True):
        try:
            with open(f"/proc/{child.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak / 1024


def _finished_children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _capture(rows_out: list):
    """A stand-in model that keeps the rows it is given and answers at once."""
    def predict(rows):
        rows_out.append(rows)
        return np.full((len(rows), 2), 0.5)
    return predict


def one(config: str, n_rows: int, lime_rows: int) -> dict:
    """Run one configuration in this process and return its figures."""
    warnings.filterwarnings("ignore")
    X, model, rows = _setup(n_rows)
    from lime_widget.core.many import explain_many
    from lime_widget.lime_tabular import LimeTabularExplainer

    out = {"config": config, "rows": n_rows}
    client = cluster = None
    if config == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        client.run(lambda: __import__("lime_widget.core.tabular"))  # imports are start-up, not work
    if config == "jobs2":  # joblib's reusable workers: started (and timed) once, warm for every later call
        mark = time.perf_counter()
        explain_many(LimeTabularExplainer(X, random_state=0), rows[:4], model.predict_proba, n_jobs=2,
                     num_samples=NUM_SAMPLES)
        out["startup"] = time.perf_counter() - mark
    rss_before = _rss_mb()
    cpu0, kids0, live0 = _self_cpu(), _finished_children_cpu(), _children_cpu()
    start = time.perf_counter()
    if config == "lime":
        from lime.lime_tabular import LimeTabularExplainer as Reference

        explainer = Reference(X, random_state=0)
        for row in rows[:lime_rows]:
            explainer.explain_instance(row, model.predict_proba, num_samples=NUM_SAMPLES)
        out["measured_rows"] = lime_rows
    elif config == "model":
        explainer = LimeTabularExplainer(X, random_state=0)
        captured: list = []
        predict = _capture(captured)
        outside = 0.0
        for row in rows:
            mark = time.perf_counter()
            c0 = _self_cpu()
            explainer.explain_instance(row, predict, num_samples=NUM_SAMPLES)  # untimed: it yields the rows
            wall_capture, cpu_capture = time.perf_counter() - mark, _self_cpu() - c0
            outside += wall_capture
            cpu0 += cpu_capture
            model.predict_proba(captured.pop())
        start += outside  # only the model's own time counts
        out["measured_rows"] = n_rows
    else:
        explainer = LimeTabularExplainer(X, random_state=0)
        kwargs = {"n_jobs": 2} if config == "jobs2" else {"client": client} if config == "dask" else {}
        exps = explain_many(explainer, rows, model.predict_proba, num_samples=NUM_SAMPLES, **kwargs)
        assert len(exps) == n_rows and not exps.failures
        out["measured_rows"] = n_rows
    wall = time.perf_counter() - start
    cpu = _self_cpu() - cpu0 + _finished_children_cpu() - kids0 + _children_cpu() - live0
    out.update(wall=wall, cpu=cpu)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["peak_worker_rss_mb"] = _children_peak_rss_mb()
    if config in ("seq", "jobs2", "dask"):
        out["rss_per_exp_kb"] = (_rss_mb() - rss_before) * 1024 / n_rows
        light = []
        for exp in exps[:50]:  # the resample hook references the explainer and model all rows share
            exp = copy.copy(exp)
            del exp.resample
            light.append(len(pickle.dumps(exp)))
        out["pickled_kb"] = float(np.mean(light)) / 1024
    if cluster is not None:
        client.close()
        cluster.close()
    return out


def _spin(seconds: float) -> int:
    """Count loop turns for ``seconds`` of wall time (a probe of how much CPU this process gets)."""
    end, turns = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        for _ in range(1000):
            pass
        turns += 1
    return turns


def free_cores(seconds: float = 2.0) -> tuple[float, float]:
    """Work done by one and by two busy processes at once, in units of one process on an idle core.

    On a machine shared with other work the second figure says what ``n_jobs=2`` can gain
    at most right now (2.0 on an idle 2-core machine).
    """
    def run(n: int) -> list[int]:
        procs = [subprocess.Popen([sys.executable, __file__, "--spin", str(seconds)], stdout=subprocess.PIPE,
                                  text=True) for _ in range(n)]
        return [int(p.communicate()[0]) for p in procs]

    reference = _spin(0.5) / 0.5 * seconds  # this process, now: a rough idle-core figure
    one, two = run(1), run(2)
    return one[0] / reference, sum(two) / reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--lime-rows", type=int, default=100)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--spin", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.spin:
        print(_spin(args.spin))
        return
    if args.one:
        print(json.dumps(one(args.one, args.rows, args.lime_rows)))
        return
    one_busy, two_busy = free_cores()
    results = {}
    for config in ("model", "lime", "seq", "jobs2", "dask"):
        done = subprocess.run([sys.executable, __file__, "--one", config, "--rows", str(args.rows),
                               "--lime-rows", str(args.lime_rows)], capture_output=True, text=True, check=True)
        results[config] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {config} done", file=sys.stderr)
    n = args.rows
    for r in results.values():  # lime ran on fewer rows: extrapolate to all
        scale = n / r["measured_rows"]
        r["wall"] *= scale
        r["cpu"] *= scale
    seq, model = results["seq"], results["model"]
    names = {"lime": f"lime 0.2.0.1 sequential ({args.lime_rows} rows, x{n / args.lime_rows:g})",
             "seq": "ours sequential", "jobs2": "ours n_jobs=2", "dask": "ours Dask LocalCluster(2 workers)",
             "model": "model alone (same rows)"}
    header = (f"| {'configuration':<42} | {'wall s':>7} | {'rows/s':>7} | {'CPU s':>7} | {'x seq rows/s':>12} | "
              f"{'CPU / model':>11} | {'peak RSS MB':>11} | {'worker RSS MB':>13} | {'KB / exp':>17} |")
    print(f"{n} breast_cancer rows, RF-100 (n_jobs=1), {NUM_SAMPLES} samples, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for key in ("lime", "seq", "jobs2", "dask", "model"):
        r = results[key]
        per_exp = (f"{r['pickled_kb']:.0f} pkl, {r['rss_per_exp_kb']:.0f} RSS" if "pickled_kb" in r else "")
        worker = f"{r['peak_worker_rss_mb']:.0f}" if key in ("jobs2", "dask") else ""
        print(f"| {names[key]:<42} | {r['wall']:>7.1f} | {n / r['wall']:>7.1f} | {r['cpu']:>7.1f} | "
              f"{seq['wall'] / r['wall']:>12.2f} | {r['cpu'] / model['cpu']:>11.2f} | {r['peak_rss_mb']:>11.0f} | "
              f"{worker:>13} | {per_exp:>17} |")
    print(f"\nn_jobs=2 / sequential throughput: {seq['wall'] / results['jobs2']['wall']:.2f} (target >= 1.7); "
          f"Dask / sequential: {seq['wall'] / results['dask']['wall']:.2f}")
    print(f"n_jobs=2 worker start-up (first call, 4 rows): {results['jobs2']['startup']:.1f} s wall")
    print(f"machine share when it ran: one busy process did {one_busy:.2f}, two at once {two_busy:.2f} "
          f"(x one process's work now: {two_busy / one_busy:.2f}; 2.00 on an idle 2-core machine)")
    print(f"sequential / model alone: CPU {seq['cpu'] / model['cpu']:.2f}, wall {seq['wall'] / model['wall']:.2f} "
          f"(target <= 1.15)")


if __name__ == "__main__":
    main()
