"""The insight report's building blocks: summary, themes, quotes, requirements, journey, sessions, segments.

Everything reads the store (after `workbench themes` / `workbench quarterly`) and returns escaped
HTML or Altair charts; `notebooks/quarterly_insights.ipynb` only calls these.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from .. import store
from ..contract import SEGMENTS
from ..themes.impact import nps_category, theme_impact
from ..themes.journey import STAGES
from ..themes.registry import lifecycle
from .areas_view import area_summary, area_table, mention_span, theme_feelings  # noqa: F401 (the notebook's API)
from .html import HTML, card, esc, heading, paragraph, pct, quote, table
from .requirements_view import arr_text, requirement_quotes, requirements_table

TOP_THEMES = 8


@dataclass
class InsightData:
    quarter: str
    compare_quarter: str
    segment_filter: str
    evidence: pd.DataFrame
    nps: pd.DataFrame
    themes: pd.DataFrame
    assignments: pd.DataFrame
    theme_quarters: pd.DataFrame
    requirements: pd.DataFrame
    impact: pd.DataFrame
    sessions: pd.DataFrame
    action_items: pd.DataFrame
    kpis: pd.DataFrame
    #: statement_intents (evidence_id, intent, confidence, sentence); empty for folders themed before intents
    intents: pd.DataFrame = None
    #: theme_mentions (one row per mention: span, theme, area, sentiment, intent); None before mentions
    mentions: pd.DataFrame = None

    @property
    def quarters(self) -> list[str]:
        """The quarters up to the reported one (a report on a past quarter does not show later ones)."""
        return sorted(q for q in self.theme_quarters["quarter"].dropna().unique().tolist() if q <= self.quarter)


def _json(value, default):
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return value if value is not None else default


def _filter(frame: pd.DataFrame, segment_filter: str) -> pd.DataFrame:
    if not segment_filter or frame.empty:
        return frame
    column, _, value = segment_filter.partition("=")
    return frame[frame[column.strip()] == value.strip()] if column.strip() in frame.columns else frame


def load(data_dir: str | Path, quarter: str, compare_quarter: str = "", segment_filter: str = "") -> InsightData:
    """The tables behind the insight report. With ``segment_filter`` (e.g. ``plan=Enterprise``)
    every figure is the segment's own: statements, NPS, theme impact and requirements' mentions,
    accounts, ARR and detractor share are recounted over the segment's rows."""
    names = store.table_names(data_dir)
    t = {name: store.load_table(data_dir, name) for name in (
        "evidence", "nps_responses", "themes", "theme_assignments", "theme_quarters", "requirements",
        "theme_impact", "sessions", "action_items")}
    kpis = store.load_table(data_dir, "kpis") if "kpis" in names else pd.DataFrame()
    if segment_filter:
        column, _, value = segment_filter.partition("=")
        if column.strip() not in SEGMENTS or not value.strip():
            raise ValueError(f"segment filter '{segment_filter}' must look like industry=Retail, plan=... or region=...")
    themes = t["themes"].copy()
    for column, default in (("keywords", []), ("quote_ids", []), ("sources", {}), ("pinned_quotes", [])):
        if column in themes:
            themes[column] = [_json(v, default) for v in themes[column]]
    themes = themes[themes["status"] != "merged"]
    requirements = t["requirements"].copy()
    for column in ("quotes", "account_ids"):
        if column in requirements:
            requirements[column] = [_json(v, []) for v in requirements[column]]
    evidence = _filter(t["evidence"], segment_filter)
    nps = _filter(t["nps_responses"], segment_filter)
    impact = t["theme_impact"]
    if segment_filter:
        from ..kpis import compute_kpis, load_kpi_tables
        from ..themes.requirements import restrict_requirements
        from .kpi_report import filter_segment

        impact = theme_impact(nps, t["theme_assignments"].dropna(subset=["theme_id"]), by="quarter",
                              themes=themes[["theme_id", "label"]])
        req_evidence = (store.load_table(data_dir, "requirement_evidence") if "requirement_evidence" in names
                        else pd.DataFrame(columns=["requirement_id", "evidence_id"]))
        tables = {n: store.load_table(data_dir, n) for n in ("arr", "accounts") if n in names}
        requirements = restrict_requirements(requirements, req_evidence, evidence, nps, tables.get("arr"),
                                             tables.get("accounts"), as_of=quarter)
        if "priority" in requirements:   # the priority of the segment's own figures
            from ..themes.requirements.priority import prioritise

            shares = (requirements.drop_duplicates("theme_id").set_index("theme_id")["problem_share"].to_dict()
                      if "problem_share" in requirements else None)
            requirements = prioritise(requirements, responses=int((evidence["quarter"] == quarter).sum()),
                                      problem_share=shares)
        kpis = compute_kpis(filter_segment(load_kpi_tables(data_dir), segment_filter), kpis=["nps"])
    if compare_quarter == "":
        compare_quarter = str(pd.Period(quarter, "Q") - 1)
    intents = (store.load_table(data_dir, "statement_intents") if "statement_intents" in names
               else pd.DataFrame(columns=["evidence_id", "intent", "confidence", "sentence"]))
    mentions = store.load_table(data_dir, "theme_mentions") if "theme_mentions" in names else None
    return InsightData(quarter, compare_quarter, segment_filter, evidence, nps,
                       themes, t["theme_assignments"], t["theme_quarters"], requirements, impact,
                       _filter(t["sessions"], segment_filter), t["action_items"], kpis, intents, mentions)


