"""`workbench themes fit CSV --text-col COL --out DIR`: theme any CSV of texts, no data folder needed.

Writes themes.csv, areas.csv, mentions.csv, quotes.csv, assignments.csv and quarantined.csv to DIR.
Every text is redacted (both PII passes of ingestion) before it is themed or written out.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import UsageError
from .csv_texts import read_and_quarantine, redact_texts
from ..safe_csv import write_csv


def run(args) -> int:
    from ..cluster import connect

    with connect(getattr(args, "cluster", None)) as client:
        return _run(args, client)


def _run(args, client) -> int:
    from ..embed import embed_texts
    from ..themes.texts import theme_texts

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
        if client is not None:  # on the cluster's workers, into the same cache
            from ..cluster import ClusterEmbedder

            return embed_texts(texts, cache_dir=out / ".embeddings", embedder=ClusterEmbedder(client, args.model))
        return embed_texts(texts, cache_dir=out / ".embeddings", model=args.model)

    # with a model of the user's own, nobody knows which languages it reads: every text is themed
    result = theme_texts(accepted[["id", "text"]], encode=encode, seed=args.seed, keep_languages_apart=not args.model)
    rows = accepted.set_index("id")["row"]
    mentions = result.mentions.assign(row=result.mentions["id"].map(rows))
    write_csv(mentions[["id", "row", "mention", "start", "end", "text", "theme_id", "area_id", "closeness"]],
              out / "mentions.csv")
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
    write_csv(themes[["theme_id", "name", "keywords", "area_id", "area_name", "size", "mentions", "quote_ids",
                      "representative_quotes"]], out / "themes.csv")
    areas = result.areas.assign(keywords=result.areas["keywords"].map(", ".join))
    write_csv(areas[["area_id", "name", "keywords", "themes", "size"]], out / "areas.csv")
    write_csv(quotes, out / "quotes.csv")
    write_csv(result.assignments[["id", "theme_id", "theme_name", "area_id", "area_name", "mention", "start", "end",
                                  "mentions"]], out / "assignments.csv")
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
