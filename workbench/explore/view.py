"""The theme explorer's widgets: filters, a sortable theme list, a theme's details and quotes, the
2-D statement map and the analysts' actions.

    explorer = open_explorer("data/sample")
    explorer            # the last expression of a notebook cell shows it

Every number comes from :class:`~workbench.explore.state.ExplorerState`; this module only lays
it out. Customer text reaches the page only through ``html.escape`` (widgets' HTML) or as JSON
data inside a chart (with ``<``, ``>`` and ``&`` escaped, so it cannot close the script element).

Charts are Altair specs drawn by an inlined Vega bundle (no network). The map carries an
interval brush; its extent is written by the chart into a hidden text widget (``map_brush``,
JSON ``{"x": [x0, x1], "y": [y0, y1]}``), which is how Python reads the mouse selection without
the ``anywidget`` package that ``alt.JupyterChart`` needs. :meth:`Explorer.select_region` sets
the same widget from code.
"""
from __future__ import annotations

import json
import logging
import os
import time
import uuid
from pathlib import Path

import ipywidgets as w
import pandas as pd

from ..charts import vega_bundle
from ..themes.journey import STAGES
from ..themes.registry import RegistryError
from .actions import AnalystActions, default_analyst
from .pieces import (  # noqa: F401 (chart_html, quote_html, nps_bar_html and esc are this module's API too)
    STYLE, QuoteRow, _fmt_share, _fmt_signed, _html_output, _records, chart_html, esc, map_template,
    nps_bar_html, quote_html, trend_template,
)
from .state import INTENT_CATEGORIES, NPS_CATEGORIES, ExplorerState

log = logging.getLogger(__name__)

