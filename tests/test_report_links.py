"""The published reports of the sample company, read as a reader would: every in-page link lands
somewhere, no theme shows one quote twice, every table can be saved as CSV, no red/green."""
import re
from html.parser import HTMLParser

import pytest

REPORTS = ("insights.html", "kpis.html")


class Anchors(HTMLParser):
    """Every id, every in-page link, each table and CSV link, and the quotes under each theme heading."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.tables, self.csv_links = set(), [], 0, []
        self.quotes: dict[str, list[str]] = {}
        self.heading = None
        self.quote, self.prov_depth = None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in ("h3", "h4"):
            self.heading = attrs.get("id")
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        if tag == "a" and "download" in attrs:
            self.csv_links.append(attrs["download"])
        if tag == "table" and "wb-table" in attrs.get("class", ""):
            self.tables += 1
        if tag == "blockquote" and "wb-quote" in attrs.get("class", ""):
            self.quote = []
        elif self.quote is not None and tag == "div":
            self.prov_depth += 1          # the provenance line is not the quote

    def handle_endtag(self, tag):
        if tag == "div" and self.prov_depth:
            self.prov_depth -= 1
        elif tag == "blockquote" and self.quote is not None:
            self.quotes.setdefault(self.heading, []).append(" ".join("".join(self.quote).split()))
            self.quote = None

    def handle_data(self, data):
        if self.quote is not None and not self.prov_depth:
            self.quote.append(data)


def _read(published, name: str) -> tuple[str, Anchors]:
    page = (published["out"] / "2026Q3" / name).read_text(encoding="utf-8")
    parser = Anchors()
    parser.feed(page)
    return page, parser


@pytest.mark.parametrize("name", REPORTS)
def test_every_in_page_link_resolves(published, name):
    _, page = _read(published, name)
    assert page.links, "no in-page link at all"
    missing = sorted({link for link in page.links if link not in page.ids})
    assert missing == [], f"{len(missing)} links in {name} point nowhere: {missing[:5]}"


def test_every_listed_theme_and_area_has_its_section(published):
    _, page = _read(published, "insights.html")
    themes = {link for link in page.links if link.startswith("theme-")}
    areas = {link for link in page.links if link.startswith("area-")}
    assert len(themes) >= 10 and len(areas) >= 3
    assert themes <= page.ids and areas <= page.ids
    # each theme page has quotes (the sample's themes all have statements this quarter)
    assert {t for t in themes if page.quotes.get(t)} == themes


def test_no_theme_shows_a_quote_twice(published):
    _, page = _read(published, "insights.html")
    theme_quotes = {h: q for h, q in page.quotes.items() if h and h.startswith("theme-")}
    assert len(theme_quotes) >= 10
    for heading, quotes in theme_quotes.items():
        words = [re.sub(r"\W+", " ", q.casefold()).strip() for q in quotes]
        assert len(set(words)) == len(words), f"{heading} repeats a quote: {quotes}"


@pytest.mark.parametrize("name", REPORTS)
def test_every_table_can_be_saved_as_csv(published, name):
    _, page = _read(published, name)
    assert page.tables >= 3
    # each table is followed by its link (the KPI scorecard adds one for its cards)
    assert len(page.csv_links) >= page.tables
    assert all(link.endswith(".csv") for link in page.csv_links)


@pytest.mark.parametrize("name", REPORTS)
def test_no_red_green_encoding(published, name):
    from workbench.charts import WORSE

    page, _ = _read(published, name)
    # the page's own styles and chart specs (the inlined Vega library names every scheme it has)
    specs = re.findall(r"vegaEmbed\('#[^']+', (.*?), \{\"actions\"", page, flags=re.S)
    [styles] = [s for s in re.findall(r"<style[^>]*>(.*?)</style>", page, flags=re.S) if ".wb-table" in s]
    assert specs and ".wb-down" in styles
    ours = (styles + "".join(specs)).lower()
    for colour in ("#e45756", "#54a24b", "#1a7f37", "#b42318", "redyellowgreen"):
        assert colour not in ours, f"{colour} in {name}"
    assert WORSE.lower() in ours
