"""The explorer's HTML and chart pieces: quotes (customer text escaped, the mention marked),
provenance, the NPS bar, the Vega charts drawn from an inlined bundle, and one quote's row of
widgets. :mod:`workbench.explore.view` lays them out."""
from __future__ import annotations

import html
import itertools
import json
import math
import uuid

import altair as alt
import ipywidgets as w
import pandas as pd

from ..charts import safe_json

_chart_ids = itertools.count(1)

NPS_COLOURS = {"promoter": "#2e7d32", "passive": "#9e9e9e", "detractor": "#c62828", "no score": "#d7d7d7"}

STYLE = """
<style>
.wb-explorer h2 { margin: 4px 0; }
.wb-explorer .wb-muted { color: #666; font-size: 90%; }
.wb-explorer .wb-quote { line-height: 1.35; }
.wb-explorer .wb-prov { color: #666; font-size: 85%; }
.wb-explorer .wb-pin { color: #8a5a00; font-weight: bold; }
.wb-explorer .wb-error { color: #b00020; }
.wb-explorer .wb-ok { color: #1b5e20; }
.wb-explorer .wb-bar { display: flex; height: 14px; width: 360px; border-radius: 3px; overflow: hidden; }
.wb-explorer .wb-bar span { display: block; height: 100%; }
.wb-explorer table.wb-history td { padding: 0 8px 0 0; font-size: 85%; }
.wb-explorer .wb-scope { font-size: 85%; padding: 0 4px; border-radius: 3px; }
.wb-explorer .wb-filtered { background: #fff3cd; color: #7a5200; }
.wb-explorer .wb-total { background: #e8f0fe; color: #1a4d8f; }
.wb-explorer .wb-region, .wb-explorer .wb-quote { overflow-wrap: anywhere; }
.wb-explorer .wb-region ol { padding-left: 1.5em; }
</style>
"""


def esc(value) -> str:
    """Text for HTML: escaped, missing values as an empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def scope(filtered: bool) -> str:
    """The tag every figure carries: ``(filtered)`` when a filter leaves statements out, else
    ``(total)``."""
    name = "filtered" if filtered else "total"
    return f"<span class='wb-scope wb-{name}'>({name})</span>"


def _fmt_signed(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:+.{digits}f}"


def _fmt_score(score) -> str:
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return ""
    return f"{score:g}"


def chart_html(spec: dict, brush_target: str | None = None) -> str:
    """A ``<div>`` and a script that draws ``spec`` with the inlined ``vegaEmbed`` (waiting for
    the bundle to load); with ``brush_target``, the chart's ``brush`` selection is written as
    JSON into the text input inside the element of that CSS class."""
    element = f"wb-chart-{uuid.uuid4().hex[:8]}-{next(_chart_ids)}"
    listener = ""
    if brush_target:
        listener = (
            "var timer = null;"
            "result.view.addSignalListener('brush', function (name, value) {"
            " clearTimeout(timer);"
            " timer = setTimeout(function () {"
            f"  var box = document.querySelector('.{brush_target} input');"
            "  if (!box) { return; }"
            "  box.value = JSON.stringify(value || {});"
            "  box.dispatchEvent(new Event('change', {bubbles: true}));"
            " }, 250);"
            "});"
        )
    return (
        f'<div class="wb-chart" id="{element}"></div>'
        "<script>(function () { var tries = 0; function draw() {"
        f" var el = document.getElementById('{element}');"
        " if (!window.vegaEmbed || !el) { if (tries++ < 400) { setTimeout(draw, 50); } return; }"
        f" vegaEmbed(el, {safe_json(spec)}, {{\"actions\": false, \"renderer\": \"canvas\"}})"
        f".then(function (result) {{ {listener} }})"
        ".catch(function (e) { console.error(e); });"
        " } draw(); })();</script>"
    )


def _html_output(markup: str) -> tuple[dict, ...]:
    return ({"output_type": "display_data", "data": {"text/html": markup, "text/plain": "chart"}, "metadata": {}},)


def _template(chart: alt.TopLevelMixin) -> dict:
    """The chart's spec once, without data: each redraw only fills in ``datasets``."""
    return chart.to_dict()


def trend_template() -> dict:
    base = alt.Chart(alt.NamedData(name="trend")).encode(
        x=alt.X("quarter:O", title=None, sort=None),
        y=alt.Y("mentions:Q", title="mentions"),
        tooltip=[alt.Tooltip("quarter:O"), alt.Tooltip("mentions:Q"),
                 alt.Tooltip("share:Q", format=".1%", title="share of statements")],
    )
    return _template((base.mark_line() + base.mark_point(filled=True, size=50)).properties(width=360, height=150))


