"""Every error the workbench raises on purpose derives from ``WorkbenchError``.

A caller (the command line, a notebook, a scheduler wrapper) can catch that one class to tell
"the workbench refused, with a reason" apart from a crash. Each error also keeps the builtin base
it had before (``ValueError``, ``RuntimeError``, ``KeyError``), so older ``except`` clauses still
catch it, and each stage re-exports its own under the old name (``workbench.store.StoreError``...).
"""
from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """The root: the message is the reason shown to the user."""


class UsageError(WorkbenchError):
    """Bad arguments or settings: printed as one line, exit status 2."""


class SettingsError(WorkbenchError, ValueError):
    """``workbench.yml`` is broken or names a key the workbench does not know; nothing is stored."""


class StoreError(WorkbenchError, RuntimeError):
    """The store is missing or does not hold what was asked for."""


class MissingColumnError(StoreError, KeyError):
    """A table lacks a column a computation needs; the message names both."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class FileProblem(WorkbenchError):
    """The whole file cannot be read; the message is the reason shown to the user."""

    def __init__(self, reason: str, locator: str = "file"):
        super().__init__(reason)
        self.reason = reason
        self.locator = locator


class ClusterError(UsageError, RuntimeError):
    """The Dask cluster asked for (``--cluster``) cannot be used: not installed, not reachable, or
    its workers do not embed with this machine's model, or a task's workers kept dying (exit status 2)."""


class IngestError(WorkbenchError, RuntimeError):
    """Nothing could be ingested, or --strict found quarantined rows."""


class RegistryError(WorkbenchError, ValueError):
    """An edit or a match the registry cannot apply (unknown id, cycle, bad status...)."""


class KpiInputError(WorkbenchError, ValueError):
    """Input that no KPI can honestly be computed from, or an unknown quarter or segment."""


class ReportError(WorkbenchError, RuntimeError):
    """A report notebook failed; ``notebook`` is the partially executed notebook kept for debugging."""

    def __init__(self, message: str, notebook: Path | None = None):
        super().__init__(message)
        self.notebook = notebook


class QuarterlyError(WorkbenchError, RuntimeError):
    """The run failed; the message is the one-line reason an operator sees."""
