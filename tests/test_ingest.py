"""Ingestion on hand-written fixtures: every parser, provenance, segments, reconciliation."""
import pandas as pd
import pytest

from workbench import store
from workbench.cli import main
from workbench.ingest import IngestError, classify, ingest


def _ev(result, source_file):
    ev = result.tables["evidence"]
    return ev[ev["source_file"] == source_file].set_index("locator")


def test_reconciles_per_file_and_writes_store(mini_dir):
    result = ingest(mini_dir)
    files = result.files
    assert (files["rows_read"] == files["rows_accepted"] + files["rows_quarantined"]).all()
    assert result.rows_read == 51 and result.rows_quarantined == 19
    stored = store.load_table(mini_dir, "evidence")
    assert len(stored) == len(result.tables["evidence"]) == 21
    assert set(store.table_names(mini_dir)) >= {"evidence", "quarantine", "ingest_files", "accounts", "nps_responses"}


def test_generic_survey_rows_and_links(mini_dir):
    result = ingest(mini_dir)
    nps = result.tables["nps_responses"].set_index("response_id")
    # R1, R2, R6 (score, no comment) from generic; Q_1 qualtrics; 1001 surveymonkey
    assert sorted(nps.index) == ["1001", "Q_1", "R1", "R2", "R6"]
    assert nps.loc["R6", "evidence_id"] is None or pd.isna(nps.loc["R6", "evidence_id"])
    ev = _ev(result, "surveys/generic.csv")
    assert ev.loc["row 2", "evidence_id"] == nps.loc["R1", "evidence_id"]
    assert ev.loc["row 2", "score"] == 3 and ev.loc["row 2", "persona"] == "practitioner"
    assert ev.loc["row 2", "quarter"] == "2025Q3" and ev.loc["row 2", "industry"] == "Logistics"


def test_qualtrics_cp1252_semicolon_and_surveymonkey_bom_tab(mini_dir):
    result = ingest(mini_dir)
    layouts = result.files.set_index("source_file")["layout"]
    assert layouts["surveys/qualtrics_cp1252.csv"] == "qualtrics"
    assert layouts["surveys/monkey_bom_tab.csv"] == "surveymonkey"
    q = _ev(result, "surveys/qualtrics_cp1252.csv")
    assert q.loc["row 4", "text"] == "Soporte excelente, gracias"  # third header row skipped, cp1252 decoded
    m = _ev(result, "surveys/monkey_bom_tab.csv")
    assert m.loc["row 3", "text"].startswith("Billing invoice") and m.loc["row 3", "persona"] == "admin"
    nps = result.tables["nps_responses"].set_index("response_id")
    assert nps.loc["1001", "date"] == pd.Timestamp("2025-08-14")  # US date with AM/PM
    assert nps.loc["1001", "score"] == 6


def test_session_note_sections_personas_and_actions(mini_dir):
    result = ingest(mini_dir)
    ev = _ev(result, "sessions/s1.md")
    assert ev.loc["line 20", "kind"] == "insight"
    assert ev.loc["line 24", "kind"] == "quote" and ev.loc["line 24", "persona"] == "practitioner"
    assert ev.loc["line 24", "text"] == "I wish the dashboards loaded in under five seconds."
    assert ev.loc["line 25", "persona"] == "sponsor"
    assert ev.loc["line 28", "kind"] == "observation"
    sessions = result.tables["sessions"].set_index("session_id")
    assert sessions.loc["S-1", "company_attendees"] == 3 and sessions.loc["S-1", "duration_minutes"] == 60
    assert sessions.loc["S-1", "attendee_teams"] == "Engineering;Product;Research"
    actions = result.tables["action_items"].set_index("locator")
    assert actions.loc["line 33", "owner"] == "Note-taker (Product)"
    assert actions.loc["line 33", "status"] == "done"
    assert actions.loc["line 33", "closed_date"] == pd.Timestamp("2025-08-19")
    assert actions.loc["line 34", "owner"] == "Attendee (Engineering)"
    assert "Maya" not in actions.loc["line 33", "action"]


