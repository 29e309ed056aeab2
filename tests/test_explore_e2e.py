"""End to end in headless Chromium: `workbench explore` opens the notebook in JupyterLab already
run (no Run All: the explorer and its WebGL map are drawn, live) and it is used as an analyst
would: the WebGL map renders, hovering a point shows its text, a lasso lists the statements,
merging refuses without a target, and pinning two ticked quotes is undone by one click. And
`workbench explore --app` opens it in Voilà, where it runs on open. Neither page logs an error or
asks for anything outside the machine."""
from __future__ import annotations

from contextlib import contextmanager

import importlib.util
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from test_explore import BILLING, STATEMENTS, make_themed_folder, registry_file
from workbench.explore import lab as explore_lab

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
VOILA_CDN = "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


def _wait_for_port(url: str, process: subprocess.Popen, timeout: float = 40) -> None:
    """Until the server accepts connections (Voilà runs the notebook for each page it serves, so
    the test does not ask for one just to see it is up)."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            socket.create_connection((where.hostname, where.port), timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nothing answered at {url}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _jupyter_env(tmp_path: Path) -> dict:
    home = tmp_path / "jupyter"
    env = {  # keep JupyterLab's settings, workspaces and runtime files out of the user's home
        "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    notification = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')  # no news prompt, no network
    return env


def _browser(sync_api):
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    return sync_api.sync_playwright()


def _dots(png: bytes) -> list[tuple[float, float]]:
    """Centres of the points in a screenshot of the map: small blobs of a vivid colour (the legend's
    swatches are bigger; the area and theme labels are drawn in darker shades of the same colours)."""
    import io

    import numpy as np
    from PIL import Image
    from scipy import ndimage

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    blobs, _ = ndimage.label(rgb.max(axis=2) - rgb.min(axis=2) > 60)
    dots = []
    for index, where in enumerate(ndimage.find_objects(blobs), start=1):
        height, width = where[0].stop - where[0].start, where[1].stop - where[1].start
        colour = rgb[where][blobs[where] == index].mean(axis=0)
        if 2 <= height <= 6 and 2 <= width <= 6 and colour.max() - colour.min() > 120:
            dots.append((where[1].start + width / 2, where[0].start + height / 2))
    return dots


def _watch(page) -> tuple[list[str], list[str]]:
    """The page's console errors and uncaught exceptions, and its requests to other machines."""
    from urllib.parse import urlsplit

    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def request(r):
        where = urlsplit(r.url)
        if where.scheme not in ("data", "blob", "about") and where.hostname not in ("127.0.0.1", "localhost"):
            outside.append(r.url)

    page.on("request", request)
    return errors, outside


def _map_canvas(page, timeout: float = 60_000):
    """The WebGL map's canvas, once its points are drawn; with its box and the points' centres."""
    canvas = page.locator(".wb-webgl-map canvas").first
    canvas.wait_for(timeout=timeout)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    dots = []
    for _ in range(40):  # until the points are drawn
        dots = _dots(canvas.screenshot())
        if len(dots) >= 5:
            break
        page.wait_for_timeout(250)
    return canvas, box, dots


