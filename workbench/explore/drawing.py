"""Drawing the theme explorer from its state: the summary, the theme list, the selected theme's
header, NPS bar, trend chart, quotes and history, the 2-D map and the statements in a selected
region of it. Customer text reaches the page only through ``html.escape`` or as chart JSON."""
from __future__ import annotations

import json
import time

import ipywidgets as w
import pandas as pd

from .pieces import (
    _fmt_share, _fmt_signed, _html_output, _records, chart_html, esc, nps_bar_html, quote_html, scope,
)

REGION_LIMIT = 25  # statements listed for a region of the map
HISTORY_SHOWN = 8  # analysts' edits listed for a theme


class ExplorerDrawing:
    """What :class:`~workbench.explore.view.Explorer` redraws when the filters, the sort, the
    selected theme or the map's selection change."""

    def refresh(self, select: str | None = None) -> float:
        """Redraw everything from the state; returns the seconds it took."""
        t0 = time.perf_counter()
        counts = self.state.counts()
        self.summary.value = (
            f"<b>{counts['statements']:,}</b> of {counts['total']:,} statements match the filters "
            f"({counts['themed']:,} in a theme) {scope(counts['filtered'])}")
        self.list_scope.value = scope(counts["filtered"])
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
            self._set_options(self.merge_target, [], first=False)
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
        filtered, by_segment = s.is_filtered, s.segments_filtered
        impact = (f"impact on NPS <b>{_fmt_signed(row['impact'])}</b> points "
                  f"({int(row['nps_responses']):,} NPS responses "
                  f"{'in the selected quarters and segments' if by_segment else 'in all'} mention it; "
                  f"positive = drags NPS down) {scope(by_segment)}")
        growth_pct = "" if pd.isna(row["growth_pct"]) else f", {row['growth_pct']:+.0%}"
        self.theme_header.value = (
            f"<h3 class='wb-theme-label'>{esc(info['label'])}</h3>"
            f"<div class='wb-muted'>{' · '.join(facts)}</div>"
            f"<div>Keywords: {keywords}</div>"
            f"<div><b>{int(row['mentions']):,}</b> of {int(row['total_mentions']):,} mentions "
            f"{scope(filtered)} from {int(row['accounts']):,} accounts</div><div>{impact}</div>"
            f"<div>Growth: {int(row['last_quarter'])} mentions in {esc(last)} vs {int(row['previous_quarter'])} "
            f"in {esc(previous)} ({int(row['growth']):+d}{growth_pct}) {scope(s.is_filtered_but_quarters)}</div>"
            f"<div class='wb-intents'>What customers said: {_fmt_share(row.get('problem_share'))} problems · "
            f"{_fmt_share(row.get('request_share'))} requests · {_fmt_share(row.get('praise_share'))} praise"
            + (f"; feeling {_fmt_share(row.get('negative_share'))} negative · "
               f"{_fmt_share(row.get('positive_share'))} positive" if pd.notna(row.get("negative_share")) else "")
            + f" {scope(filtered)}</div>")
        self.nps_bar.value = nps_bar_html(s.nps_split(theme_id), filtered)
        trend = s.trend(theme_id)
        spec = dict(self._trend_spec, datasets={"trend": _records(trend)},
                    title=f"Mentions per quarter ({int(trend['mentions'].sum()):,} in the range, "
                          f"{'filtered' if s.is_filtered_but_quarters else 'total'})")
        self.trend.outputs = _html_output(chart_html(spec))

        quotes, total = s.quotes(theme_id, self.quote_limit)
        self.quotes_info.value = (f"<b>Quotes</b> ({len(quotes)} of {total:,} shown; pinned first, then newest) "
                                  f"{scope(filtered)}. "
                                  "<span class='wb-muted'>Tick quotes to pin them or split them off.</span>")
        for i, row_widget in enumerate(self.quote_rows):
            if i < len(quotes):
                row_widget.show(quotes.iloc[i])
            else:
                row_widget.hide()
        if theme_id != self._shown_theme or not self.rename_label.value.strip():
            self.rename_label.value = info["label"]  # prefilled for a new selection, kept while typing
        new_theme = theme_id != self._shown_theme
        if new_theme:
            self.stage_choice.value = info["journey_stage"] if info.get("journey_stage_source") == "analyst" else ""
            area = self._area_of(theme_id)
            self._set_options(self.area_choice, [(f"{n} ({a})", a) for a, n in sorted(s.area_names.items())])
            self.area_choice.value = area if area in s.area_names else None
            self.area_name.value = s.area_names.get(area, "")
        self._shown_theme = theme_id
        self.requirement_button.description = "Unmark requirement" if info["requirement"] else "Mark as requirement"
        others = [(f"{r.label} ({r.theme_id})", r.theme_id) for r in self.table.itertuples() if r.theme_id != theme_id]
        if new_theme:
            self.merge_target.value = None  # a merge target is always chosen by hand, never pre-selected
        self._set_options(self.merge_target, others, first=False)
        self._show_history(theme_id)

    @staticmethod
    def _set_options(dropdown: w.Dropdown, options: list, first: bool = True) -> None:
        """New options, keeping the chosen value if it is still one; otherwise the first option
        (``first``) or none chosen."""
        keep = dropdown.value
        with dropdown.hold_sync():
            dropdown.options = options
            ids = [v for _, v in options]
            dropdown.value = keep if keep in ids else (ids[0] if ids and first else None)

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
            if self.webgl is not None and self.webgl.scatter is not None:
                self.webgl.select(None)
        finally:
            self._busy = False
        self.map_quotes.value = "<div class='wb-muted'>No region selected.</div>"
        if self.webgl is not None and s.has_map:
            shown = self.webgl.draw()
            self.map_panel.children = [self.webgl.box]
            note = f" ({esc(self.map_note)})" if self.map_note else ""
            self.map_info.value = (f"<div class='wb-muted'>{shown:,} of {len(self.webgl.frame):,} statements on "
                                   f"the map{note} {scope(s.is_filtered)}; hover a point for its text, lasso "
                                   "points (click the background, then drag from the circle) to list them</div>")
            return
        if not s.has_map:
            self.map_points = pd.DataFrame()
            self.map_output.outputs = ()
            self.map_info.value = f"<div class='wb-muted'>No map: {esc(self.map_note or 'no statement map')}</div>"
            return
        points, total = s.map_points(self.map_limit)
        self.map_points = points
        note = f" ({esc(self.map_note)})" if self.map_note else ""
        self.map_info.value = (f"<div class='wb-muted'>{len(points):,} of {total:,} statements drawn"
                               f"{' (a fixed sample)' if total > len(points) else ''}{note} "
                               f"{scope(s.is_filtered)}; drag a rectangle on the map to list the statements "
                               "inside it, double-click to clear</div>")
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

    def _show_selection(self, positions) -> None:
        """List the statements a lasso selected on the WebGL map."""
        if not len(positions):
            self.map_quotes.value = "<div class='wb-muted'>No region selected.</div>"
            return
        quotes, total = self.state.map_selection(positions, limit=REGION_LIMIT)
        items = "".join(f"<li>{quote_html(q, with_theme=True)}</li>" for _, q in quotes.iterrows())
        self.map_quotes.value = (f"<div class='wb-region'><b>{total:,} statements in the selected region</b>"
                                 f" (showing {len(quotes)}) {scope(self.state.is_filtered)}<ol>{items}</ol></div>")

    def _show_region(self) -> None:
        extent = self.region_extent()
        if extent is None:
            self.map_quotes.value = "<div class='wb-muted'>No region selected.</div>"
            return
        quotes, total = self.state.region(*extent, limit=REGION_LIMIT)
        items = "".join(f"<li>{quote_html(q, with_theme=True)}</li>" for _, q in quotes.iterrows())
        self.map_quotes.value = (f"<div class='wb-region'><b>{total:,} statements in the selected region</b>"
                                 f" (showing {len(quotes)}) {scope(self.state.is_filtered)}<ol>{items}</ol></div>")
