"""The local store: one DuckDB file under the data folder holding every ingested table.

Written whole and atomically (a temporary file renamed over the old one), so a reader never sees
a half-written store and a failed ingest leaves the previous store in place.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import duckdb
import pandas as pd
from filelock import FileLock

from . import tables as T
from .errors import MissingColumnError, StoreError

STORE_DIRNAME = ".workbench"
STORE_FILENAME = "store.duckdb"
#: how long a write waits for another run writing the same data folder's store
LOCK_TIMEOUT_S = 600


def workdir(data_dir: str | os.PathLike) -> Path:
    """The folder the workbench writes its own files to inside a data folder."""
    return Path(data_dir) / STORE_DIRNAME


def store_path(data_dir: str | os.PathLike) -> Path:
    return workdir(data_dir) / STORE_FILENAME


def _tmp_path(path: Path) -> Path:
    """A temporary name of this process's own: two runs on one folder never share it."""
    return path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")


def _sql_string(value: str | os.PathLike) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _create(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, types: dict[str, str] | None) -> None:
    """Create (or replace) one table from a frame; with ``types`` (column -> DuckDB type, from the
    table's contract in :mod:`workbench.catalog`) every column is stored in its declared type, lists
    as LIST columns, instead of the type guessed from the frame."""
    con.register("_frame", frame.reset_index(drop=True))
    try:
        if types:
            quoted = {c: '"' + str(c).replace('"', '""') + '"' for c in types}
            con.execute(f'CREATE OR REPLACE TABLE "{name}" ({", ".join(f"{quoted[c]} {t}" for c, t in types.items())})')
            con.execute(f'INSERT INTO "{name}" SELECT {", ".join(f"CAST({quoted[c]} AS {t})" for c, t in types.items())} '
                        "FROM _frame")
        else:
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _frame')
    finally:
        con.unregister("_frame")


def _finish(con: duckdb.DuckDBPyConnection, tmp: Path, path: Path, expected: dict[str, int]) -> None:
    """Checkpoint, check and sync the new store, then move it over the old one.

    DuckDB can fail to checkpoint on close without raising (a full disk): the new file is checked
    (every table present, with the rows written) before it replaces anything, so a failure leaves
    the previous store in place and raises StoreError with the reason.
    """
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    try:
        with duckdb.connect(str(tmp), read_only=True) as check:
            for name, rows in expected.items():
                found = check.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                if found != rows:
                    raise StoreError(f"{tmp}: table '{name}' has {found} rows after writing, not {rows}")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
    except (duckdb.Error, OSError) as exc:
        raise StoreError(f"the new store could not be checked ({exc}); the previous store is kept") from exc
    os.replace(tmp, path)
    try:
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:  # some file systems cannot sync a folder; the rename itself is already atomic
        pass


@contextmanager
def locked(data_dir: str | os.PathLike) -> Iterator[None]:
    """The data folder's store lock: one writer at a time (this file or the Parquet store)."""
    folder = workdir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / ".store.lock"), timeout=LOCK_TIMEOUT_S):
        yield


def _write(data_dir: str | os.PathLike, fill) -> Path:
    """Build the new store in a temporary file with ``fill(con, old_path)`` (which returns the row
    count of every table it wrote), then check and swap it in, under the data folder's lock."""
    path = store_path(data_dir)
    with locked(data_dir):
        tmp = _tmp_path(path)
        con = duckdb.connect(str(tmp))
        try:
            expected = fill(con, path)
            _finish(con, tmp, path, expected)
        except BaseException as exc:
            con.close()
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            if isinstance(exc, (duckdb.Error, OSError)):
                raise StoreError(f"{path}: the store could not be written ({exc}); the previous store is kept") from exc
            raise
    return path


def save_tables(data_dir: str | os.PathLike, tables: dict[str, pd.DataFrame], keep_others: bool = False,
                types: dict[str, dict[str, str]] | None = None) -> Path:
    """Replace the store with these tables, atomically.

    ``keep_others`` carries over the old store's other tables (derived tables and caches keyed by
    evidence id, such as themes or the explorer's 2-D map), so re-ingesting does not discard them.
    ``types``: per table, the DuckDB type of each column (see :func:`_create`).
    """
    def fill(con, old_path: Path) -> dict[str, int]:
        expected = {}
        for name, frame in tables.items():
            _create(con, name, frame, (types or {}).get(name))
            expected[name] = len(frame)
        if keep_others and old_path.exists():
            con.execute(f"ATTACH {_sql_string(old_path)} AS old (READ_ONLY)")
            old = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'old'").fetchall()]
            for name in old:
                if name not in tables:
                    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM old."{name}"')
                    expected[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            con.execute("DETACH old")
        return expected

    return _write(data_dir, fill)


def add_tables(data_dir: str | os.PathLike, tables: dict[str, pd.DataFrame],
               types: dict[str, dict[str, str]] | None = None) -> Path:
    """Add or replace some tables, keeping the others; atomic and checked like ``save_tables``."""
    if not store_path(data_dir).exists():
        return save_tables(data_dir, tables, types=types)

    def fill(con, old_path: Path) -> dict[str, int]:
        con.execute(f"ATTACH {_sql_string(old_path)} AS old (READ_ONLY)")
        old = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'old'").fetchall()]
        expected = {}
        for name in old:
            if name not in tables:
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM old."{name}"')
                expected[name] = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        con.execute("DETACH old")
        for name, frame in tables.items():
            _create(con, name, frame, (types or {}).get(name))
            expected[name] = len(frame)
        return expected

    return _write(data_dir, fill)


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


def column_types(data_dir: str | os.PathLike, name: str) -> dict[str, str]:
    """A stored table's columns and their DuckDB types, in order."""
    with duckdb.connect(str(store_path(data_dir)), read_only=True) as con:
        return {r[0]: r[1] for r in con.execute(f'DESCRIBE "{name}"').fetchall()}


def row_count(data_dir: str | os.PathLike, name: str) -> int:
    path = store_path(data_dir)
    if not path.exists() or name not in table_names(data_dir):
        return 0
    with duckdb.connect(str(path), read_only=True) as con:
        return int(con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])


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
