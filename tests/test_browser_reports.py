"""The rendered reports in a real browser: headless Chromium, networking off, charts drawn, no script injected."""
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make test installs it with apt-get where it can)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        yield b
        b.close()


def _open_offline(browser, path: Path):
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 2000})
    requests = []
    context.route("**/*", lambda route: (requests.append(route.request.url), route.abort())
                  if not route.request.url.startswith(("file:", "data:", "blob:")) else route.continue_())
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, errors, requests


@pytest.mark.parametrize("name, min_charts", [("insights.html", 4), ("kpis.html", 2)])
def test_report_renders_offline_with_charts_and_no_injected_script(published, browser, name, min_charts):
    path = published["out"] / "2026Q3" / name
    context, page, errors, requests = _open_offline(browser, path)
    try:
        page.wait_for_function(f"document.querySelectorAll('.wb-chart svg').length >= {min_charts}", timeout=20000)
        charts = page.locator(".wb-chart svg").count()
        assert charts >= min_charts
        # a chart has marks drawn, not just an empty frame
        marks = ".wb-chart svg .mark-rect path, .wb-chart svg .mark-line path, .wb-chart svg .mark-symbol path"
        assert page.locator(marks).count() > 0
        assert errors == [], errors
        assert requests == [], f"the report tried to reach the network: {requests[:3]}"
        assert page.evaluate("window.__xss === undefined"), "a script planted in a verbatim ran"
        assert path.stat().st_size <= 5 * 1024 * 1024, f"{name} is over 5 MB"
        if name == "insights.html":
            assert page.get_by_text("window.__xss = 1", exact=False).count() >= 1  # shown as text instead
            # the map of the quarter's voice: one inline image, drawn, its areas named
            voice = page.locator(".wb-voice-map img")
            assert voice.count() == 1 and voice.evaluate("i => i.complete && i.naturalWidth > 600")
            assert "with the areas" in voice.get_attribute("alt")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / name.replace(".html", ".png")), full_page=False)
    finally:
        context.close()


def test_index_links_open(published, browser):
    context, page, errors, _ = _open_offline(browser, published["out"] / "index.html")
    try:
        page.click("text=Insights")
        page.wait_for_load_state("load")
        assert page.url.endswith("2026Q3/insights.html")
        assert errors == []
    finally:
        context.close()


def test_csv_download_offline_equals_the_table(published, browser, tmp_path):
    """The themes table's link, clicked in an offline browser under the page's CSP, saves a CSV
    with the table's headers and rows (numbers as numbers, formulas neutralised)."""
    import csv

    context, page, errors, requests = _open_offline(browser, published["out"] / "2026Q3" / "insights.html")
    try:
        link = page.locator('a[download="themes.csv"]')
        assert link.count() == 1
        shown = page.evaluate("""() => {
            const table = document.querySelector('a[download="themes.csv"]').closest('p').previousElementSibling;
            return [...table.querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.innerText.trim()));
        }""")
        with page.expect_download() as info:
            link.click()
        path = tmp_path / "themes.csv"
        info.value.save_as(path)
        rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
        assert len(rows) == len(shown) > 10
        for got, want in zip(rows, shown):
            assert len(got) == len(want)
            for cell, text in zip(got, want):
                text = " ".join(text.split())
                if text.startswith(("+", "-")) and text[1:].replace(".", "", 1).isdigit():
                    assert float(cell) == float(text)          # a signed figure goes over as a number
                else:
                    assert cell in (text, "'" + text), (cell, text)
        assert errors == [] and requests == []
    finally:
        context.close()
