"""Theme impact on NPS, checked against values computed by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbench.themes.impact import nps, nps_category, theme_impact, theme_impact_by_segment


@pytest.fixture
def responses():
    """Ten responses. Scores 10 9 9 8 7 | 6 5 3 0 10 (quarters Q1 | Q2).

    Overall: promoters r1 r2 r3 r10 = 4, passives r4 r5 = 2, detractors r6 r7 r8 r9 = 4
    NPS_all = 100 * (4 - 4) / 10 = 0.
    r4 and r5 left the comment empty (no evidence row): they count, but mention nothing.
    Plans alternate: odd responses Pro, even responses Basic.
    """
    return pd.DataFrame({
        "response_id": [f"r{i}" for i in range(1, 11)],
        "quarter": ["2026Q1"] * 5 + ["2026Q2"] * 5,
        "score": [10, 9, 9, 8, 7, 6, 5, 3, 0, 10],
        "plan": ["Pro", "Basic"] * 5,
        "industry": ["Retail"] * 10,
        "region": [None] * 10,
        "evidence_id": ["e1", "e2", "e3", None, None, "e6", "e7", "e8", "e9", "e10"],
    })


@pytest.fixture
def assignments():
    """Theme A ('slow exports'): e2 e6 e7 e8.  Theme B ('great support'): e1 e9 e10.
    e3 is an outlier (no theme). e7 appears twice under A (counted once)."""
    return pd.DataFrame({
        "evidence_id": ["e2", "e6", "e7", "e7", "e8", "e1", "e9", "e10", "e3"],
        "theme_id": ["A", "A", "A", "A", "A", "B", "B", "B", None],
    })


def row(frame, **where):
    mask = np.ones(len(frame), dtype=bool)
    for k, v in where.items():
        mask &= frame[k].to_numpy() == v
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


def test_nps_and_categories():
    # 2 promoters, 1 passive, 2 detractors of 5 -> 100 * (2 - 2) / 5 = 0; 9,9,0 -> 100*(2-1)/3
    assert nps([10, 9, 7, 6, 0]) == 0
    assert nps([9, 9, 0]) == pytest.approx(100 / 3)
    assert math.isnan(nps([]))
    assert list(nps_category(pd.Series([10, 9, 8, 7, 6, 0, None]))) == [
        "promoter", "promoter", "passive", "passive", "detractor", "detractor", None]


def test_overall_impact_by_hand(responses, assignments):
    out = theme_impact(responses, assignments)
    a, b = row(out, theme_id="A"), row(out, theme_id="B")

    # A is mentioned by r2 (9), r6 (6), r7 (5), r8 (3): 1 promoter, 0 passives, 3 detractors.
    # Without them: 10 9 8 7 0 10 -> promoters 3, detractors 1, n 6 -> 100 * 2 / 6 = 33.33.
    # Impact = 33.33 - 0 = +33.33 (A drags NPS down).
    assert a["n_responses"] == 10 and a["n_mentioning"] == 4
    assert a["nps_all"] == 0
    assert a["nps_without"] == pytest.approx(100 * 2 / 6)
    assert a["impact"] == pytest.approx(100 * 2 / 6)
    assert a["nps_mentioning"] == pytest.approx(100 * (1 - 3) / 4)
    assert (a["promoter_share"], a["passive_share"], a["detractor_share"]) == (0.25, 0.0, 0.75)
    assert a["mention_share"] == 0.4

    # B is mentioned by r1 (10), r9 (0), r10 (10). Without them: 9 9 8 7 6 5 3 ->
    # promoters 2, detractors 3, n 7 -> 100 * (2 - 3) / 7 = -14.29; impact -14.29 (B lifts NPS).
    assert b["n_mentioning"] == 3
    assert b["nps_without"] == pytest.approx(-100 / 7)
    assert b["impact"] == pytest.approx(-100 / 7)
    assert b["promoter_share"] == pytest.approx(2 / 3) and b["detractor_share"] == pytest.approx(1 / 3)

    # sorted: biggest drag first; outliers (no theme) give no row
    assert list(out["theme_id"]) == ["A", "B"]


def test_impact_per_quarter_by_hand(responses, assignments):
    out = theme_impact(responses, assignments, by="quarter")
    # Q1: 10 9 9 8 7 -> P3 D0 -> NPS 60.
    #   A: r2 (9). Without: 10 9 8 7 -> P2 D0 n4 -> 50; impact 50 - 60 = -10.
    #   B: r1 (10). Without: 9 9 8 7 -> 50; impact -10.
    # Q2: 6 5 3 0 10 -> P1 D4 -> NPS -60.
    #   A: r6 r7 r8. Without: 0 10 -> P1 D1 -> 0; impact +60.
    #   B: r9 r10. Without: 6 5 3 -> -100; impact -40.
    expected = {("2026Q1", "A"): -10, ("2026Q1", "B"): -10, ("2026Q2", "A"): 60, ("2026Q2", "B"): -40}
    got = {(r.quarter, r.theme_id): r.impact for r in out.itertuples()}
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value), key
    assert row(out, quarter="2026Q1", theme_id="A")["nps_all"] == 60
    assert row(out, quarter="2026Q2", theme_id="A")["nps_all"] == -60


def test_impact_per_segment_by_hand(responses, assignments):
    out = theme_impact_by_segment(responses, assignments, segments=["plan", "region"])
    # Pro = r1 r3 r5 r7 r9: 10 9 7 5 0 -> P2 D2 -> NPS 0.
    #   A: r7 (5). Without: 10 9 7 0 -> P2 D1 n4 -> 25; impact +25.
    # Basic = r2 r4 r6 r8 r10: 9 8 6 3 10 -> P2 D2 -> NPS 0.
    #   A: r2 r6 r8 (9 6 3). Without: 8 10 -> P1 D0 -> 50; impact +50.
    assert row(out, segment="plan", segment_value="Pro", theme_id="A")["impact"] == pytest.approx(25)
    assert row(out, segment="plan", segment_value="Basic", theme_id="A")["impact"] == pytest.approx(50)
    # region is unknown for everyone: one group of all ten, same as overall
    region_a = out[(out["segment"] == "region") & (out["theme_id"] == "A")]
    assert len(region_a) == 1 and pd.isna(region_a["segment_value"].iloc[0])
    assert region_a["impact"].iloc[0] == pytest.approx(100 * 2 / 6)
    # per quarter and segment, restricted to a quarter
    q2 = theme_impact_by_segment(responses, assignments, segments=["plan"], quarter="2026Q2")
    # Q2 Basic = r6 r8 r10: 6 3 10 -> P1 D2 -> -33.33; A: r6 r8 -> without: 10 -> 100; impact 133.33
    assert row(q2, segment_value="Basic", theme_id="A")["impact"] == pytest.approx(100 + 100 / 3)
    both = theme_impact_by_segment(responses, assignments, segments=["plan"], per_quarter=True)
    assert list(both.columns[:3]) == ["segment", "quarter", "segment_value"]
    assert row(both, quarter="2026Q2", segment_value="Basic", theme_id="A")["impact"] == pytest.approx(100 + 100 / 3)
    # Q1 Pro = r1 r3 r5: 10 9 7 -> 66.67; B: r1 -> without 9 7 -> 50; impact -16.67
    assert row(both, quarter="2026Q1", segment_value="Pro", theme_id="B")["impact"] == pytest.approx(50 - 200 / 3)


def test_theme_in_every_response_gives_missing_not_a_crash():
    responses = pd.DataFrame({"response_id": ["a", "b", "c"], "score": [10, 3, 8],
                              "evidence_id": ["x", "y", "z"]})
    assignments = pd.DataFrame({"evidence_id": ["x", "y", "z", "x"], "theme_id": ["T1", "T1", "T1", "T2"]})
    out = theme_impact(responses, assignments)
    t1, t2 = row(out, theme_id="T1"), row(out, theme_id="T2")
    # T1 in all three: NPS of the rest is undefined
    assert pd.isna(t1["nps_without"]) and pd.isna(t1["impact"])
    assert t1["nps_all"] == 0  # 1 promoter, 1 detractor of 3
    # T2 in 'a' (10) only: without -> 3 8 -> P0 D1 -> -50; impact -50
    assert t2["impact"] == pytest.approx(-50)
    assert list(out["theme_id"]) == ["T2", "T1"]  # undefined impact sorts last


def test_empty_inputs_and_missing_columns(responses, assignments):
    none = theme_impact(responses, assignments.iloc[0:0])
    assert none.empty and "impact" in none.columns
    with pytest.raises(KeyError, match="quarter"):
        theme_impact(responses.drop(columns="quarter"), assignments, by="quarter")
    labelled = theme_impact(responses, assignments, themes=pd.DataFrame({"theme_id": ["A"], "label": ["Slow exports"]}))
    assert row(labelled, theme_id="A")["label"] == "Slow exports"
    assert pd.isna(row(labelled, theme_id="B")["label"])


def test_inputs_are_not_mutated(responses, assignments):
    before_r, before_a = responses.copy(), assignments.copy()
    theme_impact(responses, assignments, by=["quarter", "plan"])
    pd.testing.assert_frame_equal(responses, before_r)
    pd.testing.assert_frame_equal(assignments, before_a)
