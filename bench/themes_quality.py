"""Theme quality and speed on real data: this project's model and BERTopic defaults, side by side.

    python bench/themes_quality.py [--skip-baseline] [--n N]

On the 10,003 real support messages of BANKING77 (../shared/data/banking77/train.csv, 77
labelled intents; the model is never told the number), prints for each model: themes, coverage
(share of statements with a theme), NMI and ARI against the labels, and seconds (embed / fit).
The project's model runs cold (empty embedding cache) and warm (cached). Targets: NMI >= 0.83,
ARI >= 0.60, coverage >= 95 %, 40..150 themes; cold <= 0.5x and warm <= 0.3x BERTopic defaults'
time. ``--n 100000`` tiles the messages (with a suffix so each text is new) to time 100,000
statements (target <= 10 min, peak memory <= 4 GB) and skips the baseline.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77" / "train.csv"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(name: str, labels, y, embed_s: float, fit_s: float) -> dict:
    labels = np.asarray(labels)
    covered = labels >= 0
    row = {
        "model": name, "themes": int(len(set(labels[covered]))), "coverage": float(covered.mean()),
        "nmi": float(normalized_mutual_info_score(y, labels)), "ari": float(adjusted_rand_score(y, labels)),
        "embed_s": embed_s, "fit_s": fit_s, "total_s": embed_s + fit_s,
    }
    print(f"{name:28s} themes {row['themes']:4d}  coverage {row['coverage']:6.1%}  NMI {row['nmi']:.3f}  "
          f"ARI {row['ari']:.3f}  {row['total_s']:6.1f} s (embed {embed_s:.1f}, fit {fit_s:.1f})", flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--n", type=int, default=0, help="tile the data to N statements (speed and memory only)")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"{DATA} is not present; nothing to measure")
        return 0
    frame = pd.read_csv(DATA)
    texts, y = frame["text"].tolist(), frame["category"].to_numpy()
    if args.n:
        reps = -(-args.n // len(texts))
        texts = [f"{t} (#{r})" if r else t for r in range(reps) for t in texts][: args.n]
        y = np.tile(y, reps)[: args.n]
        args.skip_baseline = True

    from workbench.embed import SentenceEmbedder, embed_texts
    from workbench.themes.model import ThemeModel

    rows = []
    print(f"{len(texts):,} statements, {len(set(y))} labels (not given to the models)")
    if not args.skip_baseline:
        from bertopic import BERTopic
        from sentence_transformers import SentenceTransformer
        from workbench.embed import default_model_path

        t = time.perf_counter()
        st = SentenceTransformer(default_model_path(), device="cpu")
        base_vectors = st.encode(texts, show_progress_bar=False)
        base_embed = time.perf_counter() - t
        t = time.perf_counter()
        topics, _ = BERTopic(embedding_model=st).fit_transform(texts, embeddings=base_vectors)
        rows.append(report("BERTopic defaults", topics, y, base_embed, time.perf_counter() - t))

    with tempfile.TemporaryDirectory() as cache:
        embedder = SentenceEmbedder(progress=False)
        for run in ("cold", "warm"):
            t = time.perf_counter()
            vectors = embed_texts(texts, cache_dir=cache, embedder=embedder)
            embed_s = time.perf_counter() - t
            t = time.perf_counter()
            model = ThemeModel().fit(texts, vectors)
            rows.append(report(f"workbench ThemeModel ({run})", model.labels_, y, embed_s, time.perf_counter() - t))
            if args.n:
                break
    ours = rows[-1] if args.n else rows[-2]
    print(f"peak memory {peak_mb():.0f} MB")
    ok = True
    if not args.n:
        checks = {
            "NMI >= 0.83": ours["nmi"] >= 0.83, "ARI >= 0.60": ours["ari"] >= 0.60,
            "coverage >= 95 %": ours["coverage"] >= 0.95, "40..150 themes": 40 <= ours["themes"] <= 150,
        }
        if not args.skip_baseline:
            base = rows[0]["total_s"]
            checks[f"cold <= 0.5x baseline ({ours['total_s'] / base:.2f}x)"] = ours["total_s"] <= 0.5 * base
            checks[f"warm <= 0.3x baseline ({rows[-1]['total_s'] / base:.2f}x)"] = rows[-1]["total_s"] <= 0.3 * base
    else:
        checks = {f"{len(texts):,} statements <= 600 s": ours["total_s"] <= 600, "peak memory <= 4096 MB": peak_mb() <= 4096}
    for name, passed in checks.items():
        ok &= passed
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
