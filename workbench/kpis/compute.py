"""`compute_kpis`: every KPI per quarter and segment, as one tidy long table.

One row per (quarter, segment, segment_value, kpi). The formulas live in the small modules
`survey`, `customers`, `support` and `sessions`; their definitions, units and minimum n in
`definitions`. Input frames are copied, never modified.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable, Mapping

import pandas as pd

from . import customers, sessions, support, survey
from .definitions import BY_ID, DEFINITIONS, KPI_IDS, SEGMENTS, SURVEY_KPIS, KpiDefinition
from .inputs import (
    UNKNOWN, KpiInputError, data_quarters, prepare_tables, quarantine_counts, segment_values,
)
from .stats import Figure, change_test
from .window import Window, in_quarter

ALL = "all"
OK = "ok"
INSUFFICIENT = "insufficient_data"

OUTPUT_COLUMNS = [
    "quarter", "segment", "segment_value", "kpi", "label", "value", "unit", "n", "min_n",
    "status", "moe", "previous", "change", "z", "significant", "detail", "quarantined",
]

MEASURES: dict[str, Callable[[Mapping[str, pd.DataFrame], Window], Figure]] = {
    **survey.MEASURES, **customers.MEASURES, **support.MEASURES, **sessions.MEASURES,
}
assert set(MEASURES) == set(KPI_IDS), "every defined KPI needs exactly one measure"

#: tables filtered by a segment cut (arr follows the accounts; enps has no customer segment)
_SEGMENTED_TABLES = ("accounts", "nps_responses", "tickets", "sessions", "action_items")


def compute_kpis(
    tables: Mapping[str, pd.DataFrame],
    quarters: str | Iterable[str] | None = None,
    by: str | Iterable[str] | None = None,
    min_n: int | Mapping[str, int] | None = None,
    as_of=None,
    kpis: Iterable[str] | None = None,
    client=None,
) -> pd.DataFrame:
    """Every KPI for each quarter and segment value, in tidy long format.

    tables: the KPI tables by name (see `workbench.tables`); missing ones count as empty, and
        ``ingest_files`` (optional) supplies the quarantine counts.
    quarters: a quarter like ``"2026Q3"`` or several; default every quarter the data covers.
    by: ``"all"`` (no cut, the default), ``"industry"``, ``"plan"``, ``"region"`` or
        ``"persona"`` (NPS only), or several of them.
    min_n: an int sets the minimum n of the survey KPIs (NPS, eNPS, CSAT, CES; default 30);
        a mapping ``{kpi: minimum}`` sets any KPI's; the others keep their documented minimum.
    as_of: the date action items are overdue against; default each quarter's last day.
    kpis: only these KPI ids; default all.
    client: a Dask client: each segment value's tables travel to its cluster once, and each quarter
        of each is one task there (the same formulas on the same rows: the same table).

    Raises ``MissingColumnError`` when a table lacks a column, ``KpiInputError`` for an unknown
    quarter, segment or KPI, or for impossible values that should have been quarantined.
    """
    chosen = [BY_ID[k] for k in resolve_kpis(kpis)]
    data = prepare_tables(tables, [d.id for d in chosen])
    chosen_quarters = resolve_quarters(quarters, data_quarters(data))
    cuts = resolve_segments(by)
    minimums = resolve_min_n(min_n)
    quarantined = quarantine_counts(data)
    slices = ((segment, value, part, definitions)  # one at a time: each is a copy of the rows it holds
              for segment in cuts
              for definitions in [[d for d in chosen if segment == ALL or segment in d.segments]] if definitions
              for value, part in _slices(data, segment, definitions))
    if client is None:
        rows = [row for job in slices for row in _slice_rows(*job, chosen_quarters, as_of, minimums, quarantined)]
    else:
        rows = _rows_on(client, slices, chosen_quarters, as_of, minimums, quarantined)
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    frame = frame.sort_values("quarter", kind="stable").reset_index(drop=True)
    frame = frame.astype({
        "value": float, "n": "Int64", "min_n": "Int64", "moe": float, "previous": float,
        "change": float, "z": float, "significant": "boolean", "quarantined": "Int64",
    })
    frame.attrs["quarantined"] = quarantined
    return frame


def _slice_rows(segment: str, value: str, part: Mapping[str, pd.DataFrame], definitions: list[KpiDefinition],
                quarters: list[str], as_of, minimums: dict[str, int], quarantined) -> list[dict]:
    """The rows of one segment value (``part``: the tables restricted to it), quarter by quarter."""
    cache: dict[tuple[str, str], Figure] = {}

    def figure(d: KpiDefinition, w: Window) -> Figure:
        key = (d.id, w.quarter)
        if key not in cache:
            cache[key] = MEASURES[d.id](part, w)
        return cache[key]

    rows = []
    for quarter in quarters:
        window = Window.of(quarter, as_of)
        before = Window.of(window.previous, as_of)
        for d in definitions:
            rows.append(_row(d, segment, value, quarter, figure(d, window), figure(d, before), minimums[d.id],
                             quarantined))
    return rows


def _rows_on(client, slices: Iterable, quarters: list[str], as_of, minimums: dict[str, int], quarantined) -> list[dict]:
    """:func:`_slice_rows` of every slice and quarter as tasks on the cluster, in the one-process order."""
    futures = []
    for segment, value, part, definitions in slices:
        # once per slice, shared by its quarters' tasks (a list of one: a dict's keys would name the data)
        tables = client.scatter([dict(part)], hash=False)[0]
        futures += [client.submit(_slice_rows, segment, value, tables, definitions, [quarter], as_of, minimums,
                                  quarantined, pure=False) for quarter in quarters]
    return [row for rows in client.gather(futures) for row in rows]


def _reportable(f: Figure, minimum: int) -> bool:
    return f.n >= minimum and math.isfinite(f.value)


def _row(d: KpiDefinition, segment: str, value: str, quarter: str, current: Figure, previous: Figure,
         minimum: int, quarantined: dict[str, int] | None) -> dict:
    ok, previous_ok = _reportable(current, minimum), _reportable(previous, minimum)
    z, significant = math.nan, pd.NA
    if d.test and ok and previous_ok:
        z, significant = change_test(current, previous, d.test)
        significant = pd.NA if significant is None else significant
    return {
        "quarter": quarter,
        "segment": segment,
        "segment_value": value,
        "kpi": d.id,
        "label": d.label,
        "value": current.value if ok else math.nan,
        "unit": d.unit,
        "n": current.n,
        "min_n": minimum,
        "status": OK if ok else INSUFFICIENT,
        "moe": current.moe if ok and d.moe else math.nan,
        "previous": previous.value if previous_ok else math.nan,
        "change": current.value - previous.value if ok and previous_ok else math.nan,
        "z": z,
        "significant": significant,
        "detail": current.detail,
        "quarantined": sum(quarantined[s] for s in d.sources) if quarantined is not None else pd.NA,
    }


def _slices(data: dict[str, pd.DataFrame], segment: str, definitions: list[KpiDefinition]):
    """(segment value, tables restricted to it) for each value of the segment."""
    if segment == ALL:
        yield ALL, data
        return
    used = {t for d in definitions for t in d.inputs if t in _SEGMENTED_TABLES}
    labels = {t: segment_values(data[t], t, segment, data["accounts"]) for t in sorted(used)}
    values = sorted({v for series in labels.values() for v in series.unique()}, key=lambda v: (v == UNKNOWN, v))
    for value in values:
        yield value, {**data, **{t: data[t][labels[t] == value] for t in labels}}


def resolve_quarters(quarters, valid: list[str]) -> list[str]:
    if quarters is None:
        return list(valid)
    asked = [quarters] if isinstance(quarters, str) else list(quarters)
    asked = [str(q).strip().upper() for q in asked]
    unknown = [q for q in asked if q not in valid]
    if unknown:
        have = ", ".join(valid) if valid else "none (no dated rows)"
        raise KpiInputError(f"unknown quarter '{unknown[0]}'; quarters in the data: {have}")
    return list(dict.fromkeys(asked))


def resolve_segments(by) -> list[str]:
    if by is None:
        return [ALL]
    asked = [by] if isinstance(by, str) else list(by)
    asked = [str(s).strip().lower() for s in asked]
    valid = (ALL, *SEGMENTS)
    unknown = [s for s in asked if s not in valid]
    if unknown:
        raise KpiInputError(f"unknown segment '{unknown[0]}'; choose from: {', '.join(valid)}")
    return list(dict.fromkeys(asked)) or [ALL]


def resolve_min_n(min_n) -> dict[str, int]:
    minimums = {d.id: d.min_n for d in DEFINITIONS}
    if min_n is None:
        return minimums
    if isinstance(min_n, Mapping):
        unknown = [k for k in min_n if k not in minimums]
        if unknown:
            raise KpiInputError(f"unknown KPI '{unknown[0]}' in min_n; KPIs: {', '.join(KPI_IDS)}")
        overrides = dict(min_n)
    else:
        overrides = {k: min_n for k in SURVEY_KPIS}
    for kpi, minimum in overrides.items():
        if isinstance(minimum, bool) or int(minimum) != minimum or minimum < 0:
            raise KpiInputError(f"min_n for '{kpi}' must be a whole number ≥ 0, not {minimum!r}")
        minimums[kpi] = int(minimum)
    return minimums


def resolve_kpis(kpis) -> list[str]:
    if kpis is None:
        return list(KPI_IDS)
    asked = [kpis] if isinstance(kpis, str) else list(kpis)
    unknown = [k for k in asked if k not in BY_ID]
    if unknown:
        raise KpiInputError(f"unknown KPI '{unknown[0]}'; KPIs: {', '.join(KPI_IDS)}")
    return list(dict.fromkeys(asked))


def overdue_action_items(tables: Mapping[str, pd.DataFrame], quarter: str, as_of=None) -> pd.DataFrame:
    """The open action items from sessions in a quarter that are past due on the as-of date
    (default the quarter's last day), with owners and days overdue, most overdue first."""
    data = prepare_tables(tables, ["action_items_overdue"])
    window = Window.of(resolve_quarters(quarter, data_quarters(data))[0], as_of)
    items = in_quarter(data["action_items"], window)
    late = items[sessions.overdue(items, window.as_of)].copy()
    late["days_overdue"] = (window.as_of - late["due_date"]).dt.days
    keep = [c for c in ("session_id", "account_id", "action", "owner", "owner_team", "session_date",
                        "due_date", "days_overdue", "source_file", "locator") if c in late.columns]
    return late.sort_values(["days_overdue"], ascending=False, kind="stable")[keep].reset_index(drop=True)


def kpi_row(kpis: pd.DataFrame, quarter: str, kpi: str, segment: str = ALL) -> pd.Series | None:
    """One KPI's row for a quarter (all customers by default), or None when the table has none."""
    if kpis is None or kpis.empty:
        return None
    seg = kpis["segment"]
    in_segment = (seg.isna() | (seg == ALL)) if segment == ALL else (seg == segment)
    rows = kpis[(kpis["quarter"] == quarter) & (kpis["kpi"] == kpi) & in_segment]
    return rows.iloc[0] if len(rows) else None
