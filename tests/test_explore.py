"""The theme explorer driven headless: filters, sorting, theme details, the map, analysts' actions.

The data folder is made by hand (16 customer statements in three themes over three quarters, with
NPS responses and map coordinates), so every expected figure below is worked out from the table in
``STATEMENTS``, not read back from the code.
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import zlib
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from fakes import HashingEmbedder, KMeansThemes
from workbench import store
from workbench.explore import AnalystActions, Explorer, ExplorerState, open_explorer
from workbench.commands import explore as explore_command
from workbench.explore import lab as explore_lab
from workbench.explore.map2d import place_new, statement_map
from workbench.themes.registry import ThemeRegistry, default_path

ACCOUNTS = {  # account -> industry, plan, region
    "A1": ("Retail", "Team", "EMEA"),
    "A2": ("Banking", "Enterprise", "NA"),
    "A3": ("Retail", "Starter", "APAC"),
    "A4": ("Banking", "Team", "EMEA"),
    "A5": ("Health", "Enterprise", "NA"),
}
HOSTILE = "Export drops columns <script>alert(1)</script> & more"

# key, cluster (0 billing, 1 exports, 2 onboarding, -1 none), source, kind, date, score, account, text, map x, y
STATEMENTS = [
    ("b1", 0, "nps", "comment", "2026-02-10", 2, "A1", "The invoice charged us twice.", 0.1, 0.2),
    ("b2", 0, "nps", "comment", "2026-05-12", 3, "A2", "Invoice totals are wrong every month.", 0.5, 0.4),
    ("b3", 0, "ticket", "comment", "2026-05-20", None, "A1", "Refund for the duplicate invoice please.", 0.9, 0.1),
    ("b4", 0, "nps", "comment", "2026-08-03", 9, "A3", "Billing got better after the invoice fix.", 0.3, 0.8),
    ("b5", 0, "session_note", "quote", "2026-08-15", None, "A2", "Finance hates the invoice layout.", 0.6, 0.9),
    ("b6", 0, "nps", "comment", "2026-09-01", 6, "A4", "Invoice emails arrive late.", 0.2, 0.5),
    ("e1", 1, "nps", "comment", "2026-01-15", 1, "A3", "Excel export keeps failing.", 5.1, 5.2),
    ("e2", 1, "ticket", "comment", "2026-04-09", None, "A4", "Export to Excel times out.", 5.5, 5.9),
    ("e3", 1, "nps", "comment", "2026-07-07", 2, "A1", "CSV export loses our filters.", 5.9, 5.4),
    ("e4", 1, "nps", "comment", "2026-08-21", 4, "A2", HOSTILE, 5.3, 5.6),
    ("e5", 1, "transcript", "utterance", "2026-09-10", None, "A5", "We export everything weekly.", 6.0, 5.0),
    ("o1", 2, "session_note", "insight", "2026-07-02", None, "A5", "Onboarding took three weeks.", 10.2, 0.3),
    ("o2", 2, "nps", "comment", "2026-06-11", 9, "A3", "Onboarding was smooth.", 10.5, 0.6),
    ("o3", 2, "nps", "comment", "2026-03-03", 10, "A4", "Great onboarding team.", 10.8, 0.2),
    ("o4", 2, "ticket", "comment", "2026-09-20", None, "A1", "Need onboarding docs for admins.", 10.4, 0.9),
    ("x1", -1, "nps", "comment", "2026-09-25", 7, "A5", "No strong feelings either way.", 5.5, 0.5),
]
#: NPS responses without a comment (they count in NPS, mention no theme)
SILENT_RESPONSES = [("r1", "2026-09-28", 10, "A5"), ("r2", "2026-05-02", 0, "A3")]
LABELS = {0: "billing / invoice", 1: "export / excel", 2: "onboarding / weeks"}
#: each statement's feedback intent as the quarterly job stores it (e5 has none: a folder can hold
#: statements the classifier has not seen)
INTENTS = {"b1": "problem", "b2": "problem", "b3": "request", "b4": "praise", "b5": "problem", "b6": "problem",
           "e1": "problem", "e2": "problem", "e3": "problem", "e4": "problem", "o1": "problem", "o2": "praise",
           "o3": "praise", "o4": "request", "x1": "other"}


class WordEmbedder:
    """Each word a fixed random vector (seeded by its checksum), a text the normalised sum of its
    words: unlike a model fitted per call, a text gets the same vector in any batch."""

    def __init__(self, dim: int = 32):
        self.dim = dim

    def encode(self, texts):
        out = []
        for text in texts:
            words = re.findall(r"\w+", text.lower()) or [""]
            v = sum(np.random.default_rng(zlib.crc32(w.encode())).normal(size=self.dim) for w in words)
            out.append(v / np.linalg.norm(v))
        return np.asarray(out)


def ev(key: str) -> str:
    return f"ev_{key}"


def _quarter(date: str) -> str:
    return str(pd.Period(date, "Q"))


def make_themed_folder(root: Path, with_map: bool = True) -> Path:
    """A data folder as `workbench quarterly` leaves it: store tables and a theme registry."""
    data = root / "themed"
    data.mkdir(parents=True)
    rows = []
    for key, _, source, kind, date, score, account, text, _, _ in STATEMENTS:
        industry, plan, region = ACCOUNTS[account]
        folder = {"nps": "surveys/nps.csv", "ticket": "tickets.csv", "session_note": "sessions/s1.md",
                  "transcript": "transcripts/call1.vtt"}[source]
        rows.append({"evidence_id": ev(key), "source": source, "kind": kind, "source_file": folder,
                     "locator": f"row {len(rows) + 2}", "account_id": account, "persona": None,
                     "speaker_role": "customer", "date": pd.Timestamp(date), "quarter": _quarter(date),
                     "industry": industry, "plan": plan, "region": region,
                     "score": float(score) if score is not None else np.nan, "text": text})
    # company speech: kept as evidence, never themed, never shown
    rows.append({**rows[-1], "evidence_id": "ev_c1", "source": "transcript", "kind": "utterance",
                 "speaker_role": "company", "score": np.nan, "text": "Thanks for joining the call."})
    evidence = pd.DataFrame(rows)
    responses = [{"response_id": key, "account_id": account, "date": pd.Timestamp(date), "quarter": _quarter(date),
                  "score": score, "industry": ACCOUNTS[account][0], "plan": ACCOUNTS[account][1],
                  "region": ACCOUNTS[account][2], "evidence_id": ev(key)}
                 for key, _, source, _, date, score, account, *_ in STATEMENTS if source == "nps"]
    responses += [{"response_id": key, "account_id": account, "date": pd.Timestamp(date), "quarter": _quarter(date),
                   "score": score, "industry": ACCOUNTS[account][0], "plan": ACCOUNTS[account][1],
                   "region": ACCOUNTS[account][2], "evidence_id": None}
                  for key, date, score, account in SILENT_RESPONSES]

    # the registry as a fit would leave it: centroids from the same fake embedder the tests use
    themed = evidence[evidence["speaker_role"] == "customer"].reset_index(drop=True)
    vectors = WordEmbedder().encode(themed["text"].tolist())
    clusters = np.array([s[1] for s in STATEMENTS])
    centroids = np.vstack([vectors[clusters == k].mean(axis=0) for k in range(3)])
    fit = pd.DataFrame({"theme": range(3), "label": [LABELS[k] for k in range(3)],
                        "keywords": [LABELS[k].split(" / ") for k in range(3)],
                        "size": [int((clusters == k).sum()) for k in range(3)]})
    registry = ThemeRegistry(clock=lambda: "2026-11-01T09:00:00+00:00")
    match = registry.match(fit, centroids, pd.DataFrame({"evidence_id": themed["evidence_id"], "cluster": clusters,
                                                         "quarter": themed["quarter"]}),
                           "2026Q3", cluster_column="cluster")
    registry.save(default_path(data))
    assignments = match.assignments[["evidence_id", "cluster", "theme_id"]]
    themes = registry.themes_frame().assign(journey_stage="adoption")
    for column in ("keywords", "pinned_quotes"):
        themes[column] = [json.dumps(v) for v in themes[column]]
    tables = {"evidence": evidence, "nps_responses": pd.DataFrame(responses), "theme_assignments": assignments,
              "themes": themes,
              "statement_intents": pd.DataFrame({"evidence_id": [ev(k) for k in INTENTS], "intent": list(INTENTS.values()),
                                                 "confidence": 0.9, "sentence": None, "language": None})}
    if with_map:
        tables["statement_map"] = pd.DataFrame({"evidence_id": [ev(s[0]) for s in STATEMENTS],
                                                "x": [s[8] for s in STATEMENTS], "y": [s[9] for s in STATEMENTS],
                                                "method": "hand", "seed": 0})
    store.save_tables(data, tables)
    return data


@pytest.fixture
def themed(tmp_path) -> Path:
    return make_themed_folder(tmp_path)


@pytest.fixture
def explorer(themed) -> Explorer:
    """The explorer with the Vega map (its chart's data can be read back; the WebGL map's tests
    are in test_explore_map.py)."""
    actions = AnalystActions(themed, embedder=WordEmbedder(), clock=fixed_clock())
    state = ExplorerState.from_data_dir(themed)
    view = Explorer(state, actions, map_engine="vega")
    view.analyst.value = "maya"
    return view


def fixed_clock():
    counter = itertools.count(1)
    return lambda: f"2026-11-22T10:{next(counter):02d}:00+00:00"


# the registry numbers new themes largest first: billing (6) T0001, exports (5) T0002, onboarding (4) T0003
BILLING, EXPORTS, ONBOARDING = "T0001", "T0002", "T0003"


def listed(view: Explorer) -> list[str]:
    return [value for _, value in view.theme_list.options]


def shown_quotes(view: Explorer) -> list[str]:
    return [row.evidence_id for row in view.quote_rows if row.evidence_id]


def registry_file(data: Path) -> dict:
    return yaml.safe_load(default_path(data).read_text())


def tick(view: Explorer, *keys: str) -> None:
    for row in view.quote_rows:
        if row.evidence_id in {ev(k) for k in keys}:
            row.tick.value = True


# ------------------------------------------------------------------------------------------------
# Filters, sorting, what a theme shows
# ------------------------------------------------------------------------------------------------


def test_theme_list_sorts_by_size_impact_and_growth(explorer):
    assert listed(explorer) == [BILLING, EXPORTS, ONBOARDING]  # 6, 5, 4 mentions
    # impact over 12 responses (P=4, D=7, NPS -25): exports +25, billing +12.5, onboarding -25
    explorer.sort_by.value = "impact"
    assert listed(explorer) == [EXPORTS, BILLING, ONBOARDING]
    impact = explorer.table.set_index("theme_id")["impact"]
    assert impact[EXPORTS] == pytest.approx(25.0)
    assert impact[BILLING] == pytest.approx(12.5)
    assert impact[ONBOARDING] == pytest.approx(-25.0)
    # growth 2026Q3 vs 2026Q2: exports 3-1=+2, onboarding 2-1=+1 (+100%), billing 3-2=+1 (+50%)
    explorer.sort_by.value = "growth"
    assert listed(explorer) == [EXPORTS, ONBOARDING, BILLING]
    growth = explorer.table.set_index("theme_id")
    assert growth.loc[BILLING, ["last_quarter", "previous_quarter", "growth"]].tolist() == [3, 2, 1]
    assert growth.loc[ONBOARDING, "growth_pct"] == pytest.approx(1.0)


def test_quarter_range_source_search_and_nps_filters(explorer):
    assert "<b>16</b> of 16 statements" in explorer.summary.value  # the company utterance is not themed
    explorer.quarters.value = ("2026Q3", "2026Q3")
    assert explorer.state.counts()["statements"] == 9
    table = explorer.table.set_index("theme_id")
    assert table["mentions"].to_dict() == {BILLING: 3, EXPORTS: 3, ONBOARDING: 2}
    assert listed(explorer) == [BILLING, EXPORTS, ONBOARDING]  # tie on 3 broken by id
    # impact in 2026Q3 alone: 6 responses (P=2, D=3, NPS -16.7); without billing (b4 P, b6 D): NPS -25
    assert table.loc[BILLING, "impact"] == pytest.approx(-25 + 100 / 6)

    explorer.quarters.value = ("2026Q1", "2026Q3")
    explorer.sources.value = ("ticket",)
    assert explorer.state.counts()["statements"] == 3
    explorer.select(ONBOARDING)
    assert shown_quotes(explorer) == [ev("o4")]

    explorer.sources.value = ()
    explorer.search.value = "INVOICE"
    assert listed(explorer) == [BILLING]
    assert explorer.table["mentions"].tolist() == [6]
    explorer.search.value = "export excel"  # every word, any order
    assert sorted(explorer.state.filtered()["evidence_id"]) == [ev("e1"), ev("e2")]

    explorer.search.value = ""
    explorer.nps_category.value = ("detractor",)
    assert explorer.table.set_index("theme_id")["mentions"].to_dict() == {BILLING: 3, EXPORTS: 3}
    explorer.nps_category.value = ("no score",)
    assert sorted(explorer.state.filtered()["evidence_id"]) == sorted(ev(k) for k in ("b3", "b5", "e2", "e5", "o1", "o4"))


def test_segment_filters_and_impact_within_a_segment(explorer):
    explorer.plan.value = ("Enterprise",)  # accounts A2 and A5
    assert sorted(explorer.state.filtered()["evidence_id"]) == sorted(ev(k) for k in ("b2", "b5", "e4", "e5", "o1", "x1"))
    # Enterprise responses: b2 D, e4 D, x1 passive, r1 P -> NPS -25; without billing's b2: NPS 0
    table = explorer.table.set_index("theme_id")
    assert table.loc[BILLING, "impact"] == pytest.approx(25.0)
    assert table.loc[EXPORTS, "impact"] == pytest.approx(25.0)
    assert np.isnan(table.loc[ONBOARDING, "impact"])  # no Enterprise response mentions it
    explorer.region.value = ("EMEA",)
    explorer.industry.value = ("Banking",)
    assert explorer.state.counts()["statements"] == 0  # Enterprise accounts are not in EMEA
    assert explorer.selected is None and "No theme" in explorer.theme_header.value
    explorer.clear_button.click()
    assert explorer.state.counts()["statements"] == 16 and explorer.plan.value == ()


def test_selected_theme_shows_label_keywords_trend_split_and_quotes(explorer):
    explorer.select(BILLING)
    header = explorer.theme_header.value
    assert "billing / invoice" in header and "billing, invoice" in header and "adoption" in header
    assert "<b>6</b> of 6 mentions <span class='wb-scope wb-total'>(total)</span> from 4 accounts" in header
    assert "67 % problems · 17 % requests · 17 % praise" in header
    trend = explorer.state.trend(BILLING)
    assert trend["mentions"].tolist() == [1, 2, 3]
    assert trend["share"].tolist() == pytest.approx([1 / 3, 2 / 4, 3 / 9])
    spec_html = explorer.trend.outputs[0]["data"]["text/html"]
    assert '"mentions": 3' in spec_html and "vegaEmbed" in spec_html
    assert explorer.state.nps_split(BILLING) == {"promoter": 1, "passive": 0, "detractor": 3, "no score": 2}
    assert "promoters 1 (25%)" in explorer.nps_bar.value and "detractors 3 (75%)" in explorer.nps_bar.value
    assert shown_quotes(explorer) == [ev(k) for k in ("b6", "b5", "b4", "b3", "b2", "b1")]  # newest first
    first = explorer.quote_rows[0].html.value
    assert "score 6 (detractor)" in first and "account A4" in first and "surveys/nps.csv, row 7" in first
    assert "6 of 6 shown" in explorer.quotes_info.value


def _scopes(view: Explorer) -> dict[str, str]:
    """Which scope tag each figure shows: "filtered", "total" or "" (none)."""
    texts = {"summary": view.summary.value, "list": view.list_scope.value, "header": view.theme_header.value,
             "nps bar": view.nps_bar.value, "quotes": view.quotes_info.value, "map": view.map_info.value}
    return {name: ("filtered" if "(filtered)" in text else "total" if "(total)" in text else "")
            for name, text in texts.items()}


def test_every_figure_says_whether_it_is_filtered_or_total(explorer):
    explorer.select(EXPORTS)
    assert set(_scopes(explorer).values()) == {"total"}
    assert "in the range, total" in explorer.trend.outputs[0]["data"]["text/html"]
    explorer.nps_category.value = ("detractor",)
    assert set(_scopes(explorer).values()) == {"filtered"}
    header = explorer.theme_header.value
    # 3 of the 5 export statements are detractors; impact follows only quarters and segments
    assert "<b>3</b> of 5 mentions <span class='wb-scope wb-filtered'>(filtered)</span>" in header
    assert "NPS responses in all mention it; positive = drags NPS down) <span class='wb-scope wb-total'>" in header
    assert "in the range, filtered" in explorer.trend.outputs[0]["data"]["text/html"]
    explorer.select_region((4.5, 6.5), (4.0, 7.0))
    assert "(filtered)" in explorer.map_quotes.value
    explorer.clear_filters()
    explorer.region.value = ("EMEA",)           # a segment: impact is filtered too
    assert "in the selected quarters and segments mention it" in explorer.theme_header.value
    assert "(total)" not in explorer.theme_header.value
    explorer.clear_filters()
    assert set(_scopes(explorer).values()) == {"total"}
    assert explorer.table.set_index("theme_id")["total_mentions"].to_dict() == {BILLING: 6, EXPORTS: 5, ONBOARDING: 4}


def test_rows_of_panels_wrap_instead_of_running_off_the_right(explorer):
    def boxes(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from boxes(child)

    rows = [b for b in boxes(explorer.widget) if type(b).__name__ == "HBox" and len(b.children) > 1
            and any(c in b.children for c in (explorer.map_panel, explorer.sources, explorer.quarters))]
    assert len(rows) == 3 and all(r.layout.flex_flow == "row wrap" for r in rows)
    theme_row = next(b for b in boxes(explorer.widget) if type(b).__name__ == "HBox"
                     and any(explorer.theme_list in getattr(c, "children", ()) for c in b.children))
    assert theme_row.layout.flex_flow == "row wrap"
    assert explorer.map_quotes.layout.min_width == "0" and explorer.map_quotes.layout.max_width == "100%"


def test_customer_text_is_escaped_everywhere(explorer):
    explorer.select(EXPORTS)
    shown = " ".join(row.html.value for row in explorer.quote_rows)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in shown
    assert "<script>alert" not in shown
    explorer.select_region((5, 6), (5, 6))
    assert "&lt;script&gt;alert(1)" in explorer.map_quotes.value and "<script>alert" not in explorer.map_quotes.value
    chart = explorer.map_output.outputs[0]["data"]["text/html"]
    assert "<script>alert" not in chart and "\\u003cscript\\u003ealert" in chart


def drawn_points(view: Explorer) -> list[dict]:
    """The points inside the map chart's script, as the browser gets them."""
    markup = view.map_output.outputs[0]["data"]["text/html"]
    spec = json.loads(markup.split("vegaEmbed(el, ", 1)[1].split(', {"actions"', 1)[0])
    return spec["datasets"]["points"]


