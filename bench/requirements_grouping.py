"""Requirement grouping quality: BCubed precision, recall and F on the sample company's answer key.

Every requirement statement of the answer key (``workbench sample --seed 7``,
``answer_key/statements.csv`` rows with ``is_requirement`` 1) is grouped by
:func:`workbench.themes.requirements.build_requirements`; the gold group of a statement is its
planted theme (the first one where it has several). BCubed (Bagga & Baldwin 1998; Amigó et al.
2009): for each statement, precision is the share of its requirement's statements with its gold
theme, recall the share of its gold theme's statements in its requirement; both averaged over
statements, F their harmonic mean.

Two groupings are compared: on the crisp statement of what is asked (the default) and on the
whole statement's embedding (``group_on_statements=False``).

Usage: python bench/requirements_grouping.py [--seed 7]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from workbench.embed import embed_texts  # noqa: E402
from workbench.sample import generate  # noqa: E402
from workbench.themes.requirements import build_requirements  # noqa: E402

CACHE = ROOT / "bench" / "out" / ".embeddings"


def bcubed(clusters: list, gold: list) -> tuple[float, float, float]:
    pairs = Counter(zip(clusters, gold))
    size_c, size_g = Counter(clusters), Counter(gold)
    precision = np.mean([pairs[(c, g)] / size_c[c] for c, g in zip(clusters, gold)])
    recall = np.mean([pairs[(c, g)] / size_g[g] for c, g in zip(clusters, gold)])
    return float(precision), float(recall), float(2 * precision * recall / (precision + recall))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), seed=args.seed)
        key = pd.read_csv(Path(tmp) / "answer_key" / "statements.csv", dtype=str, keep_default_na=False)
    key = key[key["is_requirement"].eq("1") & key["text"].str.strip().ne("") & key["themes"].ne("")]
    key = key.drop_duplicates("text").reset_index(drop=True)
    evidence = pd.DataFrame({"evidence_id": [f"k{i:05d}" for i in range(len(key))], "text": key["text"],
                             "quarter": key["quarter"], "account_id": None})
    gold = key["themes"].str.split("|").str[0].tolist()
    encode = lambda texts: embed_texts(list(texts), cache_dir=CACHE)  # noqa: E731
    vectors = encode(evidence["text"])
    print(f"sample answer key (seed {args.seed}): {len(evidence):,} distinct requirement statements, "
          f"{len(set(gold))} planted themes")
    for name, on_statements in (("crisp statement (default)", True), ("whole statement", False)):
        t0 = time.perf_counter()
        out = build_requirements(evidence, None, vectors, is_requirement=np.ones(len(evidence), dtype=bool),
                                 encode=encode, group_on_statements=on_statements)
        seconds = time.perf_counter() - t0
        owner = {e: r for r, ids in zip(out["requirement_id"], out["evidence_ids"]) for e in ids}
        clusters = [owner[e] for e in evidence["evidence_id"]]
        p, r, f = bcubed(clusters, gold)
        print(f"  grouped on {name:<26} {len(out):>4} requirements  BCubed P {p:.3f}  R {r:.3f}  F {f:.3f}  "
              f"({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
