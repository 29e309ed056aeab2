"""The `workbench` command: the top of the package. The subcommands live in :mod:`workbench.commands`."""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys

from .commands import COMMAND_MODULES, STAGES, epilog
from .errors import SettingsError, UsageError, WorkbenchError

__all__ = ["UsageError", "build_parser", "main", "version"]  # UsageError lives in workbench.errors; kept importable here

DESCRIPTION = "CX Insight Workbench: themes, requirements, KPIs and quarterly reports from customer voice."
EPILOG = epilog(
    ["workbench sample --out data/sample --seed 7",
     "workbench quarterly --data data/sample --out reports",
     "workbench themes update data/sample",
     "workbench COMMAND --help"],
    ["0  done",
     "1  the command ran and failed (a one-line reason on standard error)",
     "2  bad arguments, a broken workbench.yml, or input the command cannot use (nothing stored)",
     "130  interrupted"])


def version() -> str:
    """The installed distribution's version (the package's own when it runs from a bare checkout)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("cx-insight-workbench")
    except PackageNotFoundError:
        from . import __version__

        return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and timings")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        if importlib.util.find_spec(STAGES[name]) is None:
            continue  # stage not installed in this build
        importlib.import_module(name).register(sub)
    return parser


def _old_spelling(argv: list[str]) -> str | None:
    """A hint for a command spelt the way an earlier version took it (argparse would only list choices)."""
    options = [i for i, a in enumerate(argv) if not a.startswith("-")]
    if not options or argv[options[0]] != "themes" or importlib.util.find_spec(STAGES["workbench.commands.themes"]) is None:
        return None
    from .commands.themes import old_spelling

    return old_spelling(argv[options[0]:])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    hint = _old_spelling(argv)
    if hint:
        print(f"workbench themes: {hint}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except (UsageError, SettingsError) as exc:
        # bad arguments or a broken workbench.yml: nothing was stored
        print(f"workbench {args.command}: {exc}", file=sys.stderr)
        return 2
    except WorkbenchError as exc:
        # the command ran and failed (a store that cannot be written, say): one line, no traceback
        print(f"workbench {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