def test_map_draws_filtered_points_and_a_region_lists_its_quotes(explorer):
    points = drawn_points(explorer)
    assert len(points) == 16 and {p["theme"] for p in points} >= {"billing / invoice", "(no theme)"}
    assert {(p["x"], p["y"]) for p in points} == {(s[8], s[9]) for s in STATEMENTS}
    explorer.select_region((4.5, 6.5), (4.0, 7.0))  # the export cluster
    assert "<b>5 statements in the selected region</b>" in explorer.map_quotes.value
    quotes, total = explorer.state.region((4.5, 6.5), (4.0, 7.0))
    assert total == 5 and set(quotes["evidence_id"]) == {ev(f"e{i}") for i in range(1, 6)}
    # a filter change redraws the map and clears the selection
    explorer.nps_category.value = ("detractor",)
    assert explorer.map_brush.value == "" and "No region selected" in explorer.map_quotes.value
    assert len(drawn_points(explorer)) == 6
    explorer.map_brush.value = json.dumps({"x": [4.5, 6.5], "y": [4.0, 7.0]})  # as the chart's brush writes it
    assert "<b>3 statements in the selected region</b>" in explorer.map_quotes.value  # e1, e3, e4


def test_map_caps_the_points_drawn_and_keeps_the_same_sample(themed):
    view = Explorer(ExplorerState.from_data_dir(themed), None, map_limit=5, map_engine="vega")
    points, total = view.state.map_points(5)
    assert total == 16 and len(points) == 5
    again, _ = view.state.map_points(5)
    assert points.equals(again)
    assert "5 of 16 statements drawn" in view.map_info.value


