"""``workbench explore [DATA_DIR]``: JupyterLab on the theme explorer notebook for one data folder.

Writes a copy of ``explore_themes.ipynb`` (shipped in the package, ``workbench/notebooks/``) with
the data folder filled in to ``DATA_DIR/.workbench/explore/`` (so the shipped notebook stays clean),
starts JupyterLab there with ``WORKBENCH_DATA_DIR`` set, and prints the URL (with its access token).
JupyterLab comes with the ``explore`` extra: ``pip install "cx-insight-workbench[explore]"``.
"""
from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path

import nbformat

from .. import store
from .view import DATA_DIR_ENV

NOTEBOOK_NAME = "explore_themes.ipynb"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / NOTEBOOK_NAME
DEFAULT_DATA_DIR = "data/sample"


def _usage_error(message: str) -> Exception:
    from ..cli import UsageError

    return UsageError(message)


def check_data_dir(data_dir: str | os.PathLike) -> Path:
    """The folder, if it has been themed; a one-line usage error otherwise."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise _usage_error(f"{data_dir}: no such folder")
    missing = {"evidence", "theme_assignments", "themes"} - set(store.table_names(data_dir))
    if missing:
        raise _usage_error(f"{data_dir} has no themes yet: run `workbench quarterly --data {data_dir}` first")
    return data_dir


def prepare_notebook(data_dir: str | os.PathLike, template: Path = NOTEBOOK) -> Path:
    """Write the explorer notebook with ``data_dir`` filled in (papermill style: an
    ``injected-parameters`` cell after the ``parameters`` cell); returns its path."""
    if not template.exists():
        raise _usage_error(f"explorer notebook not found: {template}")
    data_dir = Path(data_dir).resolve()
    nb = nbformat.read(str(template), as_version=4)
    cell = nbformat.v4.new_code_cell(f"# Parameters\ndata_dir = {str(data_dir)!r}\n",
                                     metadata={"tags": ["injected-parameters"]})
    cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    nb.cells = [*cells[:at], cell, *cells[at:]]
    out = store.workdir(data_dir) / "explore" / template.name
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


def lab_url(ip: str, port: int, token: str, name: str = NOTEBOOK_NAME) -> str:
    return f"http://{ip}:{port}/lab/tree/{name}" + (f"?token={token}" if token else "")


def launch(data_dir: str | os.PathLike, *, port: int | None = None, ip: str = "127.0.0.1", token: str | None = None,
           open_browser: bool = False, env: dict | None = None, **popen) -> tuple[subprocess.Popen, str]:
    """Start JupyterLab on the explorer notebook of ``data_dir``; returns the process and the URL."""
    data_dir = check_data_dir(data_dir).resolve()
    notebook = prepare_notebook(data_dir)
    port = port or free_port(ip)
    token = secrets.token_urlsafe(24) if token is None else token
    environment = {**os.environ, **(env or {}), DATA_DIR_ENV: str(data_dir)}
    process = subprocess.Popen(lab_command(notebook, port=port, ip=ip, token=token, open_browser=open_browser),
                               cwd=notebook.parent, env=environment, **popen)
    return process, lab_url(ip, port, token)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "explore", help="explore themes in JupyterLab: filters, theme list, quotes, map, analyst edits",
        description="Start JupyterLab on the theme explorer notebook for DATA_DIR (themed by `workbench quarterly`). "
                    "Edits made there (rename, merge, split, pin, requirement) go to DATA_DIR/theme_registry.yml.")
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR, metavar="DATA_DIR",
                        help=f"the data folder (default: {DEFAULT_DATA_DIR})")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (default: a free one)")
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser; just print the URL")
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.port is not None and not 0 < args.port < 65536:
        raise _usage_error(f"--port must be between 1 and 65535, not {args.port}")
    if importlib.util.find_spec("jupyterlab") is None:
        raise _usage_error('JupyterLab is not installed: pip install "cx-insight-workbench[explore]"')
    process, url = launch(args.data_dir, port=args.port, ip=args.ip, open_browser=not args.no_browser)
    print(f"Theme explorer for {args.data_dir}: {url}", flush=True)
    print("Press Ctrl-C to stop JupyterLab.", flush=True)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop(process)


def _raise_interrupt(_signum, _frame):
    raise KeyboardInterrupt


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