def map_template() -> dict:
    brush = alt.selection_interval(name="brush", encodings=["x", "y"])
    chart = alt.Chart(alt.NamedData(name="points")).mark_circle(size=28, opacity=0.65).encode(
        x=alt.X("x:Q", axis=None, scale=alt.Scale(zero=False)),
        y=alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False)),
        color=alt.Color("theme:N", legend=alt.Legend(title="theme", orient="right", labelLimit=220)),
        tooltip=[alt.Tooltip("theme:N"), alt.Tooltip("source:N"), alt.Tooltip("quarter:N"),
                 alt.Tooltip("score:Q"), alt.Tooltip("text:N", title="statement")],
    ).add_params(brush).properties(width=620, height=440)
    return _template(chart)


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", date_format="iso"))


class QuoteRow:
    """One quote of the selected theme: a tick box (for split and pin) and the quote."""

    def __init__(self):
        self.tick = w.Checkbox(value=False, indent=False, layout=w.Layout(width="28px"))
        self.html = w.HTML()
        self.box = w.HBox([self.tick, self.html], layout=w.Layout(display="none", align_items="flex-start"))
        self.evidence_id: str | None = None
        self.pinned = False

    def show(self, quote: pd.Series) -> None:
        self.evidence_id = str(quote["evidence_id"])
        self.pinned = bool(quote["pinned"])
        self.tick.value = False
        self.html.value = quote_html(quote)
        self.box.layout.display = None

    def hide(self) -> None:
        self.evidence_id = None
        self.pinned = False
        self.tick.value = False
        self.html.value = ""
        self.box.layout.display = "none"


def _fmt_share(value) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{100 * value:.0f} %"


def provenance(quote: pd.Series) -> str:
    """score, account, file and location, quarter and id of a quote, escaped."""
    parts = []
    score = _fmt_score(quote.get("score"))
    if score:
        parts.append(f"score {score} ({esc(quote.get('nps_category'))})")
    if quote.get("intent") and quote.get("intent") != "unknown":
        parts.append(esc(quote.get("intent")))
    if quote.get("account_id"):
        parts.append(f"account {esc(quote['account_id'])}")
    parts.append(f"{esc(quote.get('source_file'))}, {esc(quote.get('locator'))}")
    parts.append(esc(quote.get("quarter")))
    parts.append(f"<code>{esc(quote.get('evidence_id'))}</code>")
    return " · ".join(p for p in parts if p)


def _marked(quote: pd.Series) -> str:
    """The quote's text, escaped, with the mention of its theme marked (when known)."""
    text, start, end = str(quote["text"]), quote.get("start"), quote.get("end")
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return esc(text)
    start, end = int(start), int(end)
    if not 0 <= start < end <= len(text) or (start, end) == (0, len(text)):
        return esc(text)
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def quote_html(quote: pd.Series, with_theme: bool = False) -> str:
    pin = '<span class="wb-pin">📌 pinned</span> ' if quote.get("pinned") else ""
    theme = f'<b>{esc(quote.get("label"))}</b>: ' if with_theme else ""
    return (f'<div class="wb-quote">{pin}{theme}“{_marked(quote)}”'
            f'<div class="wb-prov">{esc(quote.get("source"))} · {provenance(quote)}</div></div>')


def nps_bar_html(split: dict[str, int], filtered: bool = False) -> str:
    scored = sum(split[c] for c in ("promoter", "passive", "detractor"))
    if not scored:
        return (f'<div class="wb-muted">No NPS comments in this theme under the filters '
                f'({split["no score"]} statements without a score) {scope(filtered)}.</div>')
    spans = "".join(
        f'<span title="{c}: {split[c]}" style="width:{100 * split[c] / scored:.2f}%;background:{NPS_COLOURS[c]}"></span>'
        for c in ("promoter", "passive", "detractor") if split[c]
    )
    text = " · ".join(f"{c}s {split[c]} ({100 * split[c] / scored:.0f}%)" for c in ("promoter", "passive", "detractor"))
    return (f'<div><b>Promoter / detractor split</b> of its {scored} NPS comments {scope(filtered)}</div>'
            f'<div class="wb-bar">{spans}</div><div class="wb-muted">{text}; '
            f'{split["no score"]} statements without a score</div>')