# ------------------------------------------------------------------------------------------------
# Analysts' actions, through the widgets, checked in the registry file
# ------------------------------------------------------------------------------------------------


def test_rename_shows_at_once_and_is_recorded(explorer, themed):
    explorer.select(EXPORTS)
    assert explorer.rename_label.value == "export / excel"  # prefilled with the current label
    explorer.rename_label.value = "Excel & CSV <exports>"
    explorer.nps_category.value = ("detractor",)  # a filter change keeps what the analyst typed
    assert explorer.rename_label.value == "Excel & CSV <exports>"
    explorer.rename_button.click()
    saved = registry_file(themed)
    assert saved["themes"][EXPORTS]["label"] == "Excel & CSV <exports>"
    assert saved["themes"][EXPORTS]["label_source"] == "analyst"
    last = saved["history"][-1]
    assert (last["action"], last["who"], last["args"]["theme_id"]) == ("rename", "maya", EXPORTS)
    assert [t for t, v in explorer.theme_list.options if v == EXPORTS][0].startswith("Excel & CSV <exports>")
    assert "Excel &amp; CSV &lt;exports&gt;" in explorer.theme_header.value
    assert "rename" in explorer.history.value and "maya" in explorer.history.value


def test_pin_puts_the_quote_first_and_unpin_removes_it(explorer, themed):
    explorer.select(BILLING)
    tick(explorer, "b2")
    explorer.pin_button.click()
    assert registry_file(themed)["themes"][BILLING]["pinned_quotes"] == [ev("b2")]
    assert shown_quotes(explorer)[0] == ev("b2") and "pinned" in explorer.quote_rows[0].html.value
    tick(explorer, "b2")
    explorer.unpin_button.click()
    assert registry_file(themed)["themes"][BILLING]["pinned_quotes"] == []
    assert shown_quotes(explorer)[0] == ev("b6")


