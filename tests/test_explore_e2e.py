"""End to end in headless Chromium: `workbench explore` opens the notebook in JupyterLab (Run All
draws the explorer and its WebGL map), and `workbench explore --app` opens it in Voilà, where it
runs on open and is used as an analyst would: the WebGL map renders, hovering a point shows its
text, a lasso lists the statements, merging refuses without a target, and pinning two ticked quotes
is undone by one click."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from test_explore import BILLING, STATEMENTS, make_themed_folder, registry_file
from workbench.explore import lab as explore_lab

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


def _wait_for_server(url: str, process: subprocess.Popen, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer at {url}")


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


@pytest.mark.slow
def test_notebook_renders_the_explorer_and_its_map_in_jupyterlab(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    data = make_themed_folder(tmp_path)
    log = (tmp_path / "lab.log").open("w")
    process, url = explore_lab.launch(data, token="e2e-token", env=_jupyter_env(tmp_path), stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        _wait_for_server(url.replace("/lab/tree/explore_themes.ipynb", "/api/status"), process)
        with _browser(sync_api) as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1500, "height": 2600})
                page.goto(url, wait_until="domcontentloaded")
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=40_000)
                # wait for the kernel, then Run > Run All Cells
                page.wait_for_selector(".jp-StatusBar-TextItem:has-text('Python 3 (ipykernel) | Idle')",
                                       timeout=40_000)
                page.click(".lm-MenuBar-itemLabel:text-is('Run')", timeout=10_000)
                page.click(".lm-Menu-itemLabel:text-is('Run All Cells')", timeout=10_000)
                page.wait_for_selector(".wb-explorer .wb-theme-list select option", timeout=60_000)
                assert page.locator(".wb-explorer h3.wb-theme-label").inner_text() == "billing / invoice"
                canvas = page.locator(".wb-webgl-map canvas").first
                canvas.wait_for(timeout=30_000)
                assert canvas.bounding_box()["width"] > 300
                page.screenshot(path=str(ARTIFACTS / "explore.png"))
            finally:
                browser.close()
    finally:
        _stop(process)
        log.close()
    assert (ARTIFACTS / "explore.png").stat().st_size > 10_000
    assert process.poll() is not None


def _coloured_spots(png: bytes, step: int = 4) -> list[tuple[int, int]]:
    """Pixels of the map screenshot that are coloured (points, labels), one per ``step`` cell."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    spots = {}
    for y in range(0, image.height, 2):
        for x in range(0, image.width, 2):
            r, g, b = image.getpixel((x, y))
            if max(r, g, b) - min(r, g, b) > 60:
                spots.setdefault((x // step, y // step), (x, y))
    return list(spots.values())


@pytest.mark.slow
def test_app_runs_on_open_and_the_map_hover_lasso_merge_and_batch_undo_work(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    pytest.importorskip("voila")
    pytest.importorskip("jscatter")
    data = make_themed_folder(tmp_path)
    log = (tmp_path / "voila.log").open("w")
    process, url = explore_lab.launch(data, token="e2e-token", env=_jupyter_env(tmp_path), app=True, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
    ARTIFACTS.mkdir(exist_ok=True)
    texts = [s[7] for s in STATEMENTS]
    try:
        _wait_for_port(url, process)
        with _browser(sync_api) as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1500, "height": 2600})
                page.goto(url)
                page.wait_for_selector(".wb-explorer .wb-quote", timeout=120_000)   # run on open, no click
                canvas = page.locator(".wb-webgl-map canvas").first
                canvas.wait_for(timeout=30_000)
                page.wait_for_timeout(1500)                                         # the first frame drawn
                canvas.scroll_into_view_if_needed()
                box = canvas.bounding_box()
                assert box["width"] > 300 and box["height"] > 300                   # the map renders

                # hover: a point's statement shows in the tooltip (asked of the kernel: wait for it)
                spots = []
                for _ in range(40):  # until the points are drawn
                    spots = _coloured_spots(canvas.screenshot())
                    if len(spots) > 10:
                        break
                    page.wait_for_timeout(500)
                shown = None
                tip_has_text = ("texts => texts.some(t => document.querySelector('.wb-webgl-map')"
                                ".innerText.includes(t))")
                for x, y in spots[:80]:
                    page.mouse.move(box["x"] + x, box["y"] + y)
                    try:
                        page.wait_for_function(tip_has_text, arg=texts, timeout=700, polling=50)
                    except sync_api.TimeoutError:
                        continue
                    tip = page.locator(".wb-webgl-map").inner_text()
                    shown = next(t for t in texts if t in tip)
                    break
                assert shown, "no point showed its statement on hover"

                # lasso around the whole map: the statements are listed next to it
                page.locator(".wb-webgl-map button[title='Activate lasso selection']").click()
                page.mouse.move(box["x"] + 4, box["y"] + 4)
                page.mouse.down()
                for fx, fy in [(0.99, 0.01), (0.99, 0.99), (0.01, 0.99), (0.01, 0.02)]:
                    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy, steps=12)
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
                page.screenshot(path=str(ARTIFACTS / "explore-app.png"), full_page=True)
            finally:
                browser.close()
    finally:
        _stop(process)
        log.close()
    assert process.poll() is not None
