"""Large folders keep their tables as a Parquet dataset partitioned by quarter: the same tables and
contracts as the DuckDB file, readable by DuckDB (and Dask, Spark: the Hive layout), published whole
or not at all, chosen by ``storage:`` in workbench.yml or above a size; readers do not know which."""
from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from fakes import HashingEmbedder, KMeansThemes
from workbench import catalog, parquet_store, store
from workbench.errors import SettingsError, StoreError
from workbench.ingest import ingest
from workbench.themes.pipeline import update_themes
from workbench.workspace import Workspace


@pytest.fixture(scope="module")
def themed(tmp_path_factory):
    """The mini folder ingested and themed, and every table it stores."""
    from conftest import FIXTURES

    folder = tmp_path_factory.mktemp("parquet") / "mini"
    shutil.copytree(FIXTURES / "mini", folder, ignore=shutil.ignore_patterns(".workbench"))
    ingest(folder)
    update_themes(folder, embedder=HashingEmbedder(), model=KMeansThemes(3))
    ws = Workspace(folder)
    return folder, {name: ws.table(name) for name in sorted(ws.names())}


def _copy(themed, target, **storage) -> Workspace:
    folder, tables = themed
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".workbench"))
    Workspace(target, **storage).save(tables, replace=True)
    return Workspace(target)


def test_a_folder_stored_as_parquet_gives_the_same_tables_back(themed, tmp_path):
    from workbench.explore.loading import read_data_dir
    from workbench.kpis.inputs import load_kpi_tables
    from workbench.report.coverage import coverage_tables

    folder, tables = themed
    ws = _copy(themed, tmp_path / "big", storage="parquet")
    assert ws.stored_as == "parquet" and not ws.store_path.exists()
    assert ws.names() == set(tables)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(ws.table(name), frame, obj=name)
        stored = parquet_store.column_types(ws.workdir, name)
        assert {c: t.replace('"', "") for c, t in stored.items()} == catalog.TABLES[name], name  # the contract's types
    # what the reports and the explorer read: the same, without knowing the format
    for read in (load_kpi_tables, coverage_tables):
        for name, frame in read(folder).items():
            pd.testing.assert_frame_equal(read(ws.data_dir)[name], frame, obj=name)
    pd.testing.assert_frame_equal(read_data_dir(ws.data_dir)["statements"], read_data_dir(folder)["statements"])

    evidence = ws.workdir / "parquet" / "current" / "evidence"
    assert sorted(p.name for p in evidence.iterdir()) == [f"quarter={q}" for q in sorted(tables["evidence"]["quarter"].unique())]
    counted = duckdb.sql(f"SELECT quarter, count(*) FROM read_parquet('{evidence}/**/*.parquet', hive_partitioning=true) "
                         "GROUP BY quarter ORDER BY quarter").fetchall()
    assert counted == sorted(tables["evidence"].groupby("quarter").size().items())


def test_the_parquet_store_is_replaced_whole_or_not_at_all(themed, tmp_path, monkeypatch):
    ws = _copy(themed, tmp_path / "big", storage="parquet")
    before = parquet_store.current(ws.workdir)

    def broken(version, entries):
        raise StoreError(f"{version}: table 'themes' has 0 rows after writing")

    monkeypatch.setattr(parquet_store, "_check", broken)
    with pytest.raises(StoreError):
        ws.save({"theme_quarters": themed[1]["theme_quarters"].iloc[:0], "themes": themed[1]["themes"].iloc[:1]})
    assert parquet_store.current(ws.workdir) == before
    assert not [p for p in (ws.workdir / "parquet").iterdir() if p.name.endswith(".tmp")]
    pd.testing.assert_frame_equal(Workspace(ws.data_dir).table("themes"), themed[1]["themes"])


def test_auto_turns_to_parquet_above_its_rows_and_other_writers_keep_the_format(themed, tmp_path):
    from workbench.ingest.settings import storage_of

    folder, tables = themed
    ws = _copy(themed, tmp_path / "grown", storage="duckdb")
    assert ws.stored_as == "duckdb"
    quarters = {"theme_quarters": tables["theme_quarters"]}
    Workspace(ws.data_dir, storage="auto", parquet_above_rows=len(tables["evidence"]) + 1).save(quarters)
    assert Workspace(ws.data_dir).stored_as == "duckdb"  # not above the size yet
    Workspace(ws.data_dir, storage="auto", parquet_above_rows=5).save(quarters)
    assert Workspace(ws.data_dir).stored_as == "parquet" and not ws.store_path.exists()
    Workspace(ws.data_dir).save({"themes": tables["themes"]})  # a writer without the setting keeps the format
    back = Workspace(ws.data_dir)
    assert back.stored_as == "parquet" and back.names() == set(tables)
    Workspace(ws.data_dir, storage="duckdb").save({"themes": tables["themes"]})  # and back, every table carried
    back = Workspace(ws.data_dir)
    assert back.stored_as == "duckdb" and not (ws.workdir / "parquet").exists()
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(back.table(name), frame, obj=name)
    assert store.row_count(ws.data_dir, "evidence") == len(tables["evidence"])

    settings = ws.data_dir / "workbench.yml"
    settings.write_text(settings.read_text() + "storage: parquet\n")
    assert storage_of(ws.data_dir) == {"storage": "parquet", "parquet_above_rows": 1_000_000}
    settings.write_text(settings.read_text().replace("storage: parquet", "storage: {format: auto, parquet_above_rows: 5}"))
    assert storage_of(ws.data_dir)["parquet_above_rows"] == 5
    settings.write_text(settings.read_text().replace("format: auto", "format: feather"))
    with pytest.raises(SettingsError, match="storage"):
        storage_of(ws.data_dir)
