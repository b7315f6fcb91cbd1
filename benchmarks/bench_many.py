"""explain_many at scale, every engine side by side in one run.

1000 breast_cancer rows (drawn with replacement), RandomForestClassifier(n_estimators=100,
n_jobs=1), 5000 samples per row, random_state=0:

- lime 0.2.0.1, sequential, on the first 100 rows (extrapolated to all rows);
- ours sequential (``explain_many``, in process);
- ours ``n_jobs=2`` (joblib's two reusable worker processes, warm: their start-up, timed
  apart, is paid once per session);
- ours on a ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``;
- the model alone: ``predict_proba`` on the very rows of every neighbourhood (captured
  first, untimed).

The machine these run on is shared, and its load changes during a run, so our engines
and the model run interleaved, block by block of rows in rotating order, in one process:
the throughput and CPU ratios compare like with like. CPU time counts every thread of the
caller and of its worker processes. A probe first reports how much a second busy process
gains on the machine at that moment (what n_jobs=2 can gain at most). Then each engine
runs once more in a process of its own for memory: peak RSS of the caller and of the
largest worker, the pickled size of an explanation (the explainer and model, which every
row shares, pickled as references) and the caller's RSS growth per kept explanation.

Targets (issue 15): n_jobs=2 >= 1.7x sequential throughput; sequential CPU within 1.15x of
the model alone.

Ratios are also given per block (median, and the range over blocks): a block's engines ran
within seconds of each other, so a block ratio is little moved by load that changes over
minutes. Two load-robust figures of the parallel engines: their CPU per row against the
sequential run's (the work that going parallel adds: pickling, transfers, a second copy of
the per-call state), and an estimate of their speed-up on an idle 2-core machine, the
sequential run's calling-thread CPU (about its wall time when no other process competes)
over half of the parallel run's CPU (both cores busy, perfectly balanced). Bytes that cross between
processes are counted from what the engines pickle: the explainer and model (once per worker
and call), the rows (per row) and the results (per row, detached as workers return them).

Run: python benchmarks/bench_many.py [--quick] [--rows 1000] [--lime-rows 100] [--block 100]
     [--engines seq,jobs2,dask] [--no-isolated]
(--quick: 200 rows, lime on 20, blocks of 50.)
"""

from __future__ import annotations

import argparse
import io
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


def _children_cpu(within=None, exclude=None) -> float:
    """CPU of live descendant processes (joblib's reusable workers, Dask's nannies and workers).

    ``within``: only the process tree of that ``subprocess.Popen`` (it included);
    ``exclude``: all but that tree.
    """
    import psutil

    tree: set = set()
    for root in (within, exclude):
        if root is not None:
            try:
                host = psutil.Process(root.pid)
                tree = {host.pid, *(p.pid for p in host.children(recursive=True))}
            except psutil.NoSuchProcess:
                pass
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        if (within is not None and child.pid not in tree) or (exclude is not None and child.pid in tree):
            continue
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
        # the explainer and model, which every row shares, are pickled as references
        def reference(obj):
            if obj is explainer or obj is model or getattr(obj, "__self__", None) in (explainer, model):
                return "shared"
            return None

        light = []
        for exp in exps[:50]:
            buffer = io.BytesIO()
            pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.persistent_id = reference
            pickler.dump(exp)
            light.append(len(buffer.getvalue()))
        out["pickled_kb"] = float(np.mean(light)) / 1024
    if cluster is not None:
        client.close()
        cluster.close()
    return out


