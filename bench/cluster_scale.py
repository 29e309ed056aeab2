"""One process against a Dask LocalCluster (``--cluster local:N``) at 100,000 to 1,000,000 statements:
wall time, peak memory of the driver and of each worker, quality, cost per row, and the estimate for
10 million statements on 8, 32 and 128 workers from the measured per-partition times.

    python bench/cluster_scale.py [--n 100000,300000,1000000] [--workers 2] [--seed S[,S...]] [--runs single,cluster]
    python bench/cluster_scale.py --dry --n 1000000      # make the texts only: count, distinct, memory
    python bench/cluster_scale.py --design prefix ...    # each size the first n statements (see below)
    python bench/cluster_scale.py --n 100000,300000 --pool 1000000 ...  # the sets of the million run, without it

Statements: ``bench/scale_texts.py`` (BANKING77's real messages and the sample company's statements,
reworded copies beyond them, all distinct; labelled by intent or planted theme). All statements are
distinct, so a larger set holds more reworded copies, each reworded more: the first 100,000 are
easier than the first million. So that each size asks the same question of the same kind of data,
the sizes are drawn from one pool, the largest size's statements: a fixed random order of the pool,
and each size its first n in that order (``--design nested``, the default; the sets are nested,
100,000 inside 300,000 inside 1,000,000, with the pool's mix at every size). ``--design prefix``
takes the first n statements of each size instead (the easier mix at the smaller sizes; the
figures recorded before 2026-12-02). Each run in a fresh
Python process with an empty embedding cache (imports done before the clock):

* ``single``: ``embed_texts`` (int8 fast path) then ``ThemeModel().fit``, as ``workbench themes``;
* ``local:N``: the same on a LocalCluster of N single-threaded worker processes: the embedding in
  partitions on the workers (:class:`workbench.cluster.ClusterEmbedder`, the model loaded once per
  worker, into the same cache), the fit in the driver on its bounded sample (a 20,000-statement
  layout, a 12,000-point Ward sample) and the placement of every other statement on the workers
  (:func:`workbench.themes.layout.placing_on`). The cluster's start-up is timed apart.

Prints per run: seconds (embed / fit / total), peak RSS of the driver and of each worker, themes,
NMI and ARI against the labels, for the cluster run the agreement (ARI) of its themes with the
single process's (target 1.0: the same vectors and neighbours bit for bit) and the mean time of a
partition on a worker (embedding: 2,048 texts; placement: one block of rows); then the cost per row
at each size against the smallest, quality at each size against the smallest, worker memory
against 4 GB, and the 10M estimate with its arithmetic. Quality is also shown on the smallest
set's statements scored inside each larger fit (the same statements, fitted among more); with
``--design prefix`` and a single run, a random subset of each larger set at the smallest size is
also fitted alone (``control``) against the larger fit's themes of the same statements. On a machine of 2 cores shared with other
work the cluster cannot beat one process that already uses both cores: the estimate says what more
workers give.
"""
from __future__ import annotations

import argparse
import json
import math
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
from scale_texts import DATA, scale_statements  # noqa: E402

WORKER_LIMIT_MB = 4096
TARGET_ROWS = 10_000_000


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _partitions(stream: list[dict], prefix: str) -> dict:
    """Count, mean and total seconds of the tasks whose key starts with ``prefix``, and their span."""
    tasks = [t for t in stream if str(t["key"]).strip("('").startswith(prefix)]
    spans = [(s["start"], s["stop"]) for t in tasks for s in t["startstops"] if s["action"] == "compute"]
    if not spans:
        return {"count": 0, "mean_s": 0.0, "wall_s": 0.0}
    seconds = [b - a for a, b in spans]
    return {"count": len(tasks), "mean_s": float(np.mean(seconds)), "wall_s": max(b for _, b in spans) - min(a for a, _ in spans)}


