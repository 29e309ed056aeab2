"""The `workbench` command. Each stage registers its own subcommand from its own module."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from .errors import SettingsError, UsageError

#: modules that each provide ``register(subparsers)``; the parser they add sets ``func``
COMMAND_MODULES = [
    "workbench.sample.cli",
    "workbench.ingest.cli",
    "workbench.kpis.cli",
    "workbench.themes.cli",
    "workbench.themes.classify_cli",
    "workbench.report.cli",
    "workbench.explore.cli",
]

__all__ = ["UsageError", "build_parser", "main"]  # UsageError lives in workbench.errors; kept importable here


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="CX Insight Workbench: themes, requirements, KPIs and quarterly reports from customer voice.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and timings")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # stage not installed in this build
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
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
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