def paired(n_rows: int, block: int, engines: list) -> dict:
    """The engines and the model on the same blocks of rows, interleaved (rotating order), in one process.

    A shared machine's load changes during a run; interleaving blocks gives each
    engine the same conditions, so the ratios compare like with like. Returns, per
    engine, the wall and CPU time of every block, and for the sequential engine the
    CPU of the calling thread alone.
    """
    warnings.filterwarnings("ignore")
    X, model, rows = _setup(n_rows)
    from lime_widget.core.many import explain_many
    from lime_widget.lime_tabular import LimeTabularExplainer

    client = hosting = None
    if "dask" in engines:
        # the scheduler lives in a process of its own: in this one, its event loop would add
        # to every engine's CPU (about 10% of a core, measured here)
        from distributed import Client

        hosting = subprocess.Popen([sys.executable, __file__, "--host-dask"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        client = Client(hosting.stdout.readline().strip())
    explainers = {name: LimeTabularExplainer(X, random_state=0) for name in (*engines, "model")}
    runs = {
        "seq": lambda part: explain_many(explainers["seq"], part, model.predict_proba, num_samples=NUM_SAMPLES),
        "jobs2": lambda part: explain_many(explainers["jobs2"], part, model.predict_proba, n_jobs=2,
                                           num_samples=NUM_SAMPLES),
        "dask": lambda part: explain_many(explainers["dask"], part, model.predict_proba, client=client,
                                          num_samples=NUM_SAMPLES),
    }
    runs = {name: runs[name] for name in engines}
    for run in runs.values():  # start-up (workers, imports, first draws) is not throughput
        run(rows[:4])
    blocks = {name: {"wall": [], "cpu": [], "thread_cpu": [], "rows": []} for name in (*runs, "model")}
    order = list(runs) + ["model"]
    for b, first in enumerate(range(0, n_rows, block)):
        part = rows[first:first + block]
        captured: list = []
        for row in part:  # the model's rows for this block (untimed)
            explainers["model"].explain_instance(row, _capture(captured), num_samples=NUM_SAMPLES)
        for name in order[b % len(order):] + order[:b % len(order)]:
            # each engine is charged for its own processes only: this one, plus its workers
            engine_cpu = {"jobs2": lambda: _children_cpu(exclude=hosting),
                          "dask": lambda: _children_cpu(within=hosting)}.get(name, lambda: 0.0)
            cpu0, live0, kids0, thread0 = _self_cpu(), engine_cpu(), _finished_children_cpu(), time.thread_time()
            start = time.perf_counter()
            if name == "model":
                for neighbourhood in captured:
                    model.predict_proba(neighbourhood)
            else:
                exps = runs[name](part)
                assert len(exps) == len(part) and not exps.failures
            figures = blocks[name]
            figures["wall"].append(time.perf_counter() - start)
            figures["thread_cpu"].append(time.thread_time() - thread0)
            figures["cpu"].append(_self_cpu() - cpu0 + engine_cpu() - live0 + _finished_children_cpu() - kids0)
            figures["rows"].append(len(part))
            exps = None
    if hosting is not None:
        client.close()
        hosting.stdin.close()  # the host closes its cluster and exits
        hosting.wait(60)
    return blocks


def host_dask() -> None:
    """A 2-worker LocalCluster: print its scheduler's address, serve until stdin closes."""
    warnings.filterwarnings("ignore")
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        print(cluster.scheduler_address, flush=True)
        sys.stdin.read()


def transfer_bytes(n_rows: int = 64) -> dict:
    """Bytes that cross between processes with worker processes: pickled as the engines pickle them."""
    warnings.filterwarnings("ignore")
    X, model, rows = _setup(n_rows)
    from lime_widget.core.many import _Chunk, _Payload, explain_chunk
    from lime_widget.lime_tabular import LimeTabularExplainer

    explainer = LimeTabularExplainer(X, random_state=0)
    payload = _Payload.pickled(explainer, model.predict_proba, "a benchmark")
    chunk = _Chunk(0, 0, rows, list(range(n_rows)), None)
    results = explain_chunk(explainer, model.predict_proba, rows, 0, list(range(n_rows)),
                            {"num_samples": NUM_SAMPLES})  # detached, as a worker returns them
    import cloudpickle

    return {"payload": sum(len(b) for b in payload.blobs), "rows_in": len(cloudpickle.dumps(chunk)) / n_rows,
            "results_out": len(cloudpickle.dumps(results)) / n_rows,
            "outputs": results[0].neighborhood.outputs.nbytes}


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


def _median_range(values: list) -> str:
    return f"{np.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="rows explained (default 1000; --quick: 200)")
    parser.add_argument("--lime-rows", type=int, default=None, help="rows lime explains (default 100; --quick: 20)")
    parser.add_argument("--block", type=int, default=None, help="rows per interleaved block (default 100; --quick: 50)")
    parser.add_argument("--quick", action="store_true", help="200 rows, lime on 20, blocks of 50")
    parser.add_argument("--engines", default="seq,jobs2,dask", help="comma-separated, among seq, jobs2, dask")
    parser.add_argument("--no-isolated", action="store_true", help="skip lime and the per-engine memory runs")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--spin", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--paired", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bytes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--host-dask", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.host_dask:
        host_dask()
        return
    n = args.rows or (200 if args.quick else 1000)
    lime_rows = min(n, args.lime_rows or (20 if args.quick else 100))
    block = args.block or (50 if args.quick else 100)
    engines = [e for e in args.engines.split(",") if e]
    if not engines or any(e not in ("seq", "jobs2", "dask") for e in engines) or "seq" not in engines:
        parser.error("--engines takes seq (always), jobs2 and dask, comma-separated")
    if args.paired:
        print(json.dumps(paired(n, args.paired, engines)))
        return
    if args.bytes:
        print(json.dumps(transfer_bytes()))
        return
    if args.spin:
        print(_spin(args.spin))
        return
    if args.one:
        print(json.dumps(one(args.one, n, lime_rows)))
        return
    one_busy, two_busy = free_cores()
    load = os.getloadavg()[0]

    def subprocess_json(*extra: str) -> dict:
        done = subprocess.run([sys.executable, __file__, "--rows", str(n), "--lime-rows", str(lime_rows),
                               "--engines", ",".join(engines), *extra], capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    blocks = subprocess_json("--paired", str(block))
    print("  interleaved runs done", file=sys.stderr)
    pair = {name: {"wall": sum(b["wall"]), "cpu": sum(b["cpu"]), "thread_cpu": sum(b["thread_cpu"])}
            for name, b in blocks.items()}
    isolated = not args.no_isolated
    if isolated:
        lime = subprocess_json("--one", "lime")
        scale = n / lime["measured_rows"]
        pair["lime"] = {"wall": lime["wall"] * scale, "cpu": lime["cpu"] * scale}
        memory = {config: subprocess_json("--one", config) for config in engines}
        print("  isolated runs done", file=sys.stderr)
    sent = subprocess_json("--bytes") if "jobs2" in engines or "dask" in engines else None
    seq, model = pair["seq"], pair["model"]
    names = {"lime": f"lime 0.2.0.1 sequential ({lime_rows} rows, x{n / lime_rows:g}; own run)",
             "seq": "ours sequential", "jobs2": "ours n_jobs=2 (warm workers)",
             "dask": "ours Dask LocalCluster(2 workers)", "model": "model alone (same rows)"}
    print(f"{n} breast_cancer rows, RF-100 (n_jobs=1), {NUM_SAMPLES} samples, random_state=0, "
          f"{os.cpu_count()} cores (load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end).\n"
          f"Engines interleaved in blocks of {block} rows; CPU = every thread of the caller and its workers.\n")
    header = (f"| {'configuration':<50} | {'wall s':>7} | {'rows/s':>7} | {'x seq rows/s':>12} | {'CPU s':>7} | "
              f"{'CPU ms/row':>10} | {'CPU / model':>11} |")
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    for key in ("lime", *engines, "model"):
        if key not in pair:
            continue
        r = pair[key]
        print(f"| {names[key]:<50} | {r['wall']:>7.1f} | {n / r['wall']:>7.1f} | {seq['wall'] / r['wall']:>12.2f} | "
              f"{r['cpu']:>7.1f} | {1000 * r['cpu'] / n:>10.2f} | {r['cpu'] / model['cpu']:>11.2f} |")

    def per_block(a: str, b: str, what: str) -> list:
        return [x / y for x, y in zip(blocks[a][what], blocks[b][what])]

    print(f"\nPer block of {block} rows, median (range) over {len(blocks['seq']['wall'])} blocks:")
    print(f"  sequential CPU / model CPU: {_median_range(per_block('seq', 'model', 'cpu'))} (target <= 1.15); "
          f"whole run {seq['cpu'] / model['cpu']:.2f}")
    for key in engines[1:]:
        label = names[key].replace("ours ", "")
        print(f"  {label}: throughput x sequential {_median_range(per_block('seq', key, 'wall'))}"
              f"{' (target >= 1.7)' if key == 'jobs2' else ''}; CPU per row / sequential's "
              f"{_median_range(per_block(key, 'seq', 'cpu'))}")
        bound = 2 * seq["thread_cpu"] / pair[key]["cpu"]
        print(f"    estimate for an idle 2-core machine (sequential calling-thread CPU / half of this engine's CPU, "
              f"perfect balance assumed): {bound:.2f}x")
    print(f"  sequential: calling thread {seq['thread_cpu'] / seq['cpu']:.0%} of its CPU (the rest: the helper "
          "thread beside the model call, BLAS threads)")
    print(f"machine share at the start: two busy processes did {two_busy / one_busy:.2f}x the work of one "
          f"(2.00 on an idle 2-core machine)")
    if sent:
        print(f"bytes between processes: explainer + model {sent['payload'] / 1024:.0f} KB once per worker and call; "
              f"rows {sent['rows_in']:.0f} B per row in; results {sent['results_out'] / 1024:.1f} KB per row back "
              f"(of which the model outputs {sent['outputs'] / 1024:.1f} KB)")
    if not isolated:
        return
    if "jobs2" in memory:
        print(f"n_jobs=2 worker start-up (first call, 4 rows, own run): {memory['jobs2']['startup']:.1f} s wall")
    print()
    header = (f"| {'each engine in its own process':<42} | {'wall s':>7} | {'CPU s':>7} | {'peak RSS MB':>11} | "
              f"{'worker peak RSS MB':>18} | "
              f"{'KB / explanation, pickled':>25} | {'RSS growth KB / kept explanation':>32} |")
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    for key in engines:
        r = memory[key]
        worker = f"{r['peak_worker_rss_mb']:.0f}" if key != "seq" else "-"
        print(f"| {names[key]:<42} | {r['wall']:>7.1f} | {r['cpu']:>7.1f} | {r['peak_rss_mb']:>11.0f} | {worker:>18} | "
              f"{r['pickled_kb']:>25.0f} | "
              f"{r['rss_per_exp_kb']:>32.0f} |")


if __name__ == "__main__":
    main()
