"""The tables the KPIs read: column checks, a normalised copy, quarters, segments, quarantine."""
from __future__ import annotations

import logging
import os
from typing import Iterable, Mapping

import pandas as pd

from .. import store
from .. import tables as T
from ..contract import to_quarter
from ..errors import KpiInputError
from ..workspace import Workspace
from .definitions import TABLE_SOURCES, input_columns

log = logging.getLogger(__name__)

KPI_TABLES: tuple[str, ...] = tuple(TABLE_SOURCES)
AUDIT_TABLES: tuple[str, ...] = ("ingest_files", "quarantine")
UNKNOWN = "(unknown)"

#: the date that places each row of an event table in a quarter
EVENT_DATES = {
    "nps_responses": "date",
    "tickets": "opened_at",
    "enps": "date",
    "sessions": "date",
    "action_items": "session_date",
}
#: score columns and their allowed range; anything outside should have been quarantined
SCORE_RANGES = {
    ("nps_responses", "score"): (0, 10),
    ("enps", "score"): (0, 10),
    ("tickets", "csat"): (1, 5),
    ("tickets", "ces"): (1, 7),
    ("arr", "arr"): (0, None),
}
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0", ""}


def load_kpi_tables(data_dir: "str | os.PathLike | Workspace") -> dict[str, pd.DataFrame]:
    """The KPI tables (and ``ingest_files``/``quarantine`` when present) from a data folder's store
    (or an open :class:`~workbench.workspace.Workspace`).

    A KPI table missing from the store is left out (its KPIs report insufficient data) with a
    warning; a table lacking a column a KPI needs raises ``MissingColumnError``.
    """
    ws = Workspace.of(data_dir)
    if not ws.exists():
        raise store.StoreError(f"{ws.data_dir}: no ingested data (run `workbench ingest {ws.data_dir}` first)")
    needed = input_columns()
    loaded: dict[str, pd.DataFrame] = {}
    for name in KPI_TABLES:
        if ws.has(name):
            loaded[name] = ws.table(name, columns=needed[name])
        else:
            log.warning("%s: the store has no table '%s'; its KPIs will show insufficient data", ws.data_dir, name)
    for name in AUDIT_TABLES:
        if ws.has(name):
            loaded[name] = ws.table(name)
    return loaded


