"""A CSV of texts for `workbench themes fit` and `workbench classify`: read, quarantine, redact."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..errors import FileProblem, UsageError
from ..safe_csv import write_csv


def read_texts(path: Path, text_col: str, id_col: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The texts of a CSV to theme, and the rows left out with the reason.

    Returns ``(accepted, quarantined)``: ``accepted`` has ``row`` (the spreadsheet row number),
    ``id`` and ``text``; ``quarantined`` has ``row``, ``id`` and ``reason``. Every data row is in
    exactly one of them. Raises ``UsageError`` naming the file (and line) when the file itself
    cannot be read: missing, not text, malformed CSV, or without the named columns.
    """
    from ..ingest.reading import read_csv_records, read_text

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
    accepted, first_row_of = [], {}
    quarantined = [{"row": row, "id": str(row), "reason": reason} for row, reason, _ in records.rejects]
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
    write_csv(quarantined, out / "quarantined.csv")
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