def test_pinning_several_ticked_quotes_is_one_write_and_one_undo(explorer, themed):
    explorer.select(BILLING)
    tick(explorer, "b1", "b2", "b4")
    explorer.pin_button.click()
    saved = registry_file(themed)
    assert sorted(saved["themes"][BILLING]["pinned_quotes"]) == [ev("b1"), ev("b2"), ev("b4")]
    pins = saved["history"][-3:]
    assert [e["action"] for e in pins] == ["pin_quote"] * 3 and len({e["batch"] for e in pins}) == 1
    explorer.undo_button.click()                                     # one undo: all three go
    saved = registry_file(themed)
    assert saved["themes"][BILLING]["pinned_quotes"] == []
    assert saved["history"][-1]["action"] == "undo" and saved["history"][-1]["args"]["edits"] == 3
    assert "2 more edit(s)" in explorer.message.value
    assert not any("pinned" in row.html.value for row in explorer.quote_rows)


def test_a_failing_batch_writes_nothing(explorer, themed):
    before = default_path(themed).read_text()
    with pytest.raises(Exception, match="not pinned"):
        with explorer.actions.batch():
            explorer.actions.pin(BILLING, ev("b1"))
            explorer.actions.unpin(BILLING, ev("b2"))
    assert default_path(themed).read_text() == before
    explorer.actions.pin(BILLING, ev("b1"))                          # later edits are written at once again
    assert registry_file(themed)["themes"][BILLING]["pinned_quotes"] == [ev("b1")]


