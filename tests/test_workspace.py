"""One owner of a data folder's I/O: every stored table checked against its contract, lists stored
as native LIST/MAP/STRUCT columns, one migration path for stores written by the release before,
stages that run without a folder, and the quarterly job writing the store once."""
from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fakes import HashingEmbedder, KMeansThemes
from workbench import catalog, store
from workbench.errors import StoreError
from workbench.ingest import ingest
from workbench.themes.pipeline import ThemeInputs, fit_themes, update_themes
from workbench.themes.registry import ThemeRegistry
from workbench.workspace import Workspace

RELEASE = Path(__file__).parent / "fixtures" / "release_store"


def column_types(data_dir: Path, table: str) -> dict[str, str]:
    with duckdb.connect(str(store.store_path(data_dir)), read_only=True) as con:
        return dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                "WHERE table_name = ?", [table]).fetchall())


@pytest.fixture
def themed(mini_dir):
    ingest(mini_dir)
    update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(3))
    return mini_dir


def test_every_table_the_store_holds_has_a_contract_and_matches_it(themed):
    ws = Workspace(themed)
    assert ws.names() <= set(catalog.TABLES)
    for name in ws.names():
        declared = catalog.TABLES[name]
        stored = column_types(themed, name)
        assert {c: t.replace('"', "") for c, t in stored.items()} == declared, name  # DuckDB quotes "text"
        assert list(stored) == list(declared), name


def test_lists_are_native_columns_and_come_back_as_lists(themed):
    types = column_types(themed, "themes")
    assert types["keywords"] == "VARCHAR[]" and types["sources"] == "MAP(VARCHAR, BIGINT)"
    assert column_types(themed, "requirements")["quotes"].startswith("STRUCT(")
    themes = Workspace(themed).table("themes")
    assert all(isinstance(v, list) for v in themes["keywords"])
    assert all(isinstance(v, dict) for v in themes["sources"])
    busiest = themes.sort_values("mentions").iloc[-1]
    assert sum(busiest["sources"].values()) >= 1 and all(isinstance(k, str) for k in busiest["keywords"])


def test_a_table_that_breaks_its_contract_is_refused_and_nothing_is_written(themed):
    ws = Workspace(themed)
    before = store.store_path(themed).read_bytes()
    themes = ws.table("themes")
    with pytest.raises(StoreError, match="'themes'.*missing label"):
        ws.save({"themes": themes.drop(columns="label")})
    with pytest.raises(StoreError, match="not declared surprise"):
        ws.save({"themes": themes.assign(surprise=1)})
    with pytest.raises(StoreError, match="'keywords'.*str value"):
        ws.save({"themes": themes.assign(keywords='["a", "b"]')})  # JSON text where a list belongs
    with pytest.raises(StoreError, match="no contract for a table named 'scratch'"):
        ws.save({"scratch": pd.DataFrame({"a": [1]})})
    assert store.store_path(themed).read_bytes() == before


def test_a_workspace_reads_each_table_once_and_hands_out_copies(themed, monkeypatch):
    ws = Workspace(themed)
    calls = []
    real = store.load_table
    monkeypatch.setattr(store, "load_table", lambda d, name, columns=None: calls.append(name) or real(d, name))
    first = ws.table("evidence")
    first.loc[0, "text"] = "changed by a caller"
    second = ws.table("evidence")
    assert calls == ["evidence"]
    assert second.loc[0, "text"] != "changed by a caller"
    ws.save({"kpis": pd.DataFrame(columns=catalog.columns("kpis"))})
    ws.table("evidence")
    assert calls == ["evidence", "evidence"]  # a save makes it read again


def release_folder(mini_dir: Path) -> Path:
    """The mini folder as the release before native lists left it: its store and registry."""
    work = store.workdir(mini_dir)
    work.mkdir(parents=True, exist_ok=True)
    with gzip.open(RELEASE / "store.duckdb.gz") as src, open(work / "store.duckdb", "wb") as dst:
        shutil.copyfileobj(src, dst)
    for name in ("theme_registry.yml", "theme_registry.centroids.npy"):
        shutil.copy(RELEASE / name, mini_dir / name)
    return mini_dir


def test_a_store_written_by_the_release_before_is_read_in_todays_shape(mini_dir):
    data = release_folder(mini_dir)
    assert column_types(data, "themes")["keywords"] == "VARCHAR"  # JSON text, as that release wrote it
    ws = Workspace(data)
    themes = ws.table("themes")
    assert all(isinstance(v, list) for v in themes["keywords"]) and any(len(v) for v in themes["keywords"])
    assert all(isinstance(v, dict) for v in themes["sources"])
    requirements = ws.table("requirements")
    quotes = [q for qs in requirements["quotes"] for q in qs]
    assert all(isinstance(q, dict) and q["evidence_id"].startswith("ev_") for q in quotes)
    for name in ws.names():
        catalog.check(name, ws.table(name))  # every migrated table meets today's contract


def test_the_release_store_is_themed_again_with_ids_carried_over(mini_dir):
    data = release_folder(mini_dir)
    old = Workspace(data).table("theme_mentions").set_index("mention_key")["theme_id"]
    update_themes(data, embedder=HashingEmbedder(), model=KMeansThemes(3))
    assert column_types(data, "themes")["keywords"] == "VARCHAR[]"
    new = Workspace(data).table("theme_mentions").set_index("mention_key")["theme_id"]
    shared = old.index.intersection(new.index)
    assert len(shared) and (old[shared] == new[shared]).mean() == 1.0


def test_the_theme_stage_runs_on_tables_without_a_folder(mini_dir, tmp_path, monkeypatch):
    tables = ingest(mini_dir, write=False).tables
    assert not store.store_path(mini_dir).exists()
    monkeypatch.chdir(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    run = fit_themes(ThemeInputs(tables["evidence"], tables["accounts"], tables["arr"], tables["nps_responses"]),
                     ThemeRegistry(), embedder=HashingEmbedder(), model=KMeansThemes(3))
    assert sorted(p for p in tmp_path.rglob("*")) == before and not store.workdir(mini_dir).exists()
    assert set(run.tables) == {"theme_mentions", "theme_assignments", "themes", "theme_areas", "theme_quarters",
                               "requirements", "requirement_evidence", "statement_intents", "theme_impact"}
    for name, frame in run.tables.items():
        catalog.check(name, frame)
    assert run.tables["theme_assignments"]["evidence_id"].isin(tables["evidence"]["evidence_id"]).all()


def test_a_column_added_since_is_filled_in_for_older_stores(tmp_path):
    # stores written before warnings were counted have no such column: it reads as 0, not null
    files = pd.DataFrame({"source_file": ["a.csv"], "source": ["survey"], "layout": ["generic"], "rows_read": [3],
                          "rows_accepted": [2], "rows_quarantined": [1]})
    store.add_tables(tmp_path, {"ingest_files": files})  # untyped, as older versions wrote
    read = Workspace(tmp_path).table("ingest_files")
    assert read["warnings"].tolist() == [0]
    assert read["rows_read"].tolist() == [3]
