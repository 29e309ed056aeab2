"""End to end: `workbench explore` starts JupyterLab, a headless Chromium runs the notebook, the
explorer renders, and a brush on the map lists its quotes in Python's widgets."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from test_explore import make_themed_folder
from workbench.explore import lab as explore_lab

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"]


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


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.mark.slow
def test_notebook_renders_the_explorer_in_jupyterlab(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    data = make_themed_folder(tmp_path)
    home = tmp_path / "jupyter"
    env = {  # keep JupyterLab's settings, workspaces and runtime files out of the user's home
        "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "IPYTHONDIR": str(home / "ipython"),
    }
    notification = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text('{"fetchNews": "false", "checkForUpdates": false}')  # no news prompt, no network
    log = (tmp_path / "lab.log").open("w")
    process, url = explore_lab.launch(data, token="e2e-token", env=env, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        _wait_for_server(url.replace("/lab/tree/explore_themes.ipynb", "/api/status"), process)
        with sync_api.sync_playwright() as p:
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
                page.wait_for_selector(".wb-explorer", timeout=60_000)
                page.wait_for_selector(".wb-theme-list select option", timeout=20_000)
                page.wait_for_selector(".wb-explorer .wb-quote", timeout=20_000)
                page.wait_for_selector(".wb-map .wb-chart canvas", timeout=20_000)
                options = [o.replace("\xa0", " ") for o in page.locator(".wb-theme-list select option").all_inner_texts()]
                assert options[0].startswith("billing / invoice")
                assert page.locator(".wb-explorer h3.wb-theme-label").inner_text() == "billing / invoice"

                # drag a rectangle over the middle of the map: Python lists the statements inside it
                canvas = page.locator(".wb-map .wb-chart canvas")
                canvas.scroll_into_view_if_needed()
                box = canvas.bounding_box()
                page.mouse.move(box["x"] + 15, box["y"] + 15)
                page.mouse.down()
                page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.9, steps=8)
                page.mouse.up()
                page.wait_for_selector(".wb-explorer .wb-region", timeout=15_000)
                assert "statements in the selected region" in page.locator(".wb-region").inner_text()
                page.screenshot(path=str(ARTIFACTS / "explore.png"))
            finally:
                browser.close()
    finally:
        _stop(process)
        log.close()
    assert (ARTIFACTS / "explore.png").stat().st_size > 10_000
    assert process.poll() is not None
