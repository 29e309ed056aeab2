"""`workbench themes`: theme an ingested data folder, or any CSV of texts.

    workbench themes DATA_DIR                     # update the registry and the stored assignments
    workbench themes fit CSV --text-col COL --out DIR [--id-col COL]
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..cli import UsageError


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "themes",
        help="theme an ingested data folder (or: themes fit CSV ...)",
        description="`workbench themes DATA_DIR` themes the customer statements of an ingested data folder: "
                    "it updates DATA_DIR/theme_registry.yml (keeping analysts' edits) and the stored theme "
                    "assignments, requirements and NPS impact. `workbench themes fit CSV --text-col COL --out DIR` "
                    "themes any CSV of texts and writes themes.csv and assignments.csv.",
    )
    p.add_argument("target", metavar="DATA_DIR | fit", help="an ingested data folder, or 'fit'")
    p.add_argument("csv", nargs="?", metavar="CSV", help="with 'fit': the CSV of texts")
    p.add_argument("--text-col", help="with 'fit': the column holding the texts")
    p.add_argument("--id-col", help="with 'fit': a column of ids (default: the row number)")
    p.add_argument("--out", help="with 'fit': the folder to write themes.csv and assignments.csv to")
    p.add_argument("--quarter", help="with DATA_DIR: the quarter to flag emerging and fading themes for (default: the latest)")
    p.add_argument("--model", metavar="PATH", help="a local sentence-transformers model folder (default all-MiniLM-L6-v2)")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--refit", action="store_true",
                   help="with DATA_DIR: re-partition every statement (by default earlier statements keep their theme)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.target == "fit":
        return fit_csv(args)
    from .. import store
    from .pipeline import update_themes

    data_dir = Path(args.target)
    if not store.store_path(data_dir).exists():
        raise UsageError(f"{data_dir}: no ingested data (run `workbench ingest {data_dir}` first)")
    run = update_themes(data_dir, quarter=args.quarter, seed=args.seed, model_path=args.model, refit=args.refit)
    print(f"Themed {run.statements:,} statements into {run.themes} themes ({run.requirements} requirements) "
          f"for {run.quarter}; registry: {data_dir / 'theme_registry.yml'}")
    if run.emerging:
        print("Emerging: " + ", ".join(run.emerging))
    if run.fading:
        print("Fading: " + ", ".join(run.fading))
    print("Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items()))
    for note in run.notes:
        print(f"Note: {note}")
    return 0


def fit_csv(args) -> int:
    from ..embed import embed_texts
    from .model import ThemeModel

    if not args.csv or not args.text_col or not args.out:
        raise UsageError("usage: workbench themes fit CSV --text-col COL --out DIR [--id-col COL]")
    path = Path(args.csv)
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if args.text_col not in frame.columns:
        raise UsageError(f"{path}: no column '{args.text_col}'; columns: {', '.join(frame.columns)}")
    if args.id_col and args.id_col not in frame.columns:
        raise UsageError(f"{path}: no column '{args.id_col}'; columns: {', '.join(frame.columns)}")
    ids = frame[args.id_col] if args.id_col else pd.Series(range(1, len(frame) + 1), name="id").astype(str)
    texts = frame[args.text_col].str.strip()
    keep = texts != ""
    if not keep.all():
        print(f"{(~keep).sum()} rows with empty text left out", file=sys.stderr)
    out = Path(args.out)
    cache = out / ".embeddings"
    vectors = embed_texts(texts[keep].tolist(), cache_dir=cache, model=args.model)
    model = ThemeModel(random_state=args.seed).fit(texts[keep].tolist(), vectors)
    out.mkdir(parents=True, exist_ok=True)
    labels = dict(zip(model.themes_["theme"], model.themes_["label"]))
    themes = model.themes_.copy()
    themes["theme_id"] = themes["theme"]
    kept_texts = texts[keep].to_numpy()
    quotes = []
    for theme, centroid in zip(themes["theme"], model.centroids_):
        rows = (model.labels_ == theme).nonzero()[0]
        order = rows[(vectors[rows] @ centroid).argsort()[::-1][:5]]
        quotes.append(" | ".join(kept_texts[order]))
    themes["keywords"] = themes["keywords"].map(", ".join)
    themes["representative_quotes"] = quotes
    themes[["theme_id", "label", "keywords", "size", "representative_quotes"]].to_csv(out / "themes.csv", index=False)
    assignments = pd.DataFrame({"id": ids[keep].to_numpy(), "theme_id": model.labels_,
                                "theme_label": [labels.get(t, "") for t in model.labels_]})
    assignments.to_csv(out / "assignments.csv", index=False)
    print(f"{len(themes)} themes for {keep.sum():,} texts (coverage {model.coverage_:.1%}); wrote "
          f"{out / 'themes.csv'} and {out / 'assignments.csv'}")
    return 0
