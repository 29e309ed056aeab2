"""The house rules, checked on every `make test`: imports flow one way (the contracts in
``.importlinter``), ruff finds nothing (``ruff.toml``),
and the man page ``docs/workbench.1`` is the one the parser makes."""
from __future__ import annotations

import re
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
    texts.write_text(texts.read_text() + "\nfrom ..explore import state  # noqa: E402,F401\n")
    run = lint_imports(tmp_path)
    assert run.returncode == 1
    assert "workbench.themes.texts -> workbench.explore.state" in run.stdout


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


#: rules written once (in workbench.contract or workbench.kpis), and how a second copy would look
WRITTEN_ONCE = {
    "NPS cut-offs (contract.is_promoter / is_detractor / nps_category)":
        re.compile(r"""(score\w*["'\]]*\)?|scored|scores|\bs)\s*(>=\s*9|<=\s*6|>=\s*7|<\s*7)\b"""),
    "segment parsing (contract.parse_segment)": re.compile(r"""partition\(\s*["']=["']\s*\)"""),
    "vector normalisation (contract.unit_rows)": re.compile(r"linalg\.norm\([^)]*keepdims"),
    "KPI row lookup (kpis.kpi_row)": re.compile(r"""\[["']quarter["']\]\s*==.*\[["']kpi["']\]\s*=="""),
}
HOMES = {"contract.py", "compute.py"}


@pytest.mark.parametrize("rule", sorted(WRITTEN_ONCE))
def test_each_domain_rule_is_written_once(rule):
    pattern = WRITTEN_ONCE[rule]
    copies = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "workbench").rglob("*.py"))
              if path.name not in HOMES and "sample" not in path.parts
              for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert copies == [], f"{rule} written again at {copies}"


def test_the_rule_check_finds_a_second_copy():
    # the patterns above must match the copies they are there to catch
    assert WRITTEN_ONCE["NPS cut-offs (contract.is_promoter / is_detractor / nps_category)"].search(
        'share = (scored["score"] <= 6).mean()')
    assert WRITTEN_ONCE["segment parsing (contract.parse_segment)"].search('col, _, v = text.partition("=")')
    assert WRITTEN_ONCE["vector normalisation (contract.unit_rows)"].search(
        "x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)")
    assert WRITTEN_ONCE["KPI row lookup (kpis.kpi_row)"].search(
        'rows = kpis[(kpis["quarter"] == q) & (kpis["kpi"] == kpi) & (kpis["segment"] == "all")]')