def test_mark_requirement_toggles(explorer, themed):
    explorer.select(ONBOARDING)
    assert explorer.requirement_button.description == "Mark as requirement"
    explorer.requirement_button.click()
    saved = registry_file(themed)
    assert saved["themes"][ONBOARDING]["requirement"] is True
    assert saved["history"][-1]["action"] == "mark_requirement"
    assert "marked as requirement" in explorer.theme_header.value
    assert explorer.requirement_button.description == "Unmark requirement"


def test_split_off_ticked_quotes_into_a_new_theme(explorer, themed):
    explorer.select(BILLING)
    explorer.split_button.click()
    assert "Tick the quotes" in explorer.message.value  # nothing ticked: nothing written
    assert len(registry_file(themed)["history"]) == 1  # the fit's match only
    tick(explorer, "b1", "b3")
    explorer.split_label.value = "Refunds"
    explorer.split_button.click()
    saved = registry_file(themed)
    new_id = saved["history"][-1]["args"]["new_theme_id"]
    assert saved["overrides"] == {ev("b1"): new_id, ev("b3"): new_id}
    assert saved["themes"][new_id]["label"] == "Refunds"
    texts = [s[7] for s in STATEMENTS if s[0] in ("b1", "b3")]
    centroid = WordEmbedder().encode(texts).mean(axis=0)
    stored = ThemeRegistry.load(default_path(themed)).themes[new_id]["centroid"]   # from the centroid file
    assert stored == pytest.approx(centroid / np.linalg.norm(centroid), abs=1e-5)
    assert explorer.selected == new_id and sorted(shown_quotes(explorer)) == [ev("b1"), ev("b3")]
    assert "Refunds" in explorer.theme_header.value and "journey" not in explorer.theme_header.value
    assert explorer.table.set_index("theme_id")["mentions"].to_dict() == {BILLING: 4, EXPORTS: 5, ONBOARDING: 4, new_id: 2}


