"""The local store: one DuckDB file under the data folder holding every ingested table.

Written whole and atomically (a temporary file renamed over the old one), so a reader never sees
a half-written store and a failed ingest leaves the previous store in place.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable

import duckdb
import pandas as pd

from . import tables as T
from .errors import MissingColumnError, StoreError

STORE_DIRNAME = ".workbench"
STORE_FILENAME = "store.duckdb"


def workdir(data_dir: str | os.PathLike) -> Path:
    """The folder the workbench writes its own files to inside a data folder."""
    return Path(data_dir) / STORE_DIRNAME


def store_path(data_dir: str | os.PathLike) -> Path:
    return workdir(data_dir) / STORE_FILENAME


def save_tables(data_dir: str | os.PathLike, tables: dict[str, pd.DataFrame], keep_others: bool = False) -> Path:
    """Replace the store with these tables, atomically.

    ``keep_others`` carries over the old store's other tables (derived tables and caches keyed by
    evidence id, such as themes or the explorer's 2-D map), so re-ingesting does not discard them.
    """
    path = store_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".duckdb.tmp")
    if tmp.exists():
        tmp.unlink()
    con = duckdb.connect(str(tmp))
    try:
        for name, frame in tables.items():
            frame = frame.reset_index(drop=True)
            con.register("_frame", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _frame')
            con.unregister("_frame")
        if keep_others and path.exists():
            con.execute(f"ATTACH '{path}' AS old (READ_ONLY)")
            old = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'old'").fetchall()]
            for name in old:
                if name not in tables:
                    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM old."{name}"')
            con.execute("DETACH old")
    finally:
        con.close()
    os.replace(tmp, path)
    return path


def add_tables(data_dir: str | os.PathLike, tables: dict[str, pd.DataFrame]) -> Path:
    """Add or replace some tables, keeping the others; atomic like ``save_tables``."""
    path = store_path(data_dir)
    if not path.exists():
        return save_tables(data_dir, tables)
    tmp = path.with_suffix(".duckdb.tmp")
    shutil.copyfile(path, tmp)
    con = duckdb.connect(str(tmp))
    try:
        for name, frame in tables.items():
            con.register("_frame", frame.reset_index(drop=True))
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _frame')
            con.unregister("_frame")
    finally:
        con.close()
    os.replace(tmp, path)
    return path


def table_names(data_dir: str | os.PathLike) -> list[str]:
    path = store_path(data_dir)
    if not path.exists():
        return []
    with duckdb.connect(str(path), read_only=True) as con:
        return [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]


def load_table(data_dir: str | os.PathLike, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """One table as a DataFrame; a clear error when the store or table is missing."""
    path = store_path(data_dir)
    if not path.exists():
        raise StoreError(f"{data_dir}: no ingested data (run `workbench ingest {data_dir}` first)")
    with duckdb.connect(str(path), read_only=True) as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if name not in present:
            raise StoreError(f"{path}: no table '{name}' (re-run `workbench ingest {data_dir}`)")
        frame = con.execute(f'SELECT * FROM "{name}"').df()
    if columns is not None:
        require_columns(frame, name, columns)
    return frame


def load_tables(data_dir: str | os.PathLike, names: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    names = list(names) if names is not None else table_names(data_dir)
    return {n: load_table(data_dir, n) for n in names}


def require_columns(frame: pd.DataFrame, table: str, columns: Iterable[str]) -> None:
    """Raise MissingColumnError naming the table and the first missing column."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"table '{table}' has no column '{missing[0]}'"
            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else "")
        )


__all__ = [
    "StoreError", "MissingColumnError", "save_tables", "add_tables", "load_table", "load_tables",
    "require_columns", "store_path", "workdir", "table_names", "T",
]