def test_transcripts_roles_locators_and_metadata(mini_dir):
    result = ingest(mini_dir)
    vtt = _ev(result, "transcripts/call1.vtt")
    assert vtt.loc["cue 2 (00:00:05)", "speaker_role"] == "customer"
    assert vtt.loc["cue 1 (00:00:01)", "speaker_role"] == "company"
    assert vtt.loc["cue 2 (00:00:05)", "account_id"] == "A001"
    srt = _ev(result, "transcripts/call2.srt")  # account and date from manifest.csv, roles from workbench.yml
    assert srt.loc["cue 1 (00:00:01)", "speaker_role"] == "company"
    assert srt.loc["cue 2 (00:00:04)", "speaker_role"] == "customer"
    assert srt.loc["cue 2 (00:00:04)", "date"] == pd.Timestamp("2025-09-10")
    txt = _ev(result, "transcripts/call3.txt")
    assert txt.loc["line 9", "text"] == "Please add a mobile app, we are always on the road."  # wrapped line joined
    js = _ev(result, "transcripts/call4.json")
    assert js.loc["turn 2", "speaker_role"] == "customer" and js.loc["turn 1", "speaker_role"] == "company"


def test_tickets_kpi_columns_and_comment_evidence(mini_dir):
    result = ingest(mini_dir)
    tickets = result.tables["tickets"].set_index("ticket_id")
    assert tickets.loc["T2", "escalated"] and tickets.loc["T2", "contacts"] == 3
    assert tickets.loc["T1", "csat"] == 5 and tickets.loc["T1", "ces"] == 6
    assert "requester_email" not in result.tables["tickets"]
    ev = _ev(result, "tickets.csv")
    assert ev.loc["row 2", "source"] == "ticket"
    assert ev.loc["row 2, csat_comment", "source"] == "csat"


@pytest.mark.parametrize(
    "source_file, locator, reason",
    [
        ("accounts.csv", "row 5", "end_date 2025-03-01 is before start_date 2025-06-01"),
        ("arr.csv", "row 5", "arr '-5' must be ≥ 0"),
        ("arr.csv", "row 6", "unknown account_id 'A009'"),
        ("surveys/generic.csv", "row 4", "score 'n/a' is not a number"),
        ("surveys/generic.csv", "row 5", "score '11' out of range 0–10"),
        ("surveys/generic.csv", "row 6", "date 'not a date' is not a date"),
        ("surveys/generic.csv", "row 7", "duplicate id 'R2' (first at surveys/generic.csv row 3)"),
        ("surveys/generic.csv", "row 9", "empty response"),
        ("sessions/broken.md", "line 4", "broken YAML front matter"),
        ("sessions/s1.md", "line 21", "empty text"),
        ("sessions/s1.md", "line 35", "due date 'someday' is not a date"),
        ("transcripts/call1.vtt", "cue 3 (line 16)", "malformed cue timing"),
        ("transcripts/call3.txt", "line 11", "empty text"),
        ("transcripts/garbage.vtt", "file", "binary file"),
        ("transcripts/manifest.csv", "row 3", "no such transcript file 'missing.vtt'"),
        ("tickets.csv", "row 4", "resolved_at 2025-07-04 is before opened_at 2025-07-05"),
        ("enps.csv", "row 4", "score '12' out of range 0–10"),
        ("notes.docx", "file", "unknown file type '.docx'"),
    ],
)
def test_bad_rows_are_quarantined_with_file_locator_and_reason(mini_dir, source_file, locator, reason):
    q = ingest(mini_dir).quarantine
    hits = q[(q["source_file"] == source_file) & (q["locator"] == locator)]
    assert len(hits) == 1, q[q["source_file"] == source_file]
    assert reason in hits.iloc[0]["reason"]


def _write(folder, name, data: bytes):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


GOOD_SURVEY = b"response_id,date,score,comment\nR1,2026-07-01,9,fine\n"


