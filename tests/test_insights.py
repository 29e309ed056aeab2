"""The insight report's figures for the reported quarter and segment (hand-built tables)."""
import pandas as pd

from workbench.report.insights import InsightData, theme_summary


def _data(quarter: str, segment_filter: str = "", evidence_filter=None) -> InsightData:
    # T1 steady in Q3 and Q4, a trickle in 2027Q1 (the export runs into the next quarter);
    # T2 new in Q4; T3 only in Q3
    counts = {("T1", "2026Q3"): 20, ("T1", "2026Q4"): 22, ("T1", "2027Q1"): 1,
              ("T2", "2026Q4"): 12, ("T3", "2026Q3"): 15}
    rows = []
    for (theme, quarter_), n in counts.items():
        for i in range(n):
            rows.append({"evidence_id": f"{theme}-{quarter_}-{i}", "theme_id": theme, "quarter": quarter_,
                         "score": 3.0 if i % 2 else 9.0, "source": "nps", "account_id": f"A{i % 4}",
                         "industry": "Retail", "plan": "Enterprise" if i % 3 == 0 else "Starter", "region": "EU"})
    frame = pd.DataFrame(rows)
    evidence = frame.drop(columns=["theme_id"])
    if evidence_filter is not None:
        evidence = evidence[evidence_filter(evidence)]
    # the registry's statuses were computed for 2027Q1, where T1 and T2 barely appear
    themes = pd.DataFrame({"theme_id": ["T1", "T2", "T3"], "label": ["exports", "audit log", "old editor"],
                           "status": ["fading", "fading", "fading"]})
    per_quarter = frame.groupby(["theme_id", "quarter"]).size().rename("n").reset_index()
    empty = pd.DataFrame()
    return InsightData(quarter, "", segment_filter, evidence, pd.DataFrame(columns=["quarter"]), themes,
                       frame[["evidence_id", "theme_id"]], per_quarter, empty, pd.DataFrame(), empty, empty, empty)


def test_status_and_trend_are_for_the_reported_quarter():
    data = _data("2026Q4")
    data.compare_quarter = "2026Q3"
    summary = theme_summary(data).set_index("theme_id")
    assert summary.loc["T1", "status"] == "active"       # 22 mentions in Q4: not fading, whatever 2027Q1 says
    assert summary.loc["T2", "status"] == "emerging"
    assert summary.loc["T3", "status"] == "fading"
    assert summary.loc["T1", "trend"] == [20, 22]         # no later quarter in a Q4 report
    assert summary.loc["T1", "mentions"] == 22 and summary.loc["T1", "previous"] == 20


def test_status_follows_the_segment_shown():
    enterprise = _data("2026Q4", "plan=Enterprise", lambda e: e["plan"] == "Enterprise")
    enterprise.compare_quarter = "2026Q3"
    summary = theme_summary(enterprise).set_index("theme_id")
    assert summary.loc["T1", "mentions"] == 8              # every third of the 22
    assert summary.loc["T1", "status"] == "active"


def test_quotes_are_from_the_reported_quarter_and_segment_pinned_first():
    from workbench.report.insights import quote_ids

    data = _data("2026Q4", "plan=Enterprise", lambda e: e["plan"] == "Enterprise")
    data.compare_quarter = "2026Q3"
    # closeness: higher for later statement numbers, so the top ones are known
    data.assignments = data.assignments.assign(
        closeness=[int(e.rsplit("-", 1)[1]) / 100 for e in data.assignments["evidence_id"]])
    row = theme_summary(data).set_index("theme_id").loc["T1"].copy()
    row["theme_id"] = "T1"
    row["pinned_quotes"] = ["T1-2026Q3-3", "T1-2026Q3-1"]      # an Enterprise one (3) and a Starter one (1)
    chosen = quote_ids(data, row)
    # pinned in view first; then Q4 Enterprise statements (every third), closest first
    assert chosen == ["T1-2026Q3-3", "T1-2026Q4-21", "T1-2026Q4-18", "T1-2026Q4-15", "T1-2026Q4-12"]


def test_theme_intent_shares_are_over_the_reported_quarter_with_a_known_intent():
    data = _data("2026Q4")
    # T1's 22 Q4 statements: 0-9 problems, 10-14 requests, 15-18 praise, 19 other, 20-21 not classified;
    # a Q3 statement's intent must not count
    intents = {f"T1-2026Q4-{i}": ("problem" if i < 10 else "request" if i < 15 else "praise" if i < 19 else "other")
               for i in range(20)}
    intents["T1-2026Q3-0"] = "request"
    data.intents = pd.DataFrame({"evidence_id": list(intents), "intent": list(intents.values())})
    summary = theme_summary(data).set_index("theme_id")
    assert summary.loc["T1", ["problem_share", "request_share", "praise_share"]].tolist() == [0.5, 0.25, 0.2]
    assert summary.loc["T2", ["problem_share", "request_share", "praise_share"]].isna().all()   # none known


def test_a_folder_without_intents_reports_no_shares():
    summary = theme_summary(_data("2026Q4")).set_index("theme_id")
    assert summary["problem_share"].isna().all()
