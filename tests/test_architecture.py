"""The house rules, checked on every `make test`: imports flow one way (the contracts in
``.importlinter``), ruff finds nothing (``ruff.toml``),
and the man page ``docs/workbench.1`` is the one the parser makes."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = ("import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='.importlinter', no_cache=True, no_logo=True))")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter on the package under ``root`` (a fresh interpreter, so it reads that copy)."""
    pytest.importorskip("importlinter", reason="import-linter is not installed (pip install import-linter)")
    return subprocess.run([sys.executable, "-c", LINT], cwd=root, capture_output=True, text=True, timeout=120)


def test_the_import_contracts_are_kept():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "BROKEN" not in run.stdout and "0 broken" in run.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The contract has teeth: a theme module importing the explorer is reported."""
    shutil.copytree(ROOT / "workbench", tmp_path / "workbench",
                    ignore=shutil.ignore_patterns("__pycache__", "data", "templates", "mappings"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    texts = tmp_path / "workbench" / "themes" / "texts.py"
    texts.write_text(texts.read_text() + "\nfrom ..explore import actions  # noqa: E402,F401\n")
    run = lint_imports(tmp_path)
    assert run.returncode == 1
    assert "workbench.themes.texts -> workbench.explore.actions" in run.stdout


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or (str(Path(sys.executable).with_name("ruff"))
                                    if Path(sys.executable).with_name("ruff").exists() else None)
    if ruff is None:
        pytest.skip("ruff is not installed (pip install ruff)")
    run = subprocess.run([ruff, "check", "--no-cache", "workbench", "tests", "bench"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_man_page_is_the_one_the_parser_makes():
    pytest.importorskip("argparse_manpage", reason="argparse-manpage is not installed (pip install argparse-manpage)")
    from workbench.manpage import manpage

    committed = (ROOT / "docs" / "workbench.1").read_text(encoding="utf-8")
    assert manpage() == committed, "docs/workbench.1 is stale: run `python -m workbench.manpage > docs/workbench.1`"
