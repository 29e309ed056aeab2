"""One error root: every exception class the package defines derives from ``WorkbenchError``,
and keeps the builtin base older ``except`` clauses rely on."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import workbench
from workbench import errors
from workbench.errors import WorkbenchError


def package_modules() -> list[str]:
    names = ["workbench"]
    for info in pkgutil.walk_packages(workbench.__path__, prefix="workbench."):
        names.append(info.name)
    return sorted(set(names))


def defined_exceptions() -> dict[str, type]:
    found = {}
    for name in package_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__.startswith("workbench"):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_exception_the_package_defines_derives_from_the_root():
    found = defined_exceptions()
    assert len(found) >= 11, sorted(found)  # the root, usage, settings and the stages' own
    strays = sorted(name for name, cls in found.items() if not issubclass(cls, WorkbenchError))
    assert strays == [], f"exception classes outside the one root: {strays}"


def test_errors_are_defined_in_one_module():
    assert {cls.__module__ for cls in defined_exceptions().values()} == {"workbench.errors"}


@pytest.mark.parametrize("where, name, builtin", [
    ("workbench.cli", "UsageError", None),
    ("workbench.store", "StoreError", RuntimeError),
    ("workbench.store", "MissingColumnError", KeyError),
    ("workbench.ingest", "IngestError", RuntimeError),
    ("workbench.ingest.reading", "FileProblem", None),
    ("workbench.themes.registry", "RegistryError", ValueError),
    ("workbench.kpis", "KpiInputError", ValueError),
    ("workbench.report.render", "ReportError", RuntimeError),
    ("workbench.quarterly", "QuarterlyError", RuntimeError),
    ("workbench.ingest.settings", "SettingsError", ValueError),
])
def test_old_import_paths_still_give_the_same_class(where, name, builtin):
    cls = getattr(importlib.import_module(where), name)
    assert cls is getattr(errors, name)
    assert issubclass(cls, WorkbenchError)
    if builtin is not None:
        assert issubclass(cls, builtin)


def test_missing_column_message_is_not_quoted():
    assert str(errors.MissingColumnError("table t lacks column c")) == "table t lacks column c"
