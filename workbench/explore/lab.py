"""JupyterLab (or a Voilà app) on the theme explorer notebook for one data folder (what
``workbench explore`` starts).

Writes a copy of ``explore_themes.ipynb`` (``notebooks/``, shipped in the package through the
``workbench/notebooks`` link) with the data folder filled in to ``DATA_DIR/.workbench/explore/``
(so the shipped notebook stays clean), starts JupyterLab there with ``WORKBENCH_DATA_DIR`` set,
and runs the notebook before anyone opens it (:func:`run_in_server`): the server starts the
notebook's kernel (a session for its path, as opening it would), every cell runs in that kernel,
and the outputs are saved into the notebook through the server, which signs it as trusted. When
the page opens, JupyterLab joins that session, the widget manager loads the widgets' state from
the live kernel and the explorer is drawn, live, with no Run All; the kernel is the user's from
then on. Both halves are needed: a widget output is drawn from its model in a live kernel, and
JupyterLab shows an unsigned notebook's widget outputs in their text form.
With ``app=True`` it starts Voilà instead: the notebook runs when the page opens and only its
outputs show, live. JupyterLab and Voilà come with the ``explore`` extra:
``pip install "cx-insight-workbench[explore]"``.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import webbrowser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote

import nbformat

from ..workspace import Workspace
from ..errors import UsageError, WorkbenchError
from .codes import DATA_DIR_ENV

log = logging.getLogger(__name__)

NOTEBOOK_NAME = "explore_themes.ipynb"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / NOTEBOOK_NAME
DEFAULT_DATA_DIR = "data/sample"
#: seconds for JupyterLab to answer, for the kernel to start, and for the notebook to run (None: no limit;
#: the first run on a folder computes and caches the statement map, which takes a while for a big folder)
SERVER_TIMEOUT_S = 90
KERNEL_TIMEOUT_S = 90
RUN_TIMEOUT_S = None


def check_data_dir(data_dir: str | os.PathLike) -> Path:
    """The folder, if it has been themed; a one-line usage error otherwise."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise UsageError(f"{data_dir}: no such folder")
    missing = {"evidence", "theme_assignments", "themes"} - Workspace(data_dir).names()
    if missing:
        raise UsageError(f"{data_dir} has no themes yet: run `workbench quarterly --data {data_dir}` first")
    return data_dir


def prepare_notebook(data_dir: str | os.PathLike, template: Path = NOTEBOOK) -> Path:
    """Write the explorer notebook with ``data_dir`` filled in (papermill style: an
    ``injected-parameters`` cell after the ``parameters`` cell); returns its path."""
    if not template.exists():
        raise UsageError(f"explorer notebook not found: {template}")
    data_dir = Path(data_dir).resolve()
    nb = nbformat.read(str(template), as_version=4)
    cell = nbformat.v4.new_code_cell(f"# Parameters\ndata_dir = {str(data_dir)!r}\n",
                                     metadata={"tags": ["injected-parameters"]})
    cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    nb.cells = [*cells[:at], cell, *cells[at:]]
    out = Workspace(data_dir).cache("explore") / template.name
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(out))
    return out


def free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return int(sock.getsockname()[1])


