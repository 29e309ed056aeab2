"""Call transcripts as real tools export them: Otter.ai text, Zoom and Teams WebVTT, Gong and Chorus JSON.

The fixtures in tests/fixtures/real/transcripts/ are written by hand in each tool's layout; the data
folder's workbench.yml names the company (Lumen Ledger, lumenledger.com, staff Dana Whitfield and
Marco Bellini), so every other named speaker is a customer unless the file says otherwise.
"""
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench import store
from workbench.ingest import ingest
from workbench.ingest.reading import FileProblem
from workbench.ingest.transcript_json import parse_json
from workbench.ingest.transcript_text import parse_txt, parse_vtt

REAL = Path(__file__).parent / "fixtures" / "real" / "transcripts"
ZOOM = "transcripts/GMT20260812-150012_Recording.transcript.vtt"
TEAMS = "transcripts/Acme quarterly review.vtt"
OTTER = "transcripts/otter_interview_acme.txt"
OTTER_SINGLE = "transcripts/otter_globex_followup.txt"
GONG = "transcripts/gong_call_7781.json"
GONG_API = "transcripts/gong_api_responses.json"
CHORUS = "transcripts/chorus_conversation.json"
SPEAKERLESS = "transcripts/initech_review_notes.txt"
UNNAMED = "no speaker named for this turn"
#: everyone named in the fixtures; none of them may be stored in an evidence text
PEOPLE = ["Dana Whitfield", "Marco Bellini", "Priya Shah", "Tom Reyes", "Ana Lopez", "Jide Okafor", "Lena Fischer"]


def make_folder(dest: Path) -> Path:
    """A data folder: workbench.yml at the top, the exports and manifest.csv under transcripts/."""
    (dest / "transcripts").mkdir(parents=True)
    shutil.copy(REAL / "workbench.yml", dest / "workbench.yml")
    for path in REAL.iterdir():
        if path.name != "workbench.yml":
            shutil.copy(path, dest / "transcripts" / path.name)
    return dest


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    data = make_folder(tmp_path_factory.mktemp("real") / "data")
    result = ingest(data)
    return {
        "result": result,
        "evidence": store.load_table(data, "evidence"),
        "files": result.files.set_index("source_file"),
        "quarantine": result.quarantine,
        "warnings": result.warnings,
    }


def rows_of(real, rel: str, read: int, accepted: int, quarantined: int) -> pd.DataFrame:
    """The file's stored evidence rows by locator, after checking its counts reconcile."""
    f = real["files"].loc[rel]
    assert (f["rows_read"], f["rows_accepted"], f["rows_quarantined"]) == (read, accepted, quarantined)
    assert f["rows_read"] == f["rows_accepted"] + f["rows_quarantined"]
    ev = real["evidence"]
    ev = ev[ev["source_file"] == rel].set_index("locator")
    assert len(ev) == accepted
    return ev


def quarantined(real, rel: str) -> dict[str, str]:
    q = real["quarantine"]
    return dict(zip(q.loc[q["source_file"] == rel, "locator"], q.loc[q["source_file"] == rel, "reason"]))


def speakers(turns) -> list:
    return [(t.locator, t.speaker) for t in turns]


def assert_no_names(texts) -> None:
    for text in texts:
        for person in PEOPLE:
            for part in person.split():
                assert not re.search(rf"\b{part}\b", text), f"'{part}' left in stored text: {text!r}"


def test_all_files_reconcile_with_their_layouts(real):
    files = real["files"]
    assert (files["rows_read"] == files["rows_accepted"] + files["rows_quarantined"]).all()
    assert files["layout"].to_dict() == {
        TEAMS: "teams", ZOOM: "zoom", CHORUS: "chorus", GONG_API: "gong", GONG: "gong",
        SPEAKERLESS: "txt", "transcripts/manifest.csv": "manifest", OTTER_SINGLE: "otter", OTTER: "otter",
        "workbench.yml": "settings",
    }
    assert real["result"].rows_read == 37 and real["result"].rows_quarantined == 10