@pytest.mark.parametrize(
    "name, data, locator, reason",
    [
        ("surveys/a.csv", b"response_id,date,comment\nR1,2026-07-01,x\nR2,2026-07-02,y\n", "row 2",
         "unrecognised survey layout"),
        ("accounts.csv", b"account_id,industry\nA1,Retail\n", "row 2", "missing required column 'start_date'"),
        ("surveys/b.csv", b"", "file", "empty file"),
        ("surveys/c.csv", b"response_id,date,score,comment\nR1,2026-07-01,9,caf\x81\x8d\x9d\n", "line 2",
         "undecodable bytes"),
        ("surveys/d.csv", b"response_id,date,score\n\x00\x01\x02\x03\x81\x8d\x9d\x00\x00", "file", "binary file"),
        ("sessions/x.md", b"# no front matter\n- a\n", "line 1", "no YAML front matter"),
        ("transcripts/t.vtt", b"00:00:01.000 --> 00:00:02.000\nA: hi\n", "line 1", "not a WebVTT file"),
        ("transcripts/t.json", b"{\"turns\": [", "line 1", "invalid JSON"),
    ],
)
def test_file_level_problems(tmp_path, name, data, locator, reason):
    _write(tmp_path, "surveys/good.csv", GOOD_SURVEY)
    _write(tmp_path, name, data)
    result = ingest(tmp_path)
    q = result.quarantine[result.quarantine["source_file"] == name]
    assert len(q) >= 1 and q.iloc[0]["locator"] == locator
    assert reason in q.iloc[0]["reason"]
    assert result.rows_read == result.rows_accepted + result.rows_quarantined
    assert len(result.tables["nps_responses"]) == 1  # the good file is still ingested


def test_missing_survey_column_quarantines_every_row(tmp_path):
    _write(tmp_path, "surveys/good.csv", GOOD_SURVEY)
    _write(tmp_path, "surveys/qx.csv",
           b"ResponseId,RecordedDate,Q2\nh,h,h\ni,i,i\nQ1,2026-07-01,ok\nQ2,2026-07-02,ok\n")
    result = ingest(tmp_path)
    entry = result.files.set_index("source_file").loc["surveys/qx.csv"]
    assert entry["rows_read"] == 2 and entry["rows_quarantined"] == 2
    q = result.quarantine[result.quarantine["source_file"] == "surveys/qx.csv"]
    assert list(q["locator"]) == ["row 4", "row 5"]
    assert q.iloc[0]["reason"].startswith(
        "missing required column for score (qualtrics layout): no '*_NPS_GROUP' column and no question text "
        "(header row 2) reads like the 0–10 'how likely … recommend' question")


def test_strict_refuses_and_keeps_previous_store(mini_dir):
    ingest(mini_dir)
    before = store.store_path(mini_dir).read_bytes()
    (mini_dir / "surveys" / "generic.csv").write_text(
        "response_id,date,score,comment\nZ1,2026-07-01,99,bad\n", encoding="utf-8"
    )
    with pytest.raises(IngestError, match="--strict: .* quarantined"):
        ingest(mini_dir, strict=True)
    assert store.store_path(mini_dir).read_bytes() == before


def test_cli_exit_codes_and_export(mini_dir, tmp_path, capsys):
    out = tmp_path / "export"
    assert main(["ingest", str(mini_dir), "--export-csv", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Reconciled: 51 rows read = 32 accepted + 19 quarantined" in printed
    assert "surveys/generic.csv row 4: score 'n/a' is not a number" in printed
    assert len(pd.read_csv(out / "evidence.csv")) == 21
    assert len(pd.read_csv(out / "quarantine.csv")) == 19
    assert main(["ingest", str(mini_dir), "--strict"]) == 1
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert main(["ingest", str(empty)]) == 1
    assert "no input files" in capsys.readouterr().err
    assert main(["ingest", str(tmp_path / "absent")]) == 1


def test_rerun_is_idempotent(mini_dir):
    a = ingest(mini_dir).tables["evidence"]
    b = ingest(mini_dir).tables["evidence"]
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    "rel, kind",
    [("accounts.csv", "accounts"), ("tickets_2026.csv", "tickets"), ("surveys/x.csv", "survey"),
     ("sessions/a.md", "note"), ("transcripts/a.SRT", "transcript"), ("transcripts/manifest.csv", "manifest"),
     ("random.csv", "unknown"), ("sessions/a.txt", "unknown")],
)
def test_classify(rel, kind):
    assert classify(rel) == kind


def test_answer_key_is_never_read(mini_dir):
    _write(mini_dir, "answer_key/statements.csv", b"source_file,locator,themes\nx,y,z\n")
    result = ingest(mini_dir)
    assert not result.files["source_file"].str.startswith("answer_key").any()


def test_reingest_keeps_derived_tables(mini_dir):
    ingest(mini_dir)
    store.add_tables(mini_dir, {"statement_map": pd.DataFrame({"evidence_id": ["ev_1"], "x": [0.5], "y": [1.5]})})
    ingest(mini_dir)
    assert store.load_table(mini_dir, "statement_map")["x"].tolist() == [0.5]
    assert len(store.load_table(mini_dir, "evidence")) == 21
