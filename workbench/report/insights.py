"""The insight report's building blocks: summary, themes, quotes, requirements, journey, sessions, segments.

Everything reads the store (after `workbench themes` / `workbench quarterly`) and returns escaped
HTML or Altair charts; `notebooks/quarterly_insights.ipynb` only calls these.

The tables and the per-theme summary come from :mod:`.insight_data`, the charts from
:mod:`.insight_charts`; this module holds the HTML sections and re-exports the others' names.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .areas_view import area_summary, area_table, mention_span, theme_feelings  # noqa: F401 (the notebook's API)
from .html import HTML, card, esc, heading, paragraph, pct, quote, table
from .insight_charts import impact_chart, journey, segment_heatmap, theme_trend_chart  # noqa: F401
from .insight_data import (  # noqa: F401 (the notebook's API)
    NOTABLE_MENTIONS, TOP_THEMES, InsightData, intent_shares, load, notable,
    theme_summary, top_themes,
)
from .requirements_view import arr_text, requirement_quotes, requirements_table  # noqa: F401

#: the theme table and charts show this many themes; the rest are counted and left to the explorer
TABLE_THEMES = 30


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


def _impact(v) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:+.1f}"


def _kpi(data: InsightData, kpi: str) -> pd.Series | None:
    if data.kpis.empty:
        return None
    rows = data.kpis[(data.kpis["quarter"] == data.quarter) & (data.kpis["kpi"] == kpi) & (data.kpis["segment"] == "all")]
    return rows.iloc[0] if len(rows) else None


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
    if len(fading):
        items.append("<li>Fading (customers stopped raising them): " + ", ".join(
            f"{esc(label)} (peak {p} mentions in a quarter)" for label, p in zip(fading["label"], fading["peak"])) + "</li>")
    return HTML(html + "<ul>" + "".join(items) + "</ul>")


def theme_table(summary: pd.DataFrame, limit: int = TABLE_THEMES) -> HTML:
    frame = summary[summary["mentions"] + summary["previous"] > 0].copy()
    hidden = max(len(frame) - limit, 0)
    frame = frame.head(limit)
    frame["link"] = [f'<a href="#{esc(t)}">{esc(label)}</a>' for t, label in zip(frame["theme_id"], frame["label"])]
    frame["spark"] = [sparkline(t) for t in frame["trend"]]
    frame["tag"] = [f'<span class="wb-tag">{esc(s)}</span>' if s in ("emerging", "fading") else "" for s in frame["status"]]
    return table(
        frame,
        {"link": "theme", "tag": "", **({"area_name": "area"} if "area_name" in frame else {}),
         "journey_stage": "stage", "mentions": "mentions", "change": "vs before",
         "share": "share", "accounts": "accounts", "impact": "NPS impact", "detractor_share": "detractors",
         "problem_share": "problems", "request_share": "requests", "praise_share": "praise",
         **({"negative_share": "negative"} if "negative_share" in frame else {}), "spark": "trend"},
        formats={"share": _pct, "impact": _impact, "detractor_share": _pct, "change": lambda v: f"{v:+d}",
                 "problem_share": _pct, "request_share": _pct, "praise_share": _pct, "negative_share": _pct},
        numeric=["mentions", "change", "share", "accounts", "impact", "detractor_share", "problem_share",
                 "request_share", "praise_share", "negative_share"],
        raw=["link", "spark", "tag"],
    ) + (paragraph(f"{hidden} smaller themes are not listed here; the theme explorer shows them all.") if hidden else HTML(""))


def _provenance(ev: pd.Series) -> str:
    bits = [ev["source"], f"{ev['source_file']} {ev['locator']}"]
    if pd.notna(ev.get("account_id")):
        bits.append(f"account {ev['account_id']}")
    if pd.notna(ev.get("score")):
        bits.append(f"score {ev['score']:.0f}")
    if pd.notna(ev.get("date")):
        bits.append(str(pd.Timestamp(ev["date"]).date()))
    return " · ".join(str(b) for b in bits)


def theme_page(data: InsightData, theme: pd.Series) -> HTML:
    ev = data.evidence.set_index("evidence_id")
    area = theme.get("area_name")
    head = HTML(f'<h3 id="{esc(theme["theme_id"])}">{esc(theme["label"])} '
                f'<span class="wb-prov">{esc(theme["theme_id"])}{" · area " + esc(area) if isinstance(area, str) else ""}'
                f' · {esc(theme["journey_stage"])}</span></h3>')
    facts = paragraph(
        f"{theme['mentions']} mentions this quarter ({theme['change']:+d} vs {data.compare_quarter}) from "
        f"{theme['accounts']} accounts; NPS impact {_impact(theme['impact'])} points; among {theme['scored']} scored "
        f"mentions {_pct(theme['promoter_share'])} promoters and {_pct(theme['detractor_share'])} detractors. "
        f"What customers said: {_pct(theme.get('problem_share'))} problems, {_pct(theme.get('request_share'))} "
        f"requests, {_pct(theme.get('praise_share'))} praise"
        + (f"; feeling {_pct(theme.get('negative_share'))} negative, {_pct(theme.get('positive_share'))} positive"
           if pd.notna(theme.get("negative_share", np.nan)) else "") + ". "
        f"Keywords: {', '.join(theme['keywords'][:8])}. Sources: "
        + ", ".join(f"{k} {v}" for k, v in sorted(theme["sources"].items()))
        + "."
    )
    chosen = quote_ids(data, theme)
    quotes = [quote(ev.loc[q, "text"], _provenance(ev.loc[q]), mention_span(data, q, theme["theme_id"])) for q in chosen]
    return head + facts + HTML("".join(str(q) for q in quotes))


def quote_ids(data: InsightData, theme: pd.Series, n: int = 5) -> list[str]:
    """The quotes shown for a theme: an analyst's pinned ones first, then the reported quarter's
    statements (in the segment shown) closest to the theme's centre. Without closeness figures
    (folders themed by an earlier version) the theme's stored representatives in view are used."""
    ev_ids = set(data.evidence["evidence_id"])
    pinned = [q for q in (theme.get("pinned_quotes") or []) if q in ev_ids]
    if "closeness" in data.assignments.columns:
        now = set(data.evidence.loc[data.evidence["quarter"] == data.quarter, "evidence_id"])
        mine = data.assignments[(data.assignments["theme_id"] == theme["theme_id"])
                                & data.assignments["evidence_id"].isin(now)]
        ranked = mine.sort_values(["closeness", "evidence_id"], ascending=[False, True], kind="mergesort")
        others = ranked["evidence_id"].tolist()
    else:
        others = [q for q in theme.get("quote_ids", []) if q in ev_ids]
    return list(dict.fromkeys(pinned + others))[:n]


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
        formats={"due_date": lambda d: "" if pd.isna(d) else pd.Timestamp(d).date(), "overdue": lambda v: "overdue" if v else ""},
    )


def segment_nps_table(data: InsightData) -> HTML:
    if data.kpis.empty:
        return paragraph("")
    return paragraph("NPS per segment is in the KPI report.")


__all__ = [
    "load", "title", "executive_summary", "theme_summary", "theme_table", "theme_page", "top_themes",
    "theme_trend_chart", "impact_chart", "requirements_table", "requirement_quotes", "journey", "sessions_view",
    "segment_heatmap", "sparkline", "InsightData",
]
