"""The insight report's data: the store's tables for one quarter (and segment), and the per-theme
summary every section of the report reads (mentions now and before, share, accounts, impact on
NPS, NPS / intent / sentiment shares, lifecycle status, trend), with which themes to call out."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..contract import parse_segment
from ..workspace import Workspace
from ..contract import nps_category
from ..themes.impact import theme_impact
from ..themes.registry import lifecycle
from .areas_view import theme_feelings
from .rates import with_rates

TOP_THEMES = 8
#: emerging and fading themes are called out only above this many mentions (this quarter, or at peak)
NOTABLE_MENTIONS = 10


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


def _filter(frame: pd.DataFrame, segment_filter: str) -> pd.DataFrame:
    if not segment_filter or frame.empty:
        return frame
    column, value = parse_segment(segment_filter)
    return frame[frame[column] == value] if column in frame.columns else frame


def load(data_dir: str | Path, quarter: str, compare_quarter: str = "", segment_filter: str = "") -> InsightData:
    """The tables behind the insight report. With ``segment_filter`` (e.g. ``plan=Enterprise``)
    every figure is the segment's own: statements, NPS, theme impact and requirements' mentions,
    accounts, ARR and detractor share are recounted over the segment's rows."""
    ws = Workspace.of(data_dir)
    t = ws.tables(("evidence", "nps_responses", "themes", "theme_assignments", "theme_quarters", "requirements",
                   "theme_impact", "sessions", "action_items"))
    kpis = ws.optional("kpis")
    kpis = pd.DataFrame() if kpis is None else kpis
    if segment_filter:
        parse_segment(segment_filter)  # a clear error before any table is read further
    themes = t["themes"]   # list columns come as lists (workbench.catalog)
    themes = themes[themes["status"] != "merged"]
    requirements = t["requirements"]
    evidence = _filter(t["evidence"], segment_filter)
    nps = _filter(t["nps_responses"], segment_filter)
    impact = t["theme_impact"]
    if segment_filter:
        from ..kpis import compute_kpis, load_kpi_tables
        from ..themes.requirements import restrict_requirements
        from .kpi_report import filter_segment

        impact = theme_impact(nps, t["theme_assignments"].dropna(subset=["theme_id"]), by="quarter",
                              themes=themes[["theme_id", "label"]])
        req_evidence = (ws.table("requirement_evidence") if ws.has("requirement_evidence")
                        else pd.DataFrame(columns=["requirement_id", "evidence_id"]))
        tables = {n: ws.table(n) for n in ("arr", "accounts") if ws.has(n)}
        requirements = restrict_requirements(requirements, req_evidence, evidence, nps, tables.get("arr"),
                                             tables.get("accounts"), as_of=quarter)
        if "priority" in requirements:   # the priority of the segment's own figures
            from ..themes.requirements.priority import prioritise

            shares = (requirements.drop_duplicates("theme_id").set_index("theme_id")["problem_share"].to_dict()
                      if "problem_share" in requirements else None)
            requirements = prioritise(requirements, responses=int((evidence["quarter"] == quarter).sum()),
                                      problem_share=shares)
        kpis = compute_kpis(filter_segment(load_kpi_tables(ws), segment_filter), kpis=["nps"])
    if compare_quarter == "":
        compare_quarter = str(pd.Period(quarter, "Q") - 1)
    intents = (ws.table("statement_intents") if ws.has("statement_intents")
               else pd.DataFrame(columns=["evidence_id", "intent", "confidence", "sentence"]))
    mentions = ws.optional("theme_mentions")
    return InsightData(quarter, compare_quarter, segment_filter, evidence, nps,
                       themes, t["theme_assignments"], t["theme_quarters"], requirements, impact,
                       _filter(t["sessions"], segment_filter), t["action_items"], kpis, intents, mentions)


def themed_mentions(data: InsightData) -> pd.DataFrame:
    """Themed statements (after the segment filter) with their theme and NPS category."""
    merged = data.assignments.dropna(subset=["theme_id"]).drop(columns=["quarter"], errors="ignore").merge(
        data.evidence[["evidence_id", "quarter", "score", "source", "account_id", "industry", "plan", "region"]],
        on="evidence_id",
    )
    merged["category"] = nps_category(merged["score"]).where(merged["score"].notna())
    return merged


def theme_summary(data: InsightData) -> pd.DataFrame:
    """One row per theme: mentions now and before, change, share, impact, detractor share, status, trend."""
    m = themed_mentions(data)
    now = m[m["quarter"] == data.quarter]
    if data.intents is not None and len(data.intents):
        now = now.merge(data.intents[["evidence_id", "intent"]], on="evidence_id", how="left")
    else:
        now = now.assign(intent=None)
    before = m[m["quarter"] == data.compare_quarter]
    total_now, total_before = statements(data, data.quarter), statements(data, data.compare_quarter)
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
            "change": n_now - n_before, "share": n_now / max(total_now, 1),
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
    out = with_rates(pd.DataFrame(rows), total_now, total_before)
    return out.sort_values(["mentions", "theme_id"], ascending=[False, True]).reset_index(drop=True)


def statements(data: InsightData, quarter: str) -> int:
    """The statements in view in a quarter: the denominator of "mentions per 100"."""
    return int((data.evidence["quarter"] == quarter).sum())


def intent_shares(intents: pd.Series) -> dict[str, float]:
    """Shares of problems, requests and praise among statements with a known intent (NaN: none known)."""
    known = intents.dropna()
    return {f"{k}_share": float(known.eq(k).mean()) if len(known) else np.nan for k in ("problem", "request", "praise")}


def notable(frame: pd.DataFrame, column: str, limit: int = 5) -> pd.DataFrame:
    """The emerging or fading themes worth a PM's attention: big enough, biggest first."""
    frame = frame[frame[column] >= NOTABLE_MENTIONS]
    return frame.sort_values(column, ascending=False).head(limit)


def top_themes(summary: pd.DataFrame, n: int = TOP_THEMES) -> pd.DataFrame:
    """The themes a PM should read about: biggest drags and lifts on NPS, then the most mentioned."""
    active = summary[summary["mentions"] > 0]
    by_impact = active.dropna(subset=["impact"]).reindex(
        active.dropna(subset=["impact"])["impact"].abs().sort_values(ascending=False).index)
    chosen = list(dict.fromkeys(list(by_impact["theme_id"][: n // 2]) + list(active["theme_id"])))[:n]
    return summary.set_index("theme_id").loc[chosen].reset_index()


__all__ = ["InsightData", "NOTABLE_MENTIONS", "TOP_THEMES", "intent_shares", "load", "notable", "statements",
           "theme_summary", "themed_mentions", "top_themes", "with_rates"]
