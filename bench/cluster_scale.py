"""One process against a Dask LocalCluster (``--cluster local:N``): wall time, peak memory, quality.

    python bench/cluster_scale.py [--n 20000,100000] [--workers 2] [--seed S]

For each size, statements made from BANKING77's 10,003 real support messages
(../shared/data/banking77/train.csv; beyond that, copies reworded by dropping or swapping words and
adding greetings, as in ``bench/themes_quality.py``, so every text is new and is embedded). Two
runs, each in a fresh Python process with an empty embedding cache (imports done before the clock):

* ``single``: ``embed_texts`` (int8 fast path) then ``ThemeModel().fit``, as ``workbench themes``;
* ``local:N``: the same with :class:`workbench.cluster.ClusterEmbedder` on a LocalCluster of N
  single-threaded worker processes (the model loaded once per worker, results into the same cache),
  the fit in the driver on the bounded sample, as the cluster path does. The cluster's start-up is
  timed apart and not in the total.

Prints per run: seconds (embed / fit / total), peak RSS of the driver and of each worker, themes,
NMI and ARI against the intents, and for the cluster run the agreement (ARI) of its themes with the
single process's (same vectors to float tolerance, so the same themes are expected: target 1.0).
Skips with a note when ../shared/data is absent. On a machine of 2 cores shared with other work the
cluster cannot be faster than one process that already uses both cores for torch: it is the
arithmetic at the end (printed) that says what more workers give.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from themes_quality import DATA, statements  # noqa: E402  (the same reworded BANKING77 statements)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(kind: str, n: int, workers: int, seed: int, cache: str, out: str) -> None:
    import torch  # noqa: F401  (imports before the clock)

    from workbench.cluster import ClusterEmbedder, connect
    from workbench.embed import SentenceEmbedder, embed_texts
    from workbench.themes.model import ThemeModel

    texts, _ = statements(n)
    result: dict = {}
    t_start = time.perf_counter()
    with connect(f"local:{workers}" if kind == "cluster" else None) as client:
        if client is not None:
            client.wait_for_workers(workers)
        result["startup_s"] = time.perf_counter() - t_start
        t0 = time.perf_counter()
        embedder = ClusterEmbedder(client) if client is not None else SentenceEmbedder(progress=False)
        vectors = embed_texts(texts, cache_dir=cache, embedder=embedder, progress=False)
        t1 = time.perf_counter()
        labels = ThemeModel(random_state=seed).fit(texts, vectors).labels_
        t2 = time.perf_counter()
        if client is not None:
            result["worker_peak_mb"] = sorted(client.run(_peak_mb).values())
    np.save(out, np.asarray(labels, dtype=int))
    result.update({"embed_s": t1 - t0, "fit_s": t2 - t1, "peak_mb": _peak_mb()})
    print(json.dumps(result))


def run(kind: str, n: int, workers: int, seed: int, folder: str) -> dict:
    out = str(Path(folder) / f"{kind}-{n}.npy")
    cache = str(Path(folder) / f"embeddings-{kind}-{n}")  # empty: every text is embedded
    proc = subprocess.run([sys.executable, __file__, "--worker", kind, "--n", str(n), "--workers", str(workers),
                           "--seed", str(seed), "--cache", cache, "--labels-out", out],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{kind} run at {n:,} failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["labels"] = np.load(out)
    return result


def report(name: str, result: dict, y: np.ndarray, single: np.ndarray | None) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    labels = result["labels"]
    row = {"run": name, "themes": int(len(set(labels[labels >= 0]))),
           "nmi": float(normalized_mutual_info_score(y, labels)), "ari": float(adjusted_rand_score(y, labels)),
           "embed_s": result["embed_s"], "fit_s": result["fit_s"], "total_s": result["embed_s"] + result["fit_s"],
           "startup_s": result["startup_s"], "peak_mb": result["peak_mb"],
           "worker_peak_mb": result.get("worker_peak_mb", [])}
    if single is not None:
        row["same_as_single_ari"] = float(adjusted_rand_score(single, labels))
    workers = (f"  workers peak {', '.join(f'{m:.0f}' for m in row['worker_peak_mb'])} MB"
               if row["worker_peak_mb"] else "")
    same = f"  vs single ARI {row['same_as_single_ari']:.3f}" if single is not None else ""
    print(f"  {name:9s} {row['total_s']:7.1f} s (embed {row['embed_s']:6.1f}, fit {row['fit_s']:5.1f}; "
          f"start-up {row['startup_s']:4.1f})  driver peak {row['peak_mb']:5.0f} MB{workers}  "
          f"themes {row['themes']:3d}  NMI {row['nmi']:.3f}  ARI {row['ari']:.3f}{same}", flush=True)
    return row


def estimate(rows: list[dict], workers: int) -> None:
    """10M statements on 8/32/128 workers, from the measured per-statement embedding cost."""
    biggest = max((r for r in rows if r["run"] == "single"), key=lambda r: r["n"])
    per_text = biggest["embed_s"] / biggest["n"]  # seconds per text, one process on this machine's cores
    cores = os.cpu_count() or 1
    fit = max(r["fit_s"] for r in rows if r["n"] == biggest["n"])
    print(f"\n10M estimate: embedding costs {per_text * 1e3:.2f} ms/text here with {cores} cores "
          f"({per_text * cores * 1e3:.2f} core-ms/text); the fit runs on a bounded sample in the driver "
          f"({fit:.0f} s at {biggest['n']:,}, grows with the k-means placement of every statement).")
    for w in (8, 32, 128):
        embed = 10_000_000 * per_text * cores / w  # one core per worker, embedding scales with workers
        print(f"  {w:3d} workers (1 core each): embed 10M x {per_text * cores * 1e3:.2f} ms / {w} = "
              f"{embed / 60:6.1f} min; + fit and assignment in the driver (not parallelised)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="20000", help="sizes, comma-separated (default 20000)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    parser.add_argument("--seed", type=int, default=42, help="the theme model's random_state")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--labels-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in str(args.n).split(",") if s.strip()]
    if args.worker:
        worker(args.worker, sizes[0], args.workers, args.seed, args.cache, args.labels_out)
        return 0
    if not DATA.exists():
        print(f"{DATA} is not present; nothing to measure")
        return 0
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("dask.distributed is not installed (pip install '.[cluster]'); nothing to measure")
        return 0
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in sizes:
            texts, y = statements(n)
            print(f"{len(texts):,} statements, {len(set(y))} labels; {os.cpu_count()} cores; "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
            single = run("single", n, args.workers, args.seed, folder)
            rows.append({**report("single", single, y, None), "n": n})
            on_cluster = run("cluster", n, args.workers, args.seed, folder)
            rows.append({**report(f"local:{args.workers}", on_cluster, y, single["labels"]), "n": n})
    estimate(rows, args.workers)
    same = all(r.get("same_as_single_ari", 1.0) >= 0.999 for r in rows)
    print(f"  {'PASS' if same else 'FAIL'}  the cluster's themes are the single process's (ARI >= 0.999)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
