"""A data folder as the workbench sees it: one object owns its I/O.

    ws = Workspace("data/acme")
    evidence = ws.table("evidence")           # read once, checked and migrated to today's contract
    ws.save({"themes": themes, "kpis": kpis}) # every table checked against its contract; one atomic write
    ws.registry_path, ws.cache("embeddings")  # the theme registry's file, a cache's folder

Stages never open the store: they take tables and return tables (for example
:func:`workbench.themes.pipeline.fit_themes`); the commands, the quarterly job and the explorer read
and save through a Workspace. Tables read are kept in memory until the next save, so a reader that
asks for ``evidence`` four times opens the store once; each caller gets its own copy.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from . import catalog, store
from .contract import REGISTRY_FILENAME
from .errors import StoreError


class Workspace:
    """The store's tables, the theme registry's path and the caches of one data folder."""

    def __init__(self, data_dir: str | os.PathLike):
        self.data_dir = Path(data_dir)
        self._tables: dict[str, pd.DataFrame] = {}
        self._names: set[str] | None = None

    @classmethod
    def of(cls, folder: "str | os.PathLike | Workspace") -> "Workspace":
        """A workspace given as itself or as its folder (so one reader can hand its open workspace on)."""
        return folder if isinstance(folder, Workspace) else cls(folder)

    def __repr__(self) -> str:
        return f"Workspace({str(self.data_dir)!r})"

    # where things live ---------------------------------------------------------------------
    @property
    def store_path(self) -> Path:
        return store.store_path(self.data_dir)

    @property
    def registry_path(self) -> Path:
        """The theme registry (analysts' edits): a file of the data folder, beside its inputs."""
        return self.data_dir / REGISTRY_FILENAME

    @property
    def workdir(self) -> Path:
        """The folder of the workbench's own files inside the data folder (store, caches)."""
        return store.workdir(self.data_dir)

    def cache(self, name: str) -> Path:
        """A cache folder of the workbench's own (embeddings, fitted models, the explorer's copy)."""
        return store.workdir(self.data_dir) / name

    # reading ---------------------------------------------------------------------------------
    def names(self) -> set[str]:
        """The tables the store holds (none before the first ingest)."""
        if self._names is None:
            self._names = set(store.table_names(self.data_dir))
        return set(self._names)

    def has(self, name: str) -> bool:
        return name in self.names()

    def table(self, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """One table, in the shape its contract gives it today (see :func:`workbench.catalog.migrate`);
        StoreError when the store or the table is missing, MissingColumnError for ``columns``."""
        if name not in self._tables:
            self._tables[name] = catalog.migrate(name, store.load_table(self.data_dir, name))
        frame = self._tables[name].copy()
        if columns is not None:
            store.require_columns(frame, name, columns)
        return frame

    def optional(self, name: str) -> pd.DataFrame | None:
        """A table, or None when the store does not hold it (yet)."""
        return self.table(name) if self.has(name) else None

    def tables(self, names: Iterable[str]) -> dict[str, pd.DataFrame]:
        return {name: self.table(name) for name in names}

    def require(self, names: Iterable[str], hint: str) -> None:
        """StoreError naming the first table missing, with what to run (``hint``)."""
        for name in names:
            if not self.has(name):
                raise StoreError(f"{self.data_dir}: no table '{name}' ({hint})")

    # writing ---------------------------------------------------------------------------------
    def save(self, tables: Mapping[str, pd.DataFrame], *, replace: bool = False) -> Path:
        """Store these tables in one atomic, checked write, each checked against its contract first
        (nothing is written when one does not match). The store's other tables are kept unless
        ``replace``."""
        checked = {name: catalog.check(name, frame) for name, frame in tables.items()}
        types = {name: catalog.TABLES[name] for name in checked}
        if replace:
            path = store.save_tables(self.data_dir, checked, types=types)
        else:
            path = store.add_tables(self.data_dir, checked, types=types)
        self._tables.clear()
        self._names = None
        return path
