"""A data folder as the workbench sees it: one object owns its I/O.

    ws = Workspace("data/acme")
    evidence = ws.table("evidence")           # read once, checked and migrated to today's contract
    ws.save({"themes": themes, "kpis": kpis}) # every table checked against its contract; one atomic write
    ws.registry_path, ws.cache("embeddings")  # the theme registry's file, a cache's folder

Stages never open the store: they take tables and return tables (for example
:func:`workbench.themes.pipeline.fit_themes`); the commands, the quarterly job and the explorer read
and save through a Workspace. Tables read are kept in memory until the next save, so a reader that
asks for ``evidence`` four times opens the store once; each caller gets its own copy.

The store is one DuckDB file (:mod:`workbench.store`, the default) or, for large folders, a Parquet
dataset partitioned by quarter (:mod:`workbench.parquet_store`); readers get the same tables from
either without knowing which. Which one a save writes is ``storage``: ``"duckdb"``, ``"parquet"``,
``"auto"`` (Parquet when a table saved, or the stored evidence, has more than ``parquet_above_rows``
rows) or ``None``, the folder's current format (the DuckDB file for a new folder). The ingest and
the quarterly job pass the ``storage:`` setting of workbench.yml; every other writer keeps the format
the folder has. A save in the other format carries the store's other tables over and then removes
the old store.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from . import catalog, parquet_store, store
from .contract import REGISTRY_FILENAME
from .errors import StoreError

#: the store formats a save may be told to write (``storage``); see the module docstring
FORMATS = ("auto", "duckdb", "parquet")
#: ``storage: auto`` writes Parquet above this many rows in a table (the evidence, at scale)
PARQUET_ABOVE_ROWS = 1_000_000


class Workspace:
    """The store's tables, the theme registry's path and the caches of one data folder."""

    def __init__(self, data_dir: str | os.PathLike, storage: str | None = None,
                 parquet_above_rows: int = PARQUET_ABOVE_ROWS):
        if storage is not None and storage not in FORMATS:
            raise StoreError(f"storage '{storage}': expected one of {', '.join(FORMATS)}")
        self.data_dir = Path(data_dir)
        self.storage = storage
        self.parquet_above_rows = int(parquet_above_rows)
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

    @property
    def stored_as(self) -> str | None:
        """``"duckdb"`` or ``"parquet"``: how the store is kept now; None before the first ingest.
        Both present (a run stopped while changing format): the newer one."""
        version = parquet_store.current(self.workdir)
        duck = self.store_path if self.store_path.exists() else None
        if version is not None and duck is not None:
            return "parquet" if version.stat().st_mtime >= duck.stat().st_mtime else "duckdb"
        return "parquet" if version is not None else "duckdb" if duck is not None else None

    def exists(self) -> bool:
        """Whether the folder has a store (it was ingested)."""
        return self.stored_as is not None

    # reading ---------------------------------------------------------------------------------
    def names(self) -> set[str]:
        """The tables the store holds (none before the first ingest)."""
        if self._names is None:
            as_parquet = self.stored_as == "parquet"
            self._names = set(parquet_store.table_names(self.workdir) if as_parquet else store.table_names(self.data_dir))
        return set(self._names)

    def _load(self, name: str) -> pd.DataFrame:
        if self.stored_as == "parquet":
            return parquet_store.load_table(self.workdir, name)
        return store.load_table(self.data_dir, name)

    def has(self, name: str) -> bool:
        return name in self.names()

    def table(self, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """One table, in the shape its contract gives it today (see :func:`workbench.catalog.migrate`);
        StoreError when the store or the table is missing, MissingColumnError for ``columns``."""
        if name not in self._tables:
            self._tables[name] = catalog.migrate(name, self._load(name))
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
        ``replace``. The format: see the module docstring."""
        checked = {name: catalog.check(name, frame) for name, frame in tables.items()}
        types: dict[str, dict[str, str] | None] = {name: catalog.TABLES[name] for name in checked}
        now, target = self.stored_as, self._format_for(checked, replace)
        others = [] if replace or now is None else sorted(self.names() - set(checked))
        if target == "parquet":
            with store.locked(self.data_dir):
                if now == "duckdb" and others:  # changing format: the other tables come along
                    for name in others:
                        checked[name], types[name] = store.load_table(self.data_dir, name), store.column_types(
                            self.data_dir, name)
                    others = []
                path = parquet_store.write(self.workdir, checked, types, keep=others)
                self.store_path.unlink(missing_ok=True)
        else:
            if now == "parquet" and others:
                for name in others:
                    checked[name] = parquet_store.load_table(self.workdir, name)
                    types[name] = parquet_store.column_types(self.workdir, name)
            if replace or now == "parquet":
                path = store.save_tables(self.data_dir, checked, types=types)
            else:
                path = store.add_tables(self.data_dir, checked, types=types)
            if now == "parquet":
                with store.locked(self.data_dir):
                    parquet_store.remove(self.workdir)
        self._tables.clear()
        self._names = None
        return path

    def _format_for(self, tables: Mapping[str, pd.DataFrame], replace: bool) -> str:
        if self.storage is None:
            return self.stored_as or "duckdb"
        if self.storage != "auto":
            return self.storage
        biggest = max((len(frame) for frame in tables.values()), default=0)
        if not replace and "evidence" not in tables and self.has("evidence"):
            biggest = max(biggest, self._rows("evidence"))
        return "parquet" if biggest > self.parquet_above_rows else "duckdb"

    def _rows(self, name: str) -> int:
        if self.stored_as == "parquet":
            return parquet_store.rows(self.workdir, name)
        return store.row_count(self.data_dir, name)
