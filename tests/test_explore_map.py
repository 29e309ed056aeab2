"""The explorer's WebGL statement map (jupyter-scatter): every statement a point, the filters hide
points, hover answers with the statement's text, a lasso lists the statements, labels name the
areas and themes, and an analyst's edit redraws them. Driven headless, as the browser would drive
the widget (its ``selection`` trait, its tooltip request)."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("jscatter")

from test_explore import (  # noqa: E402
    BILLING, HOSTILE, ONBOARDING, STATEMENTS, WordEmbedder, ev, fixed_clock, make_themed_folder,
)
from workbench.explore import AnalystActions, Explorer, ExplorerState  # noqa: E402


@pytest.fixture
def view(tmp_path) -> Explorer:
    data = make_themed_folder(tmp_path)
    actions = AnalystActions(data, embedder=WordEmbedder(), clock=fixed_clock())
    return Explorer(ExplorerState.from_data_dir(data), actions)


def test_every_statement_is_a_point_with_its_coordinates(view):
    assert view.map_engine == "webgl" and view.map_panel.children == (view.webgl.box,)
    frame = view.webgl.frame
    assert len(frame) == len(STATEMENTS) == 16                   # all of them, no sample
    assert sorted(zip(frame["x"], frame["y"])) == sorted((s[8], s[9]) for s in STATEMENTS)
    assert view.webgl.scatter.widget.filter is None                   # no filter: nothing hidden
    assert "16 of 16 statements on the map" in view.map_info.value and "(total)" in view.map_info.value


def test_theme_labels_then_area_labels_once_themes_are_in_areas(view):
    scatter = view.webgl.scatter
    assert scatter.label()["by"] == "theme" and scatter.color()["by"] == "theme"   # no areas yet
    assert set(view.webgl.frame["theme"].astype(str)) == {
        "billing / invoice", "export / excel", "onboarding / weeks", "(no theme)"}
    money = view.actions.add_area("Money matters")
    view.select(BILLING)
    view.area_choice.options = [("Money matters", money)]
    view.area_choice.value = money
    view.move_button.click()                                                       # an area move
    scatter = view.webgl.scatter
    assert scatter.label()["by"] == ["area", "theme"] and scatter.color()["by"] == "area"
    areas = view.webgl.frame.set_index("evidence_id")["area"].astype(str)
    assert areas[ev("b1")] == "Money matters" and areas[ev("e1")] == ""


def test_hover_answers_with_the_statements_text(view):
    at = int(np.flatnonzero(view.webgl.frame["evidence_id"] == ev("e4"))[0])
    answer = view.webgl.hover(at)
    assert answer["preview"] == HOSTILE                           # shown as textContent, never parsed
    assert answer["properties"]["theme"] == "export / excel" and answer["properties"]["source"] == "nps"


def test_the_tooltip_is_asked_for_at_once_not_after_500_ms(view):
    from jscatter.widget import JupyterScatter

    from workbench.explore import webgl

    assert str(JupyterScatter._esm).count(webgl.TOOLTIP_DELAY_JS) == 1      # the installed bundle has it
    widget = view.webgl.scatter.widget
    assert isinstance(widget, JupyterScatter) and type(widget) is not JupyterScatter
    assert webgl.TOOLTIP_DELAY_JS not in widget._esm and "var TOOLTIP_DEBOUNCE_TIME = 0;" in widget._esm
    assert len(widget._esm) == len(str(JupyterScatter._esm)) - 2           # nothing else changed
    import jscatter.jscatter

    assert jscatter.jscatter.JupyterScatter is JupyterScatter               # only this map's widget


def test_filters_hide_points_and_the_lasso_lists_quotes(view):
    view.nps_category.value = ("detractor",)
    shown = view.webgl.scatter.widget.filter
    ids = set(view.webgl.frame["evidence_id"].iloc[np.asarray(shown)])
    assert ids == {ev(k) for k in ("b1", "b2", "b6", "e1", "e3", "e4")}
    assert "6 of 16 statements on the map" in view.map_info.value and "(filtered)" in view.map_info.value

    frame = view.webgl.frame
    lasso = np.flatnonzero(frame["evidence_id"].str.startswith("ev_e"))  # the export cluster, as drawn
    view.webgl.scatter.widget.selection = lasso.astype(np.uint32)        # what the browser's lasso sets
    quotes = view.map_quotes.value
    assert "<b>3 statements in the selected region</b>" in quotes         # e1, e3, e4 pass the filter
    assert "&lt;script&gt;alert(1)" in quotes and "<script>alert" not in quotes
    view.select_region((4.5, 6.5), (4.0, 7.0))                             # the same from code
    assert "<b>3 statements in the selected region</b>" in view.map_quotes.value
    view.clear_filters()                                                   # a filter change clears it
    assert "No region selected" in view.map_quotes.value and view.webgl.scatter.widget.filter is None


def test_an_edit_redraws_the_labels(view):
    before = view.webgl.scatter
    view.nps_category.value = ("promoter",)
    assert view.webgl.scatter is before                                    # a filter change: same points
    view.select(ONBOARDING)
    view.merge_target.value = BILLING
    view.merge_button.click()
    assert view.webgl.scatter is not before
    themes = view.webgl.frame.set_index("evidence_id")["theme"].astype(str)
    assert themes[ev("o1")] == "billing / invoice"
    assert set(view.webgl.frame["evidence_id"].iloc[np.asarray(view.webgl.scatter.widget.filter)]) == {
        ev("b4"), ev("o2"), ev("o3")}                                       # the filter still applies
