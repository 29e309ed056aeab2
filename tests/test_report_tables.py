"""The reports' tables, empty charts and small-sample appendix, on hand-built frames (no store)."""
import csv
import io
import math
from html.parser import HTMLParser
from urllib.parse import unquote

import pandas as pd

from workbench.report.html import table

FORMULA = '=HYPERLINK("http://evil.example","click")'


class Page(HTMLParser):
    """Each table's header and cell texts (as a reader sees them) and the CSV link after it."""

    def __init__(self):
        super().__init__()
        self.tables, self.links, self.cell, self.row = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.row = []
            self.tables[-1].append(self.row)
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "a" and "download" in attrs:
            self.links.append((attrs["download"], attrs["href"]))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def parse(markup: str) -> Page:
    page = Page()
    page.feed(markup)
    return page


def csv_rows(href: str) -> list[list[str]]:
    prefix = "data:text/csv;charset=utf-8,"
    assert href.startswith(prefix)
    return list(csv.reader(io.StringIO(unquote(href[len(prefix):]).removeprefix("\ufeff"))))


def _hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "label": ["<b>Exports</b> & more", FORMULA, "@SUM(A1:A9)", "plain, with a comma"],
        "link": ['<a href="#t1">&lt;b&gt;Exports&lt;/b&gt;</a>', "x", "y", "z"],
        "mentions": [12, 7, 0, 1234],
        "change": [3, -2, 0, math.nan],
        "share": [0.125, 0.5, math.nan, 1.0],
    })


def test_csv_download_holds_exactly_the_table_shown():
    markup = str(table(
        _hostile_frame(), {"label": "theme", "link": "linked", "mentions": "mentions", "change": "vs before",
                           "share": "share"},
        formats={"change": lambda v: "n/a" if pd.isna(v) else f"{v:+.0f}",
                 "share": lambda v: "n/a" if pd.isna(v) else f"{100 * v:.0f} %"},
        numeric=["mentions", "change", "share"], raw=["link"], download="themes.csv"))
    page = parse(markup)
    [shown], [(name, href)] = page.tables, page.links
    assert name == "themes.csv"
    rows = csv_rows(href)
    assert rows[0] == shown[0] == ["theme", "linked", "mentions", "vs before", "share"]
    assert len(rows) == len(shown) == 5
    for got, want in zip(rows[1:], shown[1:]):
        for cell, text in zip(got, want):
            if text.startswith(("=", "+", "-", "@")) and not text.lstrip("+-").isdigit():
                assert cell == "'" + text             # a formula, neutralised as safe_csv does
            elif text.lstrip("+-").isdigit():
                assert int(cell) == int(text)         # a number stays a number ("+3" -> 3)
            else:
                assert cell == text
    assert rows[1][:2] == ["<b>Exports</b> & more", "<b>Exports</b>"]   # the text, not its markup
    assert rows[2][0] == "'" + FORMULA and rows[3][0] == "'@SUM(A1:A9)"
    assert rows[1][3] == "3" and rows[2][3] == "-2" and rows[4][3] == "n/a"
    # in the page, customer text stays escaped, and the CSV cannot end its attribute
    assert "<b>Exports</b>" not in markup.split("<a download")[0]
    assert '"' not in href and "<" not in href


def test_a_table_without_download_has_no_link():
    assert "download=" not in str(table(_hostile_frame()))


def test_empty_charts_become_one_line_saying_why():
    from workbench.report.insight_charts import impact_chart

    summary = pd.DataFrame({"label": ["few"], "impact": [2.0], "mentions": [3], "detractor_share": [0.5]})
    shown = str(impact_chart(summary))            # a theme under the notable size: nothing to draw
    assert shown.startswith('<p class="wb-empty">No chart: no theme has 10 or more mentions')


def test_impact_chart_draws_worse_as_worse_in_the_palette():
    from workbench.charts import BETTER, WORSE
    from workbench.report.insight_charts import impact_chart

    summary = pd.DataFrame({"label": ["drag", "lift"], "impact": [4.0, -2.0], "mentions": [40, 30],
                            "detractor_share": [0.6, 0.1]})
    spec = impact_chart(summary).to_dict()
    rows = {r["label"]: r for r in next(iter(spec["datasets"].values()))}
    assert rows["drag"]["effect"] == -4.0 and rows["drag"]["direction"] == "lowers NPS"   # left of zero
    assert rows["lift"]["effect"] == 2.0 and rows["lift"]["shown"] == "+2.0"
    color = spec["layer"][0]["encoding"]["color"]["scale"]
    assert color == {"domain": ["lowers NPS", "raises NPS"], "range": [WORSE, BETTER]}


def _kpi_data(with_fcr: bool):
    from workbench.report.kpi_report import KpiReportData

    rows = []
    for quarter in ("2026Q2", "2026Q3"):
        rows.append({"quarter": quarter, "segment": "all", "segment_value": "all", "kpi": "nps", "label": "NPS",
                     "value": 20.0, "unit": "points", "n": 300, "min_n": 30, "status": "ok", "moe": 5.0})
        rows.append({"quarter": quarter, "segment": "all", "segment_value": "all", "kpi": "fcr",
                     "label": "First contact resolution", "value": 0.7 if with_fcr else math.nan, "unit": "fraction",
                     "n": 100 if with_fcr else 3, "min_n": 30, "status": "ok" if with_fcr else "insufficient",
                     "moe": math.nan})
    kpis = pd.DataFrame(rows)
    small = pd.DataFrame([{"quarter": "2026Q3", "segment": "plan", "segment_value": f"P{i}", "kpi": "nps",
                           "label": "NPS", "value": math.nan, "unit": "points", "n": i, "min_n": 30,
                           "status": "insufficient", "moe": math.nan} for i in range(40)])
    return KpiReportData("2026Q3", "2026Q2", "", kpis, small, pd.DataFrame())


def test_kpi_trends_leave_out_kpis_without_data_and_say_so():
    from workbench.report.kpi_report import missing_trends, trend_chart

    data = _kpi_data(with_fcr=False)
    spec = trend_chart(data, ["nps", "fcr"]).to_dict()
    labels = {r["label"] for r in next(iter(spec["datasets"].values()))}
    assert labels == {"NPS"}                       # no empty panel for FCR
    assert "No trend for First contact resolution" in str(missing_trends(data, ["nps", "fcr"]))
    assert str(missing_trends(_kpi_data(with_fcr=True), ["nps", "fcr"])) == ""


def test_small_samples_are_one_line_in_the_body_and_a_collapsed_appendix():
    from workbench.report.kpi_report import small_n_appendix, small_n_warnings

    data = _kpi_data(with_fcr=False)
    body = str(small_n_warnings(data))
    assert "<table" not in body and "41 figures" in body          # 40 plan segments + FCR overall
    appendix = str(small_n_appendix(data))
    assert appendix.startswith('<details class="wb-appendix">') and " open" not in appendix.split(">")[0]
    page = parse(appendix)
    assert len(page.tables[0]) == 42 and len(csv_rows(page.links[0][1])) == 42   # header + 41, both
