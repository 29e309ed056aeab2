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


def _domain(values: pd.Series) -> list[float]:
    """The axis range: the middle 98 % of the points, padded (a few far-flung statements would
    otherwise squeeze the rest into the centre; they are clipped at the edge)."""
    lo, hi = values.quantile(0.01), values.quantile(0.99)
    pad = 0.04 * (hi - lo or 1.0)
    return [float(lo - pad), float(hi + pad)]


def _placed(labels: pd.DataFrame, size: int, xs: list[float], ys: list[float], taken: list[tuple]) -> pd.DataFrame:
    """The labels that fit, biggest group first: each at its centre or nudged a line up or down,
    left out (its points still coloured, its area in the legend) where it would overlap one
    already placed. ``taken`` collects the boxes placed, in pixels."""
    keep = []
    for row in labels.sort_values("n", ascending=False).itertuples():
        px = (row.x - xs[0]) / (xs[1] - xs[0]) * WIDTH
        py = (1 - (row.y - ys[0]) / (ys[1] - ys[0])) * HEIGHT
        half_w, half_h = 0.3 * size * len(str(row.label)) + 3, 0.6 * size + 1
        line = int(1.3 * size) + 4   # a line's height: boxes a line apart do not touch
        for dy in (0, line, -line, 2 * line, -2 * line):
            box = (px - half_w, py + dy - half_h, px + half_w, py + dy + half_h)
            inside = box[0] >= 0 and box[2] <= WIDTH and box[1] >= 0 and box[3] <= HEIGHT
            if inside and not any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken):
                taken.append(box)
                keep.append({"label": row.label, "x": row.x, "y": row.y, "dy": dy, "n": row.n})
                break
    return pd.DataFrame(keep, columns=["label", "x", "y", "dy", "n"])


def voice_map_chart(points: pd.DataFrame, theme_labels: int = THEME_LABELS) -> alt.LayerChart:
    """Points coloured by area, area names (large) and the biggest themes' names (small), placed
    so that no two labels overlap."""
    xs, ys = _domain(points["x"]), _domain(points["y"])
    taken: list[tuple] = []
    areas = _placed(_centres(points, "area", NO_AREA), 16, xs, ys, taken)
    themes = _placed(_centres(points, "theme", NO_THEME).nlargest(theme_labels, "n"), 11, xs, ys, taken)
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=xs, nice=False, zero=False))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=ys, nice=False, zero=False))
    order = list(_centres(points, "area", NO_AREA).sort_values("n", ascending=False)["label"])
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(order))] + [NO_AREA_COLOUR]
    dots = alt.Chart(points[["x", "y", "area"]]).mark_circle(size=14, opacity=0.6, clip=True).encode(
        x=x, y=y, color=alt.Color("area:N", scale=alt.Scale(domain=[*order, NO_AREA], range=colours),
                                  legend=alt.Legend(title="area", orient="right", labelLimit=260)))

    def text(frame, size, weight, colour):
        base = alt.Chart(frame).encode(x=x, y=y, text="label:N")
        layers = []
        for offset in sorted(set(frame["dy"])) or [0]:  # Vega-Lite's dy is a constant: one layer per nudge
            part = base.transform_filter(f"datum.dy == {offset}")
            layers.append(part.mark_text(fontSize=size, fontWeight=weight, stroke="white", strokeWidth=4,
                                         strokeJoin="round", dy=offset))
            layers.append(part.mark_text(fontSize=size, fontWeight=weight, color=colour, dy=offset))
        return alt.layer(*layers)

    chart = alt.layer(dots, text(themes, 11, "normal", "#333333"), text(areas, 16, "bold", "#111111"))
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
    areas = int(points.loc[points["area"] != NO_AREA, "area"].nunique())
    caption = (f"{len(points):,} statements of {esc(data.quarter)}, each a point; statements that say similar "
               f"things sit close together. Colours are the {areas} areas; area names (bold) sit at the centre of "
               f"their statements, and the biggest themes' names where they fit.")
    alt_text = "Map of the quarter's statements with the areas " + ", ".join(
        sorted(set(points["area"]) - {NO_AREA}))
    image = base64.b64encode(png).decode("ascii")
    return HTML(f'<figure class="wb-voice-map"><img src="data:image/png;base64,{image}" alt="{esc(alt_text)}" '
                f'style="max-width:100%;height:auto" width="{WIDTH}">'
                f'<figcaption class="wb-muted">{caption}</figcaption></figure>')


__all__ = ["map_coordinates", "map_points", "voice_map", "voice_map_chart", "NO_AREA", "NO_THEME"]