def test_merge_moves_the_quotes_and_undo_reverts_it(explorer, themed):
    explorer.select(ONBOARDING)
    explorer.merge_target.value = BILLING
    explorer.merge_button.click()
    saved = registry_file(themed)
    assert saved["themes"][ONBOARDING]["merged_into"] == BILLING and saved["themes"][ONBOARDING]["status"] == "merged"
    assert listed(explorer) == [BILLING, EXPORTS] and explorer.selected == BILLING
    assert explorer.table.set_index("theme_id").loc[BILLING, "mentions"] == 10
    assert ev("o4") in shown_quotes(explorer)

    explorer.undo_button.click()
    saved = registry_file(themed)
    assert saved["themes"][ONBOARDING]["merged_into"] is None and saved["themes"][ONBOARDING]["status"] != "merged"
    assert [e["action"] for e in saved["history"]][-2:] == ["merge", "undo"]
    assert saved["history"][-2]["undone"] is True and saved["history"][-1]["who"] == "maya"
    assert listed(explorer) == [BILLING, EXPORTS, ONBOARDING]
    assert explorer.table.set_index("theme_id").loc[BILLING, "mentions"] == 6
    assert "Undid merge" in explorer.message.value


def test_merge_needs_a_target_chosen_by_hand(explorer, themed):
    explorer.select(ONBOARDING)
    assert explorer.merge_target.value is None                       # nothing pre-selected
    assert {v for _, v in explorer.merge_target.options} == {BILLING, EXPORTS}
    before = default_path(themed).read_text()
    explorer.merge_button.click()                                    # one click merges nothing
    assert "Choose a theme to merge into" in explorer.message.value and "wb-error" in explorer.message.value
    assert default_path(themed).read_text() == before
    explorer.merge_target.value = EXPORTS
    explorer.sources.value = ("nps", "ticket")                       # a filter change keeps the choice
    assert explorer.merge_target.value == EXPORTS
    explorer.select(BILLING)                                         # another theme: chosen afresh
    assert explorer.merge_target.value is None
    explorer.merge_button.click()
    assert default_path(themed).read_text() == before


def test_an_analyst_sets_a_themes_journey_stage_and_can_hand_it_back(explorer, themed):
    explorer.select(EXPORTS)
    before = explorer.state.theme_info(EXPORTS)["journey_stage"]
    explorer.stage_choice.value = "renewal"
    explorer.stage_button.click()
    saved = registry_file(themed)
    assert saved["themes"][EXPORTS]["journey_stage"] == "renewal"
    assert saved["history"][-1]["action"] == "set_journey_stage" and saved["history"][-1]["who"] == "maya"
    assert explorer.state.theme_info(EXPORTS)["journey_stage"] == "renewal"
    assert "journey: renewal" in explorer.theme_header.value and "renewal stage" in explorer.message.value
    explorer.select(BILLING)
    assert explorer.stage_choice.value == ""              # automatic for a theme nobody placed
    explorer.select(EXPORTS)
    assert explorer.stage_choice.value == "renewal"       # the analyst's choice, shown again
    explorer.stage_choice.value = ""                      # automatic again
    explorer.stage_button.click()
    assert registry_file(themed)["themes"][EXPORTS]["journey_stage"] is None
    assert explorer.state.theme_info(EXPORTS)["journey_stage"] == before


def test_undo_of_a_split_and_of_a_rename(explorer, themed):
    explorer.select(BILLING)
    tick(explorer, "b5")
    explorer.split_label.value = "Invoice layout"
    explorer.split_button.click()
    new_id = explorer.selected
    explorer.rename_label.value = "Layout of invoices"
    explorer.rename_button.click()
    explorer.undo_button.click()  # the rename
    assert registry_file(themed)["themes"][new_id]["label"] == "Invoice layout"
    explorer.undo_button.click()  # the split
    saved = registry_file(themed)
    assert new_id not in saved["themes"] and saved["overrides"] == {}
    assert explorer.table.set_index("theme_id").loc[BILLING, "mentions"] == 6
    explorer.undo_button.click()  # nothing left: an error message, no change
    assert "nothing to undo" in explorer.message.value


def test_os_user_is_recorded_when_no_name_is_given(explorer, themed, monkeypatch):
    monkeypatch.setattr("workbench.themes.analyst.getpass.getuser", lambda: "os-user")
    explorer.analyst.value = "  "
    explorer.select(EXPORTS)
    explorer.requirement_button.click()
    assert registry_file(themed)["history"][-1]["who"] == "os-user"


def test_read_only_explorer_writes_nothing(themed):
    before = default_path(themed).read_text()
    view = Explorer(ExplorerState.from_data_dir(themed), None)
    assert view.rename_button.disabled
    view.rename()
    assert default_path(themed).read_text() == before


# ------------------------------------------------------------------------------------------------
# The map cache, the notebook, the command line, a folder themed by the real pipeline
# ------------------------------------------------------------------------------------------------


class CountingEmbedder(HashingEmbedder):
    def __init__(self):
        super().__init__()
        self.texts = []

    def encode(self, texts):
        self.texts.append(list(texts))
        return super().encode(texts)


