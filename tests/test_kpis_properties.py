"""Properties the KPI formulas must hold for any input (hypothesis)."""
from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.kpis import compute_kpis
from workbench.kpis.customers import churn, churned_arr, contraction, expansion, nrr, retention
from workbench.kpis.inputs import prepare_tables
from workbench.kpis.stats import nps_figure, nps_from_counts
from workbench.kpis.window import Window

counts = st.tuples(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500)).filter(lambda c: sum(c) > 0)


@given(st.lists(st.integers(0, 10), min_size=1, max_size=300))
def test_nps_is_always_between_minus_and_plus_100(scores):
    figure = nps_figure(pd.Series(scores))
    assert -100.0 <= figure.value <= 100.0
    assert figure.n == len(scores)
    assert figure.moe >= 0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 10), min_size=1, max_size=60))
def test_reported_nps_is_always_between_minus_and_plus_100(scores):
    frame = pd.DataFrame({"response_id": [f"R{i}" for i in range(len(scores))],
                          "date": pd.Timestamp("2026-08-01"), "score": scores})
    row = compute_kpis({"nps_responses": frame}, kpis=["nps"], min_n=1).iloc[0]
    assert row["status"] == "ok" and -100.0 <= row["value"] <= 100.0


@given(counts)
def test_adding_a_promoter_never_lowers_nps(c):
    promoters, passives, detractors = c
    assert nps_from_counts(promoters + 1, passives, detractors).value >= nps_from_counts(*c).value


@given(st.lists(st.integers(0, 10), min_size=1, max_size=100))
def test_adding_a_promoter_score_never_lowers_nps(scores):
    assert nps_figure(pd.Series(scores + [9])).value >= nps_figure(pd.Series(scores)).value


@given(counts, st.integers(2, 50))
def test_moe_shrinks_as_n_grows_at_a_fixed_mix(c, k):
    small = nps_from_counts(*c)
    large = nps_from_counts(*(k * x for x in c))
    assert large.value == small.value or math.isclose(large.value, small.value, abs_tol=1e-9)
    assert large.moe <= small.moe + 1e-12
    if small.variance > 0:
        assert large.moe < small.moe
        assert math.isclose(large.moe, small.moe / math.sqrt(k), rel_tol=1e-9)


day = st.integers(-600, 600).map(lambda d: pd.Timestamp("2026-07-01") + pd.Timedelta(days=d))


@st.composite
def accounts(draw):
    rows = []
    for i in range(draw(st.integers(0, 30))):
        start = draw(day)
        end = draw(st.none() | st.integers(0, 500).map(lambda d, start=start: start + pd.Timedelta(days=d)))
        rows.append({"account_id": f"A{i}", "start_date": start, "end_date": end})
    return pd.DataFrame(rows, columns=["account_id", "start_date", "end_date"])


@settings(max_examples=40, deadline=None)
@given(accounts(), st.sampled_from(["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]))
def test_retention_and_churn_are_shares(frame, quarter):
    tables = prepare_tables({"accounts": frame}, kpis=["retention", "churn"])
    window = Window.of(quarter)
    kept, lost = retention(tables, window), churn(tables, window)
    if kept.n:
        assert 0.0 <= kept.value <= 1.0
    else:
        assert math.isnan(kept.value)
    if lost.n:
        assert 0.0 <= lost.value <= 1.0
    assert kept.n <= lost.n  # existing at start is part of churn's base


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.none() | st.floats(0, 1e6), st.none() | st.floats(0, 1e6)), min_size=1, max_size=20))
def test_nrr_is_one_plus_expansion_minus_contraction_minus_churned_arr(arr_pairs):
    ids = [f"A{i}" for i in range(len(arr_pairs))]
    frame = pd.DataFrame({"account_id": ids, "start_date": pd.Timestamp("2025-01-01"), "end_date": pd.NaT})
    rows = [(a, q, v) for a, pair in zip(ids, arr_pairs) for q, v in zip(("2026Q2", "2026Q3"), pair) if v is not None]
    arr = pd.DataFrame(rows, columns=["account_id", "quarter", "arr"])
    kpis = ["nrr", "expansion", "contraction", "churned_arr"]
    tables = prepare_tables({"accounts": frame, "arr": arr}, kpis=kpis)
    window = Window.of("2026Q3")
    value = nrr(tables, window).value
    if math.isnan(value):
        assert sum(p[0] or 0 for p in arr_pairs) == 0
        return
    parts = 1 + expansion(tables, window).value - contraction(tables, window).value - churned_arr(tables, window).value
    assert math.isclose(value, parts, rel_tol=1e-9, abs_tol=1e-9)
    assert value >= 0
