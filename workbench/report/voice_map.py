"""The insight report's map of the quarter's voice: every statement of the quarter a point on the
2-D statement map, coloured by area, each area's name at the centre of its statements and the
biggest themes named at theirs.

    coords = map_coordinates(data_dir)                  # the explorer's cached map, or computed
    voice_map(data, summary, coords)                    # an <img> (PNG) for the report

The coordinates are the explorer's (``statement_map`` in the store, :mod:`workbench.themes.statement_map`),
read without saving; a folder the explorer has not mapped yet gets them computed for the report.
The chart is an Altair spec rendered to PNG by vl-convert (no browser, no network), so the report
carries one image however many statements there are, and no customer text.
"""
from __future__ import annotations

import base64
import logging
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

from .html import HTML, esc
from .insight_data import InsightData

log = logging.getLogger(__name__)

NO_AREA = "(no area)"
NO_THEME = "(no theme)"
#: themes named on the map (the quarter's biggest)
THEME_LABELS = 12
WIDTH, HEIGHT = 900, 620
#: the areas' colours (Tableau 10, then again); statements outside any area are grey
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac"]
NO_AREA_COLOUR = "#d0d0d0"


def map_coordinates(data_dir: str | Path, method: str = "umap") -> pd.DataFrame | None:
    """``evidence_id``, ``x``, ``y`` of every themed statement of the folder (None when the map
    cannot be made, e.g. no embedding model: the report says so instead)."""
    from ..themes.statement_map import statement_map

    try:
        return statement_map(data_dir, method=method, save=False)
    except Exception as exc:  # the rest of the report stands without the map
        log.warning("no statement map for the report: %s", exc)
        return None


def map_points(data: InsightData, summary: pd.DataFrame, coords: pd.DataFrame) -> pd.DataFrame:
    """The quarter's statements (after the segment filter) with coordinates: ``x``, ``y``,
    ``theme`` (label), ``area`` (name)."""
    quarter = data.evidence.loc[data.evidence["quarter"] == data.quarter, ["evidence_id"]]
    points = quarter.merge(coords[["evidence_id", "x", "y"]].dropna(), on="evidence_id")
    theme_of = data.assignments.dropna(subset=["theme_id"]).drop_duplicates("evidence_id")
    points = points.merge(theme_of[["evidence_id", "theme_id"]], on="evidence_id", how="left")
    by_id = summary.set_index("theme_id")
    labels = by_id["label"] if "label" in by_id else pd.Series(dtype=object)
    areas = by_id["area_name"] if "area_name" in by_id else pd.Series(dtype=object)
    points["theme"] = points["theme_id"].map(labels).fillna(NO_THEME)
    points["area"] = points["theme_id"].map(areas).where(points["theme_id"].notna(), None)
    points["area"] = points["area"].fillna(NO_AREA).astype(str)
    return points[["evidence_id", "x", "y", "theme", "area"]]


def _centres(points: pd.DataFrame, by: str, exclude: str) -> pd.DataFrame:
    """Each group's label at the median of its points (the middle of where they are dense)."""
    groups = points[points[by] != exclude].groupby(by)
    return groups.agg(x=("x", "median"), y=("y", "median"), n=("x", "size")).reset_index().rename(columns={by: "label"})


def voice_map_chart(points: pd.DataFrame, theme_labels: int = THEME_LABELS) -> alt.LayerChart:
    """Points coloured by area, area names (large) and the biggest themes' names (small)."""
    areas = _centres(points, "area", NO_AREA)
    themes = _centres(points, "theme", NO_THEME).nlargest(theme_labels, "n")
    x = alt.X("x:Q", axis=None, scale=alt.Scale(zero=False, nice=False))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False, nice=False))
    order = list(areas.sort_values("n", ascending=False)["label"])
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(order))] + [NO_AREA_COLOUR]
    dots = alt.Chart(points[["x", "y", "area"]]).mark_circle(size=9, opacity=0.55).encode(
        x=x, y=y, color=alt.Color("area:N", scale=alt.Scale(domain=[*order, NO_AREA], range=colours),
                                  legend=alt.Legend(title="area", orient="right", labelLimit=260)))

    def text(frame, size, weight, colour, dy=0):
        base = alt.Chart(frame).encode(x=x, y=y, text="label:N")
        halo = base.mark_text(fontSize=size, fontWeight=weight, stroke="white", strokeWidth=4, dy=dy,
                              strokeJoin="round")
        return halo + base.mark_text(fontSize=size, fontWeight=weight, color=colour, dy=dy)

    chart = dots + text(themes, 11, "normal", "#333333", dy=14) + text(areas, 16, "bold", "#111111")
    return chart.properties(width=WIDTH, height=HEIGHT).configure_view(stroke=None)


def voice_map(data: InsightData, summary: pd.DataFrame, coords: pd.DataFrame | None) -> HTML:
    """The map as an ``<img>`` (PNG, inline) with a line saying what it shows."""
    if coords is None or coords.empty:
        return HTML('<p class="wb-empty">No map: the statements could not be placed in 2-D '
                    "(no embedding model for this folder).</p>")
    points = map_points(data, summary, coords)
    if points.empty:
        return HTML(f'<p class="wb-empty">No map: no statements in {esc(data.quarter)}.</p>')
    chart = voice_map_chart(points)
    png = vlc.vegalite_to_png(chart.to_dict(), scale=1.5)
    n_areas = int((points["area"] != NO_AREA).groupby(points["area"]).any().sum())
    named = min(THEME_LABELS, int(points.loc[points["theme"] != NO_THEME, "theme"].nunique()))
    caption = (f"{len(points):,} statements of {esc(data.quarter)}, each a point; statements that say similar "
               f"things sit close together. {n_areas} areas named at their centres, the {named} biggest themes "
               "below them.")
    alt_text = "Map of the quarter's statements with the areas " + ", ".join(
        sorted(set(points["area"]) - {NO_AREA}))
    image = base64.b64encode(png).decode("ascii")
    return HTML(f'<figure class="wb-voice-map"><img src="data:image/png;base64,{image}" alt="{esc(alt_text)}" '
                f'style="max-width:100%;height:auto" width="{WIDTH}">'
                f'<figcaption class="wb-muted">{caption}</figcaption></figure>')


__all__ = ["map_coordinates", "map_points", "voice_map", "voice_map_chart", "NO_AREA", "NO_THEME"]