def test_statement_map_is_cached_and_only_new_statements_are_placed(tmp_path):
    data = make_themed_folder(tmp_path, with_map=False)
    embedder = CountingEmbedder()
    first = statement_map(data, method="pca", embedder=embedder)
    assert len(first) == 16 and np.isfinite(first[["x", "y"]].to_numpy()).all()
    assert "statement_map" in store.table_names(data)
    again = statement_map(data, method="pca", embedder=embedder)
    assert len(embedder.texts) == 1  # read from the cache
    pd.testing.assert_frame_equal(first, again)

    evidence = store.load_table(data, "evidence")
    new = evidence.iloc[[0]].assign(evidence_id="ev_new", locator="row 99", text="The invoice charged us twice again.")
    store.add_tables(data, {"evidence": pd.concat([evidence, new], ignore_index=True)})
    third = statement_map(data, method="pca", embedder=embedder)
    assert len(embedder.texts) == 2 and len(third) == 17
    old = third.set_index("evidence_id").loc[first["evidence_id"]].reset_index()
    pd.testing.assert_frame_equal(old, first)  # placed points do not move
    stored = store.load_table(data, "statement_map").set_index("evidence_id")
    assert stored.loc["ev_new", "method"] == "knn" and stored.loc[ev("b1"), "method"] == "pca"


def test_place_new_is_the_similarity_weighted_mean_of_neighbours():
    known = np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    xy = np.array([[0.0, 0.0], [4.0, 2.0], [100.0, 100.0]])
    # halfway between the first two axes: equally similar to both, orthogonal to the third
    placed = place_new(known, xy, np.array([[1.0, 1.0, 0]]) / np.sqrt(2), k=2)
    assert placed[0].tolist() == pytest.approx([2.0, 1.0])
    assert place_new(known, xy, np.array([[0, 1.0, 0]]), k=1)[0].tolist() == pytest.approx([4.0, 2.0])


def test_open_explorer_reads_the_data_folder_from_the_environment(themed, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(themed))
    view = open_explorer(who="lee")
    assert listed(view) == [BILLING, EXPORTS, ONBOARDING] and view.analyst.value == "lee"
    monkeypatch.delenv("WORKBENCH_DATA_DIR")
    with pytest.raises(ValueError, match="WORKBENCH_DATA_DIR"):
        open_explorer()


def test_notebook_is_stripped_and_only_calls_the_package():
    nb = nbformat.read(str(explore_lab.NOTEBOOK), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert "open_explorer" in code[1].source and len(code) == 2


def test_parameterised_notebook_runs_and_shows_the_explorer(themed):
    from nbclient import NotebookClient

    notebook = explore_lab.prepare_notebook(themed)
    nb = nbformat.read(str(notebook), as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}}).execute()
    shown = nb.cells[-2].outputs  # the cell that calls open_explorer
    assert [o.output_type for o in shown] == ["execute_result"]
    assert "application/vnd.jupyter.widget-view+json" in shown[0]["data"]


def test_launch_starts_jupyterlab_or_with_app_voila(themed, monkeypatch):
    calls = []

    class FakePopen:
        def __init__(self, command, **kwargs):
            calls.append((command[2], kwargs["env"]["WORKBENCH_DATA_DIR"]))

    monkeypatch.setattr(explore_lab.subprocess, "Popen", FakePopen)
    _, url = explore_lab.launch(themed, port=8899, token="abc", run=False)
    assert calls == [("jupyterlab", str(themed.resolve()))] and url.endswith("explore_themes.ipynb?token=abc")
    _, url = explore_lab.launch(themed, port=8899, token="abc", app=True)
    assert calls[-1] == ("voila", str(themed.resolve())) and url == "http://127.0.0.1:8899/?token=abc"
    command = explore_lab.voila_command(Path("/d/explore_themes.ipynb"), port=8899, token="abc")
    assert command[1:4] == ["-m", "voila", "explore_themes.ipynb"] and "--token=abc" in command
    assert "--Voila.root_dir=/d" in command and "--no-browser" in command


def test_launch_runs_the_notebook_in_the_server_before_the_browser_opens(themed, monkeypatch, tmp_path):
    calls = []

    class FakePopen:
        def __init__(self, command, **kwargs):
            calls.append(("start", [a for a in command if "open_browser" in a], kwargs["env"]["JUPYTER_RUNTIME_DIR"]))

    def run_in_server(server, token, name, runtime_dir, timeout=None):
        calls.append(("run", server, token, name, str(runtime_dir)))
        return []

    monkeypatch.setattr(explore_lab.subprocess, "Popen", FakePopen)
    monkeypatch.setattr(explore_lab, "wait_for_server", lambda *a, **k: calls.append(("wait",)))
    monkeypatch.setattr(explore_lab, "run_in_server", run_in_server)
    monkeypatch.setattr(explore_lab.webbrowser, "open", lambda url: calls.append(("browser", url)))
    runtime = str(tmp_path / "runtime")
    _, url = explore_lab.launch(themed, port=8899, token="abc", open_browser=True, env={"JUPYTER_RUNTIME_DIR": runtime})
    # JupyterLab does not open the browser itself: that waits until the notebook has run
    assert calls == [("start", ["--ServerApp.open_browser=False"], runtime), ("wait",),
                     ("run", "http://127.0.0.1:8899/", "abc", "explore_themes.ipynb", runtime), ("browser", url)]

    stopped = []
    monkeypatch.setattr(explore_lab, "stop", stopped.append)
    monkeypatch.setattr(explore_lab, "run_in_server", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C while it runs: the server is stopped too
        explore_lab.launch(themed, port=8899, token="abc")
    assert len(stopped) == 1

    def dead_kernel(*args, **kwargs):
        raise RuntimeError("Kernel died before replying to execute request")

    monkeypatch.setattr(explore_lab, "run_in_server", dead_kernel)
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="could not run the explorer notebook.*Kernel died"):
        explore_lab.launch(themed, port=8899, token="abc")  # one line for the command, not a traceback
    assert len(stopped) == 2


