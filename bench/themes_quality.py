"""Theme quality and speed on real data: this project's model and BERTopic defaults, side by side.

    python bench/themes_quality.py [--skip-baseline] [--n N] [--seed S]

On the 10,003 real support messages of BANKING77 (../shared/data/banking77/train.csv, 77
labelled intents; no model is told the number), prints for each run: themes, coverage (share of
statements with a theme), NMI and ARI against the labels, seconds (embed / fit) and peak memory.

Runs, each in a fresh Python process (so each pays its own model loading and numba compilation;
imports are done before the clock starts):

* ``BERTopic defaults``: sentence-transformers' ``encode`` of all-MiniLM-L6-v2, then
  ``BERTopic(embedding_model=model).fit_transform(texts, embeddings)``;
* ``workbench cold``: ``embed_texts`` into an empty cache (int8 fast path), then ``ThemeModel().fit``;
* ``workbench warm``: the same with the cache filled by the cold run.

Targets: NMI >= 0.83, ARI >= 0.60, coverage >= 95 %, 40..150 themes; cold <= 0.5x and warm <= 0.3x
BERTopic defaults' total. ``--n 100000`` scales the messages up to 100,000 distinct statements
(copies reworded by dropping or swapping words and adding greetings, so every text is new and is
embedded) and, unless ``--with-baseline``, runs only ``workbench cold`` (target: <= 10 min, peak
memory <= 4 GB).
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
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77" / "train.csv"

FILLERS_BEFORE = ["Hi,", "Hello,", "Hey,", "Quick question:", "Please help:", "Good morning,", "Sorry,", "Excuse me,"]
FILLERS_AFTER = ["thanks", "thank you!", "please", "asap", "cheers", "any ideas?", "help me", "regards"]


def statements(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """BANKING77's texts and intents; with ``n`` more than it has, reworded copies up to ``n``."""
    frame = pd.read_csv(DATA)
    texts, labels = frame["text"].astype(str).tolist(), frame["category"].to_numpy()
    if not n or n <= len(texts):
        return (texts[:n], labels[:n]) if n else (texts, labels)
    rng = np.random.default_rng(seed)
    seen = set(texts)
    out, out_labels = list(texts), list(labels)
    while len(out) < n:
        i = int(rng.integers(len(texts)))
        words = texts[i].split()
        if len(words) > 4 and rng.random() < 0.5:
            del words[int(rng.integers(len(words)))]
        if len(words) > 3 and rng.random() < 0.5:
            j = int(rng.integers(len(words) - 1))
            words[j], words[j + 1] = words[j + 1], words[j]
        if rng.random() < 0.6:
            words.insert(0, FILLERS_BEFORE[int(rng.integers(len(FILLERS_BEFORE)))])
        if rng.random() < 0.6:
            words.append(FILLERS_AFTER[int(rng.integers(len(FILLERS_AFTER)))])
        text = " ".join(words)
        if text in seen:
            continue
        seen.add(text)
        out.append(text)
        out_labels.append(labels[i])
    return out, np.asarray(out_labels)


# --- one run, in its own process ---------------------------------------------------------------

