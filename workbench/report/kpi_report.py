"""The KPI report's building blocks: scorecard, trends, segments, small-n warnings, definitions.

The notebook `notebooks/kpi_report.ipynb` only calls these and lays out the story.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from ..charts import BETTER, WORSE
from ..contract import SEGMENTS, parse_segment
from ..kpis import (DEFINITIONS, compute_kpis, definitions_markdown, kpi_row, load_kpi_tables,
                    overdue_action_items)
from .charts import chart_or_note
from .html import HTML, NA, card, csv_link, esc, heading, paragraph, table

SCORECARD = ["nps", "csat", "ces_mean", "retention", "churn", "nrr", "fcr", "referral_rate", "enps",
             "time_to_value", "exposure_hours", "action_items_closed"]
TREND_KPIS = ["nps", "csat", "retention", "churn", "nrr", "fcr"]
#: KPIs where a rise is bad news
LOWER_IS_BETTER = {"churn", "contraction", "churned_arr", "escalation_rate", "tickets_per_account", "ces_mean_inverse",
                   "time_to_value", "ttv_not_reached", "action_item_days_to_close", "action_items_open",
                   "action_items_overdue"}


def fmt(value, unit: str) -> str:
    if value is None or pd.isna(value):
        return NA
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
    column, value = parse_segment(segment_filter)
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
    return kpi_row(kpis, quarter, kpi)


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
                css = "wb-up" if better else "wb-down"   # colour, and the words: never colour alone
                note += f" · {fmt_change(change, row['unit'])} (significant, {'▲ better' if better else '▼ worse'})"
            elif pd.notna(row["z"]):
                note += f" · {fmt_change(change, row['unit'])} (within noise)"
            else:
                note += f" · {fmt_change(change, row['unit'])}"
        if pd.notna(row["moe"]):
            note += f" · ±{fmt(row['moe'], row['unit']).lstrip('+')}"
        cards.append(card(row["label"], fmt(row["value"], row["unit"]), note, css))
    return HTML("".join(cards)) + HTML(scorecard_csv(data, kpis))


def scorecard_csv(data: KpiReportData, kpis: list[str] = SCORECARD) -> str:
    """The scorecard's figures as a CSV download (the cards are not a table to copy)."""
    rows = []
    for kpi in kpis:
        row = _row(data.kpis, data.quarter, kpi)
        if row is None:
            continue
        sig = row["significant"]
        rows.append({"KPI": row["label"], "value": fmt(row["value"], row["unit"]), "n": str(row["n"]),
                     "minimum n": str(row["min_n"]), "change": fmt_change(row["change"], row["unit"]) or NA,
                     "significant": NA if pd.isna(sig) else ("yes" if bool(sig) else "no"),
                     "margin of error": fmt(row["moe"], row["unit"]).lstrip("+")})
    return csv_link(pd.DataFrame(rows, columns=["KPI", "value", "n", "minimum n", "change", "significant",
                                                "margin of error"]), "scorecard.csv", numeric=["n", "minimum n"])


def trends_without_data(data: KpiReportData, kpis: list[str] = TREND_KPIS) -> list[str]:
    """The trend KPIs with no reportable value in any quarter (the chart leaves them out)."""
    frame = data.kpis[(data.kpis["segment"] == "all") & data.kpis["kpi"].isin(kpis)]
    have = set(frame.loc[frame["value"].notna(), "kpi"])
    labels = {**{d.id: d.label for d in DEFINITIONS}, **dict(zip(frame["kpi"], frame["label"]))}
    return [labels.get(k, k) for k in kpis if k not in have]


def missing_trends(data: KpiReportData, kpis: list[str] = TREND_KPIS) -> HTML:
    """One line naming the KPIs the trend chart has no panel for, and why; nothing when all have data."""
    missing = trends_without_data(data, kpis)
    if not missing:
        return HTML("")
    return paragraph(f"No trend for {', '.join(missing)}: no quarter has enough observations to report "
                     "(or the data folder has none of their source).", "wb-empty")


def trend_chart(data: KpiReportData, kpis: list[str] = TREND_KPIS) -> alt.Chart | HTML:
    frame = data.kpis[(data.kpis["segment"] == "all") & data.kpis["kpi"].isin(kpis)].copy()
    frame = frame[frame["kpi"].isin(set(frame.loc[frame["value"].notna(), "kpi"]))]   # no empty panels
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
    chart = (
        alt.layer(band, line, data=frame)
        .properties(width=260, height=150)
        .facet(facet=alt.Facet("label:N", title=None), columns=3)
        .resolve_scale(y="independent")
        .properties(title="Trends over all quarters (%, or NPS points; bars: 95 % margin of error)")
    )
    return chart_or_note(chart, len(frame), "no KPI has a reportable value in any quarter.")


