"""The insight report's building blocks: summary, themes, quotes, requirements, journey, sessions, segments.

Everything reads the store (after `workbench themes` / `workbench quarterly`) and returns escaped
HTML or Altair charts; `notebooks/quarterly_insights.ipynb` only calls these.

The tables and the per-theme summary come from :mod:`.insight_data`, the charts from
:mod:`.insight_charts`; this module holds the HTML sections and re-exports the others' names.
"""
from __future__ import annotations

import pandas as pd

from ..kpis import kpi_row
from .areas_view import area_summary, area_table, mention_span, theme_feelings  # noqa: F401 (the notebook's API)
from .html import HTML, NA, card, esc, heading, paragraph, pct, table
from .insight_charts import impact_chart, journey, segment_heatmap, theme_trend_chart  # noqa: F401
from .insight_data import (  # noqa: F401 (the notebook's API)
    NOTABLE_MENTIONS, TOP_THEMES, InsightData, intent_shares, load, notable,
    theme_summary, top_themes,
)
from .rates import change_mark, change_text, effect_text, rate_text
from .requirements_view import arr_text, requirement_quotes, requirements_table  # noqa: F401
from .voice_map import map_coordinates, voice_map  # noqa: F401 (the notebook's API)
from .theme_pages import (  # noqa: F401 (the notebook's API)
    TABLE_THEMES, area_anchor, listed_themes, quote_ids, theme_anchor, theme_page, theme_sections,
)