def worker(kind: str, n: int, seed: int, cache: str, out: str) -> None:
    import torch  # noqa: F401  (imports before the clock)
    import umap  # noqa: F401
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from workbench.embed import SentenceEmbedder, default_model_path, embed_texts
    from workbench.themes.model import ThemeModel

    texts, _ = statements(n)
    t0 = time.perf_counter()
    if kind == "baseline":
        model = SentenceTransformer(default_model_path(), device="cpu")
        vectors = model.encode(texts, show_progress_bar=False)
        t1 = time.perf_counter()
        labels = BERTopic(embedding_model=model).fit_transform(texts, embeddings=vectors)[0]
    else:
        vectors = embed_texts(texts, cache_dir=cache, embedder=SentenceEmbedder(progress=False))
        t1 = time.perf_counter()
        labels = ThemeModel(random_state=seed).fit(texts, vectors).labels_
    t2 = time.perf_counter()
    np.save(out, np.asarray(labels, dtype=int))
    print(json.dumps({"embed_s": t1 - t0, "fit_s": t2 - t1,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run(kind: str, n: int, seed: int, cache: str, folder: str) -> dict:
    out = str(Path(folder) / f"{kind}.npy")
    proc = subprocess.run([sys.executable, __file__, "--worker", kind, "--n", str(n), "--seed", str(seed),
                           "--cache", cache, "--labels-out", out],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"{kind} run failed")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["labels"] = np.load(out)
    return result


def hungarian_accuracy(y: np.ndarray, labels: np.ndarray) -> float:
    """Clustering accuracy: the share of statements whose theme is paired with their label under
    the best one-to-one pairing of themes and labels (Hungarian assignment, scipy)."""
    from scipy.optimize import linear_sum_assignment

    ys, yi = np.unique(y, return_inverse=True)
    ls, li = np.unique(labels, return_inverse=True)
    counts = np.zeros((len(ls), len(ys)), dtype=np.int64)
    np.add.at(counts, (li, yi), 1)
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum() / len(y))


def report(name: str, result: dict, y: np.ndarray) -> dict:
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, normalized_mutual_info_score

    labels = result["labels"]
    covered = labels >= 0
    row = {"model": name, "themes": int(len(set(labels[covered]))), "coverage": float(covered.mean()),
           "nmi": float(normalized_mutual_info_score(y, labels)), "ari": float(adjusted_rand_score(y, labels)),
           "ami": float(adjusted_mutual_info_score(y, labels)), "acc": hungarian_accuracy(y, labels),
           "embed_s": result["embed_s"], "fit_s": result["fit_s"],
           "total_s": result["embed_s"] + result["fit_s"], "peak_mb": result["peak_mb"]}
    print(f"{name:20s} themes {row['themes']:4d}  coverage {row['coverage']:6.1%}  NMI {row['nmi']:.3f}  "
          f"ARI {row['ari']:.3f}  AMI {row['ami']:.3f}  ACC {row['acc']:.3f}  "
          f"{row['total_s']:6.1f} s (embed {row['embed_s']:5.1f}, fit {row['fit_s']:5.1f})  "
          f"peak {row['peak_mb']:5.0f} MB", flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-baseline", action="store_true", help="do not run BERTopic defaults")
    parser.add_argument("--with-baseline", action="store_true", help="with --n: run BERTopic defaults too")
    parser.add_argument("--n", type=int, default=0, help="statements (default: BANKING77's 10,003)")
    parser.add_argument("--seed", type=int, default=42, help="the theme model's random_state")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--labels-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.seed, args.cache, args.labels_out)
        return 0
    if not DATA.exists():
        print(f"{DATA} is not present; nothing to measure")
        return 0
    texts, y = statements(args.n)
    scaled = bool(args.n) and args.n > 10_003
    baseline = not args.skip_baseline and (not scaled or args.with_baseline)
    print(f"{len(texts):,} statements, {len(set(y))} labels (not given to the models); "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)

    rows, labels = {}, {}
    with tempfile.TemporaryDirectory() as folder:
        cache = str(Path(folder) / "embeddings")
        runs = (["baseline"] if baseline else []) + ["cold"] + ([] if scaled else ["warm"])
        names = {"baseline": "BERTopic defaults", "cold": "workbench cold", "warm": "workbench warm"}
        for kind in runs:
            result = run(kind, args.n, args.seed, cache, folder)
            labels[kind] = result["labels"]
            rows[kind] = report(names[kind], result, y)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")

    ours = rows["cold"]
    checks = {}
    if not scaled:
        checks = {"NMI >= 0.83": ours["nmi"] >= 0.83, "ARI >= 0.60": ours["ari"] >= 0.60,
                  "coverage >= 95 %": ours["coverage"] >= 0.95, "40..150 themes": 40 <= ours["themes"] <= 150}
        if "warm" in rows:
            checks["warm run gives the same themes"] = bool(np.array_equal(labels["warm"], labels["cold"]))
    if "baseline" in rows:
        base = rows["baseline"]["total_s"]
        checks[f"cold <= 0.5x baseline ({ours['total_s'] / base:.2f}x)"] = ours["total_s"] <= 0.5 * base
        if "warm" in rows:
            checks[f"warm <= 0.3x baseline ({rows['warm']['total_s'] / base:.2f}x)"] = rows["warm"]["total_s"] <= 0.3 * base
    if scaled:
        checks[f"{len(texts):,} statements in <= 600 s ({ours['total_s']:.0f} s)"] = ours["total_s"] <= 600
        checks[f"peak memory <= 4096 MB ({ours['peak_mb']:.0f} MB)"] = ours["peak_mb"] <= 4096
    for name, passed in checks.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
