"""KPIs: every figure against a hand-computed fixture, reporting rules, errors, the CLI."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from workbench import store
from workbench.cli import main
from workbench.kpis import (
    DEFINITIONS, KPI_IDS, OUTPUT_COLUMNS, KpiInputError, compute_kpis, definitions_markdown,
    load_kpi_tables, overdue_action_items,
)
from workbench.kpis.definitions import TABLE_SOURCES, UNITS
from workbench.tables import columns as table_columns

REPO = Path(__file__).resolve().parents[1]
#: report everything that has an n of at least 1, to test the formulas on small fixtures
MIN_1 = {k: 1 for k in KPI_IDS}
Q3 = "2026Q3"


# --- fixtures --------------------------------------------------------------------------------

def accounts_frame(rows) -> pd.DataFrame:
    """rows: (account_id, start, end, referred_by, first_value_date, industry)."""
    frame = pd.DataFrame(rows, columns=["account_id", "start_date", "end_date", "referred_by",
                                        "first_value_date", "industry"])
    frame["plan"] = "Pro"
    frame["region"] = "EMEA"
    for c in ("start_date", "end_date", "first_value_date"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def nps_frame(scores_by_date: dict[str, list[int]], persona=None, industry=None) -> pd.DataFrame:
    rows = [(d, s) for d, scores in scores_by_date.items() for s in scores]
    frame = pd.DataFrame(rows, columns=["date", "score"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["response_id"] = [f"R{i}" for i in range(len(frame))]
    frame["account_id"] = None
    frame["persona"] = persona
    frame["industry"] = industry
    return frame


def tickets_frame(rows) -> pd.DataFrame:
    """rows: (opened_at, contacts, escalated, csat, ces, industry)."""
    frame = pd.DataFrame(rows, columns=["opened_at", "contacts", "escalated", "csat", "ces", "industry"])
    frame["opened_at"] = pd.to_datetime(frame["opened_at"])
    frame["ticket_id"] = [f"T{i}" for i in range(len(frame))]
    frame["account_id"] = None
    for c in ("contacts", "csat", "ces"):
        frame[c] = frame[c].astype("Int64")
    return frame


def one(frame: pd.DataFrame, kpi: str, quarter: str = Q3, value: str = "all") -> pd.Series:
    rows = frame[(frame["kpi"] == kpi) & (frame["quarter"] == quarter) & (frame["segment_value"] == value)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# --- surveys ---------------------------------------------------------------------------------

def test_nps_counts_moe_and_change():
    # Q3: 5 promoters, 3 passives, 2 detractors; Q2: 2 promoters, 3 passives, 5 detractors
    nps = nps_frame({
        "2026-08-01": [9, 10, 9, 10, 9, 7, 8, 7, 0, 6],
        "2026-05-01": [9, 10, 7, 8, 7, 0, 1, 2, 3, 6],
    })
    out = compute_kpis({"nps_responses": nps}, quarters=Q3, min_n=1)
    row = one(out, "nps")
    assert row["value"] == pytest.approx(30.0)  # 50 % − 20 %
    assert row["n"] == 10
    assert row["moe"] == pytest.approx(1.96 * 100 * math.sqrt((0.5 + 0.2 - 0.3 ** 2) / 10))
    assert row["previous"] == pytest.approx(-30.0)
    assert row["change"] == pytest.approx(60.0)
    # each side's variance 100² × 0.61 over n = 10: z = 60 / sqrt(610 + 610) ≈ 1.72, noise
    assert row["z"] == pytest.approx(60 / math.sqrt(610 + 610))
    assert row["significant"] is False or row["significant"] == False  # noqa: E712
    assert row["unit"] == "points"


def test_nps_change_significant_with_four_times_the_responses():
    q3 = [9, 10, 9, 10, 9, 7, 8, 7, 0, 6] * 4
    q2 = [9, 10, 7, 8, 7, 0, 1, 2, 3, 6] * 4
    out = compute_kpis({"nps_responses": nps_frame({"2026-08-01": q3, "2026-05-01": q2})}, quarters=Q3)
    row = one(out, "nps")
    assert (row["value"], row["n"], row["status"]) == (pytest.approx(30.0), 40, "ok")
    assert row["z"] == pytest.approx(60 / math.sqrt(6100 / 40 * 2))
    assert bool(row["significant"]) is True


def test_enps_uses_the_nps_rule_on_the_enps_table():
    enps = pd.DataFrame({
        "response_id": ["E1", "E2", "E3", "E4"],
        "date": pd.to_datetime(["2026-07-02", "2026-07-03", "2026-09-30", "2026-10-01"]),
        "team": ["Eng"] * 4,
        "score": [10, 8, 3, 10],  # the last one is Q4
    })
    row = one(compute_kpis({"enps": enps}, quarters=Q3, min_n=1), "enps")
    # 1 promoter, 1 passive, 1 detractor of 3: eNPS 0; variance (1/3 + 1/3 − 0) per response
    assert row["value"] == pytest.approx(0.0)
    assert row["n"] == 3
    assert row["moe"] == pytest.approx(1.96 * 100 * math.sqrt((2 / 3) / 3))


def test_csat_and_ces_on_tickets_opened_in_the_quarter():
    tickets = tickets_frame([
        ("2026-07-01 09:00", 1, False, 5, 7, "Retail"),
        ("2026-07-15 09:00", 1, False, 4, 5, "Retail"),
        ("2026-08-01 09:00", 2, False, 3, 4, "Health"),
        ("2026-08-20 09:00", 1, True, 2, 1, "Health"),
        ("2026-09-30 23:30", 3, False, 5, 6, "Health"),
        ("2026-09-10 09:00", None, False, None, None, "Health"),  # no answers
        ("2026-06-30 23:59", 1, False, 5, 7, "Health"),  # opened in Q2
        ("2026-10-01 00:10", 1, False, 1, 1, "Health"),  # opened in Q4
    ])
    out = compute_kpis({"tickets": tickets}, quarters=Q3, min_n=MIN_1)
    csat = one(out, "csat")
    assert (csat["value"], csat["n"], csat["unit"]) == (pytest.approx(3 / 5), 5, "fraction")
    assert csat["moe"] == pytest.approx(1.96 * math.sqrt(0.6 * 0.4 / 5))
    ces = one(out, "ces_mean")
    assert (ces["value"], ces["n"]) == (pytest.approx(4.6), 5)  # (7 + 5 + 4 + 1 + 6) / 5
    # squared deviations 5.76 + 0.16 + 0.36 + 12.96 + 1.96 = 21.2; sample variance 21.2 / 4
    assert ces["moe"] == pytest.approx(1.96 * math.sqrt(5.3 / 5))
    easy = one(out, "ces_easy")
    assert (easy["value"], easy["n"]) == (pytest.approx(3 / 5), 5)  # 7, 5, 6


def test_share_change_uses_the_pooled_two_proportion_test():
    # CSAT 20 of 40 in Q2, 30 of 40 in Q3
    rows = [("2026-05-10", 1, False, 5 if i < 20 else 2, None, "Retail") for i in range(40)]
    rows += [("2026-08-10", 1, False, 4 if i < 30 else 1, None, "Retail") for i in range(40)]
    row = one(compute_kpis({"tickets": tickets_frame(rows)}, quarters=Q3), "csat")
    assert (row["value"], row["previous"], row["change"]) == (0.75, 0.5, 0.25)
    pooled = 50 / 80
    assert row["z"] == pytest.approx(0.25 / math.sqrt(pooled * (1 - pooled) * (1 / 40 + 1 / 40)))
    assert bool(row["significant"]) is True


def test_ces_change_uses_each_sides_variance():
    rows = [("2026-08-10", 1, False, None, c, "Retail") for c in (7, 5, 4, 1, 6)]
    rows += [("2026-05-10", 1, False, None, c, "Retail") for c in (2, 2, 3, 3)]
    row = one(compute_kpis({"tickets": tickets_frame(rows)}, quarters=Q3, min_n=1), "ces_mean")
    # means 4.6 and 2.5; sample variances 5.3 and 1/3
    assert row["change"] == pytest.approx(2.1)
    assert row["z"] == pytest.approx(2.1 / math.sqrt(5.3 / 5 + (1 / 3) / 4))  # 1.964
    assert bool(row["significant"]) is True
    # a single answer has no variance: the test cannot be computed
    one_each = [("2026-08-10", 1, False, None, 7, "Retail"), ("2026-05-10", 1, False, None, 2, "Retail")]
    row = one(compute_kpis({"tickets": tickets_frame(one_each)}, quarters=Q3, min_n=1), "ces_mean")
    assert row["change"] == 5.0 and math.isnan(row["z"]) and pd.isna(row["significant"])


# --- customers -------------------------------------------------------------------------------

def test_retention_and_churn_worked_example():
    """100 customers in the period, 80 existing at start, 20 new, 10 of the existing leave."""
    rows = []
    for i in range(80):
        end = "2026-08-15" if i < 10 else None
        rows.append((f"E{i}", "2025-01-01", end, None, None, "Retail"))
    for i in range(20):
        rows.append((f"N{i}", "2026-07-10", None, None, None, "Retail"))
    out = compute_kpis({"accounts": accounts_frame(rows)}, quarters=Q3)
    retention, churn = one(out, "retention"), one(out, "churn")
    assert (retention["value"], retention["n"], retention["status"]) == (0.875, 80, "ok")
    assert (churn["value"], churn["n"], churn["status"]) == (0.10, 100, "ok")


BOUNDARY_ACCOUNTS = [
    ("A", "2026-06-30", None, None, None, "Retail"),          # existing (started the day before)
    ("B", "2026-07-01", None, None, None, "Retail"),          # acquired on the first day
    ("C", "2025-01-01", "2026-06-30", None, None, "Retail"),  # left in Q2: neither
    ("D", "2025-01-01", "2026-07-01", None, None, "Health"),  # existing, left on the first day
    ("E", "2025-01-01", "2026-09-30", None, None, "Health"),  # existing, left on the last day
    ("F", "2025-01-01", "2026-10-01", None, None, "Health"),  # existing, leaves in Q4
    ("G", "2026-10-01", None, None, None, "Health"),          # not yet a customer
    ("H", "2026-08-01", "2026-09-15", None, None, "Health"),  # acquired and left in Q3
    ("I", "2024-01-01", None, None, None, "Health"),          # existing
]


def test_retention_churn_and_ticket_volume_at_the_quarter_boundaries():
    tickets = tickets_frame([("2026-07-05", 1, False, None, None, "Retail")] * 5
                            + [("2026-10-05", 1, False, None, None, "Retail")])
    out = compute_kpis({"accounts": accounts_frame(BOUNDARY_ACCOUNTS), "tickets": tickets},
                       quarters=Q3, min_n=MIN_1)
    # existing A, D, E, F, I; of them D and E left
    assert (one(out, "retention")["value"], one(out, "retention")["n"]) == (pytest.approx(3 / 5), 5)
    # left in Q3: D, E, H over existing 5 + acquired B, H
    assert (one(out, "churn")["value"], one(out, "churn")["n"]) == (pytest.approx(3 / 7), 7)
    # active at any time in Q3: A, B, D, E, F, H, I; 5 tickets opened in Q3
    per_account = one(out, "tickets_per_account")
    assert (per_account["value"], per_account["n"]) == (pytest.approx(5 / 7), 7)


def test_nrr_expansion_contraction_churned_arr():
    accounts = accounts_frame([
        ("X1", "2025-01-01", None, None, None, "Retail"),
        ("X2", "2025-01-01", None, None, None, "Retail"),
        ("X3", "2025-01-01", "2026-08-31", None, None, "Retail"),
        ("X4", "2025-01-01", None, None, None, "Retail"),
        ("N1", "2026-07-15", None, None, None, "Retail"),  # acquired in Q3: not in NRR
    ])
    arr = pd.DataFrame([
        ("X1", "2026Q2", 1000.0), ("X1", "2026Q3", 1200.0),
        ("X2", "2026Q2", 1000.0), ("X2", "2026Q3", 700.0),
        ("X3", "2026Q2", 1000.0),                           # no Q3 row: counts as 0
        ("X4", "2026Q2", 1000.0), ("X4", "2026Q3", 1000.0),
        ("N1", "2026Q3", 5000.0),
        ("ZZ", "2026Q2", 100.0), ("ZZ", "2026Q3", 900.0),   # not an account
    ], columns=["account_id", "quarter", "arr"])
    out = compute_kpis({"accounts": accounts, "arr": arr}, quarters=Q3, min_n=MIN_1)
    # start 4 × 1000 = 4000; end 1200 + 700 + 0 + 1000 = 2900
    assert one(out, "nrr")["value"] == pytest.approx(2900 / 4000)
    assert one(out, "nrr")["n"] == 4
    assert one(out, "expansion")["value"] == pytest.approx(200 / 4000)
    assert one(out, "contraction")["value"] == pytest.approx(300 / 4000)
    assert one(out, "churned_arr")["value"] == pytest.approx(1000 / 4000)
    assert one(out, "nrr")["unit"] == "ratio"


def test_nrr_without_start_arr_is_insufficient_data():
    accounts = accounts_frame([(f"X{i}", "2025-01-01", None, None, None, "Retail") for i in range(12)])
    arr = pd.DataFrame({"account_id": [f"X{i}" for i in range(12)], "quarter": Q3, "arr": 10.0})
    row = one(compute_kpis({"accounts": accounts, "arr": arr}, quarters=Q3), "nrr")
    assert row["status"] == "insufficient_data" and math.isnan(row["value"]) and row["n"] == 12


def test_referral_rate_and_time_to_value():
    accounts = accounts_frame([
        ("N1", "2026-07-01", None, "A9", "2026-07-11", "Retail"),   # 10 days
        ("N2", "2026-07-10", None, None, "2026-08-09", "Retail"),   # 30 days
        ("N3", "2026-08-01", None, "  ", "2026-08-21", "Retail"),   # 20 days; blank referrer
        ("N4", "2026-09-01", None, None, None, "Retail"),           # not at value yet
        ("O1", "2025-01-01", None, "A9", "2025-02-01", "Retail"),   # existing: neither
    ])
    out = compute_kpis({"accounts": accounts}, quarters=Q3, min_n=MIN_1)
    assert (one(out, "referral_rate")["value"], one(out, "referral_rate")["n"]) == (0.25, 4)
    ttv = one(out, "time_to_value")
    assert (ttv["value"], ttv["n"], ttv["unit"]) == (20.0, 3, "days")
    assert ttv["detail"].startswith("1 of 4")
    assert (one(out, "ttv_not_reached")["value"], one(out, "ttv_not_reached")["n"]) == (1.0, 4)


# --- support ---------------------------------------------------------------------------------

def test_first_contact_resolution_and_escalation():
    tickets = tickets_frame([
        ("2026-07-02", 1, False, None, None, "Retail"),
        ("2026-07-03", 1, True, None, None, "Retail"),
        ("2026-08-03", 2, False, None, None, "Retail"),
        ("2026-08-04", None, False, None, None, "Retail"),  # unresolved: not first contact
        ("2026-09-04", 3, False, None, None, "Retail"),
        ("2026-05-04", 1, True, None, None, "Retail"),      # Q2
    ])
    tickets["escalated"] = tickets["escalated"].map({True: "true", False: "false"})  # as text
    out = compute_kpis({"tickets": tickets}, quarters=Q3, min_n=MIN_1)
    assert (one(out, "fcr")["value"], one(out, "fcr")["n"]) == (pytest.approx(2 / 5), 5)
    assert (one(out, "escalation_rate")["value"], one(out, "escalation_rate")["n"]) == (pytest.approx(1 / 5), 5)


# --- research sessions -----------------------------------------------------------------------

def sessions_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "session_id": ["S1", "S2", "S0"],
        "account_id": ["A", "B", "A"],
        "date": pd.to_datetime(["2026-07-10", "2026-08-01", "2026-06-15"]),
        "duration_minutes": [60.0, 45.0, 90.0],
        "company_attendees": [3, 2, 4],
        "industry": ["Retail", "Health", "Retail"],
    })


def action_items_frame() -> pd.DataFrame:
    rows = [
        # session, session_date, status, due, closed, owner
        ("S1", "2026-07-10", "done", "2026-07-20", "2026-07-14", "Moderator (Research)"),  # 4 days
        ("S1", "2026-07-10", "done", "2026-07-20", "2026-07-20", "Moderator (Research)"),  # 10 days
        ("S2", "2026-08-01", "done", "2026-08-20", "2026-08-31", "Engineering"),           # 30 days
        ("S2", "2026-08-01", "open", "2026-09-15", None, "Note-taker (Product)"),           # overdue
        ("S2", "2026-08-01", "open", "2026-09-30", None, "Engineering"),                   # due on as-of
        ("S2", "2026-08-01", "open", "2026-10-15", None, "Engineering"),                   # not yet due
        ("S1", "2026-07-10", "open", "2026-08-01", None, "Note-taker (Product)"),          # overdue
        ("S0", "2026-06-15", "open", "2026-06-30", None, "Engineering"),                   # Q2 session
    ]
    frame = pd.DataFrame(rows, columns=["session_id", "session_date", "status", "due_date", "closed_date", "owner"])
    frame["account_id"] = frame["session_id"].map({"S1": "A", "S2": "B", "S0": "A"})
    frame["action"] = [f"action {i}" for i in range(len(frame))]
    for c in ("session_date", "due_date", "closed_date"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def test_exposure_hours_and_action_item_follow_up():
    tables = {"sessions": sessions_frame(), "action_items": action_items_frame()}
    out = compute_kpis(tables, quarters=Q3, min_n=MIN_1)
    exposure = one(out, "exposure_hours")
    assert (exposure["value"], exposure["n"], exposure["unit"]) == (pytest.approx(3 * 1 + 2 * 0.75), 2, "hours")
    assert (one(out, "action_items_closed")["value"], one(out, "action_items_closed")["n"]) == (pytest.approx(3 / 7), 7)
    days = one(out, "action_item_days_to_close")
    assert (days["value"], days["n"]) == (10.0, 3)
    still_open = one(out, "action_items_open")
    assert (still_open["value"], still_open["n"]) == (4.0, 7)
    assert still_open["detail"] == "Engineering: 2, Note-taker (Product): 2"
    late = one(out, "action_items_overdue")
    assert (late["value"], late["detail"]) == (2.0, "Note-taker (Product): 2")


def test_overdue_against_a_later_as_of_date_and_the_owner_list():
    tables = {"sessions": sessions_frame(), "action_items": action_items_frame()}
    out = compute_kpis(tables, quarters=Q3, as_of="2026-10-31", min_n=MIN_1)
    assert one(out, "action_items_overdue")["value"] == 4.0
    listing = overdue_action_items(tables, Q3)
    assert list(listing["owner"]) == ["Note-taker (Product)", "Note-taker (Product)"]
    assert list(listing["days_overdue"]) == [60, 15]  # due 1 Aug and 15 Sep, as of 30 Sep


# --- reporting rules -------------------------------------------------------------------------

def test_below_minimum_n_is_insufficient_data_not_a_number():
    scores = {"2026-08-01": [10] * 20 + [0] * 9}  # 29 responses
    out = compute_kpis({"nps_responses": nps_frame(scores)}, quarters=Q3)
    row = one(out, "nps")
    assert row["status"] == "insufficient_data"
    assert math.isnan(row["value"]) and math.isnan(row["moe"]) and row["n"] == 29 and row["min_n"] == 30
    scores["2026-08-01"].append(10)
    row = one(compute_kpis({"nps_responses": nps_frame(scores)}, quarters=Q3), "nps")
    assert (row["status"], row["n"]) == ("ok", 30)
    assert row["value"] == pytest.approx(100 * (21 - 9) / 30)
    # the survey minimum is a setting
    row = one(compute_kpis({"nps_responses": nps_frame({"2026-08-01": [10] * 12})}, quarters=Q3, min_n=10), "nps")
    assert (row["status"], row["value"]) == ("ok", 100.0)


def test_no_change_or_significance_against_an_insufficient_previous_quarter():
    nps = nps_frame({"2026-08-01": [10] * 40, "2026-05-01": [0] * 5})
    row = one(compute_kpis({"nps_responses": nps}, quarters=Q3), "nps")
    assert row["status"] == "ok" and math.isnan(row["previous"]) and math.isnan(row["change"])
    assert pd.isna(row["significant"])


def test_every_kpi_every_quarter_with_the_tidy_columns():
    tables = {"accounts": accounts_frame(BOUNDARY_ACCOUNTS), "sessions": sessions_frame(),
              "action_items": action_items_frame()}
    out = compute_kpis(tables)
    assert list(out.columns) == OUTPUT_COLUMNS
    # sessions span 2026Q2..2026Q3
    assert sorted(out["quarter"].unique()) == ["2026Q2", "2026Q3"]
    assert set(out["kpi"]) == set(KPI_IDS)
    assert len(out) == 2 * len(KPI_IDS)
    assert (out.loc[out["status"] == "insufficient_data", "value"].isna()).all()
    assert (out["segment"] == "all").all()


def test_segment_cuts_use_own_or_account_segments():
    accounts = accounts_frame(BOUNDARY_ACCOUNTS)
    tables = {"accounts": accounts, "sessions": sessions_frame(), "action_items": action_items_frame(),
              "nps_responses": pd.concat([nps_frame({"2026-08-01": [10, 9]}, persona="sponsor", industry="Retail"),
                                          nps_frame({"2026-08-01": [0]}, persona=None, industry="Health")],
                                         ignore_index=True).assign(response_id=lambda f: [f"R{i}" for i in range(len(f))])}
    out = compute_kpis(tables, quarters=Q3, by="industry", min_n=MIN_1)
    assert set(out["segment_value"]) == {"Health", "Retail"}
    assert "enps" not in set(out["kpi"])  # employees have no customer segment
    # retention by industry: Retail existing A (stays); Health existing D, E, F, I (D, E leave)
    assert one(out, "retention", value="Retail")["value"] == 1.0
    assert one(out, "retention", value="Health")["value"] == pytest.approx(2 / 4)
    # action items have no industry column: joined from accounts (S1 -> A Retail, S2 -> B Retail)
    assert one(out, "action_items_closed", value="Retail")["n"] == 7
    assert one(out, "action_items_closed", value="Health")["n"] == 0
    assert one(out, "exposure_hours", value="Health")["value"] == pytest.approx(1.5)
    # a ticket with no industry of its own takes its account's; with neither it is (unknown)
    tickets = tickets_frame([("2026-07-05", 1, False, 5, None, None)] * 2).assign(account_id=["D", None])
    csat = compute_kpis({"accounts": accounts, "tickets": tickets}, quarters=Q3, by="industry",
                        kpis=["csat"], min_n=MIN_1)
    assert dict(zip(csat["segment_value"], csat["n"])) == {"Health": 1, "(unknown)": 1}
    assert one(out, "nps", value="Retail")["value"] == 100.0
    by_persona = compute_kpis(tables, quarters=Q3, by="persona", min_n=MIN_1)
    assert set(by_persona["kpi"]) == {"nps"}
    assert dict(zip(by_persona["segment_value"], by_persona["value"])) == {"sponsor": 100.0, "(unknown)": -100.0}


def test_unknown_quarter_segment_and_kpi_name_the_valid_values():
    tables = {"sessions": sessions_frame()}
    with pytest.raises(KpiInputError, match=r"2027Q1.*2026Q2, 2026Q3"):
        compute_kpis(tables, quarters="2027Q1")
    with pytest.raises(KpiInputError, match=r"'country'.*industry, plan, region, persona"):
        compute_kpis(tables, by="country")
    with pytest.raises(KpiInputError, match=r"'nope'"):
        compute_kpis(tables, min_n={"nope": 3})
    with pytest.raises(KpiInputError, match=r"'nps_score'.*nps, enps"):
        compute_kpis(tables, kpis=["nps_score"])


def test_only_the_chosen_kpis_columns_are_required():
    accounts = accounts_frame(BOUNDARY_ACCOUNTS)[["account_id", "start_date", "end_date"]]
    out = compute_kpis({"accounts": accounts}, quarters=Q3, kpis=["retention", "churn"], min_n=MIN_1)
    assert list(out["kpi"]) == ["retention", "churn"]
    assert one(out, "retention")["value"] == pytest.approx(3 / 5)
    with pytest.raises(store.MissingColumnError, match=r"table 'accounts' has no column 'referred_by'"):
        compute_kpis({"accounts": accounts}, kpis=["referral_rate"])


def test_missing_column_names_table_and_column(tmp_path):
    tickets = tickets_frame([("2026-07-02", 1, False, 5, 5, "Retail")]).drop(columns=["csat"])
    with pytest.raises(store.MissingColumnError, match=r"table 'tickets' has no column 'csat'"):
        compute_kpis({"tickets": tickets})
    # a segment cut needs the segment, from the table itself or from its accounts
    accounts = accounts_frame(BOUNDARY_ACCOUNTS).drop(columns=["industry"])
    with pytest.raises(store.MissingColumnError, match=r"table 'accounts' has no column 'industry'"):
        compute_kpis({"accounts": accounts}, by="industry")
    # and from the store
    store.save_tables(tmp_path, {"tickets": tickets})
    with pytest.raises(store.MissingColumnError, match=r"table 'tickets' has no column 'csat'"):
        load_kpi_tables(tmp_path)


def test_impossible_values_are_refused_not_used():
    with pytest.raises(KpiInputError, match=r"nps_responses.*score.*outside 0–10"):
        compute_kpis({"nps_responses": nps_frame({"2026-08-01": [9, 11]})})
    with pytest.raises(KpiInputError, match=r"'accounts' column 'end_date': not a date: '31/02/2026'"):
        compute_kpis({"accounts": accounts_frame(BOUNDARY_ACCOUNTS).assign(end_date="31/02/2026")})
    arr = pd.DataFrame({"account_id": ["A"], "quarter": [Q3], "arr": [-5.0]})
    with pytest.raises(KpiInputError, match=r"arr.*arr"):
        compute_kpis({"arr": arr})


def test_quarantined_rows_are_counted_per_kpi_sources():
    ingest_files = pd.DataFrame({
        "source_file": ["surveys/a.csv", "surveys/b.csv", "accounts.csv", "arr.csv", "tickets.csv"],
        "source": ["nps", "nps", "accounts", "arr", "tickets"],
        "layout": "",
        "rows_read": [10, 10, 5, 5, 5],
        "rows_accepted": [9, 8, 4, 2, 5],
        "rows_quarantined": [1, 2, 1, 3, 0],
    })
    tables = {"nps_responses": nps_frame({"2026-08-01": [9]}), "ingest_files": ingest_files}
    out = compute_kpis(tables, quarters=Q3)
    assert one(out, "nps")["quarantined"] == 3
    assert one(out, "nrr")["quarantined"] == 4  # accounts 1 + arr 3
    assert one(out, "retention")["quarantined"] == 1
    assert one(out, "csat")["quarantined"] == 0
    assert one(out, "exposure_hours")["quarantined"] == 0
    assert out.attrs["quarantined"]["nps"] == 3
    # absent tables are tolerated: the count is unknown, not zero
    out = compute_kpis({"nps_responses": nps_frame({"2026-08-01": [9]})}, quarters=Q3)
    assert out["quarantined"].isna().all() and out.attrs["quarantined"] is None


def test_inputs_are_not_modified():
    nps = nps_frame({"2026-08-01": [9, 3]})
    before = nps.copy()
    compute_kpis({"nps_responses": nps}, by="industry")
    pd.testing.assert_frame_equal(nps, before)


# --- one place for definitions ---------------------------------------------------------------

def test_docs_page_is_the_generated_definitions():
    page = REPO / "docs" / "kpis.md"
    assert page.read_text(encoding="utf-8") == definitions_markdown(), (
        "docs/kpis.md is stale: run `python -m workbench.kpis.definitions > docs/kpis.md`")


def test_definitions_are_complete_and_name_real_columns():
    assert len({d.id for d in DEFINITIONS}) == len(DEFINITIONS)
    for d in DEFINITIONS:
        assert d.formula and d.n and d.unit in UNITS
        for table, cols in d.inputs.items():
            assert table in TABLE_SOURCES
            assert set(cols) <= set(table_columns(table)), (d.id, table)
        assert f"`{d.id}`" in definitions_markdown()
    survey = {d.id for d in DEFINITIONS if d.survey}
    assert survey == {"nps", "enps", "csat", "ces_mean", "ces_easy"}
    assert all(d.min_n == 30 for d in DEFINITIONS if d.survey)


# --- the CLI on a tiny store -----------------------------------------------------------------

@pytest.fixture
def tiny_store(tmp_path):
    q3 = [9, 10, 9, 10, 9, 7, 8, 7, 0, 6]
    store.save_tables(tmp_path, {
        "nps_responses": nps_frame({"2026-08-01": q3, "2026-05-01": q3}, industry="Retail"),
        "accounts": accounts_frame(BOUNDARY_ACCOUNTS),
        "sessions": sessions_frame(),
        "ingest_files": pd.DataFrame({"source_file": ["surveys/a.csv"], "source": ["nps"], "layout": ["generic"],
                                      "rows_read": [21], "rows_accepted": [20], "rows_quarantined": [1]}),
    })
    return tmp_path


def test_cli_json(tiny_store, capsys):
    assert main(["kpis", str(tiny_store), "--quarter", "2026q3", "--format", "json", "--min-n", "5"]) == 0
    records = json.loads(capsys.readouterr().out)
    nps = [r for r in records if r["kpi"] == "nps"]
    assert len(nps) == 1
    assert nps[0]["quarter"] == Q3 and nps[0]["value"] == pytest.approx(30.0) and nps[0]["n"] == 10
    assert nps[0]["change"] == pytest.approx(0.0) and nps[0]["quarantined"] == 1
    assert {r["quarter"] for r in records} == {Q3}
    enps = [r for r in records if r["kpi"] == "enps"][0]
    assert enps["value"] is None and enps["status"] == "insufficient_data"  # no enps table


def test_cli_csv_to_file_by_segment(tiny_store, tmp_path):
    out = tmp_path / "out" / "kpis.csv"
    assert main(["kpis", str(tiny_store), "--by", "industry", "--format", "csv", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == OUTPUT_COLUMNS
    assert set(frame["quarter"]) == {"2026Q2", "2026Q3"}
    assert set(frame["segment"]) == {"industry"}
    retail_q3 = frame[(frame["kpi"] == "retention") & (frame["quarter"] == Q3) & (frame["segment_value"] == "Retail")]
    assert retail_q3["n"].tolist() == [1] and retail_q3["status"].tolist() == ["insufficient_data"]


def test_cli_table_and_usage_errors(tiny_store, tmp_path, capsys):
    assert main(["kpis", str(tiny_store), "--quarter", Q3]) == 0
    shown = capsys.readouterr().out
    assert "Quarantined at ingest (all quarters): accounts 0, arr 0, nps 1," in shown
    assert main(["kpis", str(tiny_store), "--quarter", "2030Q1"]) == 2
    assert "2026Q2, 2026Q3" in capsys.readouterr().err
    assert main(["kpis", str(tiny_store), "--by", "country"]) == 2
    assert "industry, plan, region, persona" in capsys.readouterr().err
    assert main(["kpis", str(tiny_store), "--format", "xml"]) == 2
    assert main(["kpis", str(tmp_path / "nothing")]) == 2
    assert "workbench ingest" in capsys.readouterr().err


# --- the sample company ----------------------------------------------------------------------

#: planted.json key -> (our KPI id, factor that converts our unit to the planted one)
PLANTED = {
    "nps": ("nps", 1.0), "enps": ("enps", 1.0), "csat": ("csat", 100.0), "ces_mean": ("ces_mean", 1.0),
    "retention": ("retention", 1.0), "churn": ("churn", 1.0), "nrr": ("nrr", 1.0),
    "referral_rate": ("referral_rate", 1.0), "fcr": ("fcr", 1.0), "exposure_hours": ("exposure_hours", 1.0),
}


def _tolerance(planted: float) -> float:
    """1e-6, or half a unit in the last decimal place when the planted figure is rounded."""
    for decimals in range(7):
        if round(planted, decimals) == planted:
            return max(1e-6, 0.5 * 10 ** -decimals + 1e-12)
    return 1e-6


def test_sample_company_kpis_match_planted(tmp_path):
    sample = pytest.importorskip("workbench.sample")
    ingest_module = pytest.importorskip("workbench.ingest")
    if not hasattr(sample, "generate") or not hasattr(ingest_module, "ingest"):
        pytest.skip("workbench.sample.generate or workbench.ingest.ingest is not there yet")
    data_dir = tmp_path / "sample"
    sample.generate(data_dir, seed=7)
    ingest_module.ingest(data_dir)
    planted = json.loads((data_dir / "answer_key" / "planted.json").read_text(encoding="utf-8"))["kpis"]
    out = compute_kpis(load_kpi_tables(data_dir), quarters=sorted(planted), min_n={k: 0 for k in KPI_IDS})
    mismatches, compared = [], 0
    for quarter, figures in planted.items():
        for key, expected in figures.items():
            if key not in PLANTED or expected is None:
                continue
            compared += 1
            kpi, factor = PLANTED[key]
            got = one(out, kpi, quarter=quarter)["value"] * factor
            if not abs(got - expected) <= _tolerance(expected):
                mismatches.append(f"{quarter} {key}: planted {expected}, computed {got}")
    assert compared > 0, "planted.json holds no KPI figures to compare"
    assert not mismatches, "\n".join(mismatches)


def test_quarantined_rows_from_a_real_ingest_are_reported(tmp_path):
    ingest_module = pytest.importorskip("workbench.ingest")
    if not hasattr(ingest_module, "ingest"):
        pytest.skip("workbench.ingest.ingest is not there yet")
    (tmp_path / "accounts.csv").write_text(
        "account_id,company,industry,plan,region,start_date,end_date,referred_by,first_value_date\n"
        "A001,Acme,Retail,Pro,EMEA,2025-01-10,,,\n"
        "A002,Beta,Health,Basic,NA,2025-03-01,2026-08-15,,\n", encoding="utf-8")
    (tmp_path / "arr.csv").write_text(
        "account_id,quarter,arr\nA001,2026Q2,1000\nA001,2026Q3,1100\nA002,2026Q2,500\nA002,2026Q3,-5\n",
        encoding="utf-8")
    result = ingest_module.ingest(tmp_path)
    by_source = result.files.groupby("source")["rows_quarantined"].sum()
    assert by_source.get("arr", 0) >= 1  # the negative ARR
    out = compute_kpis(load_kpi_tables(tmp_path), quarters=Q3, min_n=MIN_1)
    assert one(out, "nrr")["quarantined"] == by_source.get("arr", 0) + by_source.get("accounts", 0)
    assert one(out, "nrr")["value"] == pytest.approx(1100 / 1500)  # A002's bad row is not used
