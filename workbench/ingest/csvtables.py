"""The CSV tables behind the KPIs: accounts, ARR, support tickets, eNPS."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from ..contract import QUARTER_PATTERN
from .context import Context
from .fields import Field, first_seen_duplicates, validate
from .reading import read_csv_records


@dataclass(frozen=True)
class TableSpec:
    table: str
    source: str
    fields: list[Field]
    key: tuple[str, ...]
    #: extra row checks on the parsed frame: (mask of bad rows, reason per row)
    checks: list[Callable[[pd.DataFrame], tuple[pd.Series, pd.Series]]] = field(default_factory=list)


def _end_before_start(start: str, end: str):
    def check(p: pd.DataFrame):
        bad = p[end].notna() & p[start].notna() & (p[end] < p[start])
        return bad, f"{end} " + p[end].dt.strftime("%Y-%m-%d").fillna("") + f" is before {start} " + p[start].dt.strftime(
            "%Y-%m-%d"
        ).fillna("")
    return check


def _quarter_format(p: pd.DataFrame):
    bad = p["quarter"].notna() & ~p["quarter"].astype(str).str.match(QUARTER_PATTERN)
    return bad, "quarter '" + p["quarter"].astype(str) + "' is not like 2026Q3"


SPECS = {
    "accounts": TableSpec(
        "accounts", "accounts",
        [Field("account_id", required=True), Field("company"), Field("industry"), Field("plan"), Field("region"),
         Field("start_date", "date", required=True), Field("end_date", "date"), Field("referred_by"),
         Field("first_value_date", "date")],
        key=("account_id",),
        checks=[_end_before_start("start_date", "end_date"), _end_before_start("start_date", "first_value_date")],
    ),
    "arr": TableSpec(
        "arr", "arr",
        [Field("account_id", required=True), Field("quarter", required=True), Field("arr", "float", True, lo=0)],
        key=("account_id", "quarter"),
        checks=[_quarter_format],
    ),
    "tickets": TableSpec(
        "tickets", "tickets",
        [Field("ticket_id", required=True), Field("account_id"), Field("opened_at", "date", required=True),
         Field("resolved_at", "date"), Field("channel"), Field("category"), Field("contacts", "int", lo=1),
         Field("escalated", "bool"), Field("csat", "int", lo=1, hi=5), Field("ces", "int", lo=1, hi=7),
         Field("csat_comment"), Field("description")],
        key=("ticket_id",),
        checks=[_end_before_start("opened_at", "resolved_at")],
    ),
    "enps": TableSpec(
        "enps", "enps",
        [Field("response_id", required=True), Field("date", "date", required=True), Field("team"),
         Field("score", "int", required=True, lo=0, hi=10)],
        key=("response_id",),
    ),
}


def load_csv_table(path: Path, ctx: Context, spec: TableSpec) -> pd.DataFrame | None:
    """Parse one CSV of a KPI table; bad rows to quarantine; returns the good rows."""
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, spec.source, spec.table)
    records = read_csv_records(ctx.read_text(path).text, max_field_chars=ctx.settings.max_field_chars)
    for n, reason, raw in records.rejects:
        ctx.ledger.reject(rel, f"row {n}", reason, raw)
    locators = [f"row {n}" for n in records.row_numbers]
    raws = [records.delimiter.join(r) for r in records.rows]
    missing = [f.name for f in spec.fields if f.required and f.name not in records.header]
    if missing:
        for loc, raw in zip(locators, raws):
            ctx.ledger.reject(rel, loc, f"missing required column '{missing[0]}' in {spec.table} table", raw)
        return None
    width = len(records.header)
    frame = pd.DataFrame(
        [(r + [""] * (width - len(r)))[:width] for r in records.rows], columns=records.header, dtype=str
    ) if records.rows else pd.DataFrame(columns=records.header, dtype=str)
    parsed, reasons = validate(frame, spec.fields)
    for too_long in [i for i, r in enumerate(records.rows) if len(r) > width]:
        reasons.iat[too_long] = f"row has {len(records.rows[too_long])} fields, header has {width}"
    for check in spec.checks:
        bad, why = check(parsed)
        reasons = reasons.where(~(bad & reasons.isna()), why)
    key = parsed[list(spec.key)].astype(str).agg("/".join, axis=1).where(reasons.isna())
    reasons = reasons.fillna(first_seen_duplicates(key, pd.Series([f"{rel} {loc}" for loc in locators]), ctx.seen(spec.table)))
    for i in range(len(parsed)):
        if reasons.iat[i] is not None and isinstance(reasons.iat[i], str):
            ctx.ledger.reject(rel, locators[i], reasons.iat[i], raws[i])
    good = reasons.isna()
    ctx.ledger.accept(rel, int(good.sum()))
    out = parsed[good].copy()
    out["source_file"] = rel
    out["locator"] = [loc for loc, g in zip(locators, good) if g]
    return out


def load_tickets(path: Path, ctx: Context) -> None:
    tickets = load_csv_table(path, ctx, SPECS["tickets"])
    if tickets is None or tickets.empty:
        return
    ctx.add_table("tickets", tickets.drop(columns=["csat_comment", "description"]))
    for column, source in (("description", "ticket"), ("csat_comment", "csat")):
        rows = tickets[tickets[column].fillna("").str.strip() != ""]
        ctx.add_evidence(pd.DataFrame({
            "source": source,
            "kind": "comment",
            "source_file": rows["source_file"],
            "locator": rows["locator"] + (f", {column}" if column != "description" else ""),
            "account_id": rows["account_id"],
            "persona": None,
            "speaker_role": "customer",
            "date": rows["opened_at"],
            "score": float("nan"),
            "text": rows[column],
            "_local": None,
        }))


def load_simple(path: Path, ctx: Context, table: str) -> None:
    frame = load_csv_table(path, ctx, SPECS[table])
    if frame is not None and not frame.empty:
        ctx.add_table(table, frame)