def prepare_tables(tables: Mapping[str, pd.DataFrame], kpis: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """Checked, normalised copies of the KPI tables (the caller's frames are never modified).

    Each table must have the columns these KPIs (default all) read. Missing tables become empty
    ones. Each event table gains ``_quarter`` from its event date.
    """
    needed = input_columns(kpis)
    prepared: dict[str, pd.DataFrame] = {}
    for name in KPI_TABLES:
        frame = tables.get(name)
        if frame is None:
            frame = pd.DataFrame({c: pd.Series(dtype="object") for c in T.columns(name)})
        store.require_columns(frame, name, needed[name])
        prepared[name] = _normalise(name, frame.copy())
    for name in AUDIT_TABLES:
        if tables.get(name) is not None:
            prepared[name] = tables[name].copy()
    return prepared


def _dates(frame: pd.DataFrame, table: str, column: str, day: bool = True) -> pd.Series:
    """Dates (whole days unless ``day`` is False); text that is not an ISO date is an error."""
    raw = frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        dates = raw
    else:  # ISO text, as ingestion writes dates
        dates = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    unreadable = dates.isna() & raw.notna() & (raw.astype("string").str.strip() != "")
    if unreadable.any():
        raise KpiInputError(f"table '{table}' column '{column}': not a date: {raw[unreadable].iloc[0]!r}")
    return dates.dt.normalize() if day else dates


def _text(series: pd.Series) -> pd.Series:
    """Strings with blanks as missing."""
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def _flags(series: pd.Series, table: str, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.fillna(False).astype(bool)
    words = series.astype("string").str.strip().str.lower().fillna("")
    unknown = ~words.isin(_TRUE | _FALSE)
    if unknown.any():
        raise KpiInputError(f"table '{table}' column '{column}': not true/false: {words[unknown].iloc[0]!r}")
    return words.isin(_TRUE)


def _numbers(frame: pd.DataFrame, table: str, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad_text = values.isna() & frame[column].notna() & (frame[column].astype("string").str.strip() != "")
    if bad_text.any():
        raise KpiInputError(f"table '{table}' column '{column}': not a number: {frame[column][bad_text].iloc[0]!r}")
    low, high = SCORE_RANGES.get((table, column), (None, None))
    outside = pd.Series(False, index=values.index)
    if low is not None:
        outside |= values < low
    if high is not None:
        outside |= values > high
    if outside.any():
        span = f"{low}–{high}" if high is not None else f"≥ {low}"
        raise KpiInputError(
            f"table '{table}' column '{column}': {int(outside.sum())} value(s) outside {span} "
            f"(e.g. {values[outside].iloc[0]:g}); ingestion should have quarantined them"
        )
    return values.astype(float)


def _normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns (text, whole-day dates, numbers, flags); only columns that are present."""
    frame = frame.reset_index(drop=True)
    present = set(frame.columns)
    for column in ("account_id", "referred_by", "owner", "owner_team", "persona", "status", "quarter"):
        if column in present:
            frame[column] = _text(frame[column])
    if "status" in present:
        frame["status"] = frame["status"].str.lower()
    for column in ("start_date", "end_date", "first_value_date", "due_date", "closed_date"):
        if column in present:
            frame[column] = _dates(frame, name, column)
    for table, column in SCORE_RANGES:
        if table == name and column in present:
            frame[column] = _numbers(frame, name, column)
    for column in ("contacts", "company_attendees", "duration_minutes"):
        if column in present:
            frame[column] = _numbers(frame, name, column)
    if "escalated" in present:
        frame["escalated"] = _flags(frame["escalated"], name, "escalated")
    if name in EVENT_DATES:
        column = EVENT_DATES[name]
        if column in present:
            frame[column] = _dates(frame, name, column, day=name != "tickets")
        quarters = to_quarter(frame[column]) if column in present and len(frame) else None
        frame["_quarter"] = quarters if quarters is not None else pd.Series(None, index=frame.index, dtype=object)
    return frame


def data_quarters(data: Mapping[str, pd.DataFrame]) -> list[str]:
    """Every quarter from the earliest to the latest one the data has dated rows in."""
    seen: set[str] = set()
    for name in EVENT_DATES:
        seen.update(data[name]["_quarter"].dropna())
    if "quarter" in data["arr"].columns:
        seen.update(data["arr"]["quarter"].dropna())
    if not seen:
        accounts = data["accounts"]
        for column in ("start_date", "end_date"):
            if column in accounts.columns:
                seen.update(to_quarter(accounts[column].dropna()).dropna())
    if not seen:
        return []
    periods = [pd.Period(q, freq="Q") for q in seen]
    return [str(p) for p in pd.period_range(min(periods), max(periods), freq="Q")]


def segment_values(frame: pd.DataFrame, table: str, segment: str, accounts: pd.DataFrame) -> pd.Series:
    """Each row's value of a segment: its own, else its account's; ``(unknown)`` when neither."""
    joinable = segment != "persona" and "account_id" in frame.columns
    if segment not in frame.columns and not joinable:
        store.require_columns(frame, table, [segment])
    if segment in frame.columns:
        values = _text(frame[segment]).astype(object)
    else:
        values = pd.Series(None, index=frame.index, dtype=object)
    if joinable and (segment not in frame.columns or segment in accounts.columns):
        store.require_columns(accounts, "accounts", [segment])
        lookup = _text(accounts[segment]).astype(object).groupby(accounts["account_id"]).first()
        values = values.where(values.notna(), frame["account_id"].map(lookup))
    return values.where(values.notna(), UNKNOWN).astype(object)


def quarantine_counts(data: Mapping[str, pd.DataFrame]) -> dict[str, int] | None:
    """Rows quarantined at ingest per source (``ingest_files``), or None when that table is absent."""
    files = data.get("ingest_files")
    if files is None:
        return None
    store.require_columns(files, "ingest_files", ["source", "rows_quarantined"])
    counts = pd.to_numeric(files["rows_quarantined"], errors="coerce").fillna(0)
    totals = counts.groupby(files["source"].astype(str)).sum()
    return {source: int(totals.get(source, 0)) for source in dict.fromkeys(TABLE_SOURCES.values())}
