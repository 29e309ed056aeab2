"""``workbench explore [DATA_DIR]``: JupyterLab on the theme explorer notebook for one data folder,
opened already run (or a Voilà app with ``--app``)."""
from __future__ import annotations

import importlib.util
import signal

from ..errors import UsageError
from . import add_command

DEFAULT_DATA_DIR = "data/sample"  # the same as workbench.explore.lab's, without importing the explorer here


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "explore", help="explore themes in JupyterLab: filters, theme list, quotes, map, analyst edits",
        description="Start JupyterLab on the theme explorer notebook for DATA_DIR (themed by `workbench quarterly`), "
                    "run it, then open it: the explorer is drawn and live, no Run All needed. "
                    "Edits made there (rename, merge, split, pin, requirement) go to DATA_DIR/theme_registry.yml.",
        examples=["workbench explore data/sample",
                  "workbench explore data/sample --app",
                  "workbench explore data/acme --port 8899 --no-browser"],
        exit_status=["0  stopped with Ctrl-C (otherwise JupyterLab's own exit status)",
                     "2  bad arguments, or DATA_DIR has no themes yet"])
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR, metavar="DATA_DIR",
                        help=f"the data folder (default: {DEFAULT_DATA_DIR})")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (default: a free one)")
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser; just print the URL")
    parser.add_argument("--app", action="store_true",
                        help="open the explorer as an app with Voilà: it runs on open, no code shown "
                             "(in JupyterLab the notebook is run before it opens, with its code)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from ..explore.lab import launch, stop

    if args.port is not None and not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {args.port}")
    server = "Voilà" if args.app else "JupyterLab"
    if importlib.util.find_spec("voila" if args.app else "jupyterlab") is None:
        raise UsageError(f'{server} is not installed: pip install "cx-insight-workbench[explore]"')
    if not args.app:
        print(f"Starting JupyterLab and running the explorer notebook for {args.data_dir} ...", flush=True)
    process, url = launch(args.data_dir, port=args.port, ip=args.ip, open_browser=not args.no_browser,
                          app=args.app)
    print(f"Theme explorer for {args.data_dir}: {url}", flush=True)
    print(f"Press Ctrl-C to stop {server}.", flush=True)
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


