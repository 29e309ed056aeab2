"""The insight report's Altair charts: mentions per quarter of the top themes, impact on NPS, the
customer journey (with its table), and themes by segment."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..charts import BETTER, DIVERGING, SEQUENTIAL, WORSE
from ..contract import nps_points
from ..themes.journey import STAGES
from .charts import chart_or_note
from .html import HTML, NA, table
from .insight_data import NOTABLE_MENTIONS, InsightData, themed_mentions

#: the impact chart's two directions, in the order its legend lists them
LOWERS, RAISES = "lowers NPS", "raises NPS"


def theme_trend_chart(data: InsightData, theme_ids: list[str]) -> alt.Chart | HTML:
    """Mentions per 100 statements of each quarter (so a busier quarter does not look like growth)."""
    tq = data.theme_quarters[data.theme_quarters["theme_id"].isin(theme_ids)
                             & data.theme_quarters["quarter"].isin(data.quarters)].merge(
        data.themes[["theme_id", "label"]], on="theme_id")
    tq = tq.assign(per100=100 * tq["share"]) if "share" in tq else tq.assign(per100=np.nan)
    chart = alt.Chart(tq).mark_line(point=True).encode(
        x=alt.X("quarter:O", title=None), y=alt.Y("per100:Q", title="mentions per 100 statements"),
        color=alt.Color("label:N", title="theme", legend=alt.Legend(labelLimit=260)),
        tooltip=["label:N", "quarter:O", "mentions:Q", alt.Tooltip("per100:Q", format=".1f", title="per 100"),
                 "accounts:Q"],
    ).properties(width=640, height=260, title="Mentions per 100 statements per quarter, top themes")
    return chart_or_note(chart, len(tq), "no top theme has mentions in any quarter up to this one.")


def impact_chart(summary: pd.DataFrame, limit: int = 25) -> alt.Chart | HTML:
    """The themes that move NPS most, drawn so worse reads as worse: a theme that lowers NPS is a
    bar to the left (negative points), in the palette's "worse" colour, labelled with its sign."""
    frame = summary.dropna(subset=["impact"])
    frame = frame[frame["mentions"] >= NOTABLE_MENTIONS][["label", "impact", "mentions", "detractor_share"]]
    frame = frame.reindex(frame["impact"].abs().sort_values(ascending=False).index).head(limit)
    # impact is the points NPS would rise without the theme: the theme's effect is its negative
    frame = frame.assign(effect=-frame["impact"], direction=[LOWERS if v > 0 else RAISES for v in frame["impact"]])
    frame["shown"] = [f"{v:+.1f}" for v in frame["effect"]]
    base = alt.Chart(frame).encode(
        # most harmful at the top (the sort as a list: a layered chart ignores a sort by channel)
        y=alt.Y("label:N", sort=frame.sort_values(["effect", "label"])["label"].tolist(), title=None,
                axis=alt.Axis(labelLimit=300)),
        x=alt.X("effect:Q", title="NPS points: the theme lowers NPS (left, −) or raises it (right, +)"),
        tooltip=["label:N", alt.Tooltip("effect:Q", format="+.1f", title="effect on NPS"), "direction:N",
                 "mentions:Q", alt.Tooltip("detractor_share:Q", format=".0%")],
    )
    bars = base.mark_bar().encode(color=alt.Color(
        "direction:N", title=None, scale=alt.Scale(domain=[LOWERS, RAISES], range=[WORSE, BETTER])))
    # the signed figure at the end of each bar: a second cue beside the colour
    lowers = base.transform_filter("datum.effect < 0").mark_text(align="right", dx=-3).encode(text="shown:N")
    raises = base.transform_filter("datum.effect >= 0").mark_text(align="left", dx=3).encode(text="shown:N")
    chart = alt.layer(bars, lowers, raises).properties(
        width=560, height=alt.Step(16),
        title=f"Effect on NPS this quarter: the {len(frame)} themes that move it most")
    return chart_or_note(chart, len(frame), f"no theme has {NOTABLE_MENTIONS} or more mentions with an NPS impact "
                         "this quarter.")


def journey(data: InsightData, summary: pd.DataFrame) -> tuple[alt.Chart, HTML]:
    m = themed_mentions(data)
    m = m[m["quarter"] == data.quarter].merge(summary[["theme_id", "journey_stage", "label"]], on="theme_id")
    rows = []
    for stage in STAGES:
        s = m[m["journey_stage"] == stage]
        scored = s.dropna(subset=["score"])
        nps = nps_points(scored["score"]) if len(scored) >= 30 else np.nan
        top = s["label"].value_counts().head(3)
        rows.append({"stage": stage, "mentions": len(s), "themes": s["theme_id"].nunique(),
                     "nps": nps, "scored": len(scored), "top": "; ".join(top.index)})
    frame = pd.DataFrame(rows)
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("stage:N", sort=list(STAGES), title=None), y=alt.Y("mentions:Q"),
        # orange for low NPS, blue for high (colour-blind safe); the table below gives the figures
        color=alt.Color("nps:Q", scale=alt.Scale(scheme=DIVERGING, reverse=True, domain=[-50, 50]),
                        title="NPS of mentions"),
        tooltip=["stage:N", "mentions:Q", "themes:Q", alt.Tooltip("nps:Q", format="+.0f", title="NPS of mentions"),
                 "scored:Q", alt.Tooltip("top:N", title="top themes")],
    ).properties(width=480, height=220, title="Themes along the customer journey")
    chart = chart_or_note(chart, int(frame["mentions"].sum()), f"no themed mention in {data.quarter}.")
    return chart, table(frame, {"stage": "stage", "mentions": "mentions", "themes": "themes",
                               "nps": "NPS of mentions", "scored": "scored", "top": "top themes"},
                        formats={"nps": lambda v: f"{NA} (n < 30)" if pd.isna(v) else f"{v:+.0f}",
                                 "top": lambda v: v or NA},
                        numeric=["mentions", "themes", "nps", "scored"], download="journey.csv")


def segment_heatmap(data: InsightData, summary: pd.DataFrame, segment: str = "plan") -> alt.Chart | HTML:
    m = themed_mentions(data)
    m = m[m["quarter"] == data.quarter].merge(summary[["theme_id", "label"]], on="theme_id")
    top = summary[summary["mentions"] > 0].head(15)["theme_id"]
    m = m[m["theme_id"].isin(top)]
    counts = m.groupby([segment, "label"]).size().rename("mentions").reset_index()
    totals = m.groupby(segment).size()
    counts["share"] = counts["mentions"] / counts[segment].map(totals)
    counts = counts.dropna(subset=[segment])
    chart = alt.Chart(counts).mark_rect().encode(
        x=alt.X(f"{segment}:N", title=segment), y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=300)),
        color=alt.Color("share:Q", title="share of segment's mentions", scale=alt.Scale(scheme=SEQUENTIAL)),
        tooltip=[f"{segment}:N", "label:N", "mentions:Q", alt.Tooltip("share:Q", format=".1%")],
    ).properties(title=f"Which themes each {segment} talks about ({data.quarter})")
    return chart_or_note(chart, len(counts), f"no themed mention with a known {segment} in {data.quarter}.")


__all__ = ["impact_chart", "journey", "segment_heatmap", "theme_trend_chart"]
