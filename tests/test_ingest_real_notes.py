"""Session notes as people write them: Notion and Google Docs exports, Obsidian with front matter,
task lists, numbered follow-ups, notes dated by a line or by their file name, a note with nothing."""
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.ingest import ingest
from workbench.ingest.note_sections import parse_markdown, section_kind

NOTES = Path(__file__).parent / "fixtures" / "real" / "notes"
MINI = Path(__file__).parent / "fixtures" / "mini"
NOTION = "sessions/Acme Logistics check-in (Notion).md"
GDOCS = "sessions/Globex check-in - Google Docs.md"
OBSIDIAN = "sessions/initech-obsidian.md"
UMBRELLA = "sessions/umbrella_2026_09_08.md"
HALLWAY = "sessions/Sep 15 2026 - Acme follow-up.md"
#: every person named in the notes; none may be stored by name
NAMES = ["Priya", "Shah", "Tom Reyes", "Reyes", "Dana", "Whitfield", "Leo", "Brandt", "Maria", "Lopez", "Sam Ito",
         "Peter", "Gibbons", "Ana", "Costa", "Gavin", "Belson"]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real_notes")
    shutil.copytree(NOTES, folder / "sessions")
    shutil.copy(MINI / "accounts.csv", folder / "accounts.csv")
    (folder / "workbench.yml").write_text("company:\n  name: Brightloop\n  staff: [Dana Whitfield, Leo Brandt, Sam Ito]\n",
                                          encoding="utf-8")
    return ingest(folder, write=False)


def _ev(result, source_file):
    ev = result.tables["evidence"]
    return ev[ev["source_file"] == source_file].set_index("locator")


def _actions(result, source_file):
    actions = result.tables["action_items"]
    return actions[actions["source_file"] == source_file].set_index("locator")


@pytest.mark.parametrize("title, kind", [
    ("Customer quotes", "quote"), ("💬 Quotes", "quote"), ("Verbatims", "quote"), ("What they said:", "quote"),
    ("Key insights", "insight"), ("Learnings", "insight"), ("Top takeaways", "insight"), ("Feature requests", "insight"),
    ("Wishlist", "insight"), ("Pain points", "observation"), ("Watch party observations", "observation"),
    ("What we saw", "observation"), ("Frustrations", "observation"), ("Action items", "action_item"),
    ("Next steps", "action_item"), ("Follow-ups", "action_item"), ("To do", "action_item"), ("Tasks", "action_item"),
    ("Attendees", "people"), ("Check-in: Acme Logistics", None), ("Agenda", None), ("Notes", None),
])
def test_heading_synonyms(title, kind):
    assert section_kind(title) == kind


def test_markdown_blocks_keep_file_lines_tasks_and_attributions():
    doc = parse_markdown('**Quotes**\n\n> "Too slow."\n> — Priya, Ops lead\n\n## Tasks\n- [x] Ship it\n  - [ ] Tell them\n',
                         first_line=5)
    quote, done, child = doc.blocks
    assert (quote.form, quote.line, quote.section, quote.text, quote.speaker) == (
        "quote", 7, "quote", '"Too slow."', "Priya, Ops lead")
    assert (done.line, done.checked, done.text, done.depth) == (11, True, "Ship it", 0)
    assert (child.line, child.checked, child.text, child.depth) == (12, False, "Tell them", 1)
    assert doc.headings == ["Quotes", "Tasks"]


def test_rows_reconcile_per_file(result):
    files = result.files.set_index("source_file")
    assert (files["rows_read"] == files["rows_accepted"] + files["rows_quarantined"]).all()
    counts = files.loc[[NOTION, GDOCS, OBSIDIAN, UMBRELLA, HALLWAY, "sessions/undated.md", "sessions/empty-template.md"],
                       ["rows_read", "rows_accepted", "rows_quarantined", "warnings"]]
    assert counts.values.tolist() == [[9, 9, 0, 0], [5, 5, 0, 0], [5, 5, 0, 0], [6, 5, 1, 0], [2, 1, 1, 0],
                                      [2, 0, 2, 0], [1, 1, 0, 1]]


