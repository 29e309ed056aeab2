"""One bad file never stops the folder: FIFOs, symlinks, and a reader that fails half-way."""
from __future__ import annotations

import os

import pandas as pd

import workbench.ingest as ingest_module
from workbench.ingest import ingest

GOOD = "response_id,date,score,comment\nR1,2026-08-01,9,Great export\nR2,2026-08-02,3,Slow sync\n"


def _folder(tmp_path):
    data = tmp_path / "data"
    (data / "surveys").mkdir(parents=True)
    (data / "surveys" / "good.csv").write_text(GOOD, encoding="utf-8")
    return data


def _reasons(result) -> dict[str, str]:
    return dict(zip(result.quarantine["source_file"], result.quarantine["reason"]))


def test_fifo_is_refused_not_waited_on(tmp_path):
    data = _folder(tmp_path)
    os.mkfifo(data / "surveys" / "pipe.csv")
    result = ingest(data, write=False)
    assert "not a regular file" in _reasons(result)["surveys/pipe.csv"]
    assert result.rows_accepted == 2


def test_symlinks_leaving_the_folder_or_dangling_are_refused(tmp_path):
    data = _folder(tmp_path)
    outside = tmp_path / "secret.csv"
    outside.write_text(GOOD.replace("R1", "X1").replace("R2", "X2"), encoding="utf-8")
    (data / "surveys" / "out.csv").symlink_to(outside)
    (data / "surveys" / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    (data / "surveys" / "inside.csv").symlink_to(data / "surveys" / "good.csv")
    (tmp_path / "more").mkdir()
    (data / "transcripts").symlink_to(tmp_path / "more", target_is_directory=True)
    result = ingest(data, write=False)
    reasons = _reasons(result)
    assert "outside the data folder" in reasons["surveys/out.csv"]
    assert "dangling symlink" in reasons["surveys/gone.csv"]
    assert "symlinked folder" in reasons["transcripts"]
    assert "X1" not in set(result.tables["nps_responses"]["response_id"])
    # a link inside the folder is read (its ids are duplicates of good.csv's, and quarantined as such)
    assert "duplicate id" in reasons["surveys/inside.csv"]


def test_a_reader_failing_half_way_quarantines_its_file_and_keeps_the_rest(tmp_path, monkeypatch):
    data = _folder(tmp_path)
    (data / "sessions").mkdir()
    (data / "sessions" / "bad.md").write_text("---\ndate: 2026-08-01\n---\n## Quotes\n- hello\n", encoding="utf-8")

    def broken(path, ctx):
        ctx.ledger.entry(ctx.rel(path), "session_note")
        ctx.add_evidence(pd.DataFrame({"text": ["half-read"], "source_file": [ctx.rel(path)]}))
        ctx.ledger.accept(ctx.rel(path), 1)
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(ingest_module, "load_note", broken)
    result = ingest(data, write=False)
    files = result.files.set_index("source_file")
    assert files.loc["sessions/bad.md", "rows_accepted"] == 0 and files.loc["sessions/bad.md", "rows_quarantined"] == 1
    assert "RecursionError" in _reasons(result)["sessions/bad.md"]
    assert "half-read" not in set(result.tables["evidence"]["text"])
    assert result.rows_accepted == 2 and result.rows_read == result.rows_accepted + result.rows_quarantined


def test_exported_csvs_run_no_formula(tmp_path):
    data = _folder(tmp_path)
    (data / "surveys" / "evil.csv").write_text(
        'response_id,date,score,comment\nE1,2026-08-01,9,"=HYPERLINK(""http://x"",""y"")"\n'
        'E2,2026-08-01,eleven,"@SUM(A1:A2)"\n', encoding="utf-8")
    out = tmp_path / "out"
    ingest(data, export_csv=out)
    evidence = pd.read_csv(out / "evidence.csv", keep_default_na=False)
    assert "'=HYPERLINK(\"http://x\",\"y\")" in set(evidence["text"])
    quarantine = pd.read_csv(out / "quarantine.csv", keep_default_na=False)
    assert not any(str(v).startswith(("=", "+", "-", "@")) for v in quarantine.to_numpy().ravel())
    from workbench import store
    assert '=HYPERLINK("http://x","y")' in set(store.load_table(data, "evidence")["text"])  # the store keeps it raw


def test_a_decimal_comma_is_read_as_its_value_never_times_ten(tmp_path):
    data = tmp_path / "data"
    (data / "surveys").mkdir(parents=True)
    (data / "surveys" / "eu.csv").write_text(
        "response_id;date;score;comment\nR1;2026-08-01;1,0;meh\nR2;2026-08-01;7,5;half\nR3;2026-08-01;1,000;odd\n",
        encoding="utf-8")
    result = ingest(data, write=False)
    scores = dict(zip(result.tables["nps_responses"]["response_id"], result.tables["nps_responses"]["score"]))
    assert scores == {"R1": 1}
    reasons = dict(zip(result.quarantine["locator"], result.quarantine["reason"]))
    assert "not a whole number" in reasons["row 3"] and "out of range" in reasons["row 4"]


def test_exports_without_responses_or_without_their_extra_header_rows(tmp_path):
    data = _folder(tmp_path)
    surveys = data / "surveys"
    (surveys / "sm_condensed.csv").write_text(  # SurveyMonkey's condensed export: one header row
        "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,"
        "How likely is it that you would recommend Brightloop to a friend or colleague?,Why did you choose that score?\n"
        "114213101,431002,08/03/2026 09:12:01 AM,08/03/2026 09:14:40 AM,198.51.100.9,,,,,8,Solid but pricey\n",
        encoding="utf-8")
    (surveys / "sm_empty.csv").write_text(
        "Respondent ID,Collector ID,Start Date,End Date,How likely is it that you would recommend us?\n"
        ",,,,Response\n", encoding="utf-8")
    (surveys / "generic_empty.csv").write_text("response_id,date,score,comment\n", encoding="utf-8")
    result = ingest(data, write=False)
    nps = result.tables["nps_responses"].set_index("response_id")
    assert nps.loc["114213101", "score"] == 8  # its only response is not taken for a header row
    warned = dict(zip(result.warnings["source_file"], result.warnings["reason"]))
    assert "no responses" in warned["surveys/sm_empty.csv"] and "no responses" in warned["surveys/generic_empty.csv"]
    assert result.rows_read == result.rows_accepted + result.rows_quarantined == 3


def test_qualtrics_legacy_and_a_qualtrics_file_saved_without_its_extra_header_rows(tmp_path):
    data = _folder(tmp_path)
    (data / "surveys" / "legacy.csv").write_text(
        "ResponseID,ResponseSet,StartDate,EndDate,Status,Finished,Q1,Q2\n"
        "ResponseID,ResponseSet,StartDate,EndDate,Status,Finished,"
        "How likely is it that you would recommend Brightloop to a friend or colleague?,Please tell us why.\n"
        "R_legacy001,Default Response Set,2026-08-03 09:12:01,2026-08-03 09:14:40,0,1,6,The export breaks\n"
        "R_legacy002,Default Response Set,2026-08-04 09:12:01,2026-08-04 09:14:40,1,1,10,preview\n", encoding="utf-8")
    (data / "surveys" / "resaved.csv").write_text(  # rows 2-3 (question texts, ImportIds) deleted
        "RecordedDate,ResponseId,Q1,Q1_NPS_GROUP,Q2\n"
        "2026-08-05 10:00:00,R_a1,9,Promoter,Great\n2026-08-06 10:00:00,R_a2,2,Detractor,Broken\n", encoding="utf-8")
    result = ingest(data, write=False)
    nps = result.tables["nps_responses"].set_index("response_id")
    assert nps.loc["R_legacy001", "score"] == 6 and "R_legacy002" not in nps.index
    assert nps.loc["R_a1", "score"] == 9 and nps.loc["R_a2", "score"] == 2  # no response taken for a header
    files = result.files.set_index("source_file")
    assert files.loc["surveys/legacy.csv", "layout"] == "qualtrics_legacy"
    assert files.loc["surveys/resaved.csv", "rows_read"] == 2
