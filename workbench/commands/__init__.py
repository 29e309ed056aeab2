"""The command line layer: every ``workbench`` subcommand, gathered in one package at the top.

Each module here provides ``register(subparsers)``; the parser it adds sets ``func``. A command
module may import any stage (ingest, themes, kpis, report, explore, quarterly, sample); no stage
imports this package or :mod:`workbench.cli` (the import contracts in ``.importlinter`` say so).
Stages are imported inside ``run`` where they are heavy, so ``workbench --help`` stays quick.
"""
from __future__ import annotations

import argparse
import textwrap

#: the command modules, in the order their commands are listed in ``workbench --help``
COMMAND_MODULES = [
    "workbench.commands.sample",
    "workbench.commands.ingest",
    "workbench.commands.kpis",
    "workbench.commands.themes",
    "workbench.commands.classify",
    "workbench.commands.quarterly",
    "workbench.commands.explore",
]

#: the stage package each command needs; a build without that stage leaves the command out
STAGES = {
    "workbench.commands.sample": "workbench.sample",
    "workbench.commands.ingest": "workbench.ingest",
    "workbench.commands.kpis": "workbench.kpis",
    "workbench.commands.themes": "workbench.themes",
    "workbench.commands.classify": "workbench.themes",
    "workbench.commands.quarterly": "workbench.quarterly",
    "workbench.commands.explore": "workbench.explore",
}

WIDTH = 78


def add_command(subparsers, name: str, *, help: str, description: str, examples: list[str],
                exit_status: list[str], notes: str = "") -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` ends with examples and its exit statuses.

    ``description`` and ``notes`` are wrapped here; the epilog keeps its layout
    (``RawDescriptionHelpFormatter``), so examples stay one command a line.
    """
    return subparsers.add_parser(
        name, help=help, description=fill(description),
        epilog=epilog(examples, exit_status, notes),
        formatter_class=argparse.RawDescriptionHelpFormatter)


def add_cluster_option(parser: argparse.ArgumentParser, *, settings: bool = True) -> None:
    """``--cluster ADDRESS``: the heavy stages on a Dask cluster (see :mod:`workbench.cluster`)."""
    parser.add_argument(
        "--cluster", metavar="ADDRESS",
        help="run the heavy stages on a Dask cluster: local:N (a LocalCluster of N worker processes, started "
             "here) or a scheduler address such as tcp://host:8786; needs the [cluster] extra"
             + (" (default: cluster: in DATA_DIR/workbench.yml, else one process)" if settings else
                " (default: one process)"))


def fill(text: str) -> str:
    return "\n\n".join(textwrap.fill(part, WIDTH) for part in text.split("\n\n"))


def _status(line: str) -> str:
    """``"2  reason"`` as a hanging paragraph: continuation lines start under the reason."""
    code = line.split("  ", 1)[0]
    return textwrap.fill(line, WIDTH, initial_indent="  ", subsequent_indent=" " * (len(code) + 4))


def epilog(examples: list[str], exit_status: list[str], notes: str = "") -> str:
    parts = ["examples:\n" + "\n".join(f"  {line}" for line in examples)]
    if notes:
        parts.append(fill(notes))
    parts.append("exit status:\n" + "\n".join(_status(line) for line in exit_status))
    return "\n\n".join(parts)
