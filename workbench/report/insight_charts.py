"""The insight report's Altair charts: mentions per quarter of the top themes, impact on NPS, the
customer journey (with its table), and themes by segment."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..themes.journey import STAGES
from .html import HTML, table
from .insight_data import NOTABLE_MENTIONS, InsightData, themed_mentions


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
    m = themed_mentions(data)
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


def segment_heatmap(data: InsightData, summary: pd.DataFrame, segment: str = "plan") -> alt.Chart:
    m = themed_mentions(data)
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


__all__ = ["impact_chart", "journey", "segment_heatmap", "theme_trend_chart"]
