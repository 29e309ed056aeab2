"""Theme areas (parent themes) on real data: do the areas found from theme centroids agree with a
human grouping of the intents?

    python bench/theme_areas.py [--seed S] [--skip-banking] [--cache DIR]

On CLINC150's validation split (../shared/data/clinc150/val.csv: 3,000 real requests, 150
intents in ``category``, 10 domains in ``domain``) fits ``ThemeModel`` on the texts, groups the
themes with ``workbench.themes.areas.group_areas`` and prints: themes, NMI / ARI of themes
against the intents, areas, NMI / ARI of areas against the domains (each statement takes its
theme's area), seconds for the theme fit and for the grouping. Then reports (no target) the
areas found on BANKING77's 10,003 support messages (../shared/data/banking77/train.csv), with
NMI against a grouping of its intents when categories.json holds one (a mapping intent ->
group; a plain list of names is no grouping).

Targets (CLINC150): themes vs intents NMI >= 0.90; areas vs domains NMI >= 0.80; 6..20 areas.
Exit status 1 on a MISS. No setting is chosen from the labels: they are only scored against.
A missing data file is skipped with a message (exit 0).

Embeddings and theme fits are cached under ``--cache`` (default: the system temp folder), keyed
by a hash of the texts, the theme model's version and its settings, so reruns take seconds.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
CLINC = SHARED / "clinc150" / "val.csv"
BANKING = SHARED / "banking77" / "train.csv"
BANKING_GROUPS = SHARED / "banking77" / "categories.json"

TARGET_THEME_NMI = 0.90
TARGET_AREA_NMI = 0.80
MIN_AREAS, MAX_AREAS = 6, 20


def fit_themes(texts: list[str], seed: int, cache: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, bool]:
    """Labels, centroids and sizes of a ``ThemeModel`` fit, with its seconds and whether it was cached."""
    from workbench.embed import embed_texts
    from workbench.themes.model import ThemeModel

    model = ThemeModel(random_state=seed)
    key = hashlib.sha256(json.dumps({"texts": texts, "version": ThemeModel.VERSION,
                                     "params": {k: repr(v) for k, v in model.get_params().items()}})
                         .encode("utf-8")).hexdigest()[:16]
    path = cache / f"themes-{key}.npz"
    if path.exists():
        saved = np.load(path)
        return saved["labels"], saved["centroids"], saved["sizes"], float(saved["seconds"]), True
    vectors = embed_texts(texts, cache_dir=cache / "embeddings")
    start = time.perf_counter()
    model.fit(texts, embeddings=vectors)
    seconds = time.perf_counter() - start
    labels, centroids = model.labels_, model.centroids_
    sizes = model.themes_["size"].to_numpy()
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, labels=labels, centroids=centroids, sizes=sizes, seconds=seconds)
    os.replace(tmp, path)
    return labels, centroids, sizes, seconds, False


def areas_for(labels: np.ndarray, centroids: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Area per theme, area per statement (-1 for a statement without theme) and seconds."""
    from workbench.themes.areas import group_areas

    start = time.perf_counter()
    areas = group_areas(centroids, sizes, min_areas=MIN_AREAS, max_areas=MAX_AREAS)
    seconds = time.perf_counter() - start
    per_statement = np.where(labels >= 0, areas[np.maximum(labels, 0)], -1)
    return areas, per_statement, seconds


def banking_grouping(categories: np.ndarray) -> np.ndarray | None:
    """A group per statement from categories.json when it maps intents to groups, else None."""
    if not BANKING_GROUPS.exists():
        return None
    raw = json.loads(BANKING_GROUPS.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        return None
    lookup = {}
    for key, value in raw.items():  # {intent: group} or {group: [intents]}
        if isinstance(value, list):
            lookup.update({str(v): str(key) for v in value})
        else:
            lookup[str(key)] = str(value)
    if not all(str(c) in lookup for c in set(categories)):
        return None
    return np.asarray([lookup[str(c)] for c in categories])


def main() -> int:
    from sklearn.metrics import adjusted_rand_score as ari, normalized_mutual_info_score as nmi

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=42, help="the theme model's random_state")
    parser.add_argument("--skip-banking", action="store_true", help="do not report BANKING77")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "workbench-theme-areas"),
                        help="folder for cached embeddings and theme fits")
    args = parser.parse_args()
    cache = Path(args.cache)

    if not CLINC.exists():
        print(f"skipped: {CLINC} is not there (CLINC150 validation split)")
        return 0
    frame = pd.read_csv(CLINC)
    texts = frame["text"].astype(str).tolist()
    labels, centroids, sizes, fit_s, cached = fit_themes(texts, args.seed, cache)
    theme_areas, areas, area_s = areas_for(labels, centroids, sizes)
    n_areas = int(theme_areas.max()) + 1 if len(theme_areas) else 0
    theme_nmi = nmi(frame["category"], labels)
    area_nmi = nmi(frame["domain"], areas)
    misses = []
    print(f"CLINC150 val: {len(texts)} statements, {frame['category'].nunique()} intents, {frame['domain'].nunique()} domains")
    print(f"  themes {len(centroids)}  NMI vs intents {theme_nmi:.3f}  ARI {ari(frame['category'], labels):.3f}"
          f"  fit {fit_s:.1f} s{' (cached)' if cached else ''}")
    print(f"  areas {n_areas}  NMI vs domains {area_nmi:.3f}  ARI {ari(frame['domain'], areas):.3f}"
          f"  grouping {area_s:.2f} s")
    print("  themes per area " + " ".join(str(int(c)) for c in np.bincount(theme_areas))
          + "; statements per area " + " ".join(str(int(c)) for c in np.bincount(theme_areas, weights=sizes)))
    for name, ok, text in [
        ("theme NMI", theme_nmi >= TARGET_THEME_NMI, f"themes vs intents NMI {theme_nmi:.3f} (target >= {TARGET_THEME_NMI})"),
        ("area NMI", area_nmi >= TARGET_AREA_NMI, f"areas vs domains NMI {area_nmi:.3f} (target >= {TARGET_AREA_NMI})"),
        ("area count", MIN_AREAS <= n_areas <= MAX_AREAS, f"{n_areas} areas (target {MIN_AREAS}..{MAX_AREAS})"),
    ]:
        print(f"  {'ok  ' if ok else 'MISS'} {text}")
        if not ok:
            misses.append(name)

    if args.skip_banking:
        pass
    elif not BANKING.exists():
        print(f"BANKING77: skipped, {BANKING} is not there")
    else:
        bank = pd.read_csv(BANKING)
        b_texts = bank["text"].astype(str).tolist()
        b_labels, b_centroids, b_sizes, b_fit_s, b_cached = fit_themes(b_texts, args.seed, cache)
        b_theme_areas, b_areas, b_area_s = areas_for(b_labels, b_centroids, b_sizes)
        print(f"BANKING77 train: {len(b_texts)} statements, {bank['category'].nunique()} intents (report only, no target)")
        print(f"  themes {len(b_centroids)}  NMI vs intents {nmi(bank['category'], b_labels):.3f}"
              f"  fit {b_fit_s:.1f} s{' (cached)' if b_cached else ''}")
        groups = banking_grouping(bank["category"].to_numpy())
        line = f"  areas {int(b_theme_areas.max()) + 1}  grouping {b_area_s:.2f} s"
        if groups is None:
            line += "  (categories.json holds no grouping of the intents: no area score)"
        else:
            line += f"  NMI vs groups {nmi(groups, b_areas):.3f}  ARI {ari(groups, b_areas):.3f}"
        print(line)
    if misses:
        print("MISS: " + ", ".join(misses))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
