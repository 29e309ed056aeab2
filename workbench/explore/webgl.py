"""The explorer's WebGL statement map (jupyter-scatter): every statement a point, coloured by area
(or theme), area and theme names placed on the map, the statement's text on hover, a lasso
selection, and the points the filters leave out hidden.

The points are sent to the browser once (and again only when an analyst's edit changes the
themes); a filter change sends just the visible points' indices (``Scatter.filter``). Hover is
answered from the data the widget holds; jupyter-scatter puts the text into the tooltip as
``textContent``, so customer text is never parsed as HTML. :mod:`.drawing` falls back to the
Vega map when ``jscatter`` is not installed (:func:`available`).

The tooltip's text is asked for as soon as the mouse is on a point (``TOOLTIP_DELAY_MS`` = 0),
not after jupyter-scatter's fixed 500 ms. That delay, a constant of its bundled JavaScript, was
most of a hover's time (about 520 ms to the text in the page, the kernel answering in about 1 ms).
It is a debounce against flooding the kernel while the mouse sweeps over points; here that costs
nothing: the kernel answers a request in about 1 ms, at most one is sent per pointer event, and
jupyter-scatter drops an answer for a point no longer hovered. So the widget is made from a
subclass whose JavaScript has no delay (:func:`_quick_tooltip_widget`). A jupyter-scatter whose
bundle lacks that constant keeps its own delay (``tests/test_explore_map.py`` checks the
installed one has it).
"""
from __future__ import annotations

import functools
import importlib.util
from typing import Callable

import ipywidgets as w
import numpy as np

from .codes import NO_THEME

#: the widget's height in pixels
MAP_HEIGHT = 520
#: characters of a statement shown on hover
HOVER_CHARS = 400
#: milliseconds the mouse rests on a point before its tooltip is asked for (0: at once; why: above)
TOOLTIP_DELAY_MS = 0
#: the constant of jupyter-scatter's bundled JavaScript replaced by TOOLTIP_DELAY_MS
TOOLTIP_DELAY_JS = "var TOOLTIP_DEBOUNCE_TIME = 500;"


def available() -> bool:
    """Whether jupyter-scatter (``jscatter``) is installed."""
    return importlib.util.find_spec("jscatter") is not None


class WebGLMap:
    """One jupyter-scatter plot of the state's :meth:`~workbench.explore.shown.ShownStatements.map_frame`.

    ``on_select(positions)`` is called with the map positions a lasso (or :meth:`select`)
    selected, an empty array when the selection is cleared. ``box`` is the widget to lay out.
    """

    def __init__(self, state, on_select: Callable[[np.ndarray], None], height: int = MAP_HEIGHT):
        self.state = state
        self.on_select = on_select
        self.height = height
        self.scatter = None
        self.frame = None
        self._themes = None     # the state's themes frame the points were made from
        self.box = w.VBox(layout=w.Layout(width="100%", min_width="0"))
        self.box.add_class("wb-webgl-map")

    def draw(self) -> int:
        """Build the plot if the themes changed since (or never built), then show only the
        statements in the filter; returns how many are shown."""
        if self.scatter is None or self._themes is not self.state.themes:
            self._build()
        visible = self.state.map_visible()
        self.scatter.filter(None if len(visible) == len(self.frame) else visible)
        return len(visible)

    def _build(self) -> None:
        import jscatter

        frame = self.state.map_frame(text_chars=HOVER_CHARS)
        has_areas = bool((frame["area"].astype(str) != "").any())
        colour = "area" if has_areas else "theme"
        scatter = jscatter.Scatter(data=frame, x="x", y="y", color_by=colour, height=self.height,
                                   legend=True, axes=False, opacity_unselected=0.25)
        scatter.tooltip(True, properties=["theme", "area", "source", "quarter"] if has_areas
                        else ["theme", "source", "quarter"],
                        preview="text", preview_type="text", preview_text_lines=8, size="large")
        exclude = [f"theme:{NO_THEME}"] if (frame["theme"] == NO_THEME).any() else []
        if has_areas and (frame["area"] == "").any():
            exclude.append("area:")  # statements outside a theme: no area label for them
        scatter.label(by=["area", "theme"] if has_areas else "theme", hierarchical=has_areas, exclude=exclude)
        scatter.lasso(initiator=True)
        _quick_tooltip_widget(scatter)
        if self.scatter is not None:
            self.scatter.widget.unobserve(self._on_selection, names="selection")
        scatter.widget.observe(self._on_selection, names="selection")
        self.scatter, self.frame, self._themes = scatter, frame, self.state.themes
        self.box.children = [scatter.show()]

    def _on_selection(self, change) -> None:
        self.on_select(np.asarray(change["new"], dtype=np.int64))

    def select(self, positions) -> None:
        """Select these map positions from code, as the lasso does (None clears)."""
        self.scatter.selection(None if positions is None else np.asarray(positions, dtype=np.int64))

    def hover(self, index: int) -> dict:
        """What the tooltip of point ``index`` shows, answered as the widget answers the browser's
        request (for tests and the benchmark)."""
        sent = []
        widget = self.scatter.widget
        send, widget.send = widget.send, sent.append
        try:
            widget._handle_tooltip({"index": int(index), "preview": widget.tooltip_preview,
                                    "properties": list(widget.tooltip_properties_non_visual_info or {})})
        finally:
            widget.send = send
        return sent[0]


@functools.cache
def _quick_tooltip_class():
    """jupyter-scatter's widget class with ``TOOLTIP_DELAY_MS`` for its tooltip delay (the class
    itself if its JavaScript has no such constant)."""
    from jscatter.widget import JupyterScatter

    source = str(JupyterScatter._esm)
    if source.count(TOOLTIP_DELAY_JS) != 1:
        return JupyterScatter
    return type("QuickTooltipScatter", (JupyterScatter,), {
        "__module__": __name__,
        "_esm": source.replace(TOOLTIP_DELAY_JS, f"var TOOLTIP_DEBOUNCE_TIME = {TOOLTIP_DELAY_MS};"),
    })


def _quick_tooltip_widget(scatter):
    """Make ``scatter``'s widget (jupyter-scatter makes it on first use) from
    :func:`_quick_tooltip_class`; returns it."""
    from jscatter import jscatter as module

    if scatter._widget is not None:
        return scatter._widget
    made_by = module.JupyterScatter
    module.JupyterScatter = _quick_tooltip_class()
    try:
        return scatter.widget
    finally:
        module.JupyterScatter = made_by
