"""The insight report's figures for the reported quarter and segment (hand-built tables)."""
import pandas as pd
import pytest

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
    # pinned in view first; then Q4 Enterprise statements (every third), closest first, one per account
    # while accounts last: 21 (A1), 18 (A2), 12 (A0); 15 is A3's, who already spoke in the pinned quote
    # (3), so it comes last, once every account has spoken
    assert chosen == ["T1-2026Q3-3", "T1-2026Q4-21", "T1-2026Q4-18", "T1-2026Q4-12", "T1-2026Q4-15"]


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


def test_no_text_twice_in_a_theme_and_one_quote_per_account_while_accounts_last():
    from workbench.report.insights import quote_ids

    data = _data("2026Q4")
    # theme T1's Q4 statements, closest first: three say the same thing (case, spacing, punctuation
    # and a filler word aside); A1 has three different things to say
    said = [("The export times out on big files.", "A1"), ("the export  times OUT on big files", "A2"),
            ("Overall, the export times out on big files!", "A3"),
            ("The CSV export is slow", "A1"), ("We need scheduled exports", "A4"), ("The export page crashes", "A5"),
            ("Exports fail on big files", "A1")]
    ids = [f"T1-2026Q4-{i}" for i in range(len(said))]
    evidence = data.evidence.set_index("evidence_id")
    evidence["text"] = "something else"
    for q, (text, account) in zip(ids, said):
        evidence.loc[q, ["text", "account_id"]] = [text, account]
    data.evidence = evidence.reset_index()
    closeness = {q: 1 - i / 10 for i, q in enumerate(ids)}
    pairs = data.assignments
    pairs = pairs[~pairs["evidence_id"].str.startswith("T1-2026Q4-") | pairs["evidence_id"].isin(ids)]   # only these 7
    data.assignments = pairs.assign(closeness=pairs["evidence_id"].map(closeness).fillna(0))
    row = theme_summary(data).set_index("theme_id").loc["T1"].copy()
    row["theme_id"] = "T1"
    chosen = quote_ids(data, row, n=5)
    texts = evidence.loc[chosen, "text"].tolist()
    assert sum("times out on big files" in t.casefold() for t in texts) == 1    # the same thing said once
    # A1's first, then the next accounts; A1's other two only once no new account is left
    assert chosen == ["T1-2026Q4-0", "T1-2026Q4-4", "T1-2026Q4-5", "T1-2026Q4-3", "T1-2026Q4-6"]
    assert quote_ids(data, row, n=3) == ["T1-2026Q4-0", "T1-2026Q4-4", "T1-2026Q4-5"]   # three accounts


def _rates_data() -> InsightData:
    """1,000 statements in 2026Q4 and 800 in 2026Q3; five themes with known mentions in each."""
    mentions = {"A": (60, 20), "B": (30, 40), "C": (50, 30), "D": (44, 40), "E": (47, 22)}
    evidence = pd.DataFrame(
        [{"evidence_id": f"{q}-{i}", "quarter": q, "score": None, "source": "nps", "account_id": f"X{i}",
          "industry": "Retail", "plan": "Starter", "region": "EU"}
         for q, n in (("2026Q4", 1000), ("2026Q3", 800)) for i in range(n)])
    pairs, used = [], {"2026Q4": 0, "2026Q3": 0}
    for theme, (now, before) in mentions.items():
        for q, k in (("2026Q4", now), ("2026Q3", before)):
            pairs += [{"evidence_id": f"{q}-{used[q] + i}", "theme_id": theme} for i in range(k)]
            used[q] += k
    themes = pd.DataFrame({"theme_id": list(mentions), "label": [f"theme {t}" for t in mentions], "status": "active"})
    per_quarter = pd.DataFrame({"theme_id": ["A", "A"], "quarter": ["2026Q3", "2026Q4"], "n": [20, 60]})
    empty = pd.DataFrame()
    return InsightData("2026Q4", "2026Q3", "", evidence, pd.DataFrame(columns=["quarter"]), themes,
                       pd.DataFrame(pairs), per_quarter, empty, pd.DataFrame(), empty, empty, empty)


def test_theme_changes_are_tested_per_100_statements_with_the_false_discovery_rate_held():
    """Worked by hand: two-proportion z with the pooled share, p = 2 (1 - Phi(|z|)), then
    Benjamini-Hochberg over the five themes (q = min over ranks j >= i of p_(j) * 5 / j).

    theme  now/1000  before/800  per 100 change  pooled   z        p        q
    A      60        20          +3.5            .04444   +3.5805  .00034   .0017
    B      30        40          -2.0            .03889   -2.181   .0292    .0538
    C      50        30          +1.25           .04444   +1.279   .2010    .2512
    D      44        40          -0.6            .04667   -0.600   .5487    .5487
    E      47        22          +1.95           .03833   +2.141   .0323    .0538

    B and E pass p < .05 on their own but not once five themes are tested together: only A is a
    significant change. D has more mentions than before (+4) but fewer per 100 statements."""
    summary = theme_summary(_rates_data()).set_index("theme_id").sort_index()
    assert summary["per100_change"].round(2).tolist() == [3.5, -2.0, 1.25, -0.6, 1.95]
    assert summary["z"].tolist() == pytest.approx([3.5805, -2.1809, 1.2787, -0.5997, 2.1411], abs=1e-4)
    assert summary["p"].tolist() == pytest.approx([0.00034, 0.02919, 0.20099, 0.54871, 0.03226], abs=1e-5)
    assert summary["q"].tolist() == pytest.approx([0.00171, 0.05377, 0.25124, 0.54871, 0.05377], abs=1e-5)
    assert summary.index[summary["significant"].astype(bool)].tolist() == ["A"]
    assert summary.loc["D", "change"] == 4 and summary.loc["D", "per100_change"] < 0


def test_only_significant_theme_changes_are_marked_in_the_table():
    from workbench.report.insights import theme_table

    summary = theme_summary(_rates_data())
    summary["trend"] = [[1, 2]] * len(summary)
    rows = {label: row for label, row in _table_rows(str(theme_table(summary))).items()}
    assert rows["theme A"]["change"] == "▲ significant rise"
    assert rows["theme A"]["per 100 statements"] == "6.0" and rows["theme A"]["vs before (per 100)"] == "+3.5"
    assert [rows[f"theme {t}"]["change"] for t in "BCDE"] == ["", "", "", ""]   # not marked: within noise


def _table_rows(markup: str) -> dict[str, dict[str, str]]:
    """The first table's rows as {first cell: {header: cell text}} (text as a reader sees it)."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell, self.depth = [], None, 0

        def handle_starttag(self, tag, attrs):
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join("".join(self.cell).split()))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Cells()
    parser.feed(markup)
    head, *body = parser.rows
    return {r[0]: dict(zip(head, r)) for r in body}