def _launch(tmp_path, needs: str, app: bool = False):
    """Skips without playwright, ``needs`` or Chromium; else a themed folder and ``workbench
    explore`` started on it (returns once the notebook has run in the kernel the page will use):
    (playwright's sync_api, the data folder, the server process, its URL, its log file)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip(needs)
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    data = make_themed_folder(tmp_path)
    log = (tmp_path / ("voila.log" if app else "lab.log")).open("w")
    process, url = explore_lab.launch(data, token="e2e-token", env=_jupyter_env(tmp_path), app=app, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
    return sync_api, data, process, url, log


@contextmanager
def _explorer_page(tmp_path, needs: str, app: bool = False):
    """:func:`_launch`, then a Chromium page watched by :func:`_watch` (not yet opened on the URL):
    yields (the data folder, the URL, the page, its console errors, its requests to other
    machines); afterwards the browser is closed and the server stopped, and stopped it must be."""
    sync_api, data, process, url, log = _launch(tmp_path, needs, app=app)
    try:
        if app:
            _wait_for_port(url, process)
        with _browser(sync_api) as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                errors, outside = _watch(page)
                yield data, url, page, errors, outside
            finally:
                browser.close()
    finally:
        _stop(process)
        log.close()
    assert process.poll() is not None


@pytest.mark.slow
def test_jupyterlab_opens_the_explorer_run_and_the_map_hover_lasso_merge_and_batch_undo_work(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    texts = [s[7] for s in STATEMENTS]
    with _explorer_page(tmp_path, "jscatter") as (data, url, page, errors, outside):
        from playwright.sync_api import TimeoutError as PageTimeout

        page.goto(url)
        # drawn with no click: the outputs are the run's, the widgets the session kernel's
        page.wait_for_selector(".wb-explorer .wb-theme-list select option", timeout=60_000)
        assert page.locator(".wb-explorer h3.wb-theme-label").inner_text() == "billing / invoice"
        assert page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt").first.inner_text().strip() == "[1]:"
        canvas, box, dots = _map_canvas(page)
        assert box["width"] > 300 and box["height"] > 300 and dots   # the map renders its points

        # hover: a point's statement shows in the tooltip (asked of the kernel: wait for it)
        tip_has_text = ("texts => texts.some(t => document.querySelector('.wb-webgl-map')"
                        ".innerText.includes(t))")
        shown = None
        for x, y in dots[:8]:
            page.mouse.move(box["x"] + x, box["y"] + y)
            try:
                page.wait_for_function(tip_has_text, arg=texts, timeout=1500, polling=50)
            except PageTimeout:
                continue
            shown = next(t for t in texts if t in page.locator(".wb-webgl-map").inner_text())
            break
        assert shown, f"none of {len(dots)} points showed its statement on hover"

        # a lasso around the whole map: its statements are listed next to it
        page.locator(".wb-webgl-map button[title='Activate lasso selection']").click()
        page.mouse.move(box["x"] + 4, box["y"] + 4)
        page.mouse.down()
        for fx, fy in [(0.99, 0.01), (0.99, 0.99), (0.01, 0.99), (0.01, 0.02)]:
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy, steps=4)
        page.mouse.up()
        page.wait_for_selector(".wb-region", timeout=20_000)
        region = page.locator(".wb-region").inner_text()
        assert "statements in the selected region" in region and any(t in region for t in texts)

        # merge refuses without a target
        page.locator(".wb-explorer button[title='Merge']").click()
        page.wait_for_selector(".wb-error:has-text('Choose a theme to merge into')", timeout=20_000)

        # tick two quotes, pin them in one click, undo both in one click
        ticks = page.locator(".wb-explorer .widget-checkbox input")
        ticks.nth(0).check()
        ticks.nth(1).check()
        page.locator(".wb-explorer button[title='Pin ticked']").click()
        page.wait_for_selector(".wb-ok:has-text('Pinned 2 quote(s)')", timeout=20_000)
        assert len(registry_file(data)["themes"][BILLING]["pinned_quotes"]) == 2
        page.locator(".wb-explorer button[title='Undo last edit']").click()
        page.wait_for_selector(".wb-ok:has-text('1 more edit(s)')", timeout=20_000)
        assert registry_file(data)["themes"][BILLING]["pinned_quotes"] == []
        page.screenshot(path=str(ARTIFACTS / "explore.png"), full_page=True)
        assert not errors, errors
        assert not outside, outside


@pytest.mark.slow
def test_app_runs_on_open_in_voila(tmp_path):
    with _explorer_page(tmp_path, "voila", app=True) as (_, url, page, errors, outside):
        page.goto(url)
        page.wait_for_selector(".wb-explorer .wb-quote", timeout=120_000)   # run on open, no click
        assert page.locator(".wb-explorer h3.wb-theme-label").inner_text() == "billing / invoice"
        assert "open_explorer(" not in page.locator("body").inner_text()     # no code shown
        if importlib.util.find_spec("jscatter"):
            _, box, dots = _map_canvas(page)
            assert box["width"] > 300 and dots
        # Voilà's own page template links FontAwesome's stylesheets from a CDN (its bundle has
        # the icons too): those two requests, and their failing offline, are Voilà's, not ours
        assert all(u.startswith(VOILA_CDN) for u in outside), outside
        failed_loads = [e for e in errors if e.startswith("Failed to load resource: net::ERR_")]
        assert len(failed_loads) <= len(outside) and len(failed_loads) == len(errors), errors


