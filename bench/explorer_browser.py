"""The theme explorer in JupyterLab and headless Chromium with 100,000 statements: filter changes
and hover on the WebGL map, timed in the page.

    python bench/explorer_browser.py [--statements 100000] [--repeat 5] [--hovers 30]

Writes the synthetic themed corpus of ``bench/explore_speed.py`` (8 quarters, 6 sources, 3
segment columns, 40 themes, 2,000 accounts, NPS scores, a 2-D map) with --statements statements
to a data folder, starts ``workbench explore`` on it (JupyterLab; the notebook is run in the
session's kernel before the page opens) and opens the notebook in headless Chromium (playwright,
/usr/bin/chromium, WebGL by SwiftShader on the CPU: no GPU here), viewport 1400 x 1000, the map
scrolled into view.

Filter changes are made in the page as a user makes them: an option picked in the NPS, Sources
and Plan lists (``select_option``: the browser's ``change`` event, then the widget's message), a
word typed in Search and Enter pressed, the Clear filters button clicked. Each change is made
from all statements and followed by Clear filters, which is timed too. What is timed, all in the
page's clock (``performance.now()``), from the input event's timestamp (``change``, the Enter
``keydown``, the button's ``click``):

- count: until the summary above the theme list shows the new number of matching statements (a
  MutationObserver on the explorer; the number is checked against the bench's own headless
  ``ExplorerState`` with the same filter);
- map: until the WebGL map has drawn with its new filter: the first frame copied onto the map's
  canvas (``drawImage`` of regl-scatterplot's WebGL canvas into the visible 2-D canvas) after the
  kernel message carrying the map's new ``filter`` (the visible points' indices, binary) reached
  the page's WebSocket;
- **change** = the later of the two: the figure held against the target (median <= 0.5 s);
- settled: until nothing in the explorer changed for 0.5 s (the theme list, the selected theme's
  details, its Vega trend chart, the quotes and the map all redrawn); informative.

Hover: the mouse is moved off the map, then onto a point (a pixel of a point's colour in a
screenshot of the map); timed from the ``mousemove`` event to the moment the tooltip's text
becomes that point's statement (the text is asked of the kernel; it is checked to be one of the
corpus's statements). Target: median <= 100 ms. Its steps are printed too: when the page found the
point (the widget's first message to the kernel, which says which point is hovered), when it asked
for the tooltip's text (at once: the explorer has no tooltip delay) and when the answer arrived.

The page is watched throughout: every console error and uncaught exception, and every request to
anything but this machine, is reported (and fails the run).
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from explore_speed import (  # noqa: E402
    PLANS, SOURCES, WORDS, make_registry, synthetic_corpus, write_data_folder,
)

from workbench.explore import ExplorerState  # noqa: E402
from workbench.explore import lab as explore_lab  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
VIEWPORT = {"width": 1400, "height": 1000}
FILTER_TARGET_S = 0.5
HOVER_TARGET_S = 0.1
QUIET_MS = 500
HOVER_TIMEOUT_S = 10

#: installed in the page before JupyterLab loads: input events' times, kernel messages that carry a
#: new filter for a widget, frames copied onto the map's canvas, and the explorer's DOM changes
WATCH = r"""
(() => {
  const wb = window.__wb = {events: {}, filterMsgs: [], sends: [], tipAsks: [], tipAnswers: [], draws: [], copies: [],
                            changes: [], tips: [], summary: []};
  for (const type of ['mousemove', 'change', 'keydown', 'click']) {
    document.addEventListener(type, e => { wb.events[type] = e.timeStamp; }, true);
  }
  const decoder = new TextDecoder();
  const text = data => typeof data === 'string' ? data : decoder.decode(
    data instanceof ArrayBuffer ? new Uint8Array(data, 0, Math.min(data.byteLength, 65536))
      : new Uint8Array(data.buffer, data.byteOffset, Math.min(data.byteLength, 65536)));
  const isTooltip = head => head.includes('comm_msg') && /"type"\s*:\s*"tooltip"/.test(head);
  const Native = window.WebSocket;
  const send = Native.prototype.send;
  Native.prototype.send = function (data) {  // messages to the kernel (a hovered point is one)
    const t = performance.now();
    wb.sends.push(t);
    try { if (isTooltip(text(data))) wb.tipAsks.push(t); } catch (e) { /* a Blob: not a widget message */ }
    return send.call(this, data);
  };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', ev => {
        const t = performance.now();
        if (typeof ev.data !== 'string' && !(ev.data instanceof ArrayBuffer)) return;
        const head = text(ev.data);
        if (head.includes('comm_msg') && /"filter"\s*:/.test(head)) wb.filterMsgs.push(t);
        if (isTooltip(head)) wb.tipAnswers.push(t);
      });
    }
  };
  const drawImage = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    if (!(args[0] instanceof HTMLCanvasElement && this.canvas.closest && this.canvas.closest('.wb-webgl-map'))) {
      return drawImage.apply(this, args);
    }
    const t = performance.now();
    const result = drawImage.apply(this, args);
    wb.draws.push(t);
    wb.copies.push(performance.now() - t);
    return result;
  };
  wb.observe = root => {
    let last = null;
    new MutationObserver(records => {
      const t = performance.now();
      wb.changes.push(t);
      const summary = root.querySelector('.wb-summary');
      const text = summary ? summary.textContent : '';
      if (text !== last) { last = text; wb.summary.push([t, text]); }
      for (const r of records) {
        const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        if (node && node.closest('.wb-webgl-map') && !node.closest('button')) {
          wb.tips.push([t, (r.target.textContent || '').slice(0, 600)]);
        }
      }
    }).observe(root, {subtree: true, childList: true, characterData: true, attributes: false});
  };
})();
"""

#: a filter change's figures, once complete (else null): the input event's time is ``events[type]``
MEASURE = r"""
([type, count, quietMs]) => {
  const wb = window.__wb;
  const t0 = wb.events[type];
  if (t0 === undefined) return null;
  const shown = wb.summary.find(([t, text]) => t >= t0 && text.trim().startsWith(count));
  const message = wb.filterMsgs.find(t => t >= t0);
  const drawn = message === undefined ? undefined : wb.draws.find(t => t >= message);
  if (shown === undefined || drawn === undefined) return null;
  const now = performance.now();
  const last = Math.max(...wb.changes.filter(t => t >= t0), ...wb.draws.filter(t => t >= t0));
  if (now - last < quietMs) return null;
  return {count: shown[0] - t0, map: drawn - t0, message: message - t0, settled: last - t0};
}
"""

#: the tooltip's texts since the last ``mousemove``, with their times from it (ms); and the times of
#: the hover's steps: the first message to the kernel (the widget telling it which point is hovered:
#: the point was found), the tooltip's request, and its answer's arrival (null: not yet)
TIPS = r"""
() => {
  const wb = window.__wb;
  const t0 = wb.events.mousemove;
  if (t0 === undefined) return [[], {}];
  const first = list => { const t = list.find(t => t >= t0); return t === undefined ? null : t - t0; };
  return [wb.tips.filter(([t]) => t >= t0).map(([t, text]) => [t - t0, text]),
          {found: first(wb.sends), asked: first(wb.tipAsks), answered: first(wb.tipAnswers)}];
}
"""


def _arm(page) -> None:
    page.evaluate("() => { const wb = window.__wb; wb.events = {}; wb.tips = []; }")


def filter_changes(page, state: ExplorerState, repeat: int) -> dict[str, list[dict]]:
    """Each filter change from all statements, then Clear filters; figures in ms."""
    times: dict[str, list[dict]] = {}

    def expect(**filters) -> str:
        state.set_filters(**{"sources": (), "plan": (), "nps": (), "search": "", **filters})
        return f"{state.counts()['statements']:,} of"

    def timed(name, kind, count, act):
        _arm(page)
        act()
        result = page.wait_for_function(MEASURE, arg=[kind, count, QUIET_MS], timeout=60_000, polling=25)
        times.setdefault(name, []).append(result.json_value())

    def pick(css, label):
        return lambda: page.locator(f"{css} select").select_option(label=label)

    def search(word):
        def go():
            box = page.locator(".wb-filter-search input")
            box.fill(word)
            box.press("Enter")
        return go

    def clear():
        page.locator(".wb-explorer button:has-text('Clear filters')").click()

    total = expect()
    for i in range(repeat):
        category = ["detractor", "passive", "promoter"][i % 3]
        steps = [("NPS category", "change", expect(nps=(category,)), pick(".wb-filter-nps-category", category)),
                 ("source", "change", expect(sources=(SOURCES[i % 3],)), pick(".wb-filter-sources", SOURCES[i % 3])),
                 ("plan", "change", expect(plan=(PLANS[i % 3],)), pick(".wb-filter-plan", PLANS[i % 3])),
                 ("search", "keydown", expect(search=WORDS[i]), search(WORDS[i]))]
        for name, kind, count, act in steps:
            timed(name, kind, count, act)
            timed("clear filters", "click", total, clear)
    return times


def hovers(page, n: int, texts: set[str], stages: dict[str, list[float]],
           verbose: bool = False) -> tuple[list[float], int]:
    """Hover ``n`` points of the map; returns the times (ms; a hovered point whose text did not show
    within HOVER_TIMEOUT_S counts as that long) and how many spots had no point under them. The
    times of the hover's steps are added to ``stages``."""
    import io

    from PIL import Image

    canvas = page.locator(".wb-webgl-map canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    rgb = np.asarray(Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")).astype(int)
    vivid = np.argwhere((rgb.max(axis=2) - rgb.min(axis=2)) > 120)  # (y, x) of points' colours
    rng = np.random.default_rng(5)
    spots = vivid[rng.choice(len(vivid), size=min(len(vivid), 4 * n), replace=False)]
    times, missed = [], 0
    for y, x in spots:
        if len(times) == n:
            break
        page.mouse.move(box["x"] - 40, box["y"] - 40)  # off the map: the tooltip hides, the map redraws
        page.wait_for_timeout(400)
        _arm(page)
        page.mouse.move(box["x"] + float(x), box["y"] + float(y))
        elapsed, steps = None, {}
        deadline = time.monotonic() + HOVER_TIMEOUT_S
        while elapsed is None and time.monotonic() < deadline:  # until the tooltip shows a statement
            page.wait_for_timeout(20)
            tips, steps = page.evaluate(TIPS)
            elapsed = next((t for t, text in tips if text in texts), None)
        if elapsed is None and steps.get("found") is None:  # no point under the mouse (a legend swatch, a label)
            missed += 1
            continue
        times.append(HOVER_TIMEOUT_S * 1000 if elapsed is None else elapsed)
        for step in ("found", "asked", "answered"):
            if steps.get(step) is not None:
                stages.setdefault(step, []).append(steps[step])
        if verbose:
            print(f"  hover at ({x}, {y}): {times[-1]:.0f} ms; steps {steps}")
    return times, missed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="rounds of the four filter changes (each then cleared)")
    parser.add_argument("--hovers", type=int, default=30)
    parser.add_argument("--verbose", action="store_true", help="print each hover's time")
    parser.add_argument("--screenshot", type=Path, help="save the page here at the end (PNG)")
    args = parser.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed (pip install playwright)")
        return 2
    if not CHROMIUM.exists():
        print(f"no Chromium at {CHROMIUM}")
        return 2

    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    t0 = time.perf_counter()
    statements, assignments, responses, coords, theme_words, labels = synthetic_corpus(args.statements)
    texts = set(statements["text"])
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        registry, resolved = make_registry(data, assignments, theme_words, labels)
        write_data_folder(data, statements, resolved, responses, coords, registry)
        state = ExplorerState(statements, resolved, registry.themes_frame(), responses, coords, registry)
        print(f"synthetic corpus: {len(statements):,} statements, {len(labels)} themes, written to a data folder "
              f"({time.perf_counter() - t0:.1f} s)")

        home = Path(tmp) / "jupyter"
        env = {"JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
               "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
               "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "IPYTHONDIR": str(home / "ipython")}
        settings = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        settings.parent.mkdir(parents=True)
        settings.write_text('{"fetchNews": "false", "checkForUpdates": false}')  # no news, no network
        log = (Path(tmp) / "lab.log").open("w")
        t0 = time.perf_counter()
        process, url = explore_lab.launch(data, token="bench", env=env, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        print(f"workbench explore: JupyterLab started and the notebook run in {time.perf_counter() - t0:.1f} s")
        errors, outside = [], []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
                page = browser.new_page(viewport=VIEWPORT)
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))

                def request(r):
                    where = urlsplit(r.url)
                    if where.scheme not in ("data", "blob", "about") and where.hostname not in ("127.0.0.1",
                                                                                                 "localhost"):
                        outside.append(r.url)

                page.on("request", request)
                page.add_init_script(WATCH)
                t0 = time.perf_counter()
                page.goto(url)
                page.wait_for_selector(".wb-explorer .wb-theme-list select option", timeout=180_000)
                page.locator(".wb-webgl-map canvas").first.wait_for(timeout=60_000)
                print(f"page opened on the drawn explorer in {time.perf_counter() - t0:.1f} s (no Run All)")
                page.evaluate("() => window.__wb.observe(document.querySelector('.wb-explorer'))")
                page.locator(".wb-webgl-map canvas").first.scroll_into_view_if_needed()
                page.wait_for_timeout(2000)
                idle = page.evaluate("() => new Promise(done => { const n = window.__wb.draws.length;"
                                     " setTimeout(() => done(window.__wb.draws.length - n), 1000); })")
                print(f"frames copied onto the map's canvas in 1 s with nothing changing: {idle}")
                print(f"load average before the measurements: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

                changes = filter_changes(page, state, args.repeat)
                stages: dict[str, list[float]] = {}
                hover_ms, missed = hovers(page, args.hovers, texts, stages, args.verbose)
                copies = page.evaluate("() => window.__wb.copies")
                if args.screenshot:
                    page.screenshot(path=str(args.screenshot))
                browser.close()
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            log.close()
    print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    def ms(values):
        return f"{statistics.median(values):7.0f} {max(values):7.0f}"

    print(f"\nfilter changes in the page, ms from the input event (median, max); {args.repeat} of each, "
          "each from all statements, each then cleared:")
    print(f"  {'change':14s}{'n':>3}  {'count shown':>15}  {'map drawn':>15}  {'CHANGE':>15}  {'settled':>15}")
    every = []
    for name, results in changes.items():
        change = [max(r["count"], r["map"]) for r in results]
        every += change
        print(f"  {name:14s}{len(results):>3}  {ms([r['count'] for r in results]):>15}  "
              f"{ms([r['map'] for r in results]):>15}  {ms(change):>15}  {ms([r['settled'] for r in results]):>15}")
    message = [r["message"] for results in changes.values() for r in results]
    print(f"  (the map's filter message reached the page after: median {statistics.median(message):.0f} ms, "
          f"max {max(message):.0f} ms)")
    median = statistics.median(every) / 1000
    print(f"\nhover: {len(hover_ms)} points ({missed} spots had no point under them); "
          f"mousemove to the statement's text in the tooltip, ms: median {statistics.median(hover_ms):.0f}, "
          f"max {max(hover_ms):.0f}" if hover_ms else "\nhover: no point showed its text")
    if stages:
        names = {"found": "the page found the point (its first message to the kernel)",
                 "asked": "the tooltip's text asked of the kernel", "answered": "the kernel's answer arrived"}
        for step, values in stages.items():
            print(f"  {names[step]}: median {statistics.median(values):.0f} ms, max {max(values):.0f} ms")
    hover = statistics.median(hover_ms) / 1000 if hover_ms else float("inf")
    if copies:
        print(f"\nframes copied onto the map's canvas: {len(copies)}; each copy (drawImage of the WebGL canvas, "
              f"which waits for its frame) took median {statistics.median(copies):.0f} ms, max {max(copies):.0f} ms")
    print(f"\nconsole errors: {len(errors)}; requests outside this machine: {len(outside)}")
    for line in (errors + outside)[:10]:
        print(f"  {line[:200]}")
    ok_filter, ok_hover, clean = median <= FILTER_TARGET_S, hover <= HOVER_TARGET_S, not errors and not outside
    print(f"{'PASS' if ok_filter else 'MISS'}  filter change median {median:.3f} s (max {max(every) / 1000:.3f} s, "
          f"n={len(every)}); target <= {FILTER_TARGET_S} s median")
    print(f"{'PASS' if ok_hover else 'MISS'}  hover median {1000 * hover:.0f} ms"
          + (f" (max {max(hover_ms):.0f} ms, n={len(hover_ms)})" if hover_ms else "")
          + f"; target <= {1000 * HOVER_TARGET_S:.0f} ms")
    print(f"{'PASS' if clean else 'MISS'}  no console error, no request outside this machine")
    return 0 if ok_filter and ok_hover and clean else 1


if __name__ == "__main__":
    sys.exit(main())
