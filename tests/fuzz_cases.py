"""The malformed inputs of tests/test_fuzz_ingest.py: a tiny valid folder (``BASE``) and the cases
written on top of it, each with the file that must be named, what is said of it and what is kept."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from workbench.errors import SettingsError

SETTINGS = "company:\n  name: Brightloop\n  staff: [Dana Whitfield]\npii:\n  find_names: false\n"
BASE = {
    "workbench.yml": SETTINGS,
    "accounts.csv": "account_id,company,start_date\nA001,Acme,2024-01-15\nA002,Globex,2024-03-01\n",
    "surveys/base.csv": "response_id,account_id,date,score,comment\n"
                        "B1,A001,2026-08-01,9,The export works well\nB2,A002,2026-08-02,3,The sync is slow\n",
    "sessions/base.md": "---\nsession_id: S-1\naccount_id: A001\ndate: 2026-08-03\nduration_minutes: 30\n---\n"
                        "## Key insights\n- Dashboards time out on large accounts\n",
}
BASE_TEXTS = {"The export works well", "The sync is slow", "Dashboards time out on large accounts"}
CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f]"
MOJIBAKE = ("Ã", "â€", "\ufffd", "Â")
HEAD = "response_id,date,score,comment\n"
FM = "---\nsession_id: S-{n}\ndate: 2026-08-04\nduration_minutes: 30\n{extra}---\n## Key insights\n- Reports load fast now\n"
VTT_HEAD = "WEBVTT\n\nNOTE\naccount_id: A001\ndate: 2026-08-05\n\n"
TXT_HEAD = "---\naccount_id: A001\ndate: 2026-08-05\nparticipants: Priya Shah (customer)\n---\n"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n"
QUALTRICS = ("StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,"
             "Q1,Q2\n"
             "Start Date,End Date,Response Type,IP Address,Progress,Duration (in seconds),Finished,Recorded Date,"
             "Response ID,How likely are you to recommend Brightloop to a friend or colleague?,Why?\n"
             '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""status""}",'
             '"{""ImportId"":""ipAddress""}","{""ImportId"":""progress""}","{""ImportId"":""duration""}",'
             '"{""ImportId"":""finished""}","{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}",'
             '"{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"\n')


def _json(data) -> str:
    return json.dumps(data)


def _wb(turns, **top) -> str:
    return _json({"account_id": "A001", "date": "2026-08-05",
                  "participants": [{"name": "Priya Shah", "role": "customer"}], "turns": turns, **top})


GOOD_TURN = {"speaker": "Priya Shah", "text": "Search got much better"}


@dataclass
class Case:
    id: str
    files: dict[str, str | bytes]
    bad: str | None = None  # the file named in the quarantine or warnings
    reason: str = ""  # said of it (in the reason of one of its rows)
    kept: tuple[str, ...] = ()  # statements of the bad file that must be stored
    error: type[Exception] | None = None  # the whole run stops with this, naming `reason`
    setup: Callable[[Path], None] | None = None  # links, FIFOs, permissions
    base: bool = True  # the base folder's statements are all kept
    extra: dict = field(default_factory=dict)


def _link(name: str, target: Callable[[Path], Path], directory: bool = False):
    def make(data: Path) -> None:
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target(data), target_is_directory=directory)
    return make


def _fifo(name: str):
    def make(data: Path) -> None:
        os.mkfifo(data / name)
    return make


def _outside(data: Path) -> Path:
    other = data.parent / "outside.csv"
    other.write_text(HEAD + "X1,2026-08-01,9,Secret outside\n", encoding="utf-8")
    return other


def _unreadable(data: Path) -> None:
    path = data / "surveys" / "locked.csv"
    path.write_text(HEAD + "L1,2026-08-01,9,Locked away\n", encoding="utf-8")
    path.chmod(0)


ZIP_OF_TEXT = (b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + b"\x00" * 16 + b"\x05\x00\x00\x00a.txtabc")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
JUNK = bytes((i * 37 + 11) % 256 for i in range(4000))

CASES = [
    # --- survey exports -------------------------------------------------------------------------
    Case("survey-header-only", {"surveys/s.csv": HEAD}, "surveys/s.csv", "no responses"),
    Case("survey-header-only-no-newline", {"surveys/s.csv": HEAD.strip()}, "surveys/s.csv", "no responses"),
    Case("qualtrics-3-header-rows-no-responses", {"surveys/q.csv": QUALTRICS}, "surveys/q.csv", "no responses"),
    Case("qualtrics-3-header-rows-one-response",
         {"surveys/q.csv": QUALTRICS + "2026-08-01,2026-08-01,0,1.2.3.4,100,60,True,2026-08-01 10:00:00,R_1,8,"
                                       "Setup was quick\n"}, kept=("Setup was quick",)),
    Case("qualtrics-resaved-without-extra-header-rows",
         {"surveys/q.csv": "RecordedDate,ResponseId,Q1,Q1_NPS_GROUP,Q2\n2026-08-05 10:00:00,R_a1,9,Promoter,Great "
                           "onboarding\n"}),  # its comment column is known by row 2's question text only
    Case("decimal-comma-score", {"surveys/eu.csv": "response_id;date;score;comment\nE1;2026-08-01;1,0;Too pricey\n"
                                                   "E2;2026-08-01;7,5;Half a point\n"},
         "surveys/eu.csv", "whole number", kept=("Too pricey",)),
    Case("unclosed-quote", {"surveys/s.csv": HEAD + 'U1,2026-08-01,9,"never closed\nU2,2026-08-01,8,fine\n'},
         "surveys/s.csv", "never closed"),
    Case("duplicate-score-column", {"surveys/s.csv": "response_id,date,score,score,comment\nD1,2026-08-01,9,3,ok\n"},
         "surveys/s.csv", "score"),
    Case("nul-byte-early", {"surveys/s.csv": HEAD + "N1,2026-08-01,9,bad\x00byte\nN2,2026-08-01,8,Clean row\n"},
         "surveys/s.csv", "NUL", kept=("Clean row",)),
    Case("nul-byte-late", {"surveys/s.csv": HEAD + "".join(f"L{i},2026-08-01,9,Late row {i}\n" for i in range(600))
                           + "LX,2026-08-01,9,late\x00nul\n"}, "surveys/s.csv", "NUL", kept=("Late row 599",)),
    Case("escape-control-char", {"surveys/s.csv": HEAD + "C1,2026-08-01,9,ansi \x1b[31m red\nC2,2026-08-01,9,Plain\n"},
         "surveys/s.csv", "control character", kept=("Plain",)),
    Case("form-feed-in-field", {"surveys/s.csv": HEAD + "F1,2026-08-01,9,page\x0cbreak\nF2,2026-08-01,9,Plain too\n"},
         "surveys/s.csv", "control character", kept=("Plain too",)),
    Case("nul-in-header", {"surveys/s.csv": "response_id,da\x00te,score,comment\nH1,2026-08-01,9,x\n"},
         "surveys/s.csv", "header row"),
    Case("huge-field", {"surveys/s.csv": HEAD + f"G1,2026-08-01,9,{'x' * 150_000}\nG2,2026-08-01,9,Short one\n"},
         "surveys/s.csv", "field 'comment' has 150,000 characters", kept=("Short one",)),
    Case("field-limit-configured", {"workbench.yml": SETTINGS + "limits:\n  max_field_chars: 60\n",
                                    "surveys/s.csv": HEAD + f"M1,2026-08-01,9,{'long ' * 20}\nM2,2026-08-01,9,Brief\n"},
         "surveys/s.csv", "over the limit of 60", kept=("Brief",)),
    Case("file-over-size-limit", {"workbench.yml": SETTINGS + "limits:\n  max_file_mb: 0.001\n",
                                  "surveys/big.csv": HEAD + "".join(f"Z{i},2026-08-01,9,Row {i}\n" for i in range(100))},
         "surveys/big.csv", "over the limit of 0.001 MB"),
    Case("utf16-le-bom-tsv", {"surveys/s.tsv": b"\xff\xfe" + "response_id\tdate\tscore\tcomment\nT1\t2026-08-01\t9\t"
                                               "Caf\u00e9 integration\n".encode("utf-16-le")},
         kept=("Caf\u00e9 integration",)),
    Case("utf16-be-bom", {"surveys/s.csv": b"\xfe\xff" + (HEAD + "T2,2026-08-01,9,Big endian\n").encode("utf-16-be")},
         kept=("Big endian",)),
    Case("utf16-bom-odd-bytes", {"surveys/s.csv": b"\xff\xfe" + HEAD.encode("utf-16-le") + b"\x41"},
         "surveys/s.csv", "UTF-16"),
    Case("utf8-bom", {"surveys/s.csv": b"\xef\xbb\xbf" + (HEAD + "U1,2026-08-01,9,With a BOM\n").encode()},
         kept=("With a BOM",)),
    Case("cp1252-file", {"surveys/s.csv": (HEAD + "W1,2026-08-01,9,Caf\u00e9 cr\u00e8me \u201cquoted\u201d\n"
                                           "W2,2026-08-01,8,Na\u00efve r\u00e9sum\u00e9\n").encode("cp1252")},
         "surveys/s.csv", "cp1252", kept=("Caf\u00e9 cr\u00e8me \u201cquoted\u201d", "Na\u00efve r\u00e9sum\u00e9")),
    Case("utf8-with-one-cp1252-line", {"surveys/s.csv": (HEAD + "X1,2026-08-01,9,Gr\u00fc\u00dfe aus K\u00f6ln\n").encode()
                                       + "X2,2026-08-01,8,caf\u00e9 au lait\n".encode("cp1252")},
         "surveys/s.csv", "line 3", kept=("Gr\u00fc\u00dfe aus K\u00f6ln", "caf\u00e9 au lait")),
    Case("crlf-line-ends", {"surveys/s.csv": (HEAD + "R1,2026-08-01,9,Windows ends\n").replace("\n", "\r\n")},
         kept=("Windows ends",)),
    Case("cr-line-ends", {"surveys/s.csv": (HEAD + "R1,2026-08-01,9,Old Mac ends\n").replace("\n", "\r")},
         kept=("Old Mac ends",)),
    Case("empty-file", {"surveys/s.csv": ""}, "surveys/s.csv", "empty file"),
    Case("whitespace-file", {"surveys/s.csv": " \n\n\t\n"}, "surveys/s.csv", "empty file"),
    Case("binary-junk-csv", {"surveys/s.csv": JUNK}, "surveys/s.csv", "binary"),
    Case("png-named-csv", {"surveys/s.csv": PNG}, "surveys/s.csv", "PNG"),
    Case("xlsx-not-a-zip", {"surveys/s.xlsx": b"response_id,date,score\nR1,2026-08-01,9\n"}, "surveys/s.xlsx", "xlsx"),
    Case("xlsx-zip-of-text", {"surveys/s.xlsx": ZIP_OF_TEXT}, "surveys/s.xlsx", "xlsx"),
    Case("ragged-row", {"surveys/s.csv": HEAD + "A1,2026-08-01,9,one,two,three\nA2,2026-08-01,9,Fits\n"},
         "surveys/s.csv", "fields", kept=("Fits",)),
    Case("blank-lines-between-rows", {"surveys/s.csv": HEAD + "\n\nK1,2026-08-01,9,After blanks\n\n"},
         kept=("After blanks",)),
    Case("score-out-of-range", {"surveys/s.csv": HEAD + "O1,2026-08-01,11,Too high\nO2,2026-08-01,10,Top\n"},
         "surveys/s.csv", "out of range", kept=("Top",)),
    Case("score-a-word", {"surveys/s.csv": HEAD + "O1,2026-08-01,ten,Words\nO2,2026-08-01,10,Digits\n"},
         "surveys/s.csv", "not a number", kept=("Digits",)),
    Case("missing-date", {"surveys/s.csv": HEAD + "D1,,9,No date\nD2,2026-08-01,9,Dated\n"},
         "surveys/s.csv", "missing date", kept=("Dated",)),
    Case("duplicate-response-id", {"surveys/s.csv": HEAD + "B1,2026-08-01,9,Same id as base\n"},
         "surveys/s.csv", "duplicate id"),
    Case("semicolon-delimited", {"surveys/s.csv": "response_id;date;score;comment\nS1;2026-08-01;9;Semi, colons\n"},
         kept=("Semi, colons",)),
    Case("quoted-newline", {"surveys/s.csv": HEAD + 'Q1,2026-08-01,9,"two\nlines"\n'}, kept=("two\nlines",)),
    Case("unknown-layout", {"surveys/s.csv": "a,b,c\n1,2,3\n"}, "surveys/s.csv", "layout"),
    # --- KPI tables -----------------------------------------------------------------------------
    Case("accounts-bad-date", {"accounts2.csv": "account_id,company,start_date\nA009,Initech,someday\n"},
         "accounts2.csv", "not a date"),
    Case("arr-unknown-account", {"arr.csv": "account_id,quarter,arr\nA404,2026Q3,100\nA001,2026Q3,100\n"},
         "arr.csv", "unknown account_id"),
    Case("tickets-nul-description", {"tickets.csv": "ticket_id,account_id,opened_at,description\n"
                                                    "T1,A001,2026-08-01,bad\x00desc\nT2,A001,2026-08-01,Login fails\n"},
         "tickets.csv", "NUL", kept=("Login fails",)),
    Case("tickets-huge-description", {"tickets.csv": "ticket_id,account_id,opened_at,description\n"
                                                     f"T1,A001,2026-08-01,{'y' * 120_000}\nT2,A001,2026-08-01,Slow\n"},
         "tickets.csv", "field 'description'", kept=("Slow",)),
    Case("enps-decimal-comma", {"enps.csv": "response_id;date;team;score\nP1;2026-08-01;Ops;8,0\nP2;2026-08-01;Ops;x\n"},
         "enps.csv", "not a number"),
    Case("kpi-binary", {"arr.csv": JUNK}, "arr.csv", "binary"),
    # --- session notes --------------------------------------------------------------------------
    Case("note-personas-a-list", {"sessions/n.md": FM.format(n=2, extra="personas: [a, b]\n")},
         "sessions/n.md", "'personas' is a list"),
    Case("note-attendees-a-number", {"sessions/n.md": FM.format(n=2, extra="attendees: 5\n")},
         "sessions/n.md", "'attendees' is a number"),
    Case("note-attendees-a-string", {"sessions/n.md": FM.format(n=2, extra="attendees: Dana Whitfield, Leo Brandt\n")},
         kept=("Reports load fast now",)),
    Case("note-session-id-a-list", {"sessions/n.md": FM.format(n=2, extra="").replace("S-2", "[a, b]")},
         "sessions/n.md", "'session_id' is a list"),
    Case("note-account-an-object", {"sessions/n.md": FM.format(n=2, extra="account_id: {a: 1}\n")},
         "sessions/n.md", "'account_id' is an object"),
    Case("note-date-an-object", {"sessions/n.md": FM.format(n=2, extra="").replace("2026-08-04", "{d: 1}")},
         "sessions/n.md", "'date'"),
    Case("note-yaml-bomb", {"sessions/n.md": FM.format(n=2, extra=BOMB)}, "sessions/n.md", "alias"),
    Case("note-front-matter-not-closed", {"sessions/n.md": "---\ndate: 2026-08-04\n## Key insights\n- x\n"},
         "sessions/n.md", "no closing"),
    Case("note-front-matter-a-list", {"sessions/n.md": "---\n- a\n- b\n---\n## Key insights\n- x\n"},
         "sessions/n.md", "not a mapping"),
    Case("note-front-matter-bad-yaml", {"sessions/n.md": "---\ndate: [2026\n---\n## Key insights\n- x\n"},
         "sessions/n.md", "broken YAML"),
    Case("note-nul-in-a-line", {"sessions/n.md": FM.format(n=2, extra="") + "- bad \x00 line\n- Another good point\n"},
         "sessions/n.md", "NUL", kept=("Reports load fast now", "Another good point")),
    Case("note-huge-line", {"sessions/n.md": FM.format(n=2, extra="") + f"- {'z' * 120_000}\n- Still here\n"},
         "sessions/n.md", "characters, over the limit", kept=("Reports load fast now", "Still here")),
    Case("note-nul-then-broken-front-matter", {"sessions/n.md": "---\ndate: 2026-08-04\nx\x00y\n## Key insights\n- x\n"},
         "sessions/n.md", "no closing"),
    Case("note-no-front-matter", {"sessions/n.md": "# Check-in\nDate: 2026-08-04\n\n## Key insights\n- Plain note\n"},
         kept=("Plain note",)),
    Case("note-empty", {"sessions/n.md": ""}, "sessions/n.md", "empty file"),
    Case("note-cp1252", {"sessions/n.md": FM.format(n=2, extra="").replace("Reports load fast now",
                                                                           "Caf\u00e9 r\u00e9sum\u00e9 export")
                         .encode("cp1252")}, "sessions/n.md", "cp1252", kept=("Caf\u00e9 r\u00e9sum\u00e9 export",)),
    Case("note-cr-line-ends", {"sessions/n.md": FM.format(n=2, extra="").replace("\n", "\r")},
         kept=("Reports load fast now",)),
    Case("note-utf16", {"sessions/n.md": b"\xff\xfe" + FM.format(n=2, extra="").encode("utf-16-le")},
         kept=("Reports load fast now",)),
    Case("docx-not-a-zip", {"sessions/n.docx": b"just text, not a Word file"}, "sessions/n.docx", "Word"),
    Case("docx-zip-of-text", {"sessions/n.docx": ZIP_OF_TEXT}, "sessions/n.docx", "Word"),
    # --- transcripts ----------------------------------------------------------------------------
    Case("json-participants-a-number", {"transcripts/t.json": _wb([GOOD_TURN], participants=5)},
         "transcripts/t.json", "'participants' is a number"),
    Case("json-account-an-object", {"transcripts/t.json": _wb([GOOD_TURN], account_id={"id": 1})},
         "transcripts/t.json", "'account_id' is an object"),
    Case("json-turn-text-an-object", {"transcripts/t.json": _wb([GOOD_TURN, {"speaker": "Priya Shah",
                                                                             "text": {"x": 1}}])},
         "transcripts/t.json", "'text' is an object", kept=("Search got much better",)),
    Case("json-speaker-a-list", {"transcripts/t.json": _wb([GOOD_TURN, {"speaker": ["a", "b"], "text": "Who?"}])},
         "transcripts/t.json", "'speaker' is a list", kept=("Search got much better",)),
    Case("json-turn-a-string", {"transcripts/t.json": _wb([GOOD_TURN, "loose"])},
         "transcripts/t.json", "not an object", kept=("Search got much better",)),
    Case("json-truncated", {"transcripts/t.json": _wb([GOOD_TURN])[:-10]}, "transcripts/t.json", "invalid JSON"),
    Case("json-deep-nesting", {"transcripts/t.json": '{"turns": ' + "[" * 100_000 + "]" * 100_000 + "}"},
         "transcripts/t.json", "nested too deep"),
    Case("json-top-level-list", {"transcripts/t.json": "[1, 2]"}, "transcripts/t.json", "not recognised"),
    Case("json-turns-an-object", {"transcripts/t.json": _json({"turns": {"a": 1}})}, "transcripts/t.json",
         "not recognised"),
    Case("json-escaped-nul", {"transcripts/t.json": _wb([GOOD_TURN, {"speaker": "Priya Shah", "text": "nul\u0000x"}])},
         "transcripts/t.json", "NUL", kept=("Search got much better",)),
    Case("json-raw-nul", {"transcripts/t.json": _wb([GOOD_TURN]).replace("much", "mu\x00ch")}, "transcripts/t.json",
         "invalid JSON"),
    Case("gong-sentence-an-object", {"transcripts/g.json": _json({
        "metaData": {"started": "2026-08-05"}, "account_id": "A001",
        "parties": [{"name": "Priya Shah", "speakerId": "1", "affiliation": "external"}],
        "transcript": [{"speakerId": "1", "sentences": [{"text": {"x": 1}}]},
                       {"speakerId": "1", "sentences": [{"text": "Gong turn kept"}]}]})},
         "transcripts/g.json", "object or a list", kept=("Gong turn kept",)),
    Case("gong-account-a-list", {"transcripts/g.json": _json({
        "metaData": {"started": "2026-08-05"}, "account_id": ["A001"], "parties": [],
        "transcript": [{"speakerId": "1", "sentences": [{"text": "hi"}]}]})}, "transcripts/g.json", "'account_id'"),
    Case("vtt-bad-timestamps", {"transcripts/t.vtt": VTT_HEAD + "1\n00:00:01.000 --> 00:00:xx\nPriya Shah: Broken cue\n\n"
                                "2\n00:00:03.000 --> 00:00:04.000\nPriya Shah: Good cue\n"},
         "transcripts/t.vtt", "malformed cue timing", kept=("Good cue",)),
    Case("vtt-no-header", {"transcripts/t.vtt": "1\n00:00:01.000 --> 00:00:02.000\nPriya Shah: hi\n"},
         "transcripts/t.vtt", "not a WebVTT file"),
    Case("vtt-nul-in-cue", {"transcripts/t.vtt": VTT_HEAD + "1\n00:00:01.000 --> 00:00:02.000\nPriya Shah: bad\x00\n\n"
                            "2\n00:00:03.000 --> 00:00:04.000\nPriya Shah: Clean cue\n"},
         "transcripts/t.vtt", "NUL", kept=("Clean cue",)),
    Case("vtt-crlf", {"transcripts/t.vtt": (VTT_HEAD + "1\n00:00:01.000 --> 00:00:02.000\n<v Priya Shah>CRLF cue\n")
                      .replace("\n", "\r\n")}, kept=("CRLF cue",)),
    Case("srt-out-of-order", {"transcripts/t.srt": "2\n00:00:05,000 --> 00:00:06,000\nPriya Shah: Second first\n\n"
                              "1\n00:00:01,000 --> 00:00:02,000\nPriya Shah: First second\n",
                              "transcripts/manifest.csv": "file,account_id,date\nt.srt,A001,2026-08-05\n"},
         kept=("Second first", "First second")),
    Case("srt-bad-timing", {"transcripts/t.srt": "1\n00:00:01 -> 00:00:02\nPriya Shah: Arrow wrong\n\n"
                            "2\n00:00:03,000 --> 00:00:04,000\nPriya Shah: Arrow right\n",
                            "transcripts/manifest.csv": "file,account_id,date\nt.srt,A001,2026-08-05\n"},
         "transcripts/t.srt", "malformed SRT cue", kept=("Arrow right",)),
    Case("txt-nul-in-a-turn", {"transcripts/t.txt": TXT_HEAD + "Priya Shah: zero\x00here\nPriya Shah: Clean turn\n"},
         "transcripts/t.txt", "NUL", kept=("Clean turn",)),
    Case("txt-huge-turn", {"transcripts/t.txt": TXT_HEAD + f"Priya Shah: {'w' * 120_000}\nPriya Shah: Short turn\n"},
         "transcripts/t.txt", "over the limit", kept=("Short turn",)),
    Case("txt-no-speakers", {"transcripts/t.txt": TXT_HEAD + "just words\n\nmore words\n"},
         "transcripts/t.txt", "no speaker"),
    Case("txt-participants-a-number", {"transcripts/t.txt": TXT_HEAD.replace("Priya Shah (customer)", "5")
                                       + "Priya Shah: hi\n"}, "transcripts/t.txt", "'participants' is a number"),
    Case("txt-yaml-bomb", {"transcripts/t.txt": "---\n" + BOMB + "date: 2026-08-05\n---\nPriya Shah: hi\n"},
         "transcripts/t.txt", "alias"),
    Case("txt-no-date", {"transcripts/t.txt": "Priya Shah: When was this?\n"}, "transcripts/t.txt", "no date"),
    Case("manifest-missing-file", {"transcripts/manifest.csv": "file,account_id,date\nnope.vtt,A001,2026-08-05\n"},
         "transcripts/manifest.csv", "no such transcript file"),
    Case("unknown-file-type", {"transcripts/call.pdf": b"%PDF-1.4"}, "transcripts/call.pdf", "unknown file type"),
    # --- the file system ------------------------------------------------------------------------
    Case("dangling-symlink", {}, "surveys/gone.csv", "dangling symlink",
         setup=_link("surveys/gone.csv", lambda d: d / "nowhere.csv")),
    Case("symlink-to-dev-zero", {}, "surveys/zero.csv", "outside the data folder",
         setup=_link("surveys/zero.csv", lambda d: Path("/dev/zero"))),
    Case("symlink-out-of-folder", {}, "surveys/out.csv", "outside the data folder",
         setup=_link("surveys/out.csv", _outside)),
    Case("symlinked-folder", {}, "transcripts", "symlinked folder",
         setup=_link("transcripts", lambda d: d.parent, directory=True)),
    Case("symlink-inside-folder", {}, "surveys/zz_again.csv", "duplicate id",
         setup=_link("surveys/zz_again.csv", lambda d: d / "surveys" / "base.csv")),
    Case("fifo", {}, "surveys/pipe.csv", "not a regular file", setup=_fifo("surveys/pipe.csv")),
    Case("unreadable-file", {}, "surveys/locked.csv", "permission denied", setup=_unreadable),
    Case("quote-in-path", {"surveys/o'brien \"x\".csv": HEAD + "P1,2026-08-01,9,Quoted path\n"},
         kept=("Quoted path",)),
    Case("unicode-path", {"surveys/caf\u00e9 survey \U0001f600.csv": HEAD + "P2,2026-08-01,9,Emoji path\n"},
         kept=("Emoji path",)),
    Case("dot-file-ignored", {"surveys/.hidden.csv": JUNK}),
    # --- broken settings: the run stops, naming workbench.yml -----------------------------------
    Case("settings-layout-a-string", {"workbench.yml": "survey_layouts:\n  mine: just a string\n"},
         reason="survey_layouts.mine", error=SettingsError),
    Case("settings-invalid-regex", {"workbench.yml": "survey_layouts:\n  mine:\n    detect: ['re:(']\n"},
         reason="regular expression", error=SettingsError),
    Case("settings-a-directory", {}, reason="not a regular file", error=SettingsError,
         setup=lambda d: ((d / "workbench.yml").unlink(), (d / "workbench.yml").mkdir())),
    Case("settings-a-fifo", {}, reason="not a regular file", error=SettingsError,
         setup=lambda d: ((d / "workbench.yml").unlink(), os.mkfifo(d / "workbench.yml"))),
    Case("settings-staff-a-string", {"workbench.yml": "company:\n  staff: Dana Whitfield\n"},
         reason="company.staff", error=SettingsError),
    Case("settings-yaml-bomb", {"workbench.yml": BOMB + "company:\n  staff: *c\n"}, reason="alias",
         error=SettingsError),
    Case("settings-limits-typo", {"workbench.yml": "limits:\n  max_feild_chars: 5\n"}, reason="max_field_chars",
         error=SettingsError),
    Case("settings-limits-negative", {"workbench.yml": "limits:\n  max_file_mb: -1\n"}, reason="greater than 0",
         error=SettingsError),
    Case("settings-binary", {"workbench.yml": JUNK}, reason="workbench.yml", error=SettingsError),
]
