"""The ``workbench(1)`` man page, made from the command line's own parser (argparse-manpage).

    python -m workbench.manpage > docs/workbench.1

``docs/workbench.1`` is committed; a test regenerates it and fails when it differs, so the page
cannot go stale. It sits above :mod:`workbench.cli` (it reads its parser).
"""
from __future__ import annotations

import os
import sys

from .cli import DESCRIPTION, build_parser, version

#: the date the page carries (man(7): of its last real change); fixed, so regenerating it is reproducible
DATE = "2026-07-01"


def manpage() -> str:
    from argparse_manpage.manpage import Manpage

    # argparse wraps usage lines to the terminal's width (COLUMNS): the page is made at 80 wherever it runs
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        page = Manpage(build_parser(), _data={
            "project_name": "cx-insight-workbench", "version": version(), "date": DATE,
            "manual_title": "CX Insight Workbench", "manual_section": "1", "description": DESCRIPTION,
        })
        return str(page).rstrip("\n") + "\n"
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(manpage())