def sparkline(values: list[float], width: int = 90, height: int = 22) -> str:
    """A tiny inline SVG line (numbers only, so nothing to escape)."""
    if not values:
        return ""
    top = max(max(values), 1)
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    last = values[-1]
    cx, cy = (len(values) - 1) * step, height - 2 - (last / top) * (height - 4)
    return (f'<svg class="wb-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
            f'<polyline fill="none" stroke="#4c78a8" stroke-width="1.5" points="{points}"/>'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2" fill="#4c78a8"/></svg>')


_pct = pct
_impact = effect_text


def _kpi(data: InsightData, kpi: str) -> pd.Series | None:
    return kpi_row(data.kpis, data.quarter, kpi)


def title(data: InsightData) -> HTML:
    scope = f" · {data.segment_filter}" if data.segment_filter else ""
    return heading(f"CX insights: {data.quarter}{scope}", 1) + paragraph(
        f"What customers told us in {data.quarter}, compared with {data.compare_quarter}: themes across NPS "
        "verbatims, check-in sessions, call transcripts and support tickets, with the quotes behind them."
    )


def executive_summary(data: InsightData, summary: pd.DataFrame) -> HTML:
    parts = []
    row = _kpi(data, "nps")
    if row is not None and row["status"] == "ok":
        change = ""
        if pd.notna(row["change"]):
            sig = "significant" if bool(row["significant"]) is True else "within noise"
            change = f"{row['change']:+.0f} vs {data.compare_quarter} ({sig})"
        parts.append(card("NPS", f"{row['value']:+.0f}", f"n = {row['n']} · ±{row['moe']:.0f} · {change}"))
    statements = int((data.evidence["quarter"] == data.quarter).sum())
    parts.append(card("Statements this quarter", f"{statements:,}", f"{summary['mentions'].sum():,} themed"))
    parts.append(card("Themes", f"{int((summary['mentions'] > 0).sum())}", "with mentions this quarter"))
    html = "".join(parts)
    drags = summary.dropna(subset=["impact"]).sort_values("impact", ascending=False)
    items = []
    for _, r in drags.head(3).iterrows():
        if r["impact"] > 0:
            items.append(f"<li><b>{esc(r['label'])}</b> costs {r['impact']:.1f} NPS points "
                         f"({r['mentions']} mentions, {_pct(r['detractor_share'])} detractors)</li>")
    lifts = drags.sort_values("impact").head(2)
    for _, r in lifts.iterrows():
        if r["impact"] < 0:
            items.append(f"<li><b>{esc(r['label'])}</b> lifts NPS by {-r['impact']:.1f} points "
                         f"({r['mentions']} mentions, {_pct(r['promoter_share'])} promoters)</li>")
    req = data.requirements.head(3)
    for _, r in req.iterrows():
        items.append(f"<li>Requirement: <b>{esc(r['statement'])}</b> ({r['mentions']} mentions, "
                     f"{r['accounts']} accounts, {arr_text(r['arr_at_stake'])} ARR at stake)</li>")
    emerging = notable(summary[summary["status"] == "emerging"], "mentions")
    fading = notable(summary[summary["status"] == "fading"], "peak")
    if len(emerging):
        items.append("<li>Emerging (new this quarter): " + ", ".join(
            f"<b>{esc(label)}</b> ({m} mentions)" for label, m in zip(emerging["label"], emerging["mentions"])) + "</li>")
    listed = set(listed_themes(summary)["theme_id"])
    moved = summary[summary["significant"].fillna(False).astype(bool)]
    moved = moved.reindex(moved["per100_change"].abs().sort_values(ascending=False).index).head(5)
    if len(moved):
        items.append(f"<li>Significant changes since {esc(data.compare_quarter)} (mentions per 100 statements, "
                     "false-discovery rate 5 %): " + ", ".join(
                         f"{_theme_link(t, label, listed)} ({change_text(c)})"
                         for t, label, c in zip(moved["theme_id"], moved["label"], moved["per100_change"])) + "</li>")
    if len(fading):
        items.append("<li>Fading (customers stopped raising them): " + ", ".join(
            f"{esc(label)} (peak {p} mentions in a quarter)" for label, p in zip(fading["label"], fading["peak"])) + "</li>")
    return HTML(html + "<ul>" + "".join(items) + "</ul>")


def _theme_link(theme_id, label, listed: set) -> str:
    """A theme's label, linked to its page where the report has one (the listed themes)."""
    return f'<a href="#{esc(theme_anchor(theme_id))}">{esc(label)}</a>' if theme_id in listed else f"<b>{esc(label)}</b>"


def theme_table(summary: pd.DataFrame, limit: int = TABLE_THEMES) -> HTML:
    """The listed themes (each links to its page below), with mentions per 100 statements beside
    the count and the change in that rate marked only when significant (see :mod:`.rates`)."""
    frame = listed_themes(summary, limit).copy()
    hidden = max(int((summary["mentions"] + summary["previous"] > 0).sum()) - len(frame), 0)
    frame["link"] = [f'<a href="#{esc(theme_anchor(t))}">{esc(label)}</a>' for t, label in zip(frame["theme_id"], frame["label"])]
    frame["spark"] = [sparkline(t) for t in frame["trend"]]
    frame["tag"] = [f'<span class="wb-tag">{esc(s)}</span>' if s in ("emerging", "fading") else "" for s in frame["status"]]
    frame["mark"] = [change_mark(s, c) for s, c in zip(frame["significant"], frame["per100_change"])]
    return table(
        frame,
        {"link": "theme", "tag": "", **({"area_name": "area"} if "area_name" in frame else {}),
         "journey_stage": "stage", "mentions": "mentions", "per100": "per 100 statements",
         "per100_change": "vs before (per 100)", "mark": "change", "accounts": "accounts", "impact": "effect on NPS",
         "detractor_share": "detractors", "problem_share": "problems", "request_share": "requests",
         "praise_share": "praise", **({"negative_share": "negative"} if "negative_share" in frame else {}), "spark": "trend"},
        formats={"impact": _impact, "detractor_share": _pct, "per100": rate_text, "per100_change": change_text,
                 "problem_share": _pct, "request_share": _pct, "praise_share": _pct, "negative_share": _pct},
        numeric=["mentions", "per100", "per100_change", "accounts", "impact", "detractor_share", "problem_share",
                 "request_share", "praise_share", "negative_share"],
        raw=["link", "spark", "tag"], download="themes.csv",
    ) + (paragraph(f"{hidden} smaller themes are not listed here; the theme explorer shows them all.") if hidden else HTML(""))


def sessions_view(data: InsightData) -> HTML:
    s = data.sessions[data.sessions["quarter"] == data.quarter]
    hours = float((s["company_attendees"] * s["duration_minutes"]).sum() / 60) if len(s) else 0.0
    items = data.action_items[data.action_items["session_id"].isin(s["session_id"])]
    end = pd.Period(data.quarter, "Q").end_time.normalize()
    open_items = items[items["status"] == "open"].copy()
    open_items["overdue"] = open_items["due_date"].notna() & (open_items["due_date"] < end)
    html = (card("Sessions held", f"{len(s)}", data.quarter) + card("Exposure hours", f"{hours:.1f} h", "attendees × duration")
            + card("Open action items", f"{len(open_items)}", f"{int(open_items['overdue'].sum())} overdue"))
    open_items = open_items.sort_values(["overdue", "due_date"], ascending=[False, True])
    return HTML(html) + table(
        open_items,
        {"session_id": "session", "account_id": "account", "action": "action", "owner": "owner",
         "due_date": "due", "overdue": "overdue"},
        formats={"due_date": lambda d: NA if pd.isna(d) else pd.Timestamp(d).date(), "overdue": lambda v: "overdue" if v else ""},
        download="open_action_items.csv",
    )


def segment_nps_table(data: InsightData) -> HTML:
    if data.kpis.empty:
        return paragraph("")
    return paragraph("NPS per segment is in the KPI report.")


__all__ = [
    "load", "title", "executive_summary", "theme_summary", "theme_table", "theme_page", "top_themes",
    "theme_sections", "listed_themes", "quote_ids", "theme_trend_chart", "impact_chart", "requirements_table",
    "requirement_quotes", "journey", "sessions_view", "segment_heatmap", "sparkline", "InsightData",
]