def _mentions(data: InsightData) -> pd.DataFrame:
    """Themed statements (after the segment filter) with their theme and NPS category."""
    merged = data.assignments.dropna(subset=["theme_id"]).drop(columns=["quarter"], errors="ignore").merge(
        data.evidence[["evidence_id", "quarter", "score", "source", "account_id", "industry", "plan", "region"]],
        on="evidence_id",
    )
    merged["category"] = nps_category(merged["score"]).where(merged["score"].notna())
    return merged


def theme_summary(data: InsightData) -> pd.DataFrame:
    """One row per theme: mentions now and before, change, share, impact, detractor share, status, trend."""
    m = _mentions(data)
    now = m[m["quarter"] == data.quarter]
    if data.intents is not None and len(data.intents):
        now = now.merge(data.intents[["evidence_id", "intent"]], on="evidence_id", how="left")
    else:
        now = now.assign(intent=None)
    before = m[m["quarter"] == data.compare_quarter]
    total_now = max(len(data.evidence[data.evidence["quarter"] == data.quarter]), 1)
    rows = []
    impact = data.impact[data.impact["quarter"] == data.quarter].set_index("theme_id") if len(data.impact) else pd.DataFrame()
    feelings = theme_feelings(data)   # per mention, when the folder was themed per mention
    for _, theme in data.themes.iterrows():
        tid = theme["theme_id"]
        n_now = int((now["theme_id"] == tid).sum())
        n_before = int((before["theme_id"] == tid).sum())
        scored = now[(now["theme_id"] == tid) & now["category"].notna()]
        trend = m[m["theme_id"] == tid].groupby("quarter").size().reindex(data.quarters, fill_value=0)
        # the status in the reported quarter and segment, from the mentions shown (the registry's is
        # for the quarter the themes were last updated for, over all segments)
        status = lifecycle({q: int(n) for q, n in trend.items() if n}, data.quarter)
        rows.append({
            "theme_id": tid, "label": theme["label"], "journey_stage": theme.get("journey_stage", ""),
            "keywords": theme.get("keywords", []), "mentions": n_now, "previous": n_before,
            "change": n_now - n_before, "share": n_now / total_now,
            "accounts": int(now.loc[now["theme_id"] == tid, "account_id"].nunique()),
            "impact": float(impact.loc[tid, "impact"]) if tid in getattr(impact, "index", []) else np.nan,
            "detractor_share": float((scored["category"] == "detractor").mean()) if len(scored) else np.nan,
            "promoter_share": float((scored["category"] == "promoter").mean()) if len(scored) else np.nan,
            "scored": len(scored), "status": status, "trend": trend.tolist(), "peak": int(trend.max()) if len(trend) else 0,
            "quote_ids": theme.get("quote_ids", []), "pinned_quotes": theme.get("pinned_quotes", []),
            "sources": theme.get("sources", {}),
            "area_id": theme.get("area_id"), "area_name": theme.get("area_name"),
            **intent_shares(now.loc[now["theme_id"] == tid, "intent"]),
            **feelings.get(tid, {}),
        })
    out = pd.DataFrame(rows)
    return out.sort_values(["mentions", "theme_id"], ascending=[False, True]).reset_index(drop=True)


def intent_shares(intents: pd.Series) -> dict[str, float]:
    """Shares of problems, requests and praise among statements with a known intent (NaN: none known)."""
    known = intents.dropna()
    return {f"{k}_share": float(known.eq(k).mean()) if len(known) else np.nan for k in ("problem", "request", "praise")}


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


#: the theme table and charts show this many themes; the rest are counted and left to the explorer
TABLE_THEMES = 30
#: emerging and fading themes are called out only above this many mentions (this quarter, or at peak)
NOTABLE_MENTIONS = 10


def notable(frame: pd.DataFrame, column: str, limit: int = 5) -> pd.DataFrame:
    """The emerging or fading themes worth a PM's attention: big enough, biggest first."""
    frame = frame[frame[column] >= NOTABLE_MENTIONS]
    return frame.sort_values(column, ascending=False).head(limit)


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


