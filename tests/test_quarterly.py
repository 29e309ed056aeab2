"""The scheduled job end to end on the sample company (fake embedder and theme model for speed)."""
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from filelock import FileLock
from nbformat.v4 import new_code_cell, new_notebook

from conftest import PLANTED_PII, fakes
from workbench import store
from workbench.quarterly import QuarterlyError, last_complete_quarter, run_quarterly
from workbench.report import render

def test_reports_index_and_summary_are_published(published):
    out, result = published["out"], published["second"]
    assert result.quarter == "2026Q3"  # the last complete quarter of the sample
    for name in ("insights.html", "kpis.html", "insights.ipynb", "kpis.ipynb", "summary.json", "run.log",
                 "charts/kpi_trends.png", "charts/theme_impact.png"):
        assert (out / "2026Q3" / name).exists(), name
    index = (out / "index.html").read_text()
    assert 'href="2026Q3/insights.html"' in index and 'href="2026Q3/kpis.html"' in index
    summary = json.loads((out / "2026Q3" / "summary.json").read_text())
    assert summary["headline"].startswith("NPS ")
    assert summary["settings"]["themes"]["seed"] == 42
    assert set(summary["timings_s"]) >= {"ingest", "themes", "kpis", "notebooks"}
    coverage = summary["coverage"]
    assert coverage["rows_read"] == coverage["rows_accepted"] + coverage["rows_quarantined"] > 0
    assert not list(out.glob(".staging-*"))


def test_same_quarter_twice_gives_the_same_numbers(published):
    data = published["data"]
    pd.testing.assert_frame_equal(published["first_kpis"], store.load_table(data, "kpis"))
    before = published["first_assign"].set_index("evidence_id")["theme_id"]
    after = store.load_table(data, "theme_assignments").set_index("evidence_id")["theme_id"]
    assert (before.reindex(after.index) == after).mean() == 1.0


def test_reports_are_self_contained_small_and_escape_customer_text(published):
    for name in ("insights.html", "kpis.html"):
        page = (published["out"] / "2026Q3" / name).read_text()
        assert len(page.encode()) <= 5_000_000, f"{name} is {len(page) / 1e6:.1f} MB"
        assert not re.search(r"<script[^>]+src=", page), "external script"
        assert not re.search(r"<link[^>]+href=\"https?:", page), "external stylesheet"
    page = (published["out"] / "2026Q3" / "insights.html").read_text()
    assert "<script>window.__xss" not in page  # no live script element from a verbatim
    assert not re.search(r"<img[^>]*onerror", page)  # no live image tag with a handler
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in page  # shown as text, in the pinned quote
    assert "Pinned &amp; renamed &lt;b&gt;theme&lt;/b&gt;" in page  # the analyst's label, escaped


def test_no_planted_pii_in_reports(published):
    text = "\n".join(p.read_text(errors="ignore") for p in (published["out"] / "2026Q3").glob("*.html"))
    text += "\n".join(p.read_text(errors="ignore") for p in (published["out"] / "2026Q3").glob("*.ipynb"))
    for value in PLANTED_PII.values():
        assert value not in text
    assert "555-0199" not in text


