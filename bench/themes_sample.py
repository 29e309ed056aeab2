"""Theme recovery and stability on the sample company, measured against its answer key.

    python bench/themes_sample.py [--fake]

Runs the real pipeline (`workbench.themes.pipeline.update_themes`) on the seed-7 sample and prints:
- recovery of the planted themes: NMI and ARI between each statement's main theme and its planted
  primary theme,
  coverage, theme count, and per planted theme the share of its statements in its main theme;
- the planted emerging theme flagged *emerging* in 2026Q3 and the planted fading theme *fading*;
- determinism: two fits of the same data, each in a fresh process on its own copy with no fit
  cache, registry or stored assignments, give 100 % identical themes (target 100 %);
- stability: fit 2025Q2..2026Q2, then add 2026Q3 and run again: the share of the earlier
  mentions that keep their theme id (target >= 95 %; earlier statements keep their theme by
  design, so this checks that the registry and the stored assignments carry them), and, for
  information, the same share after `--refit`, where only the registry's matching carries ids.
`--fake` swaps in the test fakes (hashing embedder, KMeans) to check the script itself quickly.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]


def themes_kwargs(fake: bool) -> dict:
    if not fake:
        return {}
    sys.path.insert(0, str(ROOT / "tests"))
    from fakes import HashingEmbedder, KMeansThemes

    return {"embedder": HashingEmbedder(), "model": KMeansThemes(16)}


def joined(data: Path) -> pd.DataFrame:
    """Theme assignments joined to the answer key on (source_file, locator)."""
    from workbench import store

    ev = store.load_table(data, "evidence")[["evidence_id", "source", "source_file", "locator", "quarter"]]
    # each statement's main theme (its first row: most of its mentions, then the closest)
    assign = store.load_table(data, "theme_assignments")[["evidence_id", "theme_id"]].drop_duplicates("evidence_id")
    key = pd.read_csv(data / "answer_key" / "statements.csv", dtype=str, keep_default_na=False)
    key = key[key["themes"] != ""].copy()
    key["planted"] = key["themes"].str.split("|").str[0]
    # csat comments share their ticket's row; ingestion tells them apart in the locator
    key["locator"] = np.where(key.get("source", "") == "csat", key["locator"] + ", csat_comment", key["locator"])
    merged = ev.merge(assign, on="evidence_id").merge(key[["source_file", "locator", "planted"]],
                                                      on=["source_file", "locator"])
    return merged


def mention_themes(data: Path) -> pd.Series:
    """Each mention's theme id, by its key (statement id and mention number)."""
    from workbench import store

    return store.load_table(data, "theme_mentions").set_index("mention_key")["theme_id"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fake", action="store_true")
    args = parser.parse_args()

    from workbench import store
    from workbench.ingest import ingest
    from workbench.sample import generate
    from workbench.themes.pipeline import update_themes
    from workbench.themes.registry import default_path

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "sample"
        generate(data, seed=7)
        ingest(data)
        key_themes = pd.read_csv(data / "answer_key" / "themes.csv")
        emerging_key = key_themes.loc[key_themes["lifecycle"] == "emerging", "theme_key"].iloc[0]
        fading_key = key_themes.loc[key_themes["lifecycle"] == "fading", "theme_key"].iloc[0]

        # 1. recovery, on a full fit
        t = time.perf_counter()
        run = update_themes(data, **themes_kwargs(args.fake))
        seconds = time.perf_counter() - t
        m = joined(data)
        covered = m["theme_id"].notna()
        nmi = normalized_mutual_info_score(m.loc[covered, "planted"], m.loc[covered, "theme_id"])
        ari = adjusted_rand_score(m.loc[covered, "planted"], m.loc[covered, "theme_id"])
        print(f"sample company: {run.statements:,} statements, {run.mentions:,} mentions, {run.themes} themes in "
              f"{run.areas} areas, {len(m):,} with a planted theme; "
              f"{seconds:.1f} s (embed {run.seconds['embed']:.1f}, fit {run.seconds['fit']:.1f})")
        print(f"recovery of {m['planted'].nunique()} planted themes: NMI {nmi:.3f}  ARI {ari:.3f}  coverage {covered.mean():.1%}")
        purity = (m[covered].groupby("planted")["theme_id"].agg(lambda s: s.value_counts(normalize=True).iloc[0]))
        main = m[covered].groupby("planted")["theme_id"].agg(lambda s: s.value_counts().index[0])
        for theme in sorted(purity.index):
            print(f"  {theme:28s} {purity[theme]:6.1%} of its statements in {main[theme]}")
        emerging_id = main.get(emerging_key)
        fading_id = main.get(fading_key)
        themes = store.load_table(data, "themes").set_index("theme_id")
        e_ok = emerging_id in run.emerging
        f_ok = fading_id in run.fading
        ok &= e_ok and f_ok
        print(f"planted emerging theme {emerging_key} -> {emerging_id}: status {themes.loc[emerging_id, 'status']} "
              f"(first seen {themes.loc[emerging_id, 'first_seen']}) {'PASS' if e_ok else 'FAIL'}")
        print(f"planted fading theme {fading_key} -> {fading_id}: status {themes.loc[fading_id, 'status']} "
              f"(last seen {themes.loc[fading_id, 'last_seen']}) {'PASS' if f_ok else 'FAIL'}")

        # 2. determinism: two independent fits, each in a fresh process, from nothing but the data
        #    (and the embedding cache: embedding is measured elsewhere)
        fits = []
        for name in ("twice-a", "twice-b"):
            copy = Path(tmp) / name
            shutil.copytree(data, copy, ignore=shutil.ignore_patterns(".workbench", "theme_registry.yml"))
            if (data / ".workbench" / "embeddings").is_dir():
                shutil.copytree(data / ".workbench" / "embeddings", copy / ".workbench" / "embeddings")
            ingest(copy)
            if args.fake:
                update_themes(copy, **themes_kwargs(True))
            else:
                subprocess.run([sys.executable, "-c", "import sys; from workbench.themes.pipeline import update_themes; "
                                "update_themes(sys.argv[1])", str(copy)], check=True)
            fits.append(mention_themes(copy))
        same = float((fits[0].reindex(fits[1].index).fillna("-") == fits[1].fillna("-")).mean())
        ok &= same == 1.0
        print(f"same data twice (fresh processes, nothing cached): {same:.1%} identical theme ids (target 100 %) "
              f"{'PASS' if same == 1.0 else 'FAIL'}")

        # 3. stability: without the last quarter first, then with it
        fresh = Path(tmp) / "stability"
        shutil.copytree(data, fresh, ignore=shutil.ignore_patterns(".workbench", "theme_registry.yml"))
        # same texts, same vectors: reuse the embedding cache (embedding is not what is measured here)
        if (data / ".workbench" / "embeddings").is_dir():
            shutil.copytree(data / ".workbench" / "embeddings", fresh / ".workbench" / "embeddings")
        ingest(fresh)
        full = store.load_table(fresh, "evidence")
        store.add_tables(fresh, {"evidence": full[full["quarter"] < "2026Q3"]})
        update_themes(fresh, quarter="2026Q2", **themes_kwargs(args.fake))
        before = mention_themes(fresh)
        store.add_tables(fresh, {"evidence": full})
        update_themes(fresh, quarter="2026Q3", **themes_kwargs(args.fake))
        after = mention_themes(fresh)
        kept = float((before == after.reindex(before.index)).mean())
        ok &= kept >= 0.95
        print(f"adding 2026Q3: {kept:.1%} of {len(before):,} earlier mentions keep their theme id "
              f"(target >= 95 %) {'PASS' if kept >= 0.95 else 'FAIL'}")
        update_themes(fresh, quarter="2026Q3", refit=True, **themes_kwargs(args.fake))
        refitted = mention_themes(fresh)
        matched = float((before == refitted.reindex(before.index)).mean())
        print(f"adding 2026Q3 with --refit (ids carried by registry matching alone): {matched:.1%} of the earlier "
              f"mentions keep their theme id (for information)")
        assert default_path(fresh).exists()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
