"""`workbench ingest DATA_DIR`: read a data folder into the store and say what happened."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import IngestError
from . import add_command

if TYPE_CHECKING:
    from ..ingest import IngestResult

MAX_REASONS = 20


def register(subparsers) -> None:
    p = add_command(
        subparsers, "ingest",
        help="read session notes, transcripts, surveys and KPI tables into the store",
        description="Parse, validate and redact every input in DATA_DIR; bad rows are quarantined with a reason. "
                    "The store (DATA_DIR/.workbench/store.duckdb) is written whole or not at all.",
        examples=["workbench ingest data/sample",
                  "workbench ingest data/acme --strict --export-csv out/"],
        exit_status=["0  ingested (some rows may be quarantined: see the summary)",
                     "1  nothing could be ingested, or --strict found quarantined rows (store not written)",
                     "2  bad arguments or a broken DATA_DIR/workbench.yml (nothing stored)"])
    p.add_argument("data_dir", metavar="DATA_DIR")
    p.add_argument("--strict", action="store_true", help="any quarantined row is an error (store not written)")
    p.add_argument("--export-csv", metavar="DIR", help="also write evidence.csv and quarantine.csv to DIR")
    p.add_argument("--brief", action="store_true", help="totals per source only, not per file")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..ingest import ingest

    try:
        result = ingest(args.data_dir, strict=args.strict, export_csv=args.export_csv)
    except IngestError as exc:
        print(f"workbench ingest: {exc}", file=sys.stderr)
        return 1
    print(summary(result, per_file=not args.brief))
    if result.rows_accepted == 0:
        print(f"workbench ingest: nothing could be ingested from {args.data_dir}; "
              f"{result.rows_quarantined} rows quarantined, store not written", file=sys.stderr)
        return 1
    return 0


def _table(frame: pd.DataFrame) -> str:
    return frame.to_string(index=False)


def _listed(frame: pd.DataFrame, title: str, where_more: str) -> list[str]:
    """Up to MAX_REASONS rows as 'file locator: reason' lines under a title."""
    if not len(frame):
        return []
    lines = ["", f"{title} ({len(frame)}):"]
    for row in frame.head(MAX_REASONS).itertuples():
        lines.append(f"  {row.source_file} {row.locator}: {row.reason}")
    if len(frame) > MAX_REASONS:
        lines.append(f"  ... and {len(frame) - MAX_REASONS} more ({where_more})")
    return lines


def summary(result: "IngestResult", per_file: bool = True) -> str:
    lines = [f"Ingested {result.data_dir} in {result.seconds:.1f} s"]
    files = result.files.rename(columns={"rows_read": "read", "rows_accepted": "accepted", "rows_quarantined": "quarantined"})
    if per_file:
        shown = ["source_file", "source", "layout", "read", "accepted", "quarantined", "warnings"]
        lines += ["", "Per file:", _table(files[shown])]
    by_source = result.by_source().rename(
        columns={"rows_read": "read", "rows_accepted": "accepted", "rows_quarantined": "quarantined"}
    )
    lines += ["", "Per source:", _table(by_source[["source", "files", "read", "accepted", "quarantined"]])]
    t = result.tables
    lines += [
        "",
        "Tables: " + ", ".join(f"{name} {len(frame):,}" for name, frame in t.items()),
    ]
    lines += _listed(result.quarantine, "Quarantined rows", "see quarantine.csv with --export-csv")
    lines += _listed(result.warnings, "Warnings", "stored in the ingest_warnings table")
    lines += [
        "",
        f"Reconciled: {result.rows_read:,} rows read = {result.rows_accepted:,} accepted"
        f" + {result.rows_quarantined:,} quarantined",
    ]
    if result.store_path:
        lines.append(f"Store: {result.store_path}")
    for path in result.exported:
        lines.append(f"Wrote {path}")
    return "\n".join(lines)
