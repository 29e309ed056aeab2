"""`workbench kpis DATA_DIR`: the KPIs per quarter and segment as a table, JSON or CSV."""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import pandas as pd

from ..errors import KpiInputError, StoreError, UsageError
from ..kpis.compute import ALL, compute_kpis
from ..kpis.definitions import DEFAULT_SURVEY_MIN_N, SEGMENTS
from ..kpis.inputs import load_kpi_tables
from . import add_command
from ..safe_csv import safe_frame

FORMATS = ("table", "json", "csv")
TABLE_COLUMNS = ["quarter", "segment", "segment_value", "kpi", "value", "unit", "n", "status",
                 "moe", "change", "significant"]


def register(subparsers) -> argparse.ArgumentParser:
    parser = add_command(
        subparsers, "kpis",
        help="CX KPIs per quarter and segment",
        description="Compute the CX KPIs (see docs/kpis.md) from an ingested data folder, one row "
                    "per quarter, segment value and KPI.",
        examples=["workbench kpis data/sample --quarter 2026Q3",
                  "workbench kpis data/sample --by plan --format csv --out kpis.csv"],
        exit_status=["0  written",
                     "2  bad arguments, no ingested data, or a quarter or segment the data does not have"])
    parser.add_argument("data_dir", metavar="DATA_DIR", help="an ingested data folder")
    parser.add_argument("--quarter", action="append", metavar="QUARTER",
                        help="a quarter such as 2026Q3 (repeatable); default every quarter in the data")
    parser.add_argument("--by", action="append", metavar="SEGMENT",
                        help=f"cut by {', '.join((ALL, *SEGMENTS))} (repeatable); default {ALL} (no cut)")
    parser.add_argument("--format", default="table", metavar="FORMAT",
                        help=f"{', '.join(FORMATS)} (default table)")
    parser.add_argument("--out", metavar="FILE", help="write to this file instead of standard output")
    parser.add_argument("--min-n", type=int, default=DEFAULT_SURVEY_MIN_N, metavar="N",
                        help=f"minimum n for survey KPIs (NPS, eNPS, CSAT, CES); default {DEFAULT_SURVEY_MIN_N}")
    parser.add_argument("--as-of", metavar="DATE",
                        help="date action items are overdue against; default each quarter's last day")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.format not in FORMATS:
        raise UsageError(f"unknown format '{args.format}'; choose from: {', '.join(FORMATS)}")
    as_of = None
    if args.as_of:
        try:
            as_of = pd.Timestamp(args.as_of)
        except ValueError:
            raise UsageError(f"--as-of: not a date: '{args.as_of}' (use YYYY-MM-DD)") from None
    try:
        tables = load_kpi_tables(args.data_dir)
        frame = compute_kpis(tables, quarters=args.quarter, by=args.by, min_n=args.min_n, as_of=as_of)
    except (KpiInputError, StoreError) as exc:
        raise UsageError(str(exc)) from exc
    text = render(frame, args.format)
    if args.out:
        path = Path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {len(frame)} KPI rows to {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def render(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "json":
        return frame.to_json(orient="records", indent=2, force_ascii=False) + "\n"
    if fmt == "csv":
        return safe_frame(frame).to_csv(index=False)  # opened in spreadsheets: no cell runs as a formula
    return _table(frame)


def _number(x) -> str:
    if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float):
        return f"{x:.3f}".rstrip("0").rstrip(".")
    return str(x)


def _table(frame: pd.DataFrame) -> str:
    shown = frame[TABLE_COLUMNS].astype(object).map(_number)
    lines = [shown.to_string(index=False) if len(shown) else "(no KPI rows: the data has no dated rows)"]
    counts = frame.attrs.get("quarantined")
    if counts is None:
        lines.append("Quarantined at ingest: unknown (the store has no ingest_files table).")
    else:
        lines.append("Quarantined at ingest (all quarters): "
                     + ", ".join(f"{source} {count}" for source, count in counts.items()) + ".")
    return "\n".join(lines) + "\n"