def _tiny_notebook(path: Path, body: str) -> Path:
    nb = new_notebook(cells=[new_code_cell("quarter = ''", metadata={"tags": ["parameters"]}), new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_failed_run_keeps_previous_report_and_failed_notebook(tmp_path, mini_dir, monkeypatch):
    out = tmp_path / "reports"
    good = _tiny_notebook(tmp_path / "good.ipynb", "print('report for', quarter)")
    bad = _tiny_notebook(tmp_path / "bad.ipynb", "raise RuntimeError('boom in the notebook')")
    monkeypatch.setattr(render, "notebook_path", lambda name: good)
    run_quarterly(mini_dir, out, quarter="2025Q3", themes_settings=fakes(3))
    published = (out / "2025Q3" / "insights.html").read_text()
    monkeypatch.setattr(render, "notebook_path", lambda name: bad)
    with pytest.raises(render.ReportError, match="boom in the notebook"):
        run_quarterly(mini_dir, out, quarter="2025Q3", themes_settings=fakes(3))
    assert (out / "2025Q3" / "insights.html").read_text() == published
    failed = list((out / "failed").glob("2025Q3-*"))
    assert len(failed) == 1 and (failed[0] / "insights.ipynb").exists() and (failed[0] / "run.log").exists()
    assert "boom in the notebook" in (failed[0] / "insights.ipynb").read_text()
    assert not list(out.glob(".staging-*"))


def test_lock_prevents_a_second_run(tmp_path, mini_dir):
    out = tmp_path / "reports"
    out.mkdir()
    with FileLock(str(out / ".quarterly.lock")):
        with pytest.raises(QuarterlyError, match="another run holds the lock"):
            run_quarterly(mini_dir, out, themes_settings=fakes(3))


def test_cli_reports_failure_in_one_line(tmp_path, capsys):
    from workbench.cli import main

    assert main(["quarterly", "--data", str(tmp_path / "absent"), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("workbench quarterly: FAILED: ") and "absent" in err[-1]


def test_last_complete_quarter():
    import datetime as dt

    quarters = ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert last_complete_quarter(quarters, dt.date(2026, 11, 22)) == "2026Q3"
    assert last_complete_quarter(quarters, dt.date(2027, 1, 1)) == "2026Q4"
    with pytest.raises(QuarterlyError):
        last_complete_quarter(["2026Q4"], dt.date(2026, 11, 22))


def test_themes_are_updated_for_the_reported_quarter(tmp_path, mini_dir, monkeypatch):
    """A run for an earlier quarter (or one early in a new quarter) gives themes' statuses and
    requirements' ARR for the reported quarter, not for the newest statements in the export."""
    import workbench.themes.pipeline as pipeline

    seen = {}
    real = pipeline.update_themes

    def spy(data_dir, **kwargs):
        seen.update(kwargs)
        return real(data_dir, **kwargs)

    monkeypatch.setattr(pipeline, "update_themes", spy)
    monkeypatch.setattr(render, "notebook_path", lambda name: _tiny_notebook(tmp_path / "nb.ipynb", "print(quarter)"))
    run_quarterly(mini_dir, tmp_path / "reports", quarter="2025Q3", themes_settings=fakes(3))
    assert seen["quarter"] == "2025Q3"


def test_both_reports_open_with_the_data_coverage_box(published):
    files = store.load_table(published["data"], "ingest_files")
    read = int(files.loc[files["source"] != "config", "rows_read"].sum())
    for name in ("insights.html", "kpis.html"):
        page = (published["out"] / "2026Q3" / name).read_text()
        assert "Data coverage." in page and f"Read {read:,} rows from" in page, name



def test_kernel_notices_stay_out_of_a_cron_log(tmp_path, capfd):
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    nbformat.write(nb, tmp_path / "t.ipynb")
    render.execute(tmp_path / "t.ipynb", tmp_path / "out.ipynb", {})
    err = capfd.readouterr().err
    assert "WARNING" not in err and "without encryption" not in err


def test_the_job_hands_tables_between_stages_and_writes_the_store_once(tmp_path, mini_dir, monkeypatch):
    writes = []
    real = store._write
    monkeypatch.setattr(store, "_write", lambda data_dir, fill: writes.append(data_dir) or real(data_dir, fill))
    monkeypatch.setattr(render, "notebook_path", lambda name: _tiny_notebook(tmp_path / "nb.ipynb", "print(quarter)"))
    run_quarterly(mini_dir, tmp_path / "reports", quarter="2025Q3", themes_settings=fakes(3))
    assert len(writes) == 1
    names = set(store.table_names(mini_dir))
    assert {"evidence", "ingest_files", "themes", "theme_mentions", "requirements", "kpis", "statement_map"} <= names
    # the map the reports draw is made by the job, for every themed statement, in the themes' space
    from workbench.themes.pipeline import themed_statements
    from workbench.workspace import Workspace

    ws = Workspace(mini_dir)
    mapped = ws.table("statement_map")
    assert set(mapped["evidence_id"]) == set(themed_statements(ws.table("evidence"))["evidence_id"])