def test_otter_header_lines_and_paragraphs(real):
    turns = parse_txt((REAL / "otter_interview_acme.txt").read_text()).turns
    assert speakers(turns) == [("line 1", "Dana Whitfield"), ("line 4", "Priya Shah"), ("line 9", "Unknown Speaker"),
                               ("line 12", "Dana Whitfield"), ("line 15", "Priya Shah")]
    ev = rows_of(real, OTTER, 5, 4, 1)
    assert ev["speaker_role"].to_dict() == {"line 1": "company", "line 4": "customer",
                                            "line 12": "company", "line 15": "customer"}
    assert ev.loc["line 4", "text"] == ("Honestly, the export keeps timing out when we pull a full quarter, so we end up "
                                        "splitting it by month. It costs my team most of a day at every close.")
    assert ev.loc["line 15", "text"] == "Bottom line: the dashboards are great, the export is not."  # a colon in speech
    assert ev.loc["line 1", "text"] == "Thanks for joining, [Customer]. How has the quarter been for your team?"
    assert not ev["text"].str.contains("otter.ai").any()  # the footer is not speech
    assert (ev["date"] == pd.Timestamp("2026-08-20")).all() and (ev["account_id"] == "A-ACME").all()
    assert quarantined(real, OTTER) == {"line 9": quarantined(real, OTTER)["line 9"]}
    assert UNNAMED in quarantined(real, OTTER)["line 9"] and "'Unknown Speaker' is a label" in quarantined(real, OTTER)["line 9"]
    assert_no_names(ev["text"])


def test_otter_single_space_and_numbered_speaker(real):
    turns = parse_txt((REAL / "otter_globex_followup.txt").read_text()).turns
    assert speakers(turns) == [("line 1", "Marco Bellini"), ("line 4", "Tom Reyes"), ("line 7", "Speaker 3"),
                               ("line 10", "Marco Bellini")]
    ev = rows_of(real, OTTER_SINGLE, 4, 3, 1)
    assert ev["speaker_role"].to_dict() == {"line 1": "company", "line 4": "customer", "line 10": "company"}
    assert ev.loc["line 4", "text"] == ("We finally connected Salesforce, but the sync drops our custom fields every "
                                        "night. Email me at [EMAIL] if you need sample records.")
    assert ev.loc["line 10", "text"] == "Thanks [Customer], that is clear."
    assert (ev["date"] == pd.Timestamp("2026-08-27")).all() and (ev["account_id"] == "A-GLOBEX").all()
    assert list(quarantined(real, OTTER_SINGLE)) == ["line 7"]
    assert_no_names(ev["text"])
    assert not ev["text"].str.contains("tom.reyes").any()


def test_zoom_date_from_file_name_and_wrapped_cues(real):
    t = parse_vtt((REAL / ZOOM.split("/")[1]).read_text())
    assert speakers(t.turns) == [("cue 1 (00:00:01)", "Dana Whitfield"), ("cue 2 (00:00:04)", "Priya Shah"),
                                 ("cue 3 (00:00:12)", "Dana Whitfield"), ("cue 4 (00:00:16)", None)]
    ev = rows_of(real, ZOOM, 4, 3, 1)
    assert ev["speaker_role"].to_dict() == {"cue 1 (00:00:01)": "company", "cue 2 (00:00:04)": "customer",
                                            "cue 3 (00:00:12)": "company"}
    # the wrapped second line stays with its cue and its speaker
    assert ev.loc["cue 2 (00:00:04)", "text"] == ("The new approval flow is much faster, but the mobile app still "
                                                  "logs us out every hour.")
    assert ev.loc["cue 3 (00:00:12)", "text"] == "Got it. I will raise the mobile logout with our product team."
    assert (ev["date"] == pd.Timestamp("2026-08-12")).all() and ev["account_id"].isna().all()
    assert UNNAMED in quarantined(real, ZOOM)["cue 4 (00:00:16)"]
    assert_no_names(ev["text"])


