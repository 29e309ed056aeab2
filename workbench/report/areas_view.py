"""The insight report's areas (parent themes) and what customers feel and ask about each theme:
per-area figures, the areas table the report leads with, and the mention highlighted in a quote."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import is_detractor
from .html import HTML, esc, paragraph, table
from .html import pct as _pct
from .rates import change_mark, change_text, rate_text, with_rates

SENTIMENTS = ("negative", "neutral", "positive")


def area_anchor(area_id) -> str:
    """The id of an area's heading in the insight report (the areas table links to it)."""
    return f"area-{area_id}"


def mentions_now(data) -> pd.DataFrame:
    """The reported quarter's themed mentions in view (segment applied): ``theme_mentions`` rows
    of the statements shown. Empty for folders themed before mentions existed."""
    mentions = getattr(data, "mentions", None)
    if mentions is None or not len(mentions):
        return pd.DataFrame(columns=["evidence_id", "theme_id", "area_id", "sentiment", "intent"])
    now = set(data.evidence.loc[data.evidence["quarter"] == data.quarter, "evidence_id"])
    return mentions[mentions["evidence_id"].isin(now) & mentions["theme_id"].notna()]


def theme_feelings(data) -> dict[str, dict[str, float]]:
    """Theme id -> shares of its mentions this quarter that are negative/neutral/positive and that
    are problems/requests/praise (NaN when the theme has no mention with one)."""
    now = mentions_now(data)
    out: dict[str, dict[str, float]] = {}
    for theme_id, part in now.groupby("theme_id"):
        row = {}
        if "sentiment" in part:
            known = part["sentiment"].dropna()
            row.update({f"{s}_share": float(known.eq(s).mean()) if len(known) else np.nan for s in SENTIMENTS})
        if "intent" in part:
            known = part["intent"].dropna()
            row.update({f"{k}_share": float(known.eq(k).mean()) if len(known) else np.nan
                        for k in ("problem", "request", "praise")})
        out[theme_id] = row
    return out


def area_summary(data, summary: pd.DataFrame) -> pd.DataFrame:
    """One row per area: its themes (biggest first), statements that mention any of them now and
    before (each statement once per area), change, share, detractor share, sentiment shares."""
    if "area_id" not in summary or summary["area_id"].isna().all() or "area_id" not in data.assignments:
        return pd.DataFrame()
    pairs = data.assignments.dropna(subset=["area_id"]).merge(
        data.evidence[["evidence_id", "quarter", "score"]], on="evidence_id")
    total_now = int((data.evidence["quarter"] == data.quarter).sum())
    total_before = int((data.evidence["quarter"] == data.compare_quarter).sum())
    now_mentions = mentions_now(data)
    rows = []
    for area_id, themes in summary.dropna(subset=["area_id"]).groupby("area_id", sort=False):
        mine = pairs[pairs["area_id"] == area_id].drop_duplicates(["evidence_id"])
        now, before = mine[mine["quarter"] == data.quarter], mine[mine["quarter"] == data.compare_quarter]
        scored = now["score"].dropna()
        feel = now_mentions.loc[now_mentions.get("area_id", pd.Series(dtype=object)) == area_id, "sentiment"] \
            if "sentiment" in now_mentions else pd.Series(dtype=object)
        live = themes[themes["mentions"] > 0].sort_values("mentions", ascending=False)
        rows.append({
            "area_id": area_id, "area_name": themes["area_name"].iloc[0] or area_id,
            "themes": int(len(live)), "top_themes": live["label"].head(3).tolist(),
            "mentions": int(len(now)), "previous": int(len(before)), "change": int(len(now) - len(before)),
            "share": len(now) / max(total_now, 1),
            "detractor_share": float(is_detractor(scored).mean()) if len(scored) else np.nan,
            **{f"{s}_share": float(feel.eq(s).mean()) if len(feel) else np.nan for s in SENTIMENTS},
        })
    out = with_rates(pd.DataFrame(rows), total_now, total_before)   # the false-discovery rate across areas
    return out.sort_values(["mentions", "area_id"], ascending=[False, True]).reset_index(drop=True)


def area_table(areas: pd.DataFrame) -> HTML:
    """The areas, biggest first, each with its largest themes (links to their pages below)."""
    if areas.empty:
        return paragraph("Themes are not grouped into areas yet: run `workbench themes update DATA_DIR` to group them.")
    frame = areas[areas["mentions"] + areas["previous"] > 0].copy()
    frame["area"] = [f'<a href="#{esc(area_anchor(a))}"><strong>{esc(n)}</strong></a>'
                     for a, n in zip(frame["area_id"], frame["area_name"])]
    frame["largest"] = ["; ".join(esc(t) for t in top) for top in frame["top_themes"]]
    frame["mark"] = [change_mark(s, c) for s, c in zip(frame["significant"], frame["per100_change"])]
    return table(
        frame,
        {"area": "area", "themes": "themes", "mentions": "mentions", "per100": "per 100 statements",
         "per100_change": "vs before (per 100)", "mark": "change",
         "detractor_share": "detractors", "negative_share": "negative", "positive_share": "positive",
         "largest": "largest themes"},
        formats={"detractor_share": _pct, "negative_share": _pct, "positive_share": _pct, "per100": rate_text,
                 "per100_change": change_text},
        numeric=["themes", "mentions", "per100", "per100_change", "detractor_share", "negative_share", "positive_share"],
        raw=["area", "largest"], download="areas.csv",
    )


def mention_span(data, evidence_id: str, theme_id: str) -> tuple[int, int] | None:
    """Where the statement mentions the theme (its closest mention), for the quote's highlight."""
    pairs = data.assignments
    if "start" not in pairs:
        return None
    row = pairs[(pairs["evidence_id"] == evidence_id) & (pairs["theme_id"] == theme_id)]
    if not len(row) or pd.isna(row["start"].iloc[0]) or pd.isna(row["end"].iloc[0]):
        return None
    return int(row["start"].iloc[0]), int(row["end"].iloc[0])