def top_themes(summary: pd.DataFrame, n: int = TOP_THEMES) -> pd.DataFrame:
    """The themes a PM should read about: biggest drags and lifts on NPS, then the most mentioned."""
    active = summary[summary["mentions"] > 0]
    by_impact = active.dropna(subset=["impact"]).reindex(
        active.dropna(subset=["impact"])["impact"].abs().sort_values(ascending=False).index)
    chosen = list(dict.fromkeys(list(by_impact["theme_id"][: n // 2]) + list(active["theme_id"])))[:n]
    return summary.set_index("theme_id").loc[chosen].reset_index()


def theme_trend_chart(data: InsightData, theme_ids: list[str]) -> alt.Chart:
    tq = data.theme_quarters[data.theme_quarters["theme_id"].isin(theme_ids)].merge(
        data.themes[["theme_id", "label"]], on="theme_id")
    return alt.Chart(tq).mark_line(point=True).encode(
        x=alt.X("quarter:O", title=None), y=alt.Y("mentions:Q", title="mentions"),
        color=alt.Color("label:N", title="theme", legend=alt.Legend(labelLimit=260)),
        tooltip=["label:N", "quarter:O", "mentions:Q", "accounts:Q", alt.Tooltip("share:Q", format=".1%")],
    ).properties(width=640, height=260, title="Mentions per quarter, top themes")


def impact_chart(summary: pd.DataFrame, limit: int = 25) -> alt.Chart:
    frame = summary.dropna(subset=["impact"])
    frame = frame[frame["mentions"] >= NOTABLE_MENTIONS][["label", "impact", "mentions", "detractor_share"]]
    frame = frame.reindex(frame["impact"].abs().sort_values(ascending=False).index).head(limit)
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("impact:Q", title="NPS points the theme costs (right) or adds (left)"),
        color=alt.condition("datum.impact > 0", alt.value("#e45756"), alt.value("#54a24b")),
        tooltip=["label:N", alt.Tooltip("impact:Q", format="+.1f"), "mentions:Q",
                 alt.Tooltip("detractor_share:Q", format=".0%")],
    ).properties(width=560, height=alt.Step(16),
                 title=f"Impact on NPS this quarter: the {len(frame)} themes that move it most")


def journey(data: InsightData, summary: pd.DataFrame) -> tuple[alt.Chart, HTML]:
    m = _mentions(data)
    m = m[m["quarter"] == data.quarter].merge(summary[["theme_id", "journey_stage", "label"]], on="theme_id")
    rows = []
    for stage in STAGES:
        s = m[m["journey_stage"] == stage]
        scored = s.dropna(subset=["score"])
        nps = 100 * ((scored["score"] >= 9).mean() - (scored["score"] <= 6).mean()) if len(scored) >= 30 else np.nan
        top = s["label"].value_counts().head(3)
        rows.append({"stage": stage, "mentions": len(s), "themes": s["theme_id"].nunique(),
                     "nps": nps, "scored": len(scored), "top": "; ".join(top.index)})
    frame = pd.DataFrame(rows)
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("stage:N", sort=list(STAGES), title=None), y=alt.Y("mentions:Q"),
        color=alt.Color("nps:Q", scale=alt.Scale(scheme="redyellowgreen", domain=[-50, 50]), title="NPS of mentions"),
        tooltip=["stage:N", "mentions:Q", "themes:Q", alt.Tooltip("nps:Q", format="+.0f", title="NPS of mentions"),
                 "scored:Q", alt.Tooltip("top:N", title="top themes")],
    ).properties(width=480, height=220, title="Themes along the customer journey")
    return chart, table(frame, {"stage": "stage", "mentions": "mentions", "themes": "themes",
                               "nps": "NPS of mentions", "top": "top themes"},
                        formats={"nps": lambda v: "n<30" if pd.isna(v) else f"{v:+.0f}"},
                        numeric=["mentions", "themes", "nps"])


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


def segment_heatmap(data: InsightData, summary: pd.DataFrame, segment: str = "plan") -> alt.Chart:
    m = _mentions(data)
    m = m[m["quarter"] == data.quarter].merge(summary[["theme_id", "label"]], on="theme_id")
    top = summary[summary["mentions"] > 0].head(15)["theme_id"]
    m = m[m["theme_id"].isin(top)]
    counts = m.groupby([segment, "label"]).size().rename("mentions").reset_index()
    totals = m.groupby(segment).size()
    counts["share"] = counts["mentions"] / counts[segment].map(totals)
    return alt.Chart(counts).mark_rect().encode(
        x=alt.X(f"{segment}:N", title=segment), y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=300)),
        color=alt.Color("share:Q", title="share of segment's mentions", scale=alt.Scale(scheme="blues")),
        tooltip=[f"{segment}:N", "label:N", "mentions:Q", alt.Tooltip("share:Q", format=".1%")],
    ).properties(title=f"Which themes each {segment} talks about ({data.quarter})")


def segment_nps_table(data: InsightData) -> HTML:
    if data.kpis.empty:
        return paragraph("")
    return paragraph("NPS per segment is in the KPI report.")


__all__ = [
    "load", "title", "executive_summary", "theme_summary", "theme_table", "theme_page", "top_themes",
    "theme_trend_chart", "impact_chart", "requirements_table", "requirement_quotes", "journey", "sessions_view",
    "segment_heatmap", "sparkline", "InsightData",
]
