"""Requirement grouping at scale: time, peak memory and agreement of the bounded grouping.

Requests are grouped by average-linkage agglomerative clustering, whose distance matrix grows
with the square of their number; above ``MAX_BLOCK`` (10,000) requests
:func:`workbench.themes.requirements.grouping.group_requests` groups them in k-means cells of at
most that many. A million statements a quarter hold tens of thousands of requests (about 13 % of
the sample company's statements are requests).

Statements: ``bench/scale_texts.py`` (BANKING77's real messages, the sample company's statements
and reworded copies, all distinct), embedded with the shipped model (cached in bench/out). Each
grouping runs in a fresh process that holds only the vectors (float64, 384-D: 0.18 GB at 60,000),
so its peak memory (max RSS) is the grouping's own plus Python's:
- 20,000 statements in one step (the grouping before the bound) and in blocks: time, peak, and how
  far the blocks change the grouping (ARI between the two; NMI of each against the labels);
- 60,000 statements in blocks (one step would need about 30 GB: not run).

Usage: python bench/requirements_scale.py [--n 20000,60000]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CACHE = ROOT / "bench" / "out" / ".embeddings"
THRESHOLD = 0.4     # build_requirements' default distance_threshold


def _group(path: str, blocked: bool, out) -> None:
    from workbench.themes.requirements.grouping import group_requests

    vectors = np.load(path)
    t0 = time.perf_counter()
    labels = group_requests(vectors, THRESHOLD, max_block=10_000 if blocked else len(vectors))
    out.put((labels, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run(vectors: np.ndarray, blocked: bool):
    """Group in a fresh (spawned) process that holds only the vectors, timed and measured there."""
    context = mp.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "vectors.npy")
        np.save(path, vectors)
        queue = context.Queue()
        process = context.Process(target=_group, args=(path, blocked, queue))
        process.start()
        result = queue.get()
        process.join()
    return result


def main(argv: list[str] | None = None) -> int:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from scale_texts import scale_statements
    from workbench.embed import embed_texts

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", default="20000,60000")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.n.split(",")]
    texts, labels = scale_statements(max(sizes))
    t0 = time.perf_counter()
    vectors = np.asarray(embed_texts(texts, cache_dir=CACHE), dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    print(f"{len(texts):,} statements embedded in {time.perf_counter() - t0:.1f} s; "
          f"parent process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB before the groupings")
    for n in sizes:
        x, gold = vectors[:n], labels[:n]
        modes = [False, True] if n <= 20_000 else [True]
        found = {}
        for blocked in modes:
            got, seconds, peak = run(x, blocked)
            found[blocked] = got
            name = "blocks of <= 10,000" if blocked else "one step"
            print(f"  {n:>9,}  {name:<20} {seconds:7.1f} s  peak {peak:6.0f} MB (its process)  "
                  f"requirements {len(np.unique(got)):>6,}  NMI vs labels {normalized_mutual_info_score(gold, got):.3f}")
        if len(found) == 2:
            print(f"  {n:>9,}  blocks vs one step: ARI {adjusted_rand_score(found[False], found[True]):.3f}, "
                  f"NMI {normalized_mutual_info_score(found[False], found[True]):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
