"""Altair charts that render with no network: the Vega bundle is inlined once per report.

The bundle and the script-safe JSON come from :mod:`workbench.charts`, which the explorer uses too.

In a report notebook, call ``enable_offline()`` in the first cell: it emits the Vega/Vega-Lite/
vega-embed bundle (from vl-convert, no download) and switches Altair to a renderer that emits a
``<div>`` plus a call to the inlined ``vegaEmbed``. Chart specs are JSON with ``<`` escaped, so a
customer's text inside a tooltip can never close the script element.
"""
from __future__ import annotations

import html
import itertools
from pathlib import Path

import altair as alt
import vl_convert as vlc

from ..charts import safe_json, vega_bundle  # noqa: F401 (this module's API too)
from .html import HTML, esc

RENDERER = "workbench_offline"
_ids = itertools.count(1)


def chart_html(spec: dict, chart_id: str | None = None) -> str:
    chart_id = chart_id or f"wb-chart-{next(_ids)}"
    return (
        f'<div class="wb-chart" id="{html.escape(chart_id)}"></div>'
        f"<script>vegaEmbed('#{chart_id}', {safe_json(spec)}, "
        '{"actions": {"export": true, "source": false, "compiled": false, "editor": false}, "renderer": "svg"})'
        ".catch(function (e) { console.error(e); });</script>"
    )


def _renderer(spec: dict, **_) -> dict:
    return {"text/html": chart_html(spec)}


alt.renderers.register(RENDERER, _renderer)


class _Bundle:
    """Displayed once: the inlined Vega libraries."""

    def _repr_html_(self) -> str:
        return f"<script>{vega_bundle()}</script>"


def enable_offline(display_bundle: bool = True):
    """Switch Altair to the offline renderer; returns the bundle object for the notebook to display."""
    alt.renderers.enable(RENDERER)
    alt.data_transformers.disable_max_rows()
    return _Bundle() if display_bundle else None


def no_chart(why: str) -> HTML:
    """What a report shows instead of a chart with nothing to draw: one line saying why."""
    return HTML(f'<p class="wb-empty">No chart: {esc(why)}</p>')


def chart_or_note(chart: alt.TopLevelMixin, rows: int, why: str) -> alt.TopLevelMixin | HTML:
    """``chart`` when it has ``rows`` to draw, else :func:`no_chart` (never axes with no marks)."""
    return chart if rows else no_chart(why)


def save_static(chart: alt.TopLevelMixin | HTML, path: str | Path) -> Path | None:
    """PNG or SVG (by suffix) for e-mail, rendered by vl-convert with no browser or network.
    Nothing is written for a chart replaced by a note (:func:`no_chart`)."""
    if isinstance(chart, HTML):
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    spec = chart.to_dict()
    if path.suffix == ".svg":
        path.write_text(vlc.vegalite_to_svg(spec), encoding="utf-8")
    else:
        path.write_bytes(vlc.vegalite_to_png(spec, scale=2))
    return path