def test_zoom_manifest_date_wins_over_file_name(tmp_path):
    data = make_folder(tmp_path / "data")
    with open(data / "transcripts" / "manifest.csv", "a", encoding="utf-8") as f:
        f.write(f"{ZOOM.split('/')[1]},A-ACME,2026-08-14\r\n")
    result = ingest(data, write=False)
    ev = result.tables["evidence"]
    ev = ev[ev["source_file"] == ZOOM]
    assert len(ev) == 3 and (ev["date"] == pd.Timestamp("2026-08-14")).all() and (ev["account_id"] == "A-ACME").all()
    f = result.files.set_index("source_file").loc[ZOOM]
    assert f["rows_read"] == f["rows_accepted"] + f["rows_quarantined"] == 4


def test_teams_voice_tags_over_several_lines(real):
    t = parse_vtt((REAL / TEAMS.split("/")[1]).read_text())
    assert speakers(t.turns) == [("cue 1 (00:00:03)", "Marco Bellini"), ("cue 2 (00:00:07)", "Ana Lopez"),
                                 ("cue 3 (00:00:14)", "Ana Lopez"), ("cue 4 (00:00:19)", "Marco Bellini")]
    ev = rows_of(real, TEAMS, 4, 4, 0)
    assert ev["speaker_role"].tolist() == ["company", "customer", "customer", "company"]
    assert ev.loc["cue 2 (00:00:07)", "text"] == ("Sure. The scheduled reports arrive late on Mondays and our "
                                                  "finance team cannot close the week.")
    assert ev.loc["cue 4 (00:00:19)", "text"] == "Yes, [Customer], I will take that to the team."
    assert not ev["text"].str.contains("<v|</v>").any()
    assert (ev["date"] == pd.Timestamp("2026-09-10")).all() and (ev["account_id"] == "A-ACME").all()
    assert_no_names(ev["text"])


def test_gong_call_parties_affiliation_and_monologues(real):
    t = parse_json((REAL / "gong_call_7781.json").read_text())
    assert speakers(t.turns) == [("turn 1", "Dana Whitfield"), ("turn 2", "Priya Shah"), ("turn 3", None),
                                 ("turn 4", "Dana Whitfield")]
    assert t.participants == {"Dana Whitfield": "company", "Priya Shah": "customer", "Jide Okafor": "unknown"}
    ev = rows_of(real, GONG, 4, 3, 1)
    assert ev["speaker_role"].to_dict() == {"turn 1": "company", "turn 2": "customer", "turn 4": "company"}
    # one row per monologue, its sentences joined; a party who did not speak is still redacted
    assert ev.loc["turn 2", "text"] == ("We like the product, but the per-seat price is hard to justify for "
                                        "occasional users. [Customer] asked whether there is a cheaper viewer licence.")
    assert ev.loc["turn 1", "text"] == "Thanks for joining, [Customer]. How is the renewal looking?"
    assert (ev["date"] == pd.Timestamp("2026-09-03")).all() and (ev["account_id"] == "A-ACME").all()
    assert "speakerId '9999999999999999999' is not among the call's parties" in quarantined(real, GONG)["turn 3"]
    assert_no_names(ev["text"])


def test_gong_api_responses_and_staff_never_a_customer(real):
    ev = rows_of(real, GONG_API, 2, 2, 0)
    # Marco Bellini is staff in workbench.yml: company, though the file calls him External
    assert ev["speaker_role"].to_dict() == {"turn 1": "company", "turn 2": "customer"}
    assert ev.loc["turn 2", "text"] == ("Mostly, but failed webhooks are never retried, so orders go missing. "
                                        "We need a retry queue.")
    assert (ev["date"] == pd.Timestamp("2026-10-06")).all()  # 09:30 at UTC-7
    assert_no_names(ev["text"])


def test_chorus_conversation_utterances(real):
    t = parse_json((REAL / "chorus_conversation.json").read_text())
    assert speakers(t.turns) == [("turn 1", "Marco Bellini"), ("turn 2", "Tom Reyes"), ("turn 3", None),
                                 ("turn 4", "Tom Reyes")]
    ev = rows_of(real, CHORUS, 4, 2, 2)
    assert ev["speaker_role"].to_dict() == {"turn 1": "company", "turn 2": "customer"}
    assert ev.loc["turn 2", "text"] == ("The training videos were clear, but importing our driver list failed on "
                                        "accented names.")
    assert (ev["date"] == pd.Timestamp("2026-07-21")).all()  # recording.start_time, epoch seconds
    q = quarantined(real, CHORUS)
    assert UNNAMED in q["turn 3"] and "speaker_id '13'" in q["turn 3"] and q["turn 4"] == "empty text"
    assert_no_names(ev["text"])


