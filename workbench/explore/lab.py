"""JupyterLab (or a Voilà app) on the theme explorer notebook for one data folder (what
``workbench explore`` starts).

Writes a copy of ``explore_themes.ipynb`` (``notebooks/``, shipped in the package through the
``workbench/notebooks`` link) with the data folder filled in to ``DATA_DIR/.workbench/explore/``
(so the shipped notebook stays clean), starts JupyterLab there with ``WORKBENCH_DATA_DIR`` set,
and prints the URL (with its access token); Run All draws the explorer. With ``app=True`` it
starts Voilà instead: the notebook runs when the page opens and only its outputs show, live.
(A notebook executed beforehand does not help in JupyterLab 4: the widgets' saved state is not
drawn without the kernel that made them, so the page would show their text form.)
JupyterLab and Voilà come with the ``explore`` extra: ``pip install "cx-insight-workbench[explore]"``.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import nbformat

from ..workspace import Workspace
from ..errors import UsageError
from .codes import DATA_DIR_ENV

NOTEBOOK_NAME = "explore_themes.ipynb"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / NOTEBOOK_NAME
DEFAULT_DATA_DIR = "data/sample"


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
           open_browser: bool = False, env: dict | None = None, app: bool = False,
           **popen) -> tuple[subprocess.Popen, str]:
    """Start JupyterLab on the explorer notebook of ``data_dir``, or Voilà with ``app`` (the
    notebook runs when the page opens); returns the process and the URL."""
    data_dir = check_data_dir(data_dir).resolve()
    notebook = prepare_notebook(data_dir)
    port = port or free_port(ip)
    token = secrets.token_urlsafe(24) if token is None else token
    environment = {**os.environ, **(env or {}), DATA_DIR_ENV: str(data_dir)}
    make, url = (voila_command, app_url(ip, port, token)) if app else (lab_command, lab_url(ip, port, token))
    process = subprocess.Popen(make(notebook, port=port, ip=ip, token=token, open_browser=open_browser),
                               cwd=notebook.parent, env=environment, **popen)
    return process, url


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
