"""The store for large folders: a Parquet dataset, each table with a ``quarter`` column partitioned
by quarter (Hive layout), readable by DuckDB, Dask, Spark and pyarrow as it lies::

    DATA_DIR/.workbench/parquet/current -> v-20261201T101500-<id>   (a symbolic link)
    DATA_DIR/.workbench/parquet/v-.../evidence/quarter=2026Q3/data_0.parquet
    DATA_DIR/.workbench/parquet/v-.../accounts/data_0.parquet          (no quarter column)
    DATA_DIR/.workbench/parquet/v-.../_tables.json                      (tables, rows, columns)

    SELECT * FROM read_parquet('DATA_DIR/.workbench/parquet/current/evidence/**/*.parquet', hive_partitioning=true)
    dask.dataframe.read_parquet("DATA_DIR/.workbench/parquet/current/evidence")

DuckDB writes and reads the files: the columns are cast to their contract's types
(:mod:`workbench.catalog`) exactly as the DuckDB store casts them, so a table read back is the
table the DuckDB store would give. A partitioned table's files hold a ``_row`` column (its rows'
order as written; partitioning groups them by quarter), by which the workbench reads them back in
order and which it leaves out of what it returns.

Publication is atomic like the DuckDB store's: a new version is written whole into a folder of its
own (the tables not rewritten are hard links to the previous version's files), checked (every table
present with the rows written) and synced, then the ``current`` link is replaced by a rename, which
readers see all at once or not at all. The previous version stays until the next write (a reader
still on it is not cut off); older ones are removed. Hand-written because nothing the workbench
installs does it: Parquet has no notion of a set of files replaced together (Delta Lake and Iceberg
do, as whole table formats with their own readers), and the link swap is a few lines.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Iterable

import duckdb
import numpy as np
import pandas as pd

from .errors import StoreError

DIRNAME = "parquet"
CURRENT = "current"
MANIFEST = "_tables.json"
ROW = "_row"
PARTITION = "quarter"


# Every function takes the workbench's own folder of a data folder (``DATA_DIR/.workbench``, see
# :attr:`workbench.workspace.Workspace.workdir`), which owns the paths.

def root(workdir: str | os.PathLike) -> Path:
    return Path(workdir) / DIRNAME


def current(workdir: str | os.PathLike) -> Path | None:
    """The folder of the dataset's current version, or None when the folder has no Parquet store."""
    link = root(workdir) / CURRENT
    if not link.is_symlink() and not link.is_dir():
        return None
    target = Path(os.path.realpath(link))
    return target if (target / MANIFEST).is_file() else None


def manifest(version: Path) -> dict[str, dict]:
    return json.loads((version / MANIFEST).read_text(encoding="utf-8"))["tables"]


def _glob(version: Path, name: str) -> str:
    return str(version / name / "**" / "*.parquet").replace("'", "''")


def _read_sql(version: Path, name: str, entry: dict, select: str) -> str:
    hive = ", hive_partitioning = true, hive_types = {'quarter': VARCHAR}" if entry.get("partitioned") else \
        ", hive_partitioning = false"
    return f"SELECT {select} FROM read_parquet('{_glob(version, name)}'{hive})"


def table_names(workdir: str | os.PathLike) -> list[str]:
    version = current(workdir)
    return list(manifest(version)) if version is not None else []


def rows(workdir: str | os.PathLike, name: str) -> int:
    version = current(workdir)
    return int(manifest(version)[name]["rows"]) if version is not None and name in manifest(version) else 0


def column_types(workdir: str | os.PathLike, name: str) -> dict[str, str]:
    """A stored table's columns and their DuckDB types, in order."""
    entry = manifest(current(workdir))[name]
    return dict(zip(entry["columns"], entry["types"]))


def load_table(workdir: str | os.PathLike, name: str) -> pd.DataFrame:
    """One table as the DuckDB store would give it: the columns as written, the rows in their order."""
    version = current(workdir)
    if version is None:
        raise StoreError(f"{Path(workdir).parent}: no ingested data (run `workbench ingest {Path(workdir).parent}` first)")
    tables = manifest(version)
    if name not in tables:
        raise StoreError(f"{version}: no table '{name}' (re-run `workbench ingest {Path(workdir).parent}`)")
    entry = tables[name]
    columns = ", ".join('"' + c.replace('"', '""') + '"' for c in entry["columns"])
    sql = _read_sql(version, name, entry, columns) + (f" ORDER BY {ROW}" if entry.get("partitioned") else "")
    with duckdb.connect() as con:
        return con.execute(sql).df()


