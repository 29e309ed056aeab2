"""Statements in several languages: themed by meaning, or kept apart by language, never a keyword soup.

    python bench/languages.py [--cache DIR] [--seed S]

On ../shared/data/xsid/valid_mixed.csv (the same assistant requests in six languages; columns
``text``, ``category`` (the request), ``language``), runs ``workbench.themes.texts.theme_texts``
(the path of ``workbench themes fit``) twice:

* ``themed, every language``: every text themed with the shipped English model, whatever its
  language (what the workbench did before languages were detected);
* ``languages kept apart``: texts lingua is sure are not English go to one group per language
  ("Spanish texts, not themed"); the rest are themed.

Prints, for each: themes, NMI of the grouping vs ``category`` and vs ``language`` over all texts,
and NMI vs ``category`` over the English texts; for the second, the language groups with their
sizes and how many texts of each true language stayed in the themes. No target: the issue asks
for the figures (BENCHMARKS.md). Exits 0 without the data file.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "xsid" / "valid_mixed.csv"


def main() -> int:
    from sklearn.metrics import normalized_mutual_info_score as nmi

    from workbench.embed import embed_texts
    from workbench.themes.texts import theme_texts

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=str(ROOT / "bench" / "out" / "embeddings"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return 0
    frame = pd.read_csv(DATA)
    texts = pd.DataFrame({"id": [str(i) for i in range(len(frame))], "text": frame["text"].astype(str)})
    print(f"{len(frame)} texts, {frame['category'].nunique()} requests, languages: "
          + ", ".join(f"{k} {v}" for k, v in frame["language"].value_counts().sort_index().items()))

    def encode(batch):
        return embed_texts(batch, cache_dir=Path(args.cache))

    english = (frame["language"] == "en").to_numpy()
    for name, apart in (("themed, every language", False), ("languages kept apart", True)):
        start = time.perf_counter()
        result = theme_texts(texts, encode=encode, seed=args.seed, keep_languages_apart=apart, split=False)
        seconds = time.perf_counter() - start
        first = result.assignments.drop_duplicates("id").set_index("id")["theme_id"].astype(str).reindex(texts["id"])
        groups = first.to_numpy()
        real = ~result.themes["theme_id"].astype(str).str.startswith("LANG-")
        print(f"\n== {name}: {int(real.sum())} themes, {len(result.themes) - int(real.sum())} language groups, "
              f"{seconds:.1f} s")
        print(f"   NMI vs request (all texts)    {nmi(frame['category'], groups):.3f}")
        print(f"   NMI vs language (all texts)   {nmi(frame['language'], groups):.3f}")
        print(f"   NMI vs request (English only) {nmi(frame['category'][english], groups[english]):.3f}")
        if apart:
            kept = pd.Series(groups).str.startswith("LANG-").to_numpy()
            print("   kept apart: " + ", ".join(f"{n} {s}" for n, s in zip(result.themes.loc[~real, "name"],
                                                                          result.themes.loc[~real, "size"])))
            print("   still themed, by true language: " + ", ".join(
                f"{k} {v}" for k, v in frame.loc[~kept, "language"].value_counts().sort_index().items()))
            wrong = frame.loc[kept & english]
            print(f"   English texts wrongly kept apart: {len(wrong)}"
                  + (f" (e.g. {wrong['text'].head(3).tolist()})" if len(wrong) else ""))
            names = result.themes.loc[real, "name"].tolist()
            print(f"   sample theme names: {names[:8]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