DATA_DIR_ENV = "WORKBENCH_DATA_DIR"
QUOTE_LIMIT = 25
MAP_LIMIT = 3000
REGION_LIMIT = 25
HISTORY_SHOWN = 8
class Explorer:
    """The explorer's widgets over an :class:`ExplorerState`.

    ``actions``: where analysts' edits go (None: read-only, the action buttons are disabled).
    The widgets are attributes (``quarters``, ``sources``, ``industry``, ``plan``, ``region``,
    ``nps_category``, ``search``, ``sort_by``, ``theme_list``, ``quote_rows``, ``map_brush``,
    the action fields and buttons...), so code and tests can drive it as a user would.
    """

    def __init__(self, state: ExplorerState, actions: AnalystActions | None = None, *,
                 quote_limit: int = QUOTE_LIMIT, map_limit: int = MAP_LIMIT, map_note: str = "",
                 title: str = "Theme explorer"):
        self.state = state
        self.actions = actions
        self.quote_limit = quote_limit
        self.map_limit = map_limit
        self.map_note = map_note
        self._busy = False
        self._uid = uuid.uuid4().hex[:10]
        self._trend_spec = trend_template()
        self._map_spec = map_template()
        self.last_refresh_s = 0.0
        self.table = pd.DataFrame()
        self.map_points = pd.DataFrame()
        self._shown_theme: str | None = None
        self._build(title)
        self.refresh()

    # ----------------------------------------------------------------------------------------
    # Layout
    # ----------------------------------------------------------------------------------------

    def _build(self, title: str) -> None:
        s = self.state
        wide = {"style": {"description_width": "80px"}}
        quarters = s.quarters or ["(none)"]
        self.quarters = w.SelectionRangeSlider(
            options=quarters, index=(0, len(quarters) - 1), description="Quarters", continuous_update=False,
            disabled=not s.quarters, layout=w.Layout(width="460px"), **wide)
        self.search = w.Text(description="Search", placeholder="words in the statement, then Enter",
                             continuous_update=False, layout=w.Layout(width="380px"), **wide)

        def multi(description, options):
            return w.SelectMultiple(options=list(options), description=description, rows=min(max(len(options), 2), 5),
                                    layout=w.Layout(width="230px"), **wide)

        self.sources = multi("Sources", s.sources)
        self.industry = multi("Industry", s.segments["industry"])
        self.plan = multi("Plan", s.segments["plan"])
        self.region = multi("Region", s.segments["region"])
        self.nps_category = multi("NPS", NPS_CATEGORIES)
        self.intent = multi("Intent", INTENT_CATEGORIES)
        for name in ("quarters", "search", "sources", "industry", "plan", "region", "nps_category", "intent"):
            getattr(self, name).add_class(f"wb-filter-{name.replace('_', '-')}")
        self.clear_button = w.Button(description="Clear filters", icon="times")
        self.sort_by = w.ToggleButtons(options=[("By area", "area"), ("Size", "size"), ("Impact on NPS", "impact"),
                                                ("Growth", "growth")],
                                       value="area", tooltips=["areas biggest first, then their themes", "mentions",
                                                               "biggest drag on NPS first",
                                                               "mentions in the last quarter vs the one before"],
                                       style={"button_width": "140px"})
        self.summary = w.HTML()
        self.theme_list = w.Select(options=[], rows=18, layout=w.Layout(width="440px"))
        self.theme_list.add_class("wb-theme-list")
        self.theme_header = w.HTML()
        self.nps_bar = w.HTML()
        self.trend = w.Output()
        self.quotes_info = w.HTML()
        self.quote_rows = [QuoteRow() for _ in range(self.quote_limit)]

        # analysts' actions
        self.analyst = w.Text(value=default_analyst(), description="Analyst", layout=w.Layout(width="260px"), **wide)
        self.rename_label = w.Text(description="New label", layout=w.Layout(width="340px"), **wide)
        self.rename_button = w.Button(description="Rename", icon="pencil")
        self.merge_target = w.Dropdown(options=[], description="Merge into", layout=w.Layout(width="340px"), **wide)
        self.merge_button = w.Button(description="Merge", icon="compress")
        self.split_label = w.Text(description="Split label", placeholder="label for the ticked quotes",
                                  layout=w.Layout(width="340px"), **wide)
        self.split_button = w.Button(description="Split off ticked", icon="scissors")
        self.pin_button = w.Button(description="Pin ticked", icon="thumb-tack")
        self.unpin_button = w.Button(description="Unpin ticked")
        self.requirement_button = w.Button(description="Mark as requirement", icon="flag")
        self.stage_choice = w.Dropdown(options=[("automatic (from its words)", ""), *[(s, s) for s in STAGES]],
                                       value="", description="Journey stage", layout=w.Layout(width="340px"), **wide)
        self.stage_button = w.Button(description="Set stage", icon="map-signs")
        self.area_choice = w.Dropdown(options=[], description="Area", layout=w.Layout(width="340px"), **wide)
        self.move_button = w.Button(description="Move to area", icon="folder-open")
        self.area_name = w.Text(description="Area name", layout=w.Layout(width="340px"), **wide)
        self.area_rename_button = w.Button(description="Rename area", icon="pencil")
        self.undo_button = w.Button(description="Undo last edit", icon="undo")
        self.message = w.HTML()
        self.history = w.HTML()
        buttons = [self.rename_button, self.merge_button, self.split_button, self.pin_button, self.unpin_button,
                   self.requirement_button, self.stage_button, self.move_button, self.area_rename_button,
                   self.undo_button]
        for button in buttons:
            button.disabled = self.actions is None
            button.layout.width = "auto"

        # the map
        self.map_output = w.Output()
        self.map_output.add_class("wb-map")
        self.trend.add_class("wb-trend")
        self.summary.add_class("wb-summary")
        self.map_brush = w.Text(value="", layout=w.Layout(display="none"))
        self.map_brush.add_class(self._brush_class)
        self.map_info = w.HTML()
        self.map_quotes = w.HTML()
        self._bundle = w.Output(layout=w.Layout(display="none"))
        self._bundle.outputs = _html_output(f"<script>{vega_bundle()}</script>")

        actions_box = w.VBox([
            w.HTML("<b>Analyst actions</b> <span class='wb-muted'>(saved to the theme registry, "
                   "kept by the next <code>workbench quarterly</code>)</span>"),
            self.analyst,
            w.HBox([self.rename_label, self.rename_button]),
            w.HBox([self.merge_target, self.merge_button]),
            w.HBox([self.split_label, self.split_button]),
            w.HBox([self.stage_choice, self.stage_button]),
            w.HBox([self.area_choice, self.move_button]),
            w.HBox([self.area_name, self.area_rename_button]),
            w.HBox([self.pin_button, self.unpin_button, self.requirement_button, self.undo_button]),
            self.message, self.history,
        ])
        detail = w.VBox([self.theme_header, self.nps_bar, self.trend, actions_box, self.quotes_info,
                         *[row.box for row in self.quote_rows]], layout=w.Layout(width="100%"))
        filters = w.VBox([
            w.HBox([self.quarters, self.search, self.clear_button]),
            w.HBox([self.sources, self.industry, self.plan, self.region, self.nps_category, self.intent]),
            w.HTML("<div class='wb-muted'>A list with nothing selected does not filter; Ctrl/Cmd-click selects "
                   "several values.</div>"),
        ])
        self.widget = w.VBox([
            w.HTML(STYLE + f"<h2>{esc(title)}</h2>"), self._bundle, filters, self.summary,
            w.HBox([w.VBox([w.HTML("<b>Themes</b> <span class='wb-muted'>(label · mentions · impact on NPS · "
                                   "growth)</span>"), self.sort_by, self.theme_list],
                           layout=w.Layout(width="470px", min_width="470px")), detail]),
            w.HTML("<h3>Map of the statements</h3><div class='wb-muted'>Drag a rectangle on the map to list "
                   "the statements inside it; double-click to clear.</div>"),
            self.map_info, w.HBox([self.map_output, self.map_quotes]), self.map_brush,
        ])
        self.widget.add_class("wb-explorer")

        for control in (self.quarters, self.search, self.sources, self.industry, self.plan, self.region,
                        self.nps_category, self.intent):
            control.observe(self._on_filter, names="value")
        self.sort_by.observe(self._on_sort, names="value")
        self.theme_list.observe(self._on_theme, names="value")
        self.map_brush.observe(self._on_brush, names="value")
        self.clear_button.on_click(lambda _: self.clear_filters())
        self.rename_button.on_click(lambda _: self.rename())
        self.merge_button.on_click(lambda _: self.merge())
        self.split_button.on_click(lambda _: self.split())
        self.pin_button.on_click(lambda _: self.pin())
        self.unpin_button.on_click(lambda _: self.unpin())
        self.requirement_button.on_click(lambda _: self.toggle_requirement())
        self.stage_button.on_click(lambda _: self.set_stage())
        self.move_button.on_click(lambda _: self.move_to_area())
        self.area_rename_button.on_click(lambda _: self.rename_area())
        self.undo_button.on_click(lambda _: self.undo())

    @property
    def _brush_class(self) -> str:
        return f"wb-brush-{self._uid}"

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # ----------------------------------------------------------------------------------------
    # Events
    # ----------------------------------------------------------------------------------------

    def _filters_from_widgets(self) -> dict:
        return {
            "quarters": tuple(self.quarters.value) if self.state.quarters else None,
            "sources": self.sources.value, "industry": self.industry.value, "plan": self.plan.value,
            "region": self.region.value, "nps": self.nps_category.value, "intents": self.intent.value,
            "search": self.search.value,
        }

    def _on_filter(self, _change=None) -> None:
        if self._busy:
            return
        self.state.set_filters(**self._filters_from_widgets())
        self.refresh()

    def _on_sort(self, _change=None) -> None:
        if self._busy:
            return
        self._refresh_theme_list()
        self._show_theme()

    def _on_theme(self, _change=None) -> None:
        if self._busy:
            return
        self._show_theme()

    def _on_brush(self, _change=None) -> None:
        if self._busy:
            return
        self._show_region()

    def clear_filters(self) -> None:
        self._busy = True
        try:
            if self.state.quarters:
                self.quarters.index = (0, len(self.state.quarters) - 1)
            for control in (self.sources, self.industry, self.plan, self.region, self.nps_category, self.intent):
                control.value = ()
            self.search.value = ""
        finally:
            self._busy = False
        self._on_filter()

    @property
    def selected(self) -> str | None:
        """The id of the theme being shown."""
        return self.theme_list.value

    def select(self, theme_id: str) -> None:
        self.theme_list.value = theme_id

    def select_region(self, x: tuple[float, float] | None, y: tuple[float, float] | None = None) -> None:
        """Select a rectangle of the map from code, as the mouse brush does (None clears it)."""
        self.map_brush.value = "" if x is None else json.dumps({"x": list(x), "y": list(y)})

    # ----------------------------------------------------------------------------------------
    # Drawing
    # ----------------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> float:
        """Redraw everything from the state; returns the seconds it took."""
        t0 = time.perf_counter()
        counts = self.state.counts()
        self.summary.value = (
            f"<b>{counts['statements']:,}</b> of {counts['total']:,} statements match the filters "
            f"({counts['themed']:,} in a theme)")
        self._refresh_theme_list(select)
        self._show_theme()
        self._draw_map()
        self.last_refresh_s = time.perf_counter() - t0
        return self.last_refresh_s

    def _option_text(self, row) -> str:
        label = row.label if len(row.label) <= 60 else row.label[:59] + "…"
        if getattr(row, "area", None):
            label = f"{row.area} › {label}"
        flag = " [requirement]" if row.requirement else ""
        growth = f"{row.growth:+d}"
        return (f"{label}{flag} · {row.mentions:,} · impact {_fmt_signed(row.impact)} · growth {growth}")

    def _refresh_theme_list(self, select: str | None = None) -> None:
        self.table = self.state.theme_table(self.sort_by.value)
        keep = select or self.theme_list.value
        options = [(self._option_text(r), r.theme_id) for r in self.table.itertuples()]
        ids = [v for _, v in options]
        self._busy = True
        try:
            with self.theme_list.hold_sync():
                self.theme_list.options = options
                self.theme_list.value = keep if keep in ids else (ids[0] if ids else None)
        finally:
            self._busy = False

    def _show_theme(self) -> None:
        theme_id = self.theme_list.value
        if theme_id is None:
            self.theme_header.value = "<p class='wb-muted'>No theme has statements under these filters.</p>"
            self.nps_bar.value = ""
            self.trend.outputs = ()
            self.quotes_info.value = ""
            for row in self.quote_rows:
                row.hide()
            self.history.value = ""
            self._set_options(self.merge_target, [])
            self._shown_theme = None
            return
        s = self.state
        info = s.theme_info(theme_id)
        row = self.table.set_index("theme_id").loc[theme_id]
        last, previous = s.previous_quarter()
        keywords = ", ".join(esc(k) for k in info["keywords"]) or "<span class='wb-muted'>none</span>"
        facts = [esc(theme_id), esc(info["status"])]
        if row.get("area"):
            facts.append(f"area: {esc(row['area'])}")
        if info.get("journey_stage"):
            facts.append(f"journey: {esc(info['journey_stage'])}")
        if info["requirement"]:
            facts.append("<b>marked as requirement</b>")
        impact = (f"impact on NPS <b>{_fmt_signed(row['impact'])}</b> points "
                  f"({int(row['nps_responses'])} responses mention it; positive = drags NPS down)")
        growth_pct = "" if pd.isna(row["growth_pct"]) else f", {row['growth_pct']:+.0%}"
        self.theme_header.value = (
            f"<h3 class='wb-theme-label'>{esc(info['label'])}</h3>"
            f"<div class='wb-muted'>{' · '.join(facts)}</div>"
            f"<div>Keywords: {keywords}</div>"
            f"<div><b>{int(row['mentions']):,}</b> mentions from {int(row['accounts']):,} accounts · {impact}</div>"
            f"<div>Growth: {int(row['last_quarter'])} mentions in {esc(last)} vs {int(row['previous_quarter'])} "
            f"in {esc(previous)} ({int(row['growth']):+d}{growth_pct})</div>"
            f"<div class='wb-intents'>What customers said: {_fmt_share(row.get('problem_share'))} problems · "
            f"{_fmt_share(row.get('request_share'))} requests · {_fmt_share(row.get('praise_share'))} praise"
            + (f"; feeling {_fmt_share(row.get('negative_share'))} negative · "
               f"{_fmt_share(row.get('positive_share'))} positive" if pd.notna(row.get("negative_share")) else "")
            + "</div>")
        self.nps_bar.value = nps_bar_html(s.nps_split(theme_id))
        trend = s.trend(theme_id)
        spec = dict(self._trend_spec, datasets={"trend": _records(trend)},
                    title=f"Mentions per quarter ({int(trend['mentions'].sum()):,} in the range)")
        self.trend.outputs = _html_output(chart_html(spec))

        quotes, total = s.quotes(theme_id, self.quote_limit)
        self.quotes_info.value = (f"<b>Quotes</b> ({len(quotes)} of {total:,} shown; pinned first, then newest). "
                                  "<span class='wb-muted'>Tick quotes to pin them or split them off.</span>")
        for i, row_widget in enumerate(self.quote_rows):
            if i < len(quotes):
                row_widget.show(quotes.iloc[i])
            else:
                row_widget.hide()
        if theme_id != self._shown_theme or not self.rename_label.value.strip():
            self.rename_label.value = info["label"]  # prefilled for a new selection, kept while typing
        if theme_id != self._shown_theme:
            self.stage_choice.value = info["journey_stage"] if info.get("journey_stage_source") == "analyst" else ""
            area = self._area_of(theme_id)
            self._set_options(self.area_choice, [(f"{n} ({a})", a) for a, n in sorted(s.area_names.items())])
            self.area_choice.value = area if area in s.area_names else None
            self.area_name.value = s.area_names.get(area, "")
        self._shown_theme = theme_id
        self.requirement_button.description = "Unmark requirement" if info["requirement"] else "Mark as requirement"
        others = [(f"{r.label} ({r.theme_id})", r.theme_id) for r in self.table.itertuples() if r.theme_id != theme_id]
        self._set_options(self.merge_target, others)
        self._show_history(theme_id)

    @staticmethod
    def _set_options(dropdown: w.Dropdown, options: list) -> None:
        keep = dropdown.value
        with dropdown.hold_sync():
            dropdown.options = options
            ids = [v for _, v in options]
            dropdown.value = keep if keep in ids else (ids[0] if ids else None)

    def _show_history(self, theme_id: str) -> None:
        if self.actions is None:
            self.history.value = ""
            return
        entries = self.actions.registry.history(theme_id)
        entries = [e for e in entries if e["action"] != "match"][-HISTORY_SHOWN:][::-1]
        if not entries:
            self.history.value = "<div class='wb-muted'>No analyst edits to this theme yet.</div>"
            return
        rows = []
        for e in entries:
            args = {k: v for k, v in (e.get("args") or {}).items() if k not in ("evidence_ids",)}
            if "evidence_ids" in (e.get("args") or {}):
                args["statements"] = len(e["args"]["evidence_ids"])
            what = ", ".join(f"{k}={v}" for k, v in args.items())
            undone = " (undone)" if e.get("undone") else ""
            rows.append(f"<tr><td>{esc(e.get('at'))}</td><td>{esc(e.get('who'))}</td>"
                        f"<td>{esc(e['action'])}{undone}</td><td>{esc(what)}</td></tr>")
        self.history.value = f"<div><b>History</b></div><table class='wb-history'>{''.join(rows)}</table>"

    def _draw_map(self) -> None:
        s = self.state
        self._busy = True
        try:
            self.map_brush.value = ""
        finally:
            self._busy = False
        self.map_quotes.value = "<div class='wb-muted'>No region selected.</div>"
        if not s.has_map:
            self.map_points = pd.DataFrame()
            self.map_output.outputs = ()
            self.map_info.value = f"<div class='wb-muted'>No map: {esc(self.map_note or 'no statement map')}</div>"
            return
        points, total = s.map_points(self.map_limit)
        self.map_points = points
        note = f" ({esc(self.map_note)})" if self.map_note else ""
        self.map_info.value = (f"<div class='wb-muted'>{len(points):,} of {total:,} statements drawn"
                               f"{' (a fixed sample)' if total > len(points) else ''}{note}</div>")
        spec = dict(self._map_spec, datasets={"points": _records(points)})
        self.map_output.outputs = _html_output(chart_html(spec, brush_target=self._brush_class))

    def region_extent(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """The selected map rectangle ((x0, x1), (y0, y1)), or None."""
        text = self.map_brush.value.strip()
        if not text:
            return None
        try:
            value = json.loads(text)
            return (tuple(map(float, value["x"][:2])), tuple(map(float, value["y"][:2])))
        except (ValueError, KeyError, TypeError, IndexError):
            return None

    def _show_region(self) -> None:
        extent = self.region_extent()
        if extent is None:
            self.map_quotes.value = "<div class='wb-muted'>No region selected.</div>"
            return
        quotes, total = self.state.region(*extent, limit=REGION_LIMIT)
        items = "".join(f"<li>{quote_html(q, with_theme=True)}</li>" for _, q in quotes.iterrows())
        self.map_quotes.value = (f"<div class='wb-region'><b>{total:,} statements in the selected region</b>"
                                 f" (showing {len(quotes)})<ol>{items}</ol></div>")

    # ----------------------------------------------------------------------------------------
    # Analysts' actions
    # ----------------------------------------------------------------------------------------

    def _say(self, text: str, error: bool = False) -> None:
        css = "wb-error" if error else "wb-ok"
        self.message.value = f"<div class='{css}'>{esc(text)}</div>"

    def _act(self, what: str, edit, select=None) -> bool:
        if self.actions is None:
            self._say("This explorer is read-only.", error=True)
            return False
        try:
            result = edit()
        except (RegistryError, ValueError, KeyError) as exc:
            self._say(f"Could not {what}: {exc}", error=True)
            return False
        self.state.apply_registry(self.actions.registry)
        self._shown_theme = None  # show the theme's label as it now is
        self.refresh(select=select(result) if callable(select) else select)
        return True

    @property
    def _who(self) -> str:
        return self.analyst.value.strip() or default_analyst()

    def ticked(self) -> list[str]:
        """Evidence ids of the ticked quotes."""
        return [row.evidence_id for row in self.quote_rows if row.evidence_id and row.tick.value]

    def _need_theme(self) -> str | None:
        if self.selected is None:
            self._say("Select a theme first.", error=True)
        return self.selected

    def rename(self) -> None:
        theme_id = self._need_theme()
        label = self.rename_label.value.strip()
        if theme_id and self._act("rename", lambda: self.actions.rename(theme_id, label, who=self._who)):
            self._say(f"Renamed {theme_id} to “{label}”.")

    def merge(self) -> None:
        source, target = self._need_theme(), self.merge_target.value
        if not source:
            return
        if not target:
            self._say("Choose a theme to merge into.", error=True)
            return
        if self._act("merge", lambda: self.actions.merge(source, target, who=self._who), select=target):
            self._say(f"Merged {source} into {target}; its statements now show under {target}.")

    def split(self) -> None:
        theme_id, ids, label = self._need_theme(), self.ticked(), self.split_label.value.strip()
        if not theme_id:
            return
        if not ids:
            self._say("Tick the quotes to split off first.", error=True)
            return
        texts = self.state.statements.set_index("evidence_id").loc[ids, "text"].tolist()
        done = self._act("split", lambda: self.actions.split(theme_id, ids, label, texts=texts, who=self._who),
                         select=lambda new_id: new_id)
        if done:
            self.split_label.value = ""
            self._say(f"Split {len(ids)} statements off {theme_id} into {self.selected} “{label}”.")

    def pin(self) -> None:
        theme_id, ids = self._need_theme(), self.ticked()
        if not theme_id:
            return
        if not ids:
            self._say("Tick the quotes to pin first.", error=True)
            return

        def edit():
            for evidence_id in ids:
                self.actions.pin(theme_id, evidence_id, who=self._who)

        if self._act("pin", edit):
            self._say(f"Pinned {len(ids)} quote(s) on {theme_id}.")

    def unpin(self) -> None:
        theme_id = self._need_theme()
        ids = [row.evidence_id for row in self.quote_rows if row.evidence_id and row.tick.value and row.pinned]
        if not theme_id:
            return
        if not ids:
            self._say("Tick pinned quotes to unpin them.", error=True)
            return

        def edit():
            for evidence_id in ids:
                self.actions.unpin(theme_id, evidence_id, who=self._who)

        if self._act("unpin", edit):
            self._say(f"Unpinned {len(ids)} quote(s) from {theme_id}.")

    def toggle_requirement(self) -> None:
        theme_id = self._need_theme()
        if not theme_id:
            return
        flag = not self.state.theme_info(theme_id)["requirement"]
        if self._act("mark the requirement", lambda: self.actions.mark_requirement(theme_id, flag, who=self._who)):
            self._say(f"{theme_id} {'marked as' if flag else 'no longer'} a requirement.")

    def set_stage(self) -> None:
        theme_id = self._need_theme()
        if not theme_id:
            return
        stage = self.stage_choice.value or None
        if self._act("set the journey stage", lambda: self.actions.set_journey_stage(theme_id, stage, who=self._who)):
            self._say(f"{theme_id} is at the {stage} stage." if stage
                      else f"{theme_id}'s stage is inferred from its words again.")

    def _area_of(self, theme_id: str) -> str | None:
        registry = self.actions.registry if self.actions is not None else None
        return registry.area_of(theme_id) if registry is not None and hasattr(registry, "area_of") else None

    def move_to_area(self) -> None:
        theme_id, area = self._need_theme(), self.area_choice.value
        if not theme_id:
            return
        if not area:
            self._say("Choose the area to move the theme to.", error=True)
            return
        if self._act("move the theme", lambda: self.actions.move_theme(theme_id, area, who=self._who),
                     select=theme_id):
            self._say(f"{theme_id} is in area {self.state.area_names.get(area, area)} ({area}) now.")

    def rename_area(self) -> None:
        theme_id = self._need_theme()
        area = self._area_of(theme_id) if theme_id else None
        if theme_id and not area:
            self._say("This theme is in no area yet (the next run groups it).", error=True)
            return
        name = self.area_name.value.strip()
        if area and self._act("rename the area", lambda: self.actions.rename_area(area, name, who=self._who),
                              select=theme_id):
            self._say(f"Area {area} is '{name}' now.")

    def undo(self) -> None:
        if self._act("undo", lambda: self.actions.undo(who=self._who)):
            entry = self.actions.registry.history()[-1]
            args = entry.get("args") or {}
            what = ", ".join(f"{k} {v}" for k, v in args.items() if k not in ("at",))
            self._say(f"Undid {args.get('action')} ({what}).")


def open_explorer(data_dir: str | os.PathLike | None = None, *, who: str | None = None, map_method: str = "umap",
                  embedder=None, model_path: str | None = None, with_map: bool = True, **options) -> Explorer:
    """The explorer on a themed data folder (default: the ``WORKBENCH_DATA_DIR`` environment
    variable, which ``workbench explore`` sets).

    The statement map is read from the store, or computed and cached there on first use
    (``map_method``: ``umap`` or ``pca``); if it cannot be made the explorer opens without it.
    ``embedder`` / ``model_path`` choose the embedding model for the map and for split-off
    themes' centroids. ``options`` go to :class:`Explorer`.
    """
    from .map2d import statement_map

    data_dir = data_dir or os.environ.get(DATA_DIR_ENV)
    if not data_dir:
        raise ValueError(f"no data folder: pass one, or set {DATA_DIR_ENV} (`workbench explore DATA_DIR` does)")
    data_dir = Path(data_dir)
    coords, note = None, ""
    if with_map:
        try:
            coords = statement_map(data_dir, method=map_method, embedder=embedder, model_path=model_path,
                                   progress=lambda message: print(message + " ...", flush=True))
        except Exception as exc:  # the rest of the explorer works without the map
            log.warning("statement map unavailable: %s", exc)
            note = f"could not compute the statement map ({type(exc).__name__}: {exc})"
    else:
        note = "map turned off"
    state = ExplorerState.from_data_dir(data_dir, statement_map=coords)
    actions = AnalystActions(data_dir, who=who, embedder=embedder, model_path=model_path)
    explorer = Explorer(state, actions, map_note=note, **options)
    if who:
        explorer.analyst.value = who
    return explorer


__all__ = ["Explorer", "open_explorer", "chart_html", "quote_html", "nps_bar_html", "DATA_DIR_ENV", "esc"]