def write(workdir: str | os.PathLike, tables: dict[str, pd.DataFrame], types: dict[str, dict[str, str] | None],
          keep: Iterable[str] = ()) -> Path:
    """A new version holding ``tables`` (each cast to ``types[name]``, column -> DuckDB type, when
    given) and the current version's tables named in ``keep``, published atomically; returns the
    ``current`` link. The caller holds the folder's store lock."""
    base = root(workdir)
    base.mkdir(parents=True, exist_ok=True)
    previous = current(workdir)
    name = f"v-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp = base / f"{name}.tmp"
    tmp.mkdir()
    try:
        entries: dict[str, dict] = {}
        with duckdb.connect() as con:
            for table, frame in tables.items():
                entries[table] = _write_table(con, tmp / table, frame, types.get(table))
        for table in keep:
            if previous is not None and table in manifest(previous) and table not in tables:
                _link_tree(previous / table, tmp / table)
                entries[table] = manifest(previous)[table]
        (tmp / MANIFEST).write_text(json.dumps({"tables": entries}, indent=1), encoding="utf-8")
        _check(tmp, entries)
        _sync(tmp)
        final = base / name
        os.replace(tmp, final)
        link = base / f"{CURRENT}.{uuid.uuid4().hex[:8]}.tmp"
        os.symlink(name, link)
        os.replace(link, base / CURRENT)  # the one step readers see
        _sync_dir(base)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, (duckdb.Error, OSError)):
            raise StoreError(f"{base}: the Parquet store could not be written ({exc}); the previous store is kept") from exc
        raise
    for old in base.iterdir():  # versions before the previous one, and leftovers of failed writes
        if old.name.startswith("v-") and old.name not in (name, previous.name if previous else None):
            shutil.rmtree(old, ignore_errors=True)
    return base / CURRENT


def remove(workdir: str | os.PathLike) -> None:
    """Drop the Parquet store (the folder went back to the DuckDB file)."""
    shutil.rmtree(root(workdir), ignore_errors=True)


def _write_table(con, folder: Path, frame: pd.DataFrame, types: dict[str, str] | None) -> dict:
    """One table's files: cast to its types, partitioned by quarter when it has rows and a quarter."""
    folder.mkdir(parents=True)
    frame = frame.reset_index(drop=True)
    columns = list(types) if types else [str(c) for c in frame.columns]
    partitioned = PARTITION in columns and len(frame) > 0
    quoted = {c: '"' + c.replace('"', '""') + '"' for c in columns}
    select = ", ".join(f"CAST({quoted[c]} AS {types[c]}) AS {quoted[c]}" if types else quoted[c] for c in columns)
    con.register("_frame", frame.assign(**{ROW: np.arange(len(frame), dtype=np.int64)}) if partitioned else frame)
    try:
        described = [r[1] for r in con.execute(f"DESCRIBE SELECT {select} FROM _frame").fetchall()]
        if partitioned:
            target = str(folder).replace("'", "''")
            con.execute(f"COPY (SELECT {select}, {ROW} FROM _frame) TO '{target}' "
                        f"(FORMAT PARQUET, PARTITION_BY ({PARTITION}), OVERWRITE_OR_IGNORE)")
        else:
            target = str(folder / "data_0.parquet").replace("'", "''")
            con.execute(f"COPY (SELECT {select} FROM _frame) TO '{target}' (FORMAT PARQUET)")
    finally:
        con.unregister("_frame")
    return {"rows": len(frame), "columns": columns, "types": described, "partitioned": partitioned}


def _check(version: Path, entries: dict[str, dict]) -> None:
    """Every table present, with the rows written (read back through DuckDB, as readers will)."""
    with duckdb.connect() as con:
        for table, entry in entries.items():
            found = con.execute(_read_sql(version, table, entry, "count(*)")).fetchone()[0]
            if found != entry["rows"]:
                raise StoreError(f"{version}: table '{table}' has {found} rows after writing, not {entry['rows']}")


def _link_tree(source: Path, target: Path) -> None:
    """A table's files in the new version: hard links to the previous version's (copies across devices)."""
    for folder, _, files in os.walk(source):
        dest = target / Path(folder).relative_to(source)
        dest.mkdir(parents=True, exist_ok=True)
        for file in files:
            try:
                os.link(Path(folder) / file, dest / file)
            except OSError:
                shutil.copy2(Path(folder) / file, dest / file)


def _sync(version: Path) -> None:
    for folder, _, files in os.walk(version):
        for file in files:
            with open(Path(folder) / file, "rb") as handle:
                os.fsync(handle.fileno())
        _sync_dir(Path(folder))


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # some file systems cannot sync a folder; the renames are atomic all the same
        pass
