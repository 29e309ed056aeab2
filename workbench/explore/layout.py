"""The theme explorer's layout: every widget it shows (filters, theme list, a theme's details and
quotes, analysts' action fields and buttons, the map) placed in boxes, and each wired to its
handler. :mod:`workbench.explore.view` holds the handlers."""
from __future__ import annotations

import ipywidgets as w

from ..charts import vega_bundle
from ..themes.journey import STAGES
from ..themes.analyst import default_analyst
from .codes import INTENT_CATEGORIES, NPS_CATEGORIES
from .pieces import STYLE, QuoteRow, _html_output, esc


def _wrap() -> w.Layout:
    """A row of panels that wraps onto the next line when the notebook is narrower than the row."""
    return w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%")


class ExplorerLayout:
    """The widgets of :class:`~workbench.explore.view.Explorer`, made once by ``_build``."""

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
        self.list_scope = w.HTML()  # whether the list's mentions are filtered or total
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
        self.map_panel = w.VBox([self.map_output], layout=w.Layout(flex="1 1 640px", min_width="0", max_width="100%"))
        self.trend.add_class("wb-trend")
        self.summary.add_class("wb-summary")
        self.map_brush = w.Text(value="", layout=w.Layout(display="none"))
        self.map_brush.add_class(self._brush_class)
        self.map_info = w.HTML()
        self.map_quotes = w.HTML(layout=w.Layout(flex="1 1 360px", min_width="0", max_width="100%", overflow="auto"))
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
        # every row of panels wraps (flex-wrap) rather than run past the right edge of the notebook
        detail = w.VBox([self.theme_header, self.nps_bar, self.trend, actions_box, self.quotes_info,
                         *[row.box for row in self.quote_rows]], layout=w.Layout(flex="1 1 480px", min_width="0"))
        filters = w.VBox([
            w.HBox([self.quarters, self.search, self.clear_button], layout=_wrap()),
            w.HBox([self.sources, self.industry, self.plan, self.region, self.nps_category, self.intent], layout=_wrap()),
            w.HTML("<div class='wb-muted'>A list with nothing selected does not filter; Ctrl/Cmd-click selects "
                   "several values.</div>"),
        ])
        self.widget = w.VBox([
            w.HTML(STYLE + f"<h2>{esc(title)}</h2>"), self._bundle, filters, self.summary,
            w.HBox([w.VBox([w.HBox([w.HTML("<b>Themes</b> <span class='wb-muted'>(label · mentions · impact on NPS"
                                            " · growth)</span>"), self.list_scope]), self.sort_by, self.theme_list],
                           layout=w.Layout(width="470px", min_width="0", max_width="100%")), detail],
                   layout=_wrap()),
            w.HTML("<h3>Map of the statements</h3>"),
            self.map_info, w.HBox([self.map_panel, self.map_quotes], layout=_wrap()), self.map_brush,
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