def test_speakerless_transcript_is_a_warning_not_customer_evidence(real):
    ev = rows_of(real, SPEAKERLESS, 4, 0, 4)
    assert ev.empty  # nothing of it is stored as evidence, let alone as the customer's voice
    w = real["warnings"]
    w = w[w["source_file"] == SPEAKERLESS]
    assert w["locator"].tolist() == ["file"] and "no speaker recognised" in w["reason"].iloc[0]
    assert real["files"].loc[SPEAKERLESS, "warnings"] == 1
    q = quarantined(real, SPEAKERLESS)  # one quarantined row per paragraph, not one blob
    assert list(q) == ["line 1", "line 3", "line 5", "line 7"] and all(UNNAMED in r for r in q.values())


def test_no_speaker_name_in_any_stored_text(real):
    assert_no_names(real["evidence"]["text"])
    assert_no_names(real["quarantine"]["raw"])
    assert not real["evidence"]["text"].str.contains("@").any()


def test_prose_with_a_colon_is_not_a_speaker():
    t = parse_txt("The problem is this: exports time out.\nNote: we retried twice.\n\nSecond paragraph here.\n")
    assert [(x.locator, x.speaker) for x in t.turns] == [("line 1", None), ("line 4", None)]
    assert t.turns[0].text == "The problem is this: exports time out. Note: we retried twice."


def test_gong_file_with_two_calls_is_a_file_problem():
    with pytest.raises(FileProblem, match="2 calls in one file"):
        parse_json('{"calls": [{"parties": []}, {"parties": []}], "callTranscripts": []}')
    with pytest.raises(FileProblem, match="JSON transcript not recognised"):
        parse_json('{"conversation": {}}')


def test_a_title_with_a_time_does_not_make_a_name_colon_transcript_otter():
    t = parse_txt("Weekly sync 10:30\nDana Whitfield: How are the exports?\nPriya Shah: Still slow.\n")
    assert t.layout is None
    assert [(x.locator, x.speaker) for x in t.turns] == [("line 1", None), ("line 2", "Dana Whitfield"),
                                                        ("line 3", "Priya Shah")]


def test_tool_suffixes_are_not_part_of_a_name():
    t = parse_vtt("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Priya Shah (Guest)>Exports are slow.</v>\n\n"
                  "00:00:03.000 --> 00:00:04.000\nTom Reyes (External): Same here.\n")
    assert [x.speaker for x in t.turns] == ["Priya Shah", "Tom Reyes"]


def test_a_transcript_with_no_turns_is_a_warning(tmp_path):
    data = make_folder(tmp_path / "data")
    (data / "transcripts" / "empty_export.vtt").write_text("WEBVTT\n\nNOTE exported with no captions\n", encoding="utf-8")
    result = ingest(data, write=False)
    f = result.files.set_index("source_file").loc["transcripts/empty_export.vtt"]
    assert (f["rows_read"], f["rows_accepted"], f["rows_quarantined"], f["warnings"]) == (0, 0, 0, 1)
    w = result.warnings
    assert "no turns in this transcript" in w.loc[w["source_file"] == "transcripts/empty_export.vtt", "reason"].iloc[0]


def test_names_redacted_in_quarantine_when_a_transcript_has_no_date(tmp_path):
    data = make_folder(tmp_path / "data")
    (data / "transcripts" / "undated.txt").write_text(
        "Wanda Kowalczyk  0:04\nOur invoices show the wrong currency.\n", encoding="utf-8")
    result = ingest(data, write=False)
    q = result.quarantine[result.quarantine["source_file"] == "transcripts/undated.txt"]
    assert q["locator"].tolist() == ["line 1"] and q["reason"].iloc[0].startswith("no date for this transcript")
    assert "Wanda" not in q["raw"].iloc[0] and "Kowalczyk" not in q["raw"].iloc[0]
    assert "wrong currency" in q["raw"].iloc[0]
