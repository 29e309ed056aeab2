"""`workbench themes`: theme an ingested data folder, or any CSV of texts.

    workbench themes DATA_DIR                     # update the registry and the stored assignments
    workbench themes fit CSV --text-col COL --out DIR [--id-col COL]
    workbench themes requirement DATA_DIR REQ_ID --status planned|shipped|open [--date D] [--note N]
    workbench themes area DATA_DIR AREA_ID --name NAME      # rename an area (AREA_ID "new": add one)
    workbench themes move DATA_DIR THEME_ID --area AREA_ID  # put a theme in another area
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
                    "themes any CSV of texts and writes themes.csv and assignments.csv. "
                    "`workbench themes requirement DATA_DIR REQ_ID --status shipped --date 2026-10-01` records "
                    "a requirement's status (kept in the registry, with history; the next run and the reports show it).",
    )
    p.add_argument("target", metavar="DATA_DIR | fit | requirement | area | move",
                   help="an ingested data folder, 'fit', 'requirement', 'area' or 'move'")
    p.add_argument("csv", nargs="?", metavar="CSV | DATA_DIR", help="with 'fit': the CSV of texts; with 'requirement': the data folder")
    p.add_argument("requirement_id", nargs="?", metavar="REQ_ID | AREA_ID | THEME_ID",
                   help="with 'requirement': the requirement's id; with 'area': the area's id (or 'new'); "
                        "with 'move': the theme's id")
    p.add_argument("--name", help="with 'area': the area's new name")
    p.add_argument("--area", help="with 'move': the id of the area to put the theme in")
    p.add_argument("--status", help="with 'requirement': open, planned or shipped")
    p.add_argument("--date", help="with 'requirement': the target date (planned) or the ship date (shipped; default today)")
    p.add_argument("--note", help="with 'requirement': a note kept with the status")
    p.add_argument("--who", help="with 'requirement': who records it (default: the user name)")
    p.add_argument("--text-col", help="with 'fit': the column holding the texts")
    p.add_argument("--id-col", help="with 'fit': a column of ids (default: the row number)")
    p.add_argument("--out", help="with 'fit': the folder to write themes.csv and assignments.csv to")
    p.add_argument("--phone-regions", default="US", metavar="CC[,CC...]",
                   help="with 'fit': regions whose national phone numbers are redacted (default US)")
    p.add_argument("--keep-words", default="", metavar="WORD[,WORD...]",
                   help="with 'fit': words never redacted as a person's name (product names)")
    p.add_argument("--quarter", help="with DATA_DIR: the quarter to flag emerging and fading themes for (default: the latest)")
    p.add_argument("--model", metavar="PATH",
                   help="a local sentence-transformers model folder; with DATA_DIR the default is the model the "
                        "folder's themes were fitted with (remembered), else all-MiniLM-L6-v2; 'default' picks that")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--refit", action="store_true",
                   help="with DATA_DIR: re-partition every statement (by default earlier statements keep their theme)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.target == "fit":
        return fit_csv(args)
    if args.target == "requirement":
        return set_status(args)
    if args.target in ("area", "move"):
        return edit_area(args)
    from .. import store
    from .pipeline import update_themes

    data_dir = Path(args.target)
    if not store.store_path(data_dir).exists():
        raise UsageError(f"{data_dir}: no ingested data (run `workbench ingest {data_dir}` first)")
    if args.model and args.model != "default" and not Path(args.model).is_dir():
        raise UsageError(f"{args.model}: no such model folder (--model takes a local sentence-transformers folder, "
                         "or 'default')")
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


def edit_area(args) -> int:
    """`themes area DATA_DIR AREA_ID --name NAME` and `themes move DATA_DIR THEME_ID --area AREA_ID`:
    analysts' area edits, recorded in the registry with who and when (undoable in the explorer);
    the next run keeps them."""
    from ..explore.actions import AnalystActions
    from .registry import RegistryError, default_path

    usage = ("usage: workbench themes area DATA_DIR AREA_ID|new --name NAME  or  "
             "workbench themes move DATA_DIR THEME_ID --area AREA_ID")
    if not args.csv or not args.requirement_id or (args.target == "area" and not args.name) \
            or (args.target == "move" and not args.area):
        raise UsageError(usage)
    data_dir = Path(args.csv)
    if not default_path(data_dir).exists():
        raise UsageError(f"{data_dir}: no theme registry yet (run `workbench themes {data_dir}` first)")
    actions = AnalystActions(data_dir)
    try:
        if args.target == "area" and args.requirement_id == "new":
            area_id = actions.add_area(args.name, who=args.who)
            print(f"{area_id}: new area '{args.name}' (move themes into it with `workbench themes move`)")
        elif args.target == "area":
            actions.rename_area(args.requirement_id, args.name, who=args.who)
            print(f"{args.requirement_id}: renamed '{args.name}'")
        else:
            actions.move_theme(args.requirement_id, args.area, who=args.who)
            print(f"{args.requirement_id}: moved to area {args.area}")
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    print(f"(recorded in {default_path(data_dir)}; the next run keeps it)")
    return 0


def set_status(args) -> int:
    from .. import store
    from ..explore.actions import AnalystActions
    from .registry import RegistryError

    if not args.csv or not args.requirement_id or not args.status:
        raise UsageError("usage: workbench themes requirement DATA_DIR REQ_ID --status open|planned|shipped "
                         "[--date YYYY-MM-DD] [--note TEXT]")
    data_dir = Path(args.csv)
    known = (store.load_table(data_dir, "requirements")["requirement_id"].tolist()
             if store.store_path(data_dir).exists() and "requirements" in store.table_names(data_dir) else [])
    if args.requirement_id not in known:
        raise UsageError(f"{data_dir}: no requirement {args.requirement_id} in the last run "
                         f"(`workbench themes {data_dir}` lists them in the stored requirements table)")
    try:
        AnalystActions(data_dir).set_requirement_status(args.requirement_id, args.status, args.date,
                                                        note=args.note, who=args.who)
    except (RegistryError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    print(f"{args.requirement_id}: {args.status}{' ' + args.date if args.date else ''} "
          f"(recorded in {data_dir / 'theme_registry.yml'})")
    return 0


def read_texts(path: Path, text_col: str, id_col: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The texts of a CSV to theme, and the rows left out with the reason.

    Returns ``(accepted, quarantined)``: ``accepted`` has ``row`` (the spreadsheet row number),
    ``id`` and ``text``; ``quarantined`` has ``row``, ``id`` and ``reason``. Every data row is in
    exactly one of them. Raises ``UsageError`` naming the file (and line) when the file itself
    cannot be read: missing, not text, malformed CSV, or without the named columns.
    """
    from ..ingest.reading import FileProblem, read_csv_records, read_text

    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        records = read_csv_records(read_text(path).text)
    except FileProblem as exc:
        raise UsageError(f"{path}: {exc.reason}") from None
    for column in filter(None, (text_col, id_col)):
        if column not in records.header:
            raise UsageError(f"{path}: no column '{column}'; columns: {', '.join(records.header)}")
    text_at = records.header.index(text_col)
    id_at = records.header.index(id_col) if id_col else None
    accepted, quarantined, first_row_of = [], [], {}
    for row, fields in zip(records.row_numbers, records.rows):
        ident = fields[id_at].strip() if id_at is not None and id_at < len(fields) else str(row)
        if len(fields) != len(records.header):
            reason = f"has {len(fields)} fields, the header has {len(records.header)}"
        elif not fields[text_at].strip():
            reason = f"empty '{text_col}'"
        elif id_at is not None and not ident:
            reason = f"empty '{id_col}'"
        elif ident in first_row_of:
            reason = f"duplicate id '{ident}' (first on row {first_row_of[ident]})"
        else:
            first_row_of[ident] = row
            accepted.append({"row": row, "id": ident, "text": fields[text_at].strip()})
            continue
        quarantined.append({"row": row, "id": ident, "reason": reason})
    return (pd.DataFrame(accepted, columns=["row", "id", "text"]),
            pd.DataFrame(quarantined, columns=["row", "id", "reason"]))