def statements(n: int, pool: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The ``n``-statement set drawn from a pool of ``pool`` (``pool == n``: the first n, the prefix
    design): its texts, labels and positions in the pool (sorted)."""
    texts, y = scale_statements(pool)
    rows = np.arange(n) if n >= pool else nested_rows(pool, n)
    return [texts[i] for i in rows], y[rows], rows


def nested_rows(pool: int, n: int) -> np.ndarray:
    """``n`` of the ``pool`` statements at random (fixed seed), in order; for the same pool, a smaller
    ``n`` draws a subset of a larger one's rows (the first ``n`` of one fixed permutation)."""
    return np.sort(np.random.default_rng(0).permutation(pool)[:n])


def worker(kind: str, n: int, workers: int, seed: int, cache: str, out: str, pool: int) -> None:
    import torch  # noqa: F401  (imports before the clock)
    import umap  # noqa: F401

    from workbench.cluster import ClusterEmbedder, connect
    from workbench.embed import SentenceEmbedder, embed_texts
    from workbench.themes.layout import block_rows, placing_on
    from workbench.themes.model import ThemeModel

    texts, _, _ = statements(n, pool)
    if kind.startswith("subset:"):  # a random subset of the n statements, fitted alone (see ``subset_rows``)
        texts = [texts[i] for i in subset_rows(n, int(kind.split(":")[1]))]
    result: dict = {"texts_peak_mb": _peak_mb()}
    t_start = time.perf_counter()
    with connect(f"local:{workers}" if kind == "cluster" else None) as client:
        if client is not None:
            from distributed import get_task_stream

            client.wait_for_workers(workers)
            stream = get_task_stream(client)
            stream.__enter__()
        result["startup_s"] = time.perf_counter() - t_start
        t0 = time.perf_counter()
        embedder = ClusterEmbedder(client) if client is not None else SentenceEmbedder(progress=False)
        vectors = embed_texts(texts, cache_dir=cache, embedder=embedder, progress=False)
        t1 = time.perf_counter()
        with placing_on(client):
            labels = ThemeModel(random_state=seed).fit(texts, vectors).labels_
        t2 = time.perf_counter()
        if client is not None:
            stream.__exit__(None, None, None)
            result["worker_peak_mb"] = sorted(client.run(_peak_mb).values())
            result["embed_partition"] = {**_partitions(stream.data, "embed-"), "rows": embedder.partition_size}
            result["place_block"] = {**_partitions(stream.data, "_neighbours_on_worker"), "rows": block_rows(20_000)}
    np.save(out, np.asarray(labels, dtype=int))
    result.update({"embed_s": t1 - t0, "fit_s": t2 - t1, "peak_mb": _peak_mb()})
    print(json.dumps(result))


def subset_rows(n: int, size: int) -> np.ndarray:
    """``size`` of the ``n`` statements drawn at random (fixed seed), in order: the same mix of
    base and reworded statements as all ``n``, at the smallest size."""
    return np.sort(np.random.default_rng(0).choice(n, size, replace=False))


def run(kind: str, n: int, workers: int, seed: int, folder: str, warm_cache: str | None = None,
        pool: int | None = None) -> dict:
    out = str(Path(folder) / f"{kind.replace(':', '-')}-{n}.npy")
    # empty: every text is embedded; a subset reads the single run's vectors of the same texts
    cache = warm_cache or str(Path(folder) / f"embeddings-{'single' if kind.startswith('subset') else kind}-{n}")
    proc = subprocess.run([sys.executable, __file__, "--worker", kind, "--n", str(n), "--workers", str(workers),
                           "--seed", str(seed), "--cache", cache, "--labels-out", out, "--pool", str(pool or n)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{kind} run at {n:,} failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["labels"] = np.load(out)
    return result


def report(name: str, n: int, result: dict, y: np.ndarray, single: np.ndarray | None, first: np.ndarray) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    labels = result["labels"]
    row = {"run": name, "n": n, "themes": int(len(set(labels[labels >= 0]))),
           "nmi": float(normalized_mutual_info_score(y, labels)), "ari": float(adjusted_rand_score(y, labels)),
           # the smallest set's statements (``first``: their positions in this set), scored inside this fit
           "nmi_first": float(normalized_mutual_info_score(y[first], labels[first])),
           **{k: v for k, v in result.items() if k != "labels"}}
    row["total_s"] = row["embed_s"] + row["fit_s"]
    if single is not None:
        row["same_as_single_ari"] = float(adjusted_rand_score(single, labels))
    workers = (f"  workers peak {', '.join(f'{m:.0f}' for m in row['worker_peak_mb'])} MB"
               if row.get("worker_peak_mb") else "")
    same = f"  vs single ARI {row['same_as_single_ari']:.3f}" if single is not None else ""
    print(f"  {name:9s} {row['total_s']:7.1f} s (embed {row['embed_s']:6.1f}, fit {row['fit_s']:6.1f}; "
          f"start-up {row['startup_s']:4.1f})  driver peak {row['peak_mb']:5.0f} MB{workers}  "
          f"themes {row['themes']:3d}  NMI {row['nmi']:.3f}  ARI {row['ari']:.3f}{same}", flush=True)
    for part in ("embed_partition", "place_block"):
        if row.get(part, {}).get("count"):
            p = row[part]
            print(f"            {part.replace('_', ' ')}s: {p['count']} of {p['rows']:,} rows, {p['mean_s']:.2f} s each "
                  f"on a worker ({p['wall_s']:.0f} s from first start to last end)")
    return row


def control(n: int, size: int, args, seed: int, folder: str, y: np.ndarray, single: np.ndarray) -> dict:
    """The larger set's own mix of statements at the smallest size: ``size`` of its statements
    drawn at random and fitted alone, against the ``n`` fit's themes of the same statements. The
    sets are not equally hard (all distinct, so the more statements, the more of them reworded
    copies and the more reworded each), and this says what is the data and what is the size."""
    from sklearn.metrics import normalized_mutual_info_score

    rows = subset_rows(n, size)
    alone = run(f"subset:{size}", n, args.workers, seed, folder, args.warm_cache)["labels"]
    result = {"control_nmi": float(normalized_mutual_info_score(y[rows], alone)),
              "control_in_fit_nmi": float(normalized_mutual_info_score(y[rows], single[rows]))}
    print(f"  control   {size:,} of these {n:,} drawn at random and fitted alone: NMI {result['control_nmi']:.3f}; "
          f"the same statements in the {n:,} fit: NMI {result['control_in_fit_nmi']:.3f}", flush=True)
    return result


def checks(rows: list[dict]) -> bool:
    """Cost per row against the smallest size, quality against the smallest size, worker memory.

    Quality is NMI and ARI, each within 0.01 of the smallest size's. With several seeds, each
    seed's lines are printed and quality is judged on the mean over the seeds (one fit's NMI moves
    by about 0.005 from seed to seed, its ARI by about 0.02)."""
    ok = True
    seeds = sorted({r["seed"] for r in rows})
    for kind, seed in sorted({(r["run"], r["seed"]) for r in rows}):
        mine = sorted((r for r in rows if r["run"] == kind and r["seed"] == seed), key=lambda r: r["n"])
        first = mine[0]
        if len(seeds) > 1:
            print(f"  seed {seed}:")
        for r in mine:
            per_row = r["total_s"] / r["n"] * 1e3
            ratio = per_row / (first["total_s"] / first["n"] * 1e3)
            worse = r["nmi"] < first["nmi"] - 0.01 or r["ari"] < first["ari"] - 0.01
            ok &= not worse or len(seeds) > 1
            print(f"  {kind:9s} {r['n']:>9,}: {per_row:6.2f} ms/row ({ratio:4.2f}x the cost per row at {first['n']:,}; "
                  f"linear: 1.00x)  NMI {r['nmi']:.3f} / ARI {r['ari']:.3f} vs {first['nmi']:.3f} / {first['ari']:.3f} "
                  f"at {first['n']:,}: {'WORSE' if worse else 'no worse'} (tolerance 0.01 each)")
            if r["n"] > first["n"]:
                print(f"  {'':9s} {'':>9}  the {first['n']:,} set's statements inside this fit: "
                      f"NMI {r['nmi_first']:.3f} against {first['nmi']:.3f}")
            if "control_nmi" in r:
                drop = r["control_nmi"] - r["control_in_fit_nmi"]
                print(f"  {'':9s} {'':>9}  {first['n']:,} of its own statements fitted alone: NMI {r['control_nmi']:.3f}; "
                      f"in the {r['n']:,} fit: {r['control_in_fit_nmi']:.3f} ({'WORSE' if drop > 0.01 else 'no worse'}, "
                      f"for information: the size alone, the data's mix the same)")
            if r.get("worker_peak_mb"):
                high = max(r["worker_peak_mb"])
                ok &= high <= WORKER_LIMIT_MB
                print(f"  {'':9s} {'':>9}  worker peak {high:.0f} MB: {'PASS' if high <= WORKER_LIMIT_MB else 'FAIL'} "
                      f"(<= {WORKER_LIMIT_MB} MB); driver peak {r['peak_mb']:.0f} MB")
    if len(seeds) > 1:
        print(f"  mean over seeds {', '.join(map(str, seeds))}:")
        for kind in sorted({r["run"] for r in rows}):
            sizes = sorted({r["n"] for r in rows if r["run"] == kind})
            for metric in ("nmi", "ari"):
                values = {n: [r[metric] for r in sorted(rows, key=lambda r: r["seed"]) if r["run"] == kind and r["n"] == n]
                          for n in sizes}
                first = float(np.mean(values[sizes[0]]))
                for n in sizes:
                    falls = [a - b for a, b in zip(values[sizes[0]], values[n])]
                    worse = float(np.mean(values[n])) < first - 0.01
                    ok &= not worse
                    print(f"  {kind:9s} {n:>9,}: {metric.upper()} {np.mean(values[n]):.3f} (seeds {min(values[n]):.3f}.."
                          f"{max(values[n]):.3f}) vs {first:.3f} at {sizes[0]:,}: fall {np.mean(falls):+.3f} (seeds "
                          f"{min(falls):+.3f}..{max(falls):+.3f}): {'WORSE' if worse else 'no worse'} (tolerance 0.01)")
    return ok


def estimate(rows: list[dict]) -> None:
    """10M statements on 8/32/128 workers from the per-partition times of the largest cluster run."""
    runs = [r for r in rows if r.get("embed_partition", {}).get("count")]
    if not runs:
        return
    r = max(runs, key=lambda r: r["n"])
    embed, place = r["embed_partition"], r["place_block"]
    sample = 20_000
    driver = r["fit_s"] - place.get("wall_s", 0.0)  # the fit's own work, in the driver
    driver_10m = driver * TARGET_ROWS / r["n"]
    parts = math.ceil(TARGET_ROWS / embed["rows"])
    blocks = math.ceil((TARGET_ROWS - sample) / place["rows"]) if place.get("count") else 0
    print(f"\n10M estimate from the {r['n']:,}-statement cluster run (one single-threaded worker per core):")
    print(f"  embedding: {TARGET_ROWS:,} / {embed['rows']:,} = {parts:,} partitions x {embed['mean_s']:.2f} s each")
    if blocks:
        print(f"  placement: ({TARGET_ROWS:,} - {sample:,} laid out) / {place['rows']:,} = {blocks:,} blocks x "
              f"{place['mean_s']:.2f} s each")
    print(f"  driver: the fit without the placement, {driver:.0f} s at {r['n']:,}, taken as linear in rows: "
          f"{driver:.0f} x {TARGET_ROWS // r['n']} = {driver_10m / 60:.0f} min (the themes' vote and c-TF-IDF over every "
          f"statement; the layout, HDBSCAN, Ward and k-means are on a fixed 20,000-statement sample)")
    for w in (8, 32, 128):
        e = math.ceil(parts / w) * embed["mean_s"]
        p = math.ceil(blocks / w) * place["mean_s"] if blocks else 0.0
        print(f"  {w:3d} workers: embed ceil({parts:,} / {w}) x {embed['mean_s']:.2f} s = {e / 60:6.1f} min; "
              f"place ceil({blocks:,} / {w}) x {place['mean_s']:.2f} s = {p / 60:5.1f} min; "
              f"+ driver {driver_10m / 60:.0f} min = {(e + p + driver_10m) / 60:6.1f} min")


def dry(sizes: list[int]) -> int:
    """Make the texts of each size, without embedding: how long, how many distinct, how much memory."""
    for n in sizes:
        started = time.perf_counter()
        texts, y = scale_statements(n)
        distinct = len(set(texts))
        print(f"{n:,} statements made in {time.perf_counter() - started:.1f} s: {distinct:,} distinct, {len(set(y))} labels, "
              f"process peak {_peak_mb():.0f} MB; their vectors will take {n * 384 * 4 / 2**30:.2f} GiB (float32)")
        if distinct != n:
            return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="100000", help="sizes, comma-separated (default 100000)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    parser.add_argument("--seed", default="42", help="the theme model's random_state; several, comma-separated: "
                        "each size fitted once per seed, quality judged on the mean")
    parser.add_argument("--runs", default="single,cluster", help="which runs (default single,cluster)")
    parser.add_argument("--dry", action="store_true", help="make the texts only")
    parser.add_argument("--warm-cache", metavar="DIR",
                        help="reuse the embedding cache in DIR (filled by an earlier run of the same texts): "
                             "quality and the fit's time and memory only; 'embed' is then reading the cache")
    parser.add_argument("--design", choices=("nested", "prefix"), default="nested",
                        help="nested (default): every size drawn from the largest size's statements, the same mix "
                             "at every size; prefix: each size its first n statements (easier at smaller sizes)")
    parser.add_argument("--pool", type=int, help="nested design: draw every size from the pool of this many "
                        "statements (default: the largest size), so smaller sizes can be run alone with the "
                        "very sets of a run that went further")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--labels-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in str(args.n).replace("_", "").split(",") if s.strip()]
    seeds = [int(s) for s in str(args.seed).split(",") if s.strip()]
    if not DATA.exists():
        print(f"{DATA} is not present; nothing to measure")
        return 0
    if args.dry:
        return dry(sizes)
    if args.worker:
        worker(args.worker, sizes[0], args.workers, seeds[0], args.cache, args.labels_out, args.pool or sizes[0])
        return 0
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("dask.distributed is not installed (pip install '.[cluster]'); nothing to measure")
        return 0
    kinds = [k.strip() for k in args.runs.split(",") if k.strip()]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        pool = args.pool or max(sizes)
        if pool < max(sizes):
            parser.error(f"--pool {pool:,} is smaller than the largest size {max(sizes):,}")
        smallest = None
        for seed, n in [(seed, n) for seed in seeds for n in sorted(sizes)]:
            smallest = None if n == min(sizes) else smallest  # each seed starts at the smallest size
            drawn_from = pool if args.design == "nested" else n
            texts, y, where = statements(n, drawn_from)
            smallest = where if smallest is None else smallest  # positions in the pool (prefix: 0..n-1)
            first = np.searchsorted(where, smallest)
            drawn = f" drawn from the {pool:,}" if args.design == "nested" and n < pool else ""
            seeded = f", seed {seed}" if len(seeds) > 1 else ""
            print(f"{len(texts):,} statements{drawn}{seeded}, {len(set(y))} labels; {os.cpu_count()} cores; "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
            single = None
            if "single" in kinds:
                result = run("single", n, args.workers, seed, folder, args.warm_cache, pool=drawn_from)
                single = result["labels"]
                rows.append({**report("single", n, result, y, None, first), "seed": seed})
            if "cluster" in kinds:
                result = run("cluster", n, args.workers, seed, folder, args.warm_cache, pool=drawn_from)
                rows.append({**report(f"local:{args.workers}", n, result, y, single, first), "seed": seed})
            if args.design == "prefix" and single is not None and n > min(sizes):
                rows[-1 if "cluster" not in kinds else -2].update(control(n, min(sizes), args, seed, folder, y, single))
            print(f"  load average after {os.getloadavg()[0]:.1f}", flush=True)
    print()
    ok = checks(rows)
    if args.warm_cache:
        print("  (warm cache: the cost per row is the fit's and reading the cache, not embedding; no 10M estimate)")
    else:
        estimate(rows)
    same = all(r.get("same_as_single_ari", 1.0) >= 0.999 for r in rows)
    print(f"  {'PASS' if same else 'FAIL'}  the cluster's themes are the single process's (ARI >= 0.999)")
    return 0 if same and ok else 1


if __name__ == "__main__":
    sys.exit(main())