def lab_command(notebook: Path, *, port: int, ip: str = "127.0.0.1", token: str = "",
                open_browser: bool = False) -> list[str]:
    command = [
        sys.executable, "-m", "jupyterlab", notebook.name,
        f"--ServerApp.root_dir={notebook.parent}",
        f"--ServerApp.ip={ip}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={open_browser}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root
        command.append("--ServerApp.allow_root=True")
    return command


def voila_command(notebook: Path, *, port: int, ip: str = "127.0.0.1", token: str = "",
                  open_browser: bool = False) -> list[str]:
    """Voilà on the notebook: it runs on open and shows the explorer as an app (no code cells)."""
    command = [sys.executable, "-m", "voila", notebook.name, f"--port={port}", f"--Voila.ip={ip}",
               f"--Voila.root_dir={notebook.parent}", f"--token={token}", "--strip_sources=True"]
    if not open_browser:
        command.append("--no-browser")
    return command


def app_url(ip: str, port: int, token: str) -> str:
    return f"http://{ip}:{port}/" + (f"?token={token}" if token else "")


def lab_url(ip: str, port: int, token: str, name: str = NOTEBOOK_NAME) -> str:
    return f"http://{ip}:{port}/lab/tree/{name}" + (f"?token={token}" if token else "")


def launch(data_dir: str | os.PathLike, *, port: int | None = None, ip: str = "127.0.0.1", token: str | None = None,
           open_browser: bool = False, env: dict | None = None, app: bool = False, run: bool = True,
           run_timeout: float | None = RUN_TIMEOUT_S, **popen) -> tuple[subprocess.Popen, str]:
    """Start JupyterLab on the explorer notebook of ``data_dir`` and, with ``run``, run the
    notebook in the server's kernel before returning (:func:`run_in_server`: the page opens on the
    drawn explorer); or Voilà with ``app`` (the notebook runs when the page opens). Opens a
    browser with ``open_browser`` once the notebook has run. Returns the process and the URL;
    the server is stopped if starting or running fails."""
    data_dir = check_data_dir(data_dir).resolve()
    notebook = prepare_notebook(data_dir)
    port = port or free_port(ip)
    token = secrets.token_urlsafe(24) if token is None else token
    environment = {**os.environ, **(env or {}), DATA_DIR_ENV: str(data_dir)}
    if app:
        process = subprocess.Popen(voila_command(notebook, port=port, ip=ip, token=token, open_browser=open_browser),
                                   cwd=notebook.parent, env=environment, **popen)
        return process, app_url(ip, port, token)
    if run:  # the kernels' connection files where this process finds them (the default: the user's runtime folder)
        from jupyter_core.paths import jupyter_runtime_dir

        environment["JUPYTER_RUNTIME_DIR"] = environment.get("JUPYTER_RUNTIME_DIR") or jupyter_runtime_dir()
    process = subprocess.Popen(lab_command(notebook, port=port, ip=ip, token=token,
                                           open_browser=open_browser and not run),
                               cwd=notebook.parent, env=environment, **popen)
    url = lab_url(ip, port, token)
    if run:
        try:
            server = f"http://{_local(ip)}:{port}/"
            wait_for_server(server, process, token)
            errors = run_in_server(server, token, notebook.name, Path(environment["JUPYTER_RUNTIME_DIR"]),
                                   timeout=run_timeout)
        except BaseException as exc:  # Ctrl-C, a kernel that died, a server that refused: the server is stopped
            stop(process)
            if isinstance(exc, Exception) and not isinstance(exc, WorkbenchError):
                raise WorkbenchError(f"could not run the explorer notebook in JupyterLab "
                                     f"({type(exc).__name__}: {exc})") from exc
            raise
        for error in errors:
            log.warning("the explorer notebook stopped with an error (shown in it): %s", error)
        if open_browser:
            webbrowser.open(url)
    return process, url


def _local(ip: str) -> str:
    """The address this machine reaches a server listening on ``ip`` at."""
    if ip in ("", "0.0.0.0", "*"):
        return "127.0.0.1"
    if ip == "::":
        return "[::1]"
    return f"[{ip}]" if ":" in ip else ip


def wait_for_server(server: str, process: subprocess.Popen, token: str = "",
                    timeout: float = SERVER_TIMEOUT_S) -> None:
    """Until the Jupyter server at ``server`` answers (an error if it exits or does not answer)."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(server + "api/status",
                                     headers={"Authorization": f"token {token}"} if token else {})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise WorkbenchError(f"JupyterLab exited with status {process.returncode} before it answered")
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except urllib.error.HTTPError:  # it answers
            return
        except OSError:
            time.sleep(0.2)
    raise WorkbenchError(f"JupyterLab did not answer at {server} within {timeout:.0f} s")


class _Server:
    """The Jupyter server's REST API, authenticated by the token (or, without one, by its XSRF cookie)."""

    def __init__(self, server: str, token: str):
        self.server, self.token = server, token
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        if not token:
            self.opener.open(server + "lab", timeout=30).close()  # sets the _xsrf cookie

    def call(self, method: str, path: str, body: dict | None = None, timeout: float = 120) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"token {self.token}"
        xsrf = next((c.value for c in self.cookies if c.name == "_xsrf"), None)
        if xsrf:
            headers["X-XSRFToken"] = xsrf
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.server + path, data=data, method=method, headers=headers)
        with self.opener.open(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")


def run_in_server(server: str, token: str, name: str, runtime_dir: Path, *,
                  timeout: float | None = RUN_TIMEOUT_S) -> list[str]:
    """Run the notebook ``name`` (a path under the server's root) in the kernel of its session
    on the Jupyter server at ``server``, and save it with its outputs; returns the errors its
    cells raised (their outputs are saved too, as a run in JupyterLab would show them).

    The session is the one JupyterLab joins when the notebook is opened (by path), so the page
    gets the widgets from this kernel, live. The notebook is saved through the server with its
    cells marked trusted, so the server signs it and JupyterLab renders the widgets' views.
    ``runtime_dir`` is the server's runtime folder, where the kernel's connection file is."""
    api = _Server(server, token)
    path = quote(name)
    model = api.call("GET", f"api/contents/{path}?content=1")
    session = api.call("POST", "api/sessions", {"path": name, "name": name, "type": "notebook",
                                               "kernel": {"name": "python3"}})
    connection_file = runtime_dir / f"kernel-{session['kernel']['id']}.json"
    nb = nbformat.from_dict(model["content"])
    errors = asyncio.run(_execute(nb, connection_file, cwd=Path(model["path"]).parent, timeout=timeout))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata["trusted"] = True  # run by this process: the server signs the notebook
    api.call("PUT", f"api/contents/{path}", {"type": "notebook", "format": "json", "content": nb})
    return errors


async def _execute(nb, connection_file: Path, *, cwd: Path, timeout: float | None) -> list[str]:
    from jupyter_client.asynchronous import AsyncKernelClient
    from nbclient import NotebookClient

    deadline = time.monotonic() + KERNEL_TIMEOUT_S
    while not connection_file.exists():  # written as the kernel starts
        if time.monotonic() > deadline:
            raise WorkbenchError(f"the explorer's kernel did not start (no {connection_file.name})")
        await asyncio.sleep(0.1)
    kc = AsyncKernelClient()
    kc.load_connection_file(str(connection_file))
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=KERNEL_TIMEOUT_S)
        client = NotebookClient(nb, timeout=timeout, allow_errors=True, store_widget_state=False,
                                resources={"metadata": {"path": str(cwd)}})
        client.kc = kc  # the session's kernel: nbclient neither starts nor stops it
        client.reset_execution_trackers()
        errors = []
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            errors += [f"{o.get('ename')}: {o.get('evalue')}" for o in cell.outputs if o.output_type == "error"]
        return errors
    finally:
        kc.stop_channels()


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop JupyterLab (and its kernels) if it is still running."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
