"""The KPI report's building blocks: scorecard, trends, segments, small-n warnings, definitions.

The notebook `notebooks/kpi_report.ipynb` only calls these and lays out the story.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from ..kpis import DEFINITIONS, compute_kpis, definitions_markdown, load_kpi_tables, overdue_action_items
from .html import HTML, card, esc, heading, paragraph, table

SEGMENTS = ("industry", "plan", "region")
SCORECARD = ["nps", "csat", "ces_mean", "retention", "churn", "nrr", "fcr", "referral_rate", "enps",
             "time_to_value", "exposure_hours", "action_items_closed"]
TREND_KPIS = ["nps", "csat", "retention", "churn", "nrr", "fcr"]
#: KPIs where a rise is bad news
LOWER_IS_BETTER = {"churn", "contraction", "churned_arr", "escalation_rate", "tickets_per_account", "ces_mean_inverse",
                   "time_to_value", "ttv_not_reached", "action_item_days_to_close", "action_items_open",
                   "action_items_overdue"}


def fmt(value, unit: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if unit == "points":
        return f"{value:+.0f}"
    if unit in ("fraction", "ratio"):
        return f"{100 * value:.1f} %"
    if unit == "days":
        return f"{value:.0f} d"
    if unit == "hours":
        return f"{value:.1f} h"
    if unit == "count":
        return f"{value:.0f}"
    return f"{value:.2f}"


def fmt_change(change, unit: str) -> str:
    if change is None or pd.isna(change):
        return ""
    if unit in ("fraction", "ratio"):
        return f"{100 * change:+.1f} pts"
    if unit == "points":
        return f"{change:+.0f}"
    if unit == "days":
        return f"{change:+.0f} d"
    if unit == "hours":
        return f"{change:+.1f} h"
    if unit == "count":
        return f"{change:+.0f}"
    return f"{change:+.2f}"


def filter_segment(tables: dict[str, pd.DataFrame], segment_filter: str) -> dict[str, pd.DataFrame]:
    """Keep only rows of one segment, e.g. 'plan=Enterprise' (joined through accounts where needed)."""
    if not segment_filter:
        return tables
    column, _, value = segment_filter.partition("=")
    column, value = column.strip(), value.strip()
    if column not in SEGMENTS or not value:
        raise ValueError(f"segment filter '{segment_filter}' must look like industry=Retail, plan=... or region=...")
    accounts = tables.get("accounts", pd.DataFrame())
    keep_accounts = set(accounts.loc[accounts[column] == value, "account_id"]) if column in accounts else set()
    out = {}
    for name, frame in tables.items():
        if column in frame.columns:
            out[name] = frame[frame[column] == value]
        elif "account_id" in frame.columns and name not in ("ingest_files", "quarantine"):
            out[name] = frame[frame["account_id"].isin(keep_accounts)]
        else:
            out[name] = frame
    return out


@dataclass
class KpiReportData:
    quarter: str
    compare_quarter: str
    segment_filter: str
    kpis: pd.DataFrame  # segment == all, every quarter
    by_segment: pd.DataFrame  # industry, plan, region (and persona for NPS) for the quarter
    overdue: pd.DataFrame


def load(data_dir: str | Path, quarter: str, compare_quarter: str = "", segment_filter: str = "") -> KpiReportData:
    tables = filter_segment(load_kpi_tables(data_dir), segment_filter)
    kpis = compute_kpis(tables)
    by_segment = compute_kpis(tables, quarters=quarter, by=list(SEGMENTS) + ["persona"])
    return KpiReportData(quarter, compare_quarter, segment_filter, kpis, by_segment,
                         overdue_action_items(tables, quarter))


def _row(kpis: pd.DataFrame, quarter: str, kpi: str) -> pd.Series | None:
    rows = kpis[(kpis["quarter"] == quarter) & (kpis["kpi"] == kpi) & (kpis["segment"] == "all")]
    return rows.iloc[0] if len(rows) else None


def title(data: KpiReportData) -> HTML:
    scope = f" · {data.segment_filter}" if data.segment_filter else ""
    return heading(f"CX KPI report: {data.quarter}{scope}", 1) + paragraph(
        f"Every figure for {data.quarter}, its change from {data.compare_quarter or 'the previous quarter'}, "
        "and its n. Changes are called out only when statistically significant (95 %); figures with too "
        "few observations are shown as insufficient data, not as numbers. Definitions are in the appendix."
    )


def scorecard(data: KpiReportData, kpis: list[str] = SCORECARD) -> HTML:
    cards = []
    for kpi in kpis:
        row = _row(data.kpis, data.quarter, kpi)
        if row is None:
            continue
        if row["status"] != "ok":
            cards.append(card(row["label"], "insufficient data", f"n = {row['n']} (minimum {row['min_n']})", "wb-flat"))
            continue
        change = row["change"]
        note = f"n = {row['n']}"
        css = "wb-flat"
        if pd.notna(change) and change != 0:
            better = (change < 0) if kpi in LOWER_IS_BETTER else (change > 0)
            if row["significant"] is True or (pd.notna(row["significant"]) and bool(row["significant"])):
                css = "wb-up" if better else "wb-down"
                note += f" · {fmt_change(change, row['unit'])} (significant)"
            elif pd.notna(row["z"]):
                note += f" · {fmt_change(change, row['unit'])} (within noise)"
            else:
                note += f" · {fmt_change(change, row['unit'])}"
        if pd.notna(row["moe"]):
            note += f" · ±{fmt(row['moe'], row['unit']).lstrip('+')}"
        cards.append(card(row["label"], fmt(row["value"], row["unit"]), note, css))
    return HTML("".join(cards))


def trend_chart(data: KpiReportData, kpis: list[str] = TREND_KPIS) -> alt.Chart:
    frame = data.kpis[(data.kpis["segment"] == "all") & data.kpis["kpi"].isin(kpis)].copy()
    frame["shown"] = [fmt(v, u) for v, u in zip(frame["value"], frame["unit"])]
    frame["value_pct"] = [v * 100 if u in ("fraction", "ratio") else v for v, u in zip(frame["value"], frame["unit"])]
    frame["low"] = [(v - m) * (100 if u in ("fraction", "ratio") else 1) if pd.notna(m) else None
                    for v, m, u in zip(frame["value"], frame["moe"], frame["unit"])]
    frame["high"] = [(v + m) * (100 if u in ("fraction", "ratio") else 1) if pd.notna(m) else None
                     for v, m, u in zip(frame["value"], frame["moe"], frame["unit"])]
    frame = frame[["quarter", "label", "value_pct", "shown", "n", "status", "low", "high"]]
    frame["n"] = frame["n"].astype(float)
    base = alt.Chart(frame).encode(x=alt.X("quarter:O", title=None))
    line = base.mark_line(point=True).encode(
        y=alt.Y("value_pct:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("label:N", title="KPI"), "quarter:O", alt.Tooltip("shown:N", title="value"),
                 alt.Tooltip("n:Q", title="n"), "status:N"],
    )
    band = base.transform_filter("isValid(datum.low) && isValid(datum.high)").mark_errorbar().encode(
        y="low:Q", y2="high:Q")
    return (
        alt.layer(band, line, data=frame)
        .properties(width=260, height=150)
        .facet(facet=alt.Facet("label:N", title=None), columns=3)
        .resolve_scale(y="independent")
        .properties(title="Trends over all quarters (%, or NPS points; bars: 95 % margin of error)")
    )


def segment_table(data: KpiReportData, kpis: tuple[str, ...] = ("nps", "csat", "churn", "nrr", "fcr")) -> HTML:
    seg = data.by_segment[data.by_segment["kpi"].isin(kpis)].copy()
    if seg.empty:
        return paragraph("No segment data.")
    seg["shown"] = [
        fmt(v, u) if s == "ok" else f"n={n} (too few)" for v, u, s, n in zip(seg["value"], seg["unit"], seg["status"], seg["n"])
    ]
    wide = seg.pivot_table(index=["segment", "segment_value"], columns="label", values="shown", aggfunc="first")
    wide = wide.reset_index().fillna("–")
    cols = {"segment": "segment", "segment_value": "value",
            **{c: c for c in wide.columns if c not in ("segment", "segment_value")}}
    return table(wide, cols, numeric=[c for c in cols if c not in ("segment", "segment_value")])


def segment_chart(data: KpiReportData, kpi: str = "nps") -> alt.Chart:
    seg = data.by_segment[(data.by_segment["kpi"] == kpi) & (data.by_segment["status"] == "ok")].copy()
    seg = seg[["segment", "segment_value", "value", "moe", "n"]].astype({"n": float})
    seg["low"], seg["high"] = seg["value"] - seg["moe"], seg["value"] + seg["moe"]
    return (
        alt.Chart(seg)
        .mark_bar()
        .encode(
            y=alt.Y("segment_value:N", title=None, sort="-x"),
            x=alt.X("value:Q", title=f"{kpi.upper()} ({data.quarter})"),
            color=alt.condition("datum.value >= 0", alt.value("#4c78a8"), alt.value("#e45756")),
            tooltip=["segment:N", "segment_value:N", alt.Tooltip("value:Q", format="+.0f"),
                     alt.Tooltip("moe:Q", format=".0f", title="± margin"), "n:Q"],
        )
        .properties(width=420, height=alt.Step(18))
        .facet(row=alt.Row("segment:N", title=None))
        .resolve_scale(y="independent")
    ) if len(seg) else alt.Chart(pd.DataFrame({"x": []})).mark_point()


def small_n_warnings(data: KpiReportData) -> HTML:
    frame = pd.concat([data.kpis[data.kpis["quarter"] == data.quarter], data.by_segment])
    frame = frame[frame["status"] != "ok"]
    if frame.empty:
        return paragraph("Every figure this quarter has enough observations.")
    frame = frame[["label", "segment", "segment_value", "n", "min_n"]].sort_values(["segment", "label"])
    return paragraph(
        f"{len(frame)} figures this quarter have fewer observations than their minimum and are shown as "
        "insufficient data:", "wb-warn"
    ) + table(frame, {"label": "KPI", "segment": "segment", "segment_value": "value", "n": "n", "min_n": "minimum n"},
              numeric=["n", "min_n"])


def action_items(data: KpiReportData) -> HTML:
    if data.overdue is None or data.overdue.empty:
        return paragraph("No overdue action items from this quarter's check-in sessions.")
    frame = data.overdue.copy()
    cols = {c: c.replace("_", " ") for c in frame.columns if c in
            ("session_id", "action", "owner", "due_date", "days_overdue", "account_id")}
    return table(frame, cols, formats={"due_date": lambda d: "" if pd.isna(d) else pd.Timestamp(d).date()})


def definitions() -> str:
    """The appendix: the same text as docs/kpis.md, generated from the same definitions."""
    return definitions_markdown()


__all__ = [
    "load", "title", "scorecard", "trend_chart", "segment_table", "segment_chart", "small_n_warnings",
    "action_items", "definitions", "fmt", "filter_segment", "KpiReportData", "DEFINITIONS", "esc",
]
