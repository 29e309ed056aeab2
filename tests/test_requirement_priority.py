"""Requirements grouped by what is asked, their figures (one place, ARR n/a), and the priority score."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.report.requirements_view import arr_text, requirements_table
from workbench.themes.requirements import build_requirements, restrict_requirements
from workbench.themes.requirements.figures import requirement_figures
from workbench.themes.requirements.priority import PRIORITY_COLUMNS, prioritise


def _evidence(texts, accounts, quarters=None):
    n = len(texts)
    return pd.DataFrame({
        "evidence_id": [f"ev{i}" for i in range(n)], "account_id": accounts,
        "quarter": quarters or ["2026Q3"] * n, "speaker_role": ["customer"] * n, "text": texts,
        "source_file": ["notes.md"] * n, "locator": [f"line {i}" for i in range(n)],
    })


@pytest.mark.slow
def test_reworded_duplicates_from_different_accounts_join_one_requirement():
    from workbench.embed import embed_texts

    texts = [
        "Honestly the dashboards are fine. I wish we could export the dashboards to PDF for the board pack.",
        "Please add PDF export for dashboards.",
        "Would love to be able to export our dashboards as PDF files.",
        "We need single sign-on with Okta before the rollout.",
        "Please add SSO with Okta.",
        "The weekly digest e-mail arrives on time.",
    ]
    evidence = _evidence(texts, ["A1", "A2", "A3", "A4", "A5", "A6"])
    vectors = embed_texts(texts)
    flags = np.array([True, True, True, True, True, False])
    out = build_requirements(evidence, None, vectors, is_requirement=flags, encode=lambda t: embed_texts(list(t)))
    groups = sorted(sorted(ids) for ids in out["evidence_ids"])
    assert groups == [["ev0", "ev1", "ev2"], ["ev3", "ev4"]]
    pdf = out[out["evidence_ids"].map(lambda ids: "ev1" in ids)].iloc[0]
    assert pdf["accounts"] == 3
    assert "pdf" in pdf["statement"].lower() and not pdf["statement"].lower().startswith(("please", "i wish"))


def test_arr_at_stake_is_unknown_without_arr_data_and_shown_as_n_a():
    evidence = _evidence(["Please add SSO.", "Please add SSO!"], ["A1", "A2"])
    emb = np.array([[1.0, 0.0], [1.0, 0.01]])
    out = build_requirements(evidence, None, emb, is_requirement=[True, True])
    assert len(out) == 1 and np.isnan(out["arr_at_stake"].iloc[0])
    arr = pd.DataFrame({"account_id": ["A1", "A2"], "quarter": ["2026Q3", "2026Q3"], "arr": [1000.0, 0.0]})
    with_arr = build_requirements(evidence, None, emb, arr=arr, is_requirement=[True, True])
    assert with_arr["arr_at_stake"].iloc[0] == 1000.0
    assert arr_text(float("nan")) == "n/a" and arr_text(0.0) == "$0" and arr_text(1234.4) == "$1,234"

    class Data:
        quarter = "2026Q3"
        requirements = prioritise(out)
    html = str(requirements_table(Data()))
    assert "n/a" in html and "$0" not in html and "Priority (0-100)" in html


def test_segment_figures_are_the_same_computation_as_the_whole():
    evidence = _evidence(["Please add SSO.", "Please add SSO!", "SSO please"], ["A1", "A2", "A2"],
                         ["2026Q2", "2026Q3", "2026Q3"])
    emb = np.array([[1.0, 0.0], [1.0, 0.01], [1.0, 0.02]])
    nps = pd.DataFrame({"evidence_id": ["ev0", "ev1"], "score": [3, 10]})
    arr = pd.DataFrame({"account_id": ["A1", "A2"], "quarter": ["2026Q3", "2026Q3"], "arr": [100.0, 50.0]})
    whole = build_requirements(evidence, None, emb, arr=arr, nps=nps, is_requirement=[True] * 3, as_of="2026Q3")
    pairs = whole[["requirement_id", "evidence_ids"]].explode("evidence_ids").rename(columns={"evidence_ids": "evidence_id"})
    again = restrict_requirements(whole, pairs, evidence, nps, arr, as_of="2026Q3")
    columns = ["mentions", "accounts", "arr_at_stake", "nps_responses", "detractor_share", "mentions_now", "mentions_before"]
    pd.testing.assert_frame_equal(whole[columns], again[columns])
    row = whole.iloc[0]
    assert (row["mentions"], row["accounts"], row["arr_at_stake"]) == (3, 2, 150.0)
    assert (row["detractor_share"], row["mentions_now"], row["mentions_before"]) == (0.5, 2, 1)
    only_a2 = restrict_requirements(whole, pairs, evidence[evidence["account_id"] == "A2"], nps, arr, as_of="2026Q3")
    assert (only_a2["mentions"].iloc[0], only_a2["arr_at_stake"].iloc[0], only_a2["detractor_share"].iloc[0]) == (2, 50.0, 0.0)


def test_figures_count_quarters_and_scores():
    members = pd.DataFrame({"evidence_id": ["e1", "e2", "e3"], "account_id": ["A", "B", None],
                            "quarter": ["2026Q2", "2026Q3", "2026Q3"]})
    f = requirement_figures(members, {"A": 10.0}, {"e1": 9, "e2": 6}, as_of="2026Q3")
    assert f["accounts"] == 2 and f["account_ids"] == ["A", "B"] and f["arr_at_stake"] == 10.0
    assert f["nps_responses"] == 2 and f["detractor_share"] == 0.5
    assert (f["first_quarter"], f["last_quarter"], f["mentions_now"], f["mentions_before"]) == ("2026Q2", "2026Q3", 2, 1)
    assert np.isnan(requirement_figures(members, None, {}, as_of="2026Q3")["arr_at_stake"])


def _requirements():
    return pd.DataFrame({
        "requirement_id": ["R1", "R2", "R3"], "theme_id": ["T1", "T2", "T2"], "mentions": [10, 4, 2],
        "accounts": [6, 3, 1], "arr_at_stake": [500.0, 900.0, 100.0], "detractor_share": [0.5, 0.2, np.nan],
        "mentions_now": [6, 4, 2], "mentions_before": [6, 1, 0],
    })


def test_priority_is_the_documented_weighted_mean_of_percentile_ranks():
    out = prioritise(_requirements(), responses=200, problem_share={"T1": 0.6, "T2": 0.2}).set_index("requirement_id")
    assert set(PRIORITY_COLUMNS) <= set(out.columns)
    # R1: reach ranks (accounts 1.0, mentions/100 1.0) -> 1.0; revenue 0.5; pain mean(detractor 1.0,
    # problem 1.0) = 1.0; growth 0 is the lowest -> trend 0.0
    assert out.loc["R1", ["reach", "revenue", "pain", "trend"]].tolist() == [1.0, 0.5, 1.0, 0.0]
    assert out.loc["R1", "priority"] == pytest.approx(100 * (0.35 + 0.25 * 0.5 + 0.25), abs=0.05)
    assert out.loc["R1", "mentions_per_100"] == pytest.approx(3.0)
    # R2: reach 0.5, revenue 1.0, pain mean(detractor 0.0, problem 0.25) = 0.125, growth 3.0 is the highest
    assert out.loc["R2", "priority"] == pytest.approx(100 * (0.35 * 0.5 + 0.25 + 0.25 * 0.125 + 0.15), abs=0.05)
    assert out.index.tolist() == ["R1", "R2", "R3"]    # sorted by priority
    assert out.loc["R1", "priority_basis"] == "reach, revenue, pain, trend"


def test_priority_leaves_out_a_part_without_data_and_reweights():
    frame = _requirements().assign(arr_at_stake=np.nan, detractor_share=np.nan)
    out = prioritise(frame, responses=200).set_index("requirement_id")
    assert out["priority_basis"].unique().tolist() == ["reach, trend"]
    assert out["revenue"].isna().all() and out["pain"].isna().all()
    # R2: reach 0.5, trend 1.0 -> (0.35 * 0.5 + 0.15 * 1.0) / 0.5
    assert out.loc["R2", "priority"] == pytest.approx(100 * (0.35 * 0.5 + 0.15) / 0.5, abs=0.05)
    assert prioritise(frame.iloc[:0]).empty


def test_the_intent_and_requirement_stage_is_tables_in_tables_out():
    from workbench.themes.voice import STATEMENT_INTENT_COLUMNS, intents_and_requirements

    texts = ["Please add SSO with Okta.", "Please add SSO with Okta!", "The export fails every night.",
             "Love the new board, it is great.", "Wir brauchen einen Export nach Excel, bitte."]
    statements = _evidence(texts, ["A1", "A2", "A3", "A4", "A5"])
    vectors = np.array([[1.0, 0.0], [1.0, 0.01], [0.0, 1.0], [0.7, 0.7], [0.1, 1.0]])
    assignments = pd.DataFrame({"evidence_id": statements["evidence_id"], "theme_id": ["T1", "T1", "T2", "T3", "T2"]})
    themes = pd.DataFrame({"theme_id": ["T1", "T2", "T3"], "label": ["sso", "exports", "board"]})
    intents, requirements = intents_and_requirements(statements, vectors, assignments, themes, quarter="2026Q3")
    assert list(intents.columns) == STATEMENT_INTENT_COLUMNS
    assert intents["intent"].tolist() == ["request", "request", "problem", "praise", "request"]
    assert intents["language"].iloc[4] == "de"
    assert sorted(map(sorted, requirements["evidence_ids"])) == [["ev0", "ev1"], ["ev4"]]
    sso = requirements[requirements["theme_id"] == "T1"].iloc[0]
    assert sso["accounts"] == 2 and np.isnan(sso["arr_at_stake"]) and sso["priority_basis"] == "reach, pain, trend"
    assert sso["problem_share"] == 0.0
    assert requirements.loc[requirements["theme_id"] == "T2", "problem_share"].iloc[0] == 0.5