def segment_table(data: KpiReportData, kpis: tuple[str, ...] = ("nps", "csat", "churn", "nrr", "fcr")) -> HTML:
    seg = data.by_segment[data.by_segment["kpi"].isin(kpis)].copy()
    if seg.empty:
        return paragraph("No segment data.")
    seg["shown"] = [
        fmt(v, u) if s == "ok" else f"n={n} (too few)" for v, u, s, n in zip(seg["value"], seg["unit"], seg["status"], seg["n"])
    ]
    wide = seg.pivot_table(index=["segment", "segment_value"], columns="label", values="shown", aggfunc="first")
    wide = wide.reset_index().fillna(NA)
    cols = {"segment": "segment", "segment_value": "value",
            **{c: c for c in wide.columns if c not in ("segment", "segment_value")}}
    return table(wide, cols, numeric=[c for c in cols if c not in ("segment", "segment_value")],
                 download="kpis_by_segment.csv")


def segment_chart(data: KpiReportData, kpi: str = "nps") -> alt.Chart | HTML:
    seg = data.by_segment[(data.by_segment["kpi"] == kpi) & (data.by_segment["status"] == "ok")].copy()
    seg = seg[["segment", "segment_value", "value", "moe", "n"]].astype({"n": float})
    seg["low"], seg["high"] = seg["value"] - seg["moe"], seg["value"] + seg["moe"]
    chart = (
        alt.Chart(seg)
        .mark_bar()
        .encode(
            y=alt.Y("segment_value:N", title=None, sort="-x"),
            x=alt.X("value:Q", title=f"{kpi.upper()} ({data.quarter}); below 0 to the left"),
            color=alt.condition("datum.value >= 0", alt.value(BETTER), alt.value(WORSE)),
            tooltip=["segment:N", "segment_value:N", alt.Tooltip("value:Q", format="+.0f"),
                     alt.Tooltip("moe:Q", format=".0f", title="± margin"), "n:Q"],
        )
        .properties(width=420, height=alt.Step(18))
        .facet(row=alt.Row("segment:N", title=None))
        .resolve_scale(y="independent")
    )
    return chart_or_note(chart, len(seg), f"no segment has enough {kpi.upper()} responses in {data.quarter}.")


def _small_n(data: KpiReportData) -> pd.DataFrame:
    frame = pd.concat([data.kpis[data.kpis["quarter"] == data.quarter], data.by_segment])
    frame = frame[frame["status"] != "ok"]
    return frame[["label", "segment", "segment_value", "n", "min_n"]].sort_values(["segment", "label"])


def small_n_warnings(data: KpiReportData) -> HTML:
    """The body's line on small samples; the figures themselves are in the appendix."""
    frame = _small_n(data)
    if frame.empty:
        return paragraph("Every figure this quarter has enough observations.")
    overall = int((frame["segment"] == "all").sum())
    return paragraph(
        f"{len(frame)} figures this quarter ({overall} overall, {len(frame) - overall} in segments) have fewer "
        "observations than their minimum and are shown as insufficient data; the appendix lists them.", "wb-warn")


def small_n_appendix(data: KpiReportData) -> HTML:
    """Every figure below its minimum n, collapsed (a reader opens it when they need it)."""
    frame = _small_n(data)
    if frame.empty:
        return paragraph("Every figure this quarter has enough observations.")
    return HTML(f'<details class="wb-appendix"><summary>{len(frame)} figures below their minimum n '
                "(click to open)</summary>") + table(
        frame, {"label": "KPI", "segment": "segment", "segment_value": "value", "n": "n", "min_n": "minimum n"},
        numeric=["n", "min_n"], download="small_samples.csv") + HTML("</details>")


def action_items(data: KpiReportData) -> HTML:
    if data.overdue is None or data.overdue.empty:
        return paragraph("No overdue action items from this quarter's check-in sessions.")
    frame = data.overdue.copy()
    cols = {c: c.replace("_", " ") for c in frame.columns if c in
            ("session_id", "action", "owner", "due_date", "days_overdue", "account_id")}
    return table(frame, cols, formats={"due_date": lambda d: NA if pd.isna(d) else pd.Timestamp(d).date()},
                 download="overdue_action_items.csv")


def definitions() -> str:
    """The appendix: the same text as docs/kpis.md, generated from the same definitions."""
    return definitions_markdown()


__all__ = [
    "load", "title", "scorecard", "trend_chart", "segment_table", "segment_chart", "small_n_warnings",
    "small_n_appendix", "missing_trends", "trends_without_data",
    "action_items", "definitions", "fmt", "filter_segment", "KpiReportData", "DEFINITIONS", "esc",
]
