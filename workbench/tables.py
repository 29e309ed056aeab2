"""The KPI tables ingestion writes beside the evidence table, and their columns.

Dates are pandas datetime64 (NaT when empty); quarters are strings like '2026Q3'; segment columns
(industry, plan, region) are joined from accounts so every table can be cut by segment.
"""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .contract import EVIDENCE_COLUMNS, QUARTER_PATTERN, SEGMENTS, evidence_schema

_date = dict(dtype="datetime64[ns]", nullable=True)
_quarter = pa.Check.str_matches(QUARTER_PATTERN)
_segments = {s: pa.Column(str, nullable=True) for s in SEGMENTS}


def _schema(name: str, columns: dict) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, name=name, strict=False, ordered=False)


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "accounts": _schema("accounts", {
        "account_id": pa.Column(str, unique=True),
        "company": pa.Column(str, nullable=True),
        **_segments,
        "start_date": pa.Column("datetime64[ns]"),
        "end_date": pa.Column(**_date),
        "referred_by": pa.Column(str, nullable=True),
        "first_value_date": pa.Column(**_date),
    }),
    "arr": _schema("arr", {
        "account_id": pa.Column(str),
        "quarter": pa.Column(str, _quarter),
        "arr": pa.Column(float, pa.Check.ge(0)),
    }),
    "nps_responses": _schema("nps_responses", {
        "response_id": pa.Column(str, unique=True),
        "account_id": pa.Column(str, nullable=True),
        "date": pa.Column("datetime64[ns]"),
        "quarter": pa.Column(str, _quarter),
        "score": pa.Column(int, pa.Check.in_range(0, 10)),
        "persona": pa.Column(str, nullable=True),
        **_segments,
        "evidence_id": pa.Column(str, nullable=True),
        "source_file": pa.Column(str),
        "locator": pa.Column(str),
    }),
    "tickets": _schema("tickets", {
        "ticket_id": pa.Column(str, unique=True),
        "account_id": pa.Column(str, nullable=True),
        "opened_at": pa.Column("datetime64[ns]"),
        "resolved_at": pa.Column(**_date),
        "quarter": pa.Column(str, _quarter),
        "channel": pa.Column(str, nullable=True),
        "category": pa.Column(str, nullable=True),
        "contacts": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "escalated": pa.Column(bool),
        "csat": pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True),
        "ces": pa.Column("Int64", pa.Check.in_range(1, 7), nullable=True),
        **_segments,
        "source_file": pa.Column(str),
        "locator": pa.Column(str),
    }),
    "enps": _schema("enps", {
        "response_id": pa.Column(str, unique=True),
        "date": pa.Column("datetime64[ns]"),
        "quarter": pa.Column(str, _quarter),
        "team": pa.Column(str, nullable=True),
        "score": pa.Column(int, pa.Check.in_range(0, 10)),
    }),
    "sessions": _schema("sessions", {
        "session_id": pa.Column(str, unique=True),
        "account_id": pa.Column(str, nullable=True),
        "date": pa.Column("datetime64[ns]"),
        "quarter": pa.Column(str, _quarter),
        "duration_minutes": pa.Column(float, pa.Check.gt(0)),
        "company_attendees": pa.Column(int, pa.Check.ge(0)),
        "attendee_teams": pa.Column(str, nullable=True),
        **_segments,
        "source_file": pa.Column(str),
    }),
    "action_items": _schema("action_items", {
        "session_id": pa.Column(str),
        "account_id": pa.Column(str, nullable=True),
        "quarter": pa.Column(str, _quarter),
        "action": pa.Column(str),
        "owner": pa.Column(str, nullable=True),
        "owner_team": pa.Column(str, nullable=True),
        "session_date": pa.Column("datetime64[ns]"),
        "due_date": pa.Column(**_date),
        "status": pa.Column(str, pa.Check.isin(["open", "done"])),
        "closed_date": pa.Column(**_date),
        "source_file": pa.Column(str),
        "locator": pa.Column(str),
    }),
    "evidence": evidence_schema,
}

#: reconciliation per input file: rows_read == rows_accepted + rows_quarantined
INGEST_FILES_COLUMNS = ["source_file", "source", "layout", "rows_read", "rows_accepted", "rows_quarantined", "warnings"]
#: one row per rejected row or file, with the reason
QUARANTINE_COLUMNS = ["source_file", "locator", "reason", "raw"]
#: warnings: read, but a reader should know (no statement found, no speaker recognised)
WARNING_COLUMNS = ["source_file", "locator", "reason"]

TABLE_NAMES = list(SCHEMAS) + ["ingest_files", "quarantine", "ingest_warnings"]


def columns(table: str) -> list[str]:
    if table == "evidence":
        return list(EVIDENCE_COLUMNS)
    if table == "ingest_files":
        return list(INGEST_FILES_COLUMNS)
    if table == "quarantine":
        return list(QUARANTINE_COLUMNS)
    if table == "ingest_warnings":
        return list(WARNING_COLUMNS)
    return list(SCHEMAS[table].columns)


def empty(table: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns(table)})