def test_notion_export_properties_blockquotes_and_tasks(result):
    ev = _ev(result, NOTION)
    assert set(ev["date"]) == {pd.Timestamp("2026-09-10")}  # "Date: September 10, 2026 2:00 PM (EDT)"
    assert set(ev["account_id"]) == {"A001"}  # "Customer: Acme Logistics" found in accounts.csv
    assert ev.loc["line 11", ["kind", "speaker_role", "text"]].tolist() == [
        "quote", "customer", "Every Monday I rebuild the same report by hand."]
    assert ev.loc["line 14", ["kind", "text"]].tolist() == ["quote", "If SSO isn't there by renewal, procurement will block us."]
    assert "line 16" not in ev.index  # "- Tom Reyes, VP Operations" is the attribution, not a statement
    assert ev.loc["line 20", ["kind", "text"]].tolist() == ["observation", "Exports time out above 10k rows"]
    assert ev.loc["line 21", "text"] == "[Customer] team splits them by week as a workaround"  # nested item; possessive redacted
    session = result.tables["sessions"].set_index("source_file").loc[NOTION]
    assert session["duration_minutes"] == 45 and session["company_attendees"] == 2
    actions = _actions(result, NOTION)
    assert actions.loc["line 26", ["action", "owner", "status", "due_date"]].tolist() == [
        "Send the export guide by Friday", "Company staff", "done", pd.Timestamp("2026-09-11")]  # the Friday after
    assert actions.loc["line 27", ["owner", "status", "due_date"]].tolist() == [
        "Company staff", "open", pd.Timestamp("2026-09-30")]
    assert actions.loc["line 27", "action"] == "Book a follow-up with [Customer] by Sep 30"
    assert actions.loc["line 28", ["action", "owner", "status"]].tolist() == ["Check the SSO quote", "Company staff", "open"]


def test_google_docs_export_bold_headings_and_properties(result):
    ev = _ev(result, GDOCS)
    assert set(ev["date"]) == {pd.Timestamp("2026-09-14")} and set(ev["account_id"]) == {"A002"}
    assert ev.loc["line 13", ["kind", "text"]].tolist() == [
        "observation", "[Customer] opened the billing page three times looking for the invoice download."]
    assert ev.loc["line 17", ["kind", "speaker_role", "text"]].tolist() == [
        "quote", "customer", "We forward every invoice to finance by hand."]
    actions = _actions(result, GDOCS)
    assert actions.loc["line 21", ["action", "owner", "due_date", "status"]].tolist() == [
        "Send the invoice API docs by 2026-09-21", "Company staff", pd.Timestamp("2026-09-21"), "open"]
    assert actions.loc["line 22", "action"] == "Follow Up with finance on the PO format"
    assert pd.isna(actions.loc["line 22", "owner"])  # a capitalised verb is not an owner
    assert result.tables["sessions"].set_index("source_file").loc[GDOCS, "duration_minutes"] == 60


def test_obsidian_front_matter_with_synonym_headings(result):
    ev = _ev(result, OBSIDIAN)
    assert ev.loc["line 11", ["kind", "text"]].tolist() == ["insight", "Initech rolled the dashboards out to all three sites."]
    assert ev.loc["line 14", ["kind", "speaker_role", "text"]].tolist() == [
        "quote", "customer", "We finally stopped exporting to Excel."]
    assert ev.loc["line 15", ["persona", "text"]].tolist() == ["sponsor", "Budget is approved for next year."]
    actions = _actions(result, OBSIDIAN)
    assert actions.loc["line 18", ["action", "owner", "status"]].tolist() == ["Share the rollout checklist", "Attendee", "open"]


def test_dated_by_file_name_numbered_follow_ups(result):
    ev = _ev(result, UMBRELLA)
    assert set(ev["date"]) == {pd.Timestamp("2026-09-08")}  # umbrella_2026_09_08.md
    assert ev.loc["line 6", ["kind", "text"]].tolist() == ["insight", "Bulk edit for alert rules"]
    actions = _actions(result, UMBRELLA)
    assert actions.loc["line 10", ["action", "owner", "due_date", "status"]].tolist() == [
        "Send the auditor list by next Tuesday", "Customer", pd.Timestamp("2026-09-15"), "open"]
    assert actions.loc["line 11", ["owner", "status"]].tolist() == ["Company staff", "done"]  # "(done)"
    assert pd.isna(actions.loc["line 12", "owner"]) and actions.loc["line 12", "status"] == "open"
    q = result.quarantine.set_index("source_file")
    assert q.loc[UMBRELLA, "locator"] == "line 1" and q.loc[UMBRELLA, "reason"].startswith("no duration")
    hallway = _ev(result, HALLWAY)  # "Sep 15 2026 - Acme follow-up.md", a bold heading and a '*' bullet
    assert hallway.loc["line 5", ["kind", "date"]].tolist() == ["observation", pd.Timestamp("2026-09-15")]


