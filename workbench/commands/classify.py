"""`workbench classify`: the feedback intent of every text of any CSV.

    workbench classify CSV --text-col COL --out DIR [--id-col COL]

Writes ``DIR/classified.csv`` (id, row, text, language, intent, confidence, is_requirement,
sentence, cues; statements not in English get the rules' intent and no confidence)
and ``DIR/quarantined.csv`` (rows left out, with the reason); prints rows read = classified +
left out. The classifier is the one the quarterly job and the explorer use
(:class:`~workbench.themes.requirements.intent.IntentClassifier`).
"""
from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from . import epilog, fill
from ..safe_csv import write_csv

EPILOG = epilog(
    ["workbench classify survey.csv --text-col comment --id-col response_id --out out/",
     "workbench classify forum.csv --text-col sentence --out out/"],
    ["0  done (some rows may be left out: see quarantined.csv)",
     "2  bad arguments or a file that cannot be read, or no usable row"],
    notes="intents: request (asks for a capability or a change; is_requirement is true for these only), "
          "problem (something broken, slow or hard), question, praise, other.")


def register(subparsers) -> None:
    import argparse

    p = subparsers.add_parser(
        "classify", help="the feedback intent (request, problem, question, praise, other) of each text of a CSV",
        description=fill("Classify each text of a CSV as a request, problem, question, praise or other, with a "
                         "confidence, and write DIR/classified.csv."),
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv", metavar="CSV", help="a CSV file with a header row")
    p.add_argument("--text-col", required=True, help="the column holding the texts")
    p.add_argument("--id-col", help="a column of ids (default: the row number)")
    p.add_argument("--out", required=True, help="the folder to write classified.csv and quarantined.csv to")
    p.set_defaults(func=run)


def run(args) -> int:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from ..embed import embed_texts
    from ..themes.language import detect_languages
    from ..themes.requirements.intent import IntentClassifier, classify_statements
    from .csv_texts import read_and_quarantine

    path, out = Path(args.csv), Path(args.out)
    accepted, quarantined = read_and_quarantine(path, args.text_col, args.id_col, out)
    if accepted.empty:
        raise UsageError(f"{path}: no texts to classify: {len(quarantined)} rows read, none usable "
                         f"(reasons in {out / 'quarantined.csv'})")
    cache = out / ".embeddings"
    languages = detect_languages(accepted["text"])
    decided = classify_statements(accepted["text"], IntentClassifier.pretrained(),
                                  encode=lambda texts: embed_texts(texts, cache_dir=cache), languages=languages)
    table = accepted[["id", "row", "text"]].copy()
    table["language"] = languages.to_numpy()
    table["intent"] = decided["intent"].to_numpy()
    table["confidence"] = decided["confidence"].round(3).to_numpy()
    table["is_requirement"] = table["intent"].eq("request")
    table["sentence"] = decided["sentence"].to_numpy()
    table["cues"] = decided["cues"].to_numpy()
    write_csv(table, out / "classified.csv")
    read = len(accepted) + len(quarantined)
    counts = ", ".join(f"{n:,} {intent}" for intent, n in table["intent"].value_counts().items())
    print(f"{read:,} rows read = {len(accepted):,} classified + {len(quarantined):,} left out "
          f"({out / 'quarantined.csv'})")
    print(f"{counts}; wrote {out / 'classified.csv'}")
    return 0
