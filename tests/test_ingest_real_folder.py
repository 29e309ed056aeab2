"""One data folder of exports written by hand as each tool writes them (Qualtrics with the role
asked first, a preview and an unfinished row; SurveyMonkey; Typeform; Google Forms with GMT-7
stamps; Delighted; a Notion note without front matter; a Zoom VTT named by its GMT time): every
row read correctly, or quarantined with its reason, and no planted contact detail stored."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.ingest import ingest

FOLDER = Path(__file__).parent / "fixtures" / "real" / "folder"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real") / "data"
    shutil.copytree(FOLDER, folder)
    return ingest(folder, write=False)


def test_every_row_accounted_for(result):
    files = result.files.set_index("source_file")
    assert (files["rows_read"] == files["rows_accepted"] + files["rows_quarantined"]).all()
    assert result.rows_read == 22 and result.rows_quarantined == 3  # 12 survey rows, 6 note, 3 cues, settings


def test_scores_dates_and_roles_read_by_content(result):
    nps = result.tables["nps_responses"].set_index("response_id")
    expected = {
        "R_1a2b3c4d5e6f7g8": (3, "2026-08-03", "Administrator", "A0042"),   # role asked first (Q3), NPS is Q1
        "R_2b3c4d5e6f7g8h9": (9, "2026-08-04", "Team lead", "A0043"),
        "114213001": (10, "2026-08-03", "Manager", "A0050"),
        "114213002": (4, "2026-08-04", None, "A0051"),
        "a1b2c3d4e5f6": (8, "2026-09-12", None, None),
        "9001": (9, "2026-08-25", None, None),
        "9002": (5, "2026-08-26", None, None),
    }
    for rid, (score, date, persona, account) in expected.items():
        row = nps.loc[rid]
        assert row["score"] == score and str(row["date"].date()) == date, rid
        assert (row["persona"] if isinstance(row["persona"], str) else None) == persona, rid
        assert (row["account_id"] if isinstance(row["account_id"], str) else None) == account, rid
    forms = result.tables["nps_responses"][result.tables["nps_responses"]["source_file"] == "surveys/google_forms.csv"]
    # 11:10 PM GMT-7 on 30 September is 06:10 UTC on 1 October: the next quarter
    assert sorted(forms["quarter"]) == ["2026Q3", "2026Q4"] and sorted(forms["score"]) == [7, 10]
    assert len(nps) == 10


def test_preview_and_unfinished_responses_are_quarantined_not_counted(result):
    q = result.quarantine
    qualtrics = q[q["source_file"] == "surveys/qualtrics.csv"]
    assert set(qualtrics["locator"]) == {"row 6", "row 7"}
    assert "R_preview000001" not in set(result.tables["nps_responses"]["response_id"])


def test_notion_note_and_zoom_call(result):
    ev = result.tables["evidence"]
    note = ev[ev["source"] == "session_note"]
    assert str(note["date"].iloc[0].date()) == "2026-09-17"
    assert set(note["kind"]) == {"quote", "observation", "action_item"}
    assert "We print the weekly report and re-type it into Excel." in set(note["text"])
    call = ev[ev["source"] == "transcript"].sort_values("locator")
    assert list(call["speaker_role"]) == ["company", "customer", "customer"]
    assert call["text"].iloc[1] == "Honestly it's slower than before. When the approver is out, everything waits."
    assert str(call["date"].iloc[0].date()) == "2026-09-18"  # from the Zoom file name
    actions = result.tables["action_items"].set_index("action")
    assert actions.loc["Send the audit log docs by Friday", "owner"] == "Company staff"
    assert str(actions.loc["Send the audit log docs by Friday", "due_date"].date()) == "2026-09-18"


def test_no_contact_detail_or_name_stored(result):
    stored = " ".join(result.tables["evidence"]["text"]) + " " + " ".join(result.quarantine["raw"]) + " " + \
        " ".join(result.tables["action_items"]["action"])
    for secret in ("555-0134", "Linh", "Nguyen", "Dana", "Whitfield", "Art Vandelay", "Kel", "203.0.113.6",
                   "maria.garcia", "sam.lee"):
        assert secret not in stored, secret