def read_and_quarantine(path: Path, text_col: str, id_col: str | None, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`read_texts`, with the rows left out written to ``out/quarantined.csv`` and the first
    five of them (and how many more) told on standard error."""
    accepted, quarantined = read_texts(path, text_col, id_col)
    out.mkdir(parents=True, exist_ok=True)
    quarantined.to_csv(out / "quarantined.csv", index=False)
    for bad in quarantined.head(5).itertuples():
        print(f"{path}: row {bad.row}: left out: {bad.reason}", file=sys.stderr)
    if len(quarantined) > 5:
        print(f"{path}: ... {len(quarantined) - 5} more rows left out (all in {out / 'quarantined.csv'})", file=sys.stderr)
    return accepted, quarantined


def redact_texts(texts: list[str], phone_regions: str = "US", keep_words: str = "") -> list[str]:
    """Both PII passes of ingestion over a CSV's texts (no names are known here: the name finder
    finds them)."""
    import phonenumbers

    from ..pii import NameFinder
    from ..redact import Redactor

    regions = tuple(r.strip().upper() for r in phone_regions.split(",") if r.strip()) or ("US",)
    unknown = [r for r in regions if r not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise UsageError(f"--phone-regions: '{unknown[0]}' is not a region code (e.g. US, GB, DE)")
    redactor = Redactor(phone_regions=regions)
    words = tuple(w.strip() for w in keep_words.split(",") if w.strip())
    return NameFinder(keep_words=words).redact_all([redactor(t) for t in texts], raw=texts)


def fit_csv(args) -> int:
    import json

    from ..embed import embed_texts
    from .texts import theme_texts

    if not args.csv or not args.text_col or not args.out:
        raise UsageError("usage: workbench themes fit CSV --text-col COL --out DIR [--id-col COL]")
    if args.model and not Path(args.model).is_dir():
        raise UsageError(f"{args.model}: no such model folder (--model takes a local sentence-transformers folder)")
    path, out = Path(args.csv), Path(args.out)
    accepted, quarantined = read_and_quarantine(path, args.text_col, args.id_col, out)
    if accepted.empty:
        raise UsageError(f"{path}: no texts to theme: {len(quarantined)} rows read, none usable "
                         f"(reasons in {out / 'quarantined.csv'})")
    # customer text is personal: every text is redacted before it is themed or written out
    accepted["text"] = redact_texts(accepted["text"].tolist(), args.phone_regions, args.keep_words)

    def encode(texts: list[str]):
        return embed_texts(texts, cache_dir=out / ".embeddings", model=args.model)

    # with a model of the user's own, nobody knows which languages it reads: every text is themed
    result = theme_texts(accepted[["id", "text"]], encode=encode, seed=args.seed, keep_languages_apart=not args.model)
    rows = accepted.set_index("id")["row"]
    mentions = result.mentions.assign(row=result.mentions["id"].map(rows))
    mentions[["id", "row", "mention", "start", "end", "text", "theme_id", "area_id", "closeness"]].to_csv(
        out / "mentions.csv", index=False)
    quotes = []
    for theme_id, name in zip(result.themes["theme_id"], result.themes["name"]):
        mine = mentions[mentions["theme_id"].astype(str) == str(theme_id)]
        mine = mine.sort_values(["closeness", "id"], ascending=[False, True]).drop_duplicates("id").head(5)
        if str(theme_id).startswith("LANG-"):    # not themed: its texts in file order
            ids = result.assignments.loc[result.assignments["theme_id"] == theme_id, "id"].head(5)
            mine = accepted[accepted["id"].isin(ids)].assign(mention=0, start=0, end=lambda f: f["text"].str.len())
        for rank, m in enumerate(mine.itertuples(), start=1):
            full = accepted.set_index("id").at[m.id, "text"]
            quotes.append({"theme_id": theme_id, "theme_name": name, "rank": rank, "id": m.id, "row": rows[m.id],
                           "mention": full[m.start:m.end], "text": full})
    quotes = pd.DataFrame(quotes, columns=["theme_id", "theme_name", "rank", "id", "row", "mention", "text"])
    by_theme = {t: part for t, part in quotes.groupby("theme_id", sort=False)}
    themes = result.themes.copy()
    themes["keywords"] = themes["keywords"].map(", ".join)
    themes["quote_ids"] = [json.dumps(by_theme[t]["id"].tolist() if t in by_theme else []) for t in themes["theme_id"]]
    themes["representative_quotes"] = [json.dumps(by_theme[t]["mention"].tolist() if t in by_theme else [])
                                       for t in themes["theme_id"]]
    themes[["theme_id", "name", "keywords", "area_id", "area_name", "size", "mentions", "quote_ids",
            "representative_quotes"]].to_csv(out / "themes.csv", index=False)
    areas = result.areas.assign(keywords=result.areas["keywords"].map(", ".join))
    areas[["area_id", "name", "keywords", "themes", "size"]].to_csv(out / "areas.csv", index=False)
    quotes.to_csv(out / "quotes.csv", index=False)
    result.assignments[["id", "theme_id", "theme_name", "area_id", "area_name", "mention", "start", "end", "mentions"]].to_csv(
        out / "assignments.csv", index=False)
    read = len(accepted) + len(quarantined)
    print(f"{read:,} rows read = {len(accepted):,} themed + {len(quarantined):,} left out "
          f"({out / 'quarantined.csv'})")
    real = ~result.themes["theme_id"].astype(str).str.startswith("LANG-")
    apart = result.themes.loc[~real]
    print(f"{len(result.mentions):,} mentions; {int(real.sum())} themes in "
          f"{int((result.areas['area_id'].astype(str) != 'LANG').sum())} areas (coverage {result.coverage:.1%})"
          + ("; kept apart, not themed: " + ", ".join(f"{n} ({s})" for n, s in zip(apart["name"], apart["size"]))
             if len(apart) else ""))
    print(f"wrote {out / 'themes.csv'}, {out / 'areas.csv'}, {out / 'mentions.csv'}, {out / 'quotes.csv'} "
          f"and {out / 'assignments.csv'}")
    return 0
