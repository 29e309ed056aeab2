"""The theme explorer's widgets: filters, a sortable theme list, a theme's details and quotes, the
2-D statement map and the analysts' actions.

    explorer = open_explorer("data/sample")
    explorer            # the last expression of a notebook cell shows it

Every number comes from :class:`~workbench.explore.state.ExplorerState`; the explorer only lays
it out. This module holds :class:`Explorer` (its filter, sort, theme and map-selection events) and
:func:`open_explorer`; the widgets are made in :mod:`.layout`, drawn in :mod:`.drawing`, and the
analysts' actions handled in :mod:`.editing`. Customer text reaches the page only through
``html.escape`` (widgets' HTML) or as JSON data inside a chart (with ``<``, ``>`` and ``&``
escaped, so it cannot close the script element).

The statement map is a WebGL scatter (jupyter-scatter, :mod:`.webgl`) of every statement, with
area and theme labels, the text on hover and a lasso, when ``jscatter`` is installed
(``map_engine="webgl"``, the default then); otherwise (``map_engine="vega"``) a sample of up to
``map_limit`` points drawn as below.

Charts are Altair specs drawn by an inlined Vega bundle (no network). The Vega map carries an
interval brush; its extent is written by the chart into a hidden text widget (``map_brush``,
JSON ``{"x": [x0, x1], "y": [y0, y1]}``), which is how Python reads the mouse selection without
the ``anywidget`` package that ``alt.JupyterChart`` needs. :meth:`Explorer.select_region` sets
the same widget from code.
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from ..workspace import Workspace
from ..themes.analyst import AnalystActions, default_analyst  # noqa: F401 (default_analyst: API here too)
from .drawing import HISTORY_SHOWN, REGION_LIMIT, ExplorerDrawing  # noqa: F401 (the limits: API here too)
from .editing import ExplorerEditing
from .layout import ExplorerLayout
from .pieces import (  # noqa: F401 (chart_html, quote_html, nps_bar_html, esc... are this module's API too)
    STYLE, QuoteRow, chart_html, esc, map_template, nps_bar_html, quote_html, trend_template,
)
from .codes import DATA_DIR_ENV
from .state import INTENT_CATEGORIES, NPS_CATEGORIES, ExplorerState  # noqa: F401

log = logging.getLogger(__name__)

QUOTE_LIMIT = 25
MAP_LIMIT = 3000


class Explorer(ExplorerLayout, ExplorerDrawing, ExplorerEditing):
    """The explorer's widgets over an :class:`ExplorerState`.

    ``actions``: where analysts' edits go (None: read-only, the action buttons are disabled).
    The widgets are attributes (``quarters``, ``sources``, ``industry``, ``plan``, ``region``,
    ``nps_category``, ``search``, ``sort_by``, ``theme_list``, ``quote_rows``, ``map_brush``,
    the action fields and buttons...), so code and tests can drive it as a user would.
    """

    def __init__(self, state: ExplorerState, actions: AnalystActions | None = None, *,
                 quote_limit: int = QUOTE_LIMIT, map_limit: int = MAP_LIMIT, map_note: str = "",
                 title: str = "Theme explorer", map_engine: str | None = None):
        from . import webgl

        if map_engine is None:
            map_engine = "webgl" if webgl.available() else "vega"
        if map_engine not in ("webgl", "vega"):
            raise ValueError(f"map_engine must be 'webgl' or 'vega', not {map_engine!r}")
        self.map_engine = map_engine
        self.webgl = webgl.WebGLMap(state, self._on_lasso) if map_engine == "webgl" else None
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

    def _on_lasso(self, positions) -> None:
        if self._busy:
            return
        self._show_selection(positions)

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
        """Select a rectangle of the map from code, as the mouse brush (Vega) or a lasso around
        it (WebGL) does (None clears it)."""
        if self.webgl is not None:
            if x is None:
                self.webgl.select(None)
                return
            (x0, x1), (y0, y1) = sorted(x), sorted(y)
            f = self.webgl.frame
            self.webgl.select(np.flatnonzero(f["x"].between(x0, x1) & f["y"].between(y0, y1)))
            return
        self.map_brush.value = "" if x is None else json.dumps({"x": list(x), "y": list(y)})


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
    ws = Workspace(data_dir)  # one reader of the folder's tables for the map and the state
    coords, note = None, ""
    if with_map:
        try:
            coords = statement_map(ws, method=map_method, embedder=embedder, model_path=model_path,
                                   progress=lambda message: print(message + " ...", flush=True))
        except Exception as exc:  # the rest of the explorer works without the map
            log.warning("statement map unavailable: %s", exc)
            note = f"could not compute the statement map ({type(exc).__name__}: {exc})"
    else:
        note = "map turned off"
    state = ExplorerState.from_data_dir(ws, statement_map=coords)
    actions = AnalystActions(data_dir, who=who, embedder=embedder, model_path=model_path)
    explorer = Explorer(state, actions, map_note=note, **options)
    if who:
        explorer.analyst.value = who
    return explorer


__all__ = ["Explorer", "open_explorer", "chart_html", "quote_html", "nps_bar_html", "DATA_DIR_ENV", "esc"]