def test_undated_note_is_quarantined_with_its_statements(result):
    q = result.quarantine[result.quarantine["source_file"] == "sessions/undated.md"]
    assert q["locator"].tolist() == ["line 1", "line 4"]
    assert q.iloc[0]["reason"].startswith("no date: no YAML front matter, no 'Date:' line and no date in the file name")
    assert q.iloc[1]["raw"] == "They want SSO before the renewal."
    assert "sessions/undated.md" not in set(result.tables["evidence"]["source_file"])


def test_note_without_statements_is_a_warning(result):
    w = result.warnings.set_index("source_file")
    assert w.loc["sessions/empty-template.md", "locator"] == "file"
    reason = w.loc["sessions/empty-template.md", "reason"]
    assert reason.startswith("no statements found") and "headings seen: 'Check-in: Acme'; 'Agenda'; 'Notes'" in reason
    assert set(w.index) == {"sessions/empty-template.md"}  # the other notes are found, not warned about


def test_unknown_company_is_a_warning_and_a_bad_date_line_is_not_replaced(tmp_path):
    (tmp_path / "sessions").mkdir()
    shutil.copy(MINI / "accounts.csv", tmp_path / "accounts.csv")
    (tmp_path / "sessions" / "2026-09-01 Hooli.md").write_text(
        "Date: sometime in September\nCompany: Hooli\n\n## Insights\n- They like it.\n", encoding="utf-8")
    (tmp_path / "sessions" / "hooli2.md").write_text(
        "Meeting date: 2026-09-02\nCompany: Hooli\nDuration: 30\n\n## Insights\n- They like it.\n", encoding="utf-8")
    result = ingest(tmp_path, write=False)
    q = result.quarantine.set_index("source_file")
    assert q.loc["sessions/2026-09-01 Hooli.md", "reason"].iloc[0] == (
        "'Date: sometime in September' (line 1) is not a date (write 2026-09-12)")
    w = result.warnings.set_index("source_file")
    assert "'Company: Hooli' (line 2) matches no account_id or company" in w.loc["sessions/hooli2.md", "reason"]
    ev = _ev(result, "sessions/hooli2.md")
    assert ev.loc["line 6", "text"] == "They like it." and ev.loc["line 6", "account_id"] is None


def test_attendee_names_are_not_stored(result):
    stored = " ".join(result.tables["evidence"]["text"]) + " ".join(result.tables["action_items"]["action"])
    stored += " ".join(result.quarantine["raw"])
    for name in NAMES:
        assert name not in stored, name


def test_word_note_styles_become_sections(result):
    ev = _ev(result, "sessions/Hooli check-in.docx")
    assert ev.loc["paragraph 6", ["kind", "text"]].tolist() == ["insight", "[Customer] team wants audit logs exported nightly."]
    assert ev.loc["paragraph 9", ["kind", "text"]].tolist() == ["quote", "We cannot pass the audit without the logs."]
    assert set(ev["date"]) == {pd.Timestamp("2026-09-16")}
    actions = _actions(result, "sessions/Hooli check-in.docx")
    assert actions.loc["paragraph 11", ["action", "owner", "status", "due_date"]].tolist() == [
        "Send the audit log guide by Friday", "Company staff", "done", pd.Timestamp("2026-09-18")]
    assert actions.loc["paragraph 12", ["owner", "status"]].tolist() == ["Company staff", "open"]
    entry = result.files.set_index("source_file").loc["sessions/Hooli check-in.docx"]
    assert (entry["layout"], entry["rows_read"], entry["rows_accepted"]) == ("docx", 6, 6)