def test_cli_writes_a_parameterised_notebook_and_builds_the_lab_command(themed, tmp_path):
    parser = argparse.ArgumentParser()
    explore_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["explore", str(themed), "--no-browser", "--port", "8899"])
    assert (args.data_dir, args.no_browser, args.port, args.func) == (str(themed), True, 8899, explore_command.run)
    assert args.app is False
    assert parser.parse_args(["explore", str(themed), "--app"]).app is True

    notebook = explore_lab.prepare_notebook(themed)
    assert notebook.parent == themed.resolve() / ".workbench" / "explore"
    nb = nbformat.read(str(notebook), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and repr(str(themed.resolve())) in injected[0].source
    explore_lab.prepare_notebook(themed)  # again: still one injected cell
    assert sum("injected-parameters" in c.metadata.get("tags", []) for c in nbformat.read(str(notebook), 4).cells) == 1

    command = explore_lab.lab_command(notebook, port=8899, token="abc")
    assert "--ServerApp.port=8899" in command and "--IdentityProvider.token=abc" in command
    assert explore_lab.lab_url("127.0.0.1", 8899, "abc") == "http://127.0.0.1:8899/lab/tree/explore_themes.ipynb?token=abc"

    from workbench.cli import UsageError

    (tmp_path / "raw").mkdir()
    with pytest.raises(UsageError, match="no themes yet"):
        explore_lab.check_data_dir(tmp_path / "raw")


def test_explorer_on_a_folder_themed_by_the_pipeline_and_edits_survive_a_refit(mini_dir):
    from workbench.ingest import ingest
    from workbench.themes.pipeline import update_themes

    ingest(mini_dir)
    update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(3))
    view = open_explorer(mini_dir, map_method="pca", embedder=HashingEmbedder(), who="maya")
    stored = store.load_table(mini_dir, "themes").set_index("theme_id")["mentions"]
    table = view.table.set_index("theme_id")["mentions"]
    assert table.to_dict() == stored[stored > 0].to_dict()
    theme = listed(view)[0]
    view.select(theme)
    view.rename_label.value = "Named by an analyst"
    view.rename_button.click()
    update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(3))
    assert store.load_table(mini_dir, "themes").set_index("theme_id").loc[theme, "label"] == "Named by an analyst"


def test_intent_shares_and_the_intent_filter(themed):
    state = ExplorerState.from_data_dir(themed)
    table = state.theme_table().set_index("label")
    # billing: b1 b2 b5 b6 problems, b3 a request, b4 praise; exports: e1-e4 problems, e5 unknown (left
    # out of the shares); onboarding: o1 a problem, o2 o3 praise, o4 a request
    assert table.loc["billing / invoice", ["problem_share", "request_share", "praise_share"]].tolist() == \
        pytest.approx([4 / 6, 1 / 6, 1 / 6])
    assert table.loc["export / excel", ["problem_share", "request_share", "praise_share"]].tolist() == [1.0, 0.0, 0.0]
    assert table.loc["onboarding / weeks", ["problem_share", "request_share", "praise_share"]].tolist() == \
        [0.25, 0.25, 0.5]
    state.set_filters(intents=("request",))
    requests = state.theme_table().set_index("label")["mentions"].to_dict()
    assert requests == {"billing / invoice": 1, "onboarding / weeks": 1}
    quotes, n = state.quotes(state.theme_table()["theme_id"].iloc[0])
    assert n == 1 and quotes["intent"].tolist() == ["request"]
    state.set_filters(intents=("unknown",))
    assert state.theme_table()["mentions"].sum() == 1     # e5
    with pytest.raises(ValueError, match="intent must be among"):
        state.set_filters(intents=("wish",))


def test_the_intent_filter_widget_filters(explorer):
    explorer.intent.value = ("request",)
    assert explorer.state.filters.intents == ("request",)
    assert explorer.state.counts()["statements"] == 2
    explorer.clear_button.click()
    assert explorer.intent.value == () and explorer.state.counts()["statements"] == 16


def test_the_vega_map_is_the_fallback_without_jupyter_scatter(themed, monkeypatch):
    monkeypatch.setattr("workbench.explore.webgl.available", lambda: False)
    view = Explorer(ExplorerState.from_data_dir(themed), None)
    assert view.map_engine == "vega" and view.webgl is None
    assert len(drawn_points(view)) == 16 and "drag a rectangle" in view.map_info.value
    with pytest.raises(ValueError, match="map_engine"):
        Explorer(ExplorerState.from_data_dir(themed), None, map_engine="svg")
