"""Reports say what they leave out; --strict refuses any quarantined row; cron logs stay clean."""
from __future__ import annotations

import pytest

from workbench.embed import _show_progress
from workbench.ingest import IngestError, ingest
from workbench.quarterly import run_quarterly
from workbench.report.coverage import by_source, coverage_box, coverage_tables, files_not_read


def _folder(tmp_path):
    (tmp_path / "surveys").mkdir(parents=True)
    (tmp_path / "surveys" / "good.csv").write_text(
        "response_id,date,score,comment\nR1,2026-08-01,9,Great export\nR2,2026-08-02,3,Slow sync\n"
        "R3,2026-08-03,eleven,Bad row\n", encoding="utf-8")
    (tmp_path / "surveys" / "forms<b>.csv").write_text(
        "Timestamp,Something else\n2026/09/12 6:53:47 PM GMT-7,hello\n", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    return tmp_path


def test_box_counts_sources_and_names_files_not_read(tmp_path):
    folder = _folder(tmp_path)
    result = ingest(folder)
    tables = coverage_tables(folder)
    per_source = by_source(tables["ingest_files"]).set_index("source")
    assert per_source.loc["nps", "files"] == 2
    nps = per_source.loc["nps"]
    assert nps["rows_read"] == nps["rows_accepted"] + nps["rows_quarantined"]
    assert per_source.loc["nps", "rows_accepted"] == 2
    missing = files_not_read(tables["ingest_files"], tables["quarantine"]).set_index("source_file")
    assert set(missing.index) == {"surveys/forms<b>.csv", "notes.pdf"}
    assert "unknown file type" in missing.loc["notes.pdf", "reason"]
    html = str(coverage_box(folder))
    assert "Files not read" in html
    assert "forms&lt;b&gt;.csv" in html and "forms<b>" not in html  # file names are data: escaped
    assert f"{result.rows_read:,} rows" in html


def test_box_without_ingest_record_says_unknown(tmp_path):
    from workbench import store

    store.save_tables(tmp_path, {"evidence": ingest(_folder(tmp_path), write=False).tables["evidence"]})
    assert "Data coverage unknown" in str(coverage_box(tmp_path))


def test_strict_quarterly_stops_before_storing(tmp_path):
    folder = _folder(tmp_path / "data")
    with pytest.raises(IngestError, match="--strict: .* rows quarantined"):
        run_quarterly(folder, tmp_path / "reports", strict=True)
    assert not (folder / ".workbench").exists()
    assert not [p for p in (tmp_path / "reports").iterdir() if p.name[:1].isdigit()]


def test_no_progress_bar_off_a_terminal(capsys):
    assert not _show_progress(10_000)  # pytest's stderr is not a terminal, like cron's
    assert not _show_progress(10)


def test_the_workbench_own_registry_is_not_an_unknown_input(tmp_path):
    folder = _folder(tmp_path)
    (folder / "theme_registry.yml").write_text("version: 1\nthemes: []\n", encoding="utf-8")
    (folder / "theme_registry.centroids.npy").write_bytes(b"\x93NUMPY")
    result = ingest(folder, write=False)
    assert not result.files["source_file"].str.startswith("theme_registry").any()
    assert not result.quarantine["source_file"].str.startswith("theme_registry").any()
