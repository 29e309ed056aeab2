"""The sample company generator: determinism, volumes, answer-key locators, lifecycles and planted KPIs.

The files are parsed here with small independent code (csv, yaml, json, pandas), never with the
generator's own helpers, so a generator whose files disagree with its bookkeeping fails.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from workbench.cli import main as workbench_main
from workbench.sample import generate
from workbench.sample.planted import quarter_kpis

QUARTERS = ["2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
HEADER_ROWS = {"generic": 1, "qualtrics": 3, "surveymonkey": 2}


# ---------------------------------------------------------------- reading the files independently

def decode(raw: bytes) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252"), "cp1252"


def read_csv_rows(path: Path) -> tuple[list[list[str]], str, str]:
    """(rows, encoding, delimiter); rows[0] is spreadsheet row 1."""
    text, encoding = decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), encoding, delimiter


def survey_layout(header: list[str]) -> str:
    if "ResponseId" in header:
        return "qualtrics"
    if "Respondent ID" in header:
        return "surveymonkey"
    return "generic"


def parse_day(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise ValueError(value)


def quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def vtt_srt_cues(text: str) -> list[tuple[str, str]]:
    """(start HH:MM:SS, payload) per cue, skipping the WEBVTT header and NOTE blocks."""
    cues = []
    for block in text.strip("\n").split("\n\n"):
        lines = block.split("\n")
        timing = [i for i, line in enumerate(lines) if "-->" in line]
        if not timing:
            continue
        i = timing[0]
        cues.append((lines[i][:8], "\n".join(lines[i + 1:])))
    return cues


def manifest(root: Path) -> dict[str, tuple[str, str]]:
    rows = list(csv.DictReader((root / "transcripts" / "manifest.csv").open(encoding="utf-8", newline="")))
    return {r["file"]: (r["account_id"], r["date"]) for r in rows}


def transcript_meta(root: Path, path: Path) -> dict:
    """account_id, date and {name: role} (empty when the file has no participant list)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        doc = json.loads(text)
        return {"account_id": doc["account_id"], "date": doc["date"],
                "roles": {p["name"]: p["role"] for p in doc["participants"]}}
    if path.suffix == ".txt" and text.startswith("---\n"):
        meta = front_matter(text)
        return {"account_id": meta["account_id"], "date": str(meta["date"]), "roles": meta["participants"]}
    if path.suffix == ".vtt" and "\nNOTE\n" in text:
        note = text.split("\nNOTE\n", 1)[1].split("\n\n", 1)[0]
        fields = dict(line.split(": ", 1) for line in note.split("\n"))
        roles = dict(re.fullmatch(r"(.+) \((customer|company)\)", p.strip()).groups()
                     for p in fields["participants"].split(";"))
        return {"account_id": fields["account_id"], "date": fields["date"], "roles": roles}
    account_id, date = manifest(root)[path.name]
    return {"account_id": account_id, "date": date, "roles": {}}


def speaker_of(line: str) -> str:
    match = re.match(r"<v ([^>]+)>", line)
    return match.group(1) if match else line.split(": ", 1)[0]


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample7")
    generate(root, seed=7)
    return root


@pytest.fixture(scope="module")
def statements(sample) -> pd.DataFrame:
    return pd.read_csv(sample / "answer_key" / "statements.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def planted(sample) -> dict:
    return json.loads((sample / "answer_key" / "planted.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def staff(sample) -> set[str]:
    settings = yaml.safe_load((sample / "workbench.yml").read_text(encoding="utf-8"))
    assert settings["company"]["name"] == "Brightloop"
    assert settings["company"]["email_domains"] == ["brightloop.io"]
    return set(settings["company"]["staff"])


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- determinism and overwrite

def test_same_seed_same_bytes_other_seed_differs_and_rerun_overwrites_cleanly(sample, tmp_path, capsys):
    other = tmp_path / "other"
    assert workbench_main(["sample", "--out", str(other), "--seed", "8"]) == 0
    assert "survey_responses" in capsys.readouterr().out
    reference = all_files(sample)
    seed8 = all_files(other)
    assert set(seed8) == set(reference)  # file names do not depend on the seed
    assert sum(seed8[name] != reference[name] for name in reference) >= len(reference) // 2

    # things that are not the generator's: the workbench store, a user's file, and a stale generated file
    (other / ".workbench").mkdir()
    (other / ".workbench" / "store.duckdb").write_bytes(b"keep me")
    (other / "notes.txt").write_text("mine\n")
    (other / "sessions" / "S-2024Q4-001.md").write_text("stale\n")
    with (other / "answer_key" / "generated_files.txt").open("a") as listing:
        listing.write("sessions/S-2024Q4-001.md\n")
    generate(other, seed=7)
    assert (other / ".workbench" / "store.duckdb").read_bytes() == b"keep me"
    assert (other / "notes.txt").read_text() == "mine\n"
    assert not (other / "sessions" / "S-2024Q4-001.md").exists()
    rewritten = all_files(other)
    del rewritten[".workbench/store.duckdb"], rewritten["notes.txt"]
    assert rewritten == reference


def test_same_bytes_in_a_fresh_process_with_another_hash_seed(sample, tmp_path):
    out = tmp_path / "fresh"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", f"from workbench.sample import generate; generate({str(out)!r}, seed=7)"],
                   check=True, env=env, cwd=Path(__file__).resolve().parents[1])
    assert all_files(out) == all_files(sample)


def test_line_endings_are_lf(sample):
    for name, raw in all_files(sample).items():
        assert b"\r" not in raw, name


# ---------------------------------------------------------------- volumes and formats

def test_surveys_cover_layouts_encodings_delimiters_and_volume(sample, planted):
    bad = {(b["source_file"], b["locator"]) for b in planted["bad_rows"]}
    layouts, encodings, delimiters, clean = set(), set(), set(), 0
    for path in sorted((sample / "surveys").glob("*.csv")):
        rows, encoding, delimiter = read_csv_rows(path)
        layout = survey_layout(rows[0])
        layouts.add(layout)
        encodings.add(encoding)
        delimiters.add(delimiter)
        if layout == "qualtrics":
            assert rows[2][0].startswith('{"ImportId"')
        if layout == "surveymonkey":
            assert "Open-Ended Response" in rows[1]
        relative = path.relative_to(sample).as_posix()
        data = rows[HEADER_ROWS[layout]:]
        assert all(len(r) == len(rows[0]) for r in data)
        clean += sum((relative, f"row {HEADER_ROWS[layout] + i + 1}") not in bad for i in range(len(data)))
    assert layouts == {"generic", "qualtrics", "surveymonkey"}
    assert encodings == {"utf-8", "utf-8-sig", "cp1252"}
    assert delimiters == {",", ";", "\t"}
    assert clean >= 6000


def test_sessions_transcripts_tickets_enps_volumes(sample, staff):
    notes = sorted((sample / "sessions").glob("*.md"))
    assert len(notes) >= 40
    for note in notes:
        text = note.read_text(encoding="utf-8")
        meta = front_matter(text)
        for key in ("session_id", "account_id", "date", "duration_minutes", "moderator", "note_taker", "personas",
                    "attendees"):
            assert key in meta, (note.name, key)
        for section in ("## Key insights", "## Customer quotes", "## Watch party observations", "## Action items"):
            assert f"\n{section}\n" in text
        assert "| action | owner | due | status | closed |" in text
        assert {a["name"] for a in meta["attendees"]} <= staff
    items = re.findall(r"\| (\d{4}-\d\d-\d\d) \| (open|done) \|", "".join(n.read_text(encoding="utf-8") for n in notes))
    assert {"open", "done"} == {status for _, status in items}
    assert any(status == "open" and due < "2026-09-30" for due, status in items)  # some are overdue

    calls = sorted(p for p in (sample / "transcripts").iterdir() if p.name != "manifest.csv")
    assert len(calls) >= 120
    assert {p.suffix for p in calls} == {".vtt", ".srt", ".txt", ".json"}
    vtts = [p.read_text(encoding="utf-8") for p in calls if p.suffix == ".vtt"]
    assert any("\n<v " in t for t in vtts) and any(re.search(r"\n\d\d:\d\d:\d\d\.\d{3} --> .*\n[^<\n]+: ", t)
                                                    for t in vtts)
    assert any("\nNOTE\n" in t for t in vtts) and any("\nNOTE\n" not in t for t in vtts)
    txts = [p.read_text(encoding="utf-8") for p in calls if p.suffix == ".txt"]
    assert any(t.startswith("---\n") for t in txts) and any(not t.startswith("---\n") for t in txts)
    listed = manifest(sample)
    for path in calls:
        meta = transcript_meta(sample, path)
        assert re.fullmatch(r"A\d{4}", meta["account_id"]) and parse_day(meta["date"])
        if not meta["roles"]:
            assert path.name in listed  # no metadata in the file: the manifest carries it
        company = {n for n, r in meta["roles"].items() if r == "company"}
        assert company <= staff

    tickets = pd.read_csv(sample / "tickets.csv", dtype=str, keep_default_na=False)
    assert len(tickets) >= 2000
    assert set(tickets.escalated) == {"true", "false"}
    assert (tickets.csat == "").any() and (tickets.ces == "").any()
    assert set(tickets.csat) - {""} <= {"1", "2", "3", "4", "5"}
    assert set(tickets.ces) - {""} <= {str(i) for i in range(1, 8)}
    assert tickets.contacts.astype(int).min() == 1 and tickets.contacts.astype(int).max() > 2
    enps = pd.read_csv(sample / "enps.csv")
    assert len(enps) >= 200 and enps.score.between(0, 10).all()
    accounts = pd.read_csv(sample / "accounts.csv", dtype=str, keep_default_na=False)
    assert 250 <= len(accounts) <= 350


# ---------------------------------------------------------------- the answer key points at real places

def _check_csv_statement(rows: list[list[str]], source_file: str, locator: str, text: str) -> dt.date:
    n = int(locator.removeprefix("row "))
    row = rows[n - 1]
    assert text in row, (source_file, locator, text)
    header = rows[0]
    if source_file == "tickets.csv":
        return parse_day(row[header.index("opened_at")])
    layout = survey_layout(header)
    column = {"generic": "date", "qualtrics": "RecordedDate", "surveymonkey": "End Date"}[layout]
    return parse_day(row[header.index(column)])


def test_every_statement_locator_points_at_its_text(sample, statements, staff):
    cache: dict[str, object] = {}
    checked = 0
    for s in statements.itertuples(index=False):
        path = sample / s.source_file
        assert s.text.strip(), s
        if path.suffix == ".csv":
            rows = cache.setdefault(s.source_file, None) or read_csv_rows(path)[0]
            cache[s.source_file] = rows
            assert re.fullmatch(r"row \d+", s.locator)
            day = _check_csv_statement(rows, s.source_file, s.locator, s.text)
        elif path.suffix in (".md", ".txt"):
            assert re.fullmatch(r"line \d+", s.locator)
            text = path.read_text(encoding="utf-8")
            line = text.split("\n")[int(s.locator.removeprefix("line ")) - 1]
            assert s.text in line, (s.source_file, s.locator)
            if path.suffix == ".md":
                day = parse_day(str(front_matter(text)["date"]))
            else:
                assert speaker_of(line) not in staff
                day = parse_day(transcript_meta(sample, path)["date"])
        elif path.suffix in (".vtt", ".srt"):
            match = re.fullmatch(r"cue (\d+) \((\d\d:\d\d:\d\d)\)", s.locator)
            assert match, s.locator
            start, payload = vtt_srt_cues(path.read_text(encoding="utf-8"))[int(match.group(1)) - 1]
            assert start == match.group(2) and s.text in payload, (s.source_file, s.locator)
            assert speaker_of(payload) not in staff
            day = parse_day(transcript_meta(sample, path)["date"])
        else:
            match = re.fullmatch(r"turn (\d+)", s.locator)
            assert match and path.suffix == ".json"
            doc = json.loads(path.read_text(encoding="utf-8"))
            turn = doc["turns"][int(match.group(1)) - 1]
            assert turn["text"] == s.text and turn["speaker"] not in staff
            day = parse_day(doc["date"])
        assert quarter(day) == s.quarter, (s.source_file, s.locator)
        checked += 1
    assert checked == len(statements) > 8000
    assert set(statements.source) == {"nps", "ticket", "csat", "session_note", "transcript"}


def test_themes_lifecycles_and_statement_mix(sample, statements):
    themes = pd.read_csv(sample / "answer_key" / "themes.csv", dtype=str)
    assert 12 <= len(themes) <= 16
    assert set(themes.journey_stage) == {"onboarding", "adoption", "support", "billing", "renewal"}
    assert set(themes.sentiment) == {"negative", "positive"}
    assert sorted(themes.lifecycle.value_counts().items()) == [("emerging", 1), ("fading", 1),
                                                              ("steady", len(themes) - 2)]
    known = set(themes.theme_key)
    tagged = statements.assign(keys=statements.themes.str.split("|")).explode("keys")
    tagged = tagged[tagged["keys"] != ""]
    assert set(tagged["keys"]) == known

    emerging = themes.theme_key[themes.lifecycle == "emerging"].item()
    fading = themes.theme_key[themes.lifecycle == "fading"].item()
    assert set(tagged.quarter[tagged["keys"] == emerging]) == {QUARTERS[-1]}
    assert set(tagged.quarter[tagged["keys"] == fading]).isdisjoint(QUARTERS[-2:])
    assert set(tagged.quarter[tagged["keys"] == fading]) >= set(QUARTERS[:3])
    for key in known - {emerging, fading}:
        assert set(tagged.quarter[tagged["keys"] == key]) == set(QUARTERS), key

    assert (statements.themes == "").mean() > 0.05  # "ok", "n/a", greetings
    assert statements.themes.str.contains("|", regex=False).sum() > 300  # two themes in one comment
    assert statements.text.str.contains(r"[áéíóúñüäöß]").sum() > 50  # Spanish, German, French comments
    assert statements.text.str.contains("[\U0001F300-\U0001FAFF]").sum() > 20  # emoji


def test_requirements_are_flagged_exactly(statements):
    asks = (r"(?i)\b(?:i wish|it would be great|we need|please add|please keep|which is a blocker|missing|needs|"
            r"asked for|want|necesitamos|brauchen)\b")
    strong = r"(?i)\b(?:please add|it would be great if|which is a blocker|we need a|i wish the|missing an?)\b"
    required = statements[statements.is_requirement == "1"]
    others = statements[statements.is_requirement == "0"]
    assert 0.08 < len(required) / len(statements) < 0.4
    assert required.text.str.contains(asks).mean() > 0.95  # the rest carry typos in the cue words
    assert others.text.str.contains(strong).mean() < 0.005
    # look-alikes that ask for nothing are not requirements (unless a second theme's sentence asks)
    single = statements[~statements.themes.str.contains("|", regex=False)]
    for decoy in ("I can't praise the team enough", "Nothing missing", "I wish every vendor", "I wish we had bought"):
        flags = single.is_requirement[single.text.str.contains(decoy, regex=False)]
        assert len(flags) and (flags == "0").all(), decoy


def luhn(number: str) -> bool:
    digits = [int(c) for c in number][::-1]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def test_planted_pii(statements):
    kinds = set("|".join(statements.pii).split("|")) - {""}
    assert kinds == {"email", "phone", "name", "address", "card"}
    emails = statements[statements.pii.str.contains("email")]
    assert emails.text.str.contains(r"[\w.]+@[\w-]+\.[\w.]+").all()
    cards = statements.text[statements.pii.str.contains("card")].str.findall(r"\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}")
    numbers = [re.sub(r"\D", "", n) for found in cards for n in found]
    assert numbers and all(luhn(n) for n in numbers)
    assert luhn("4539148803436467") and not luhn("4539148803436468")  # the check itself, by hand


def test_bad_rows_are_few_and_really_bad(sample, planted):
    bad = planted["bad_rows"]
    assert 5 <= len(bad) < 15
    reasons = " ".join(b["reason"] for b in bad)
    for word in ("n/a", "11", "date", "duplicate", "end_date", "negative"):
        assert word in reasons
    for b in bad:
        rows, _, _ = read_csv_rows(sample / b["source_file"])
        row = dict(zip(rows[0], rows[int(b["locator"].removeprefix("row ")) - 1]))
        if b["source_file"] == "accounts.csv":
            assert row["end_date"] < row["start_date"]
        elif b["source_file"] == "arr.csv":
            assert float(row["arr"]) < 0


# ---------------------------------------------------------------- planted KPIs, recomputed from the CSVs

def _survey_frame(path: Path, relative: str) -> pd.DataFrame:
    rows, encoding, delimiter = read_csv_rows(path)
    layout = survey_layout(rows[0])
    skip = list(range(1, HEADER_ROWS[layout]))
    frame = pd.read_csv(path, encoding=encoding, sep=delimiter, skiprows=skip, dtype=str, keep_default_na=False)
    recommend = [c for c in frame.columns if "recommend" in c]
    date, score, rid = {
        "generic": ("date", "score", "response_id"),
        "qualtrics": ("RecordedDate", "Q1", "ResponseId"),
        "surveymonkey": ("End Date", recommend[0] if recommend else "", "Respondent ID"),
    }[layout]
    return pd.DataFrame({"source_file": relative, "locator": [f"row {HEADER_ROWS[layout] + i + 1}"
                                                               for i in range(len(frame))],
                         "date": frame[date], "score": frame[score], "response_id": frame[rid]})


def _nps(scores: pd.Series) -> float:
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


def _drop_bad(frame: pd.DataFrame, bad: set, source_file: str | None = None) -> pd.DataFrame:
    if source_file is not None:
        frame = frame.assign(source_file=source_file, locator=[f"row {i + 2}" for i in range(len(frame))])
    keep = [(f, loc) not in bad for f, loc in zip(frame.source_file, frame.locator)]
    return frame[keep]


def test_planted_kpis_match_the_files(sample, planted):
    bad = {(b["source_file"], b["locator"]) for b in planted["bad_rows"]}
    surveys = pd.concat([_survey_frame(p, p.relative_to(sample).as_posix())
                         for p in sorted((sample / "surveys").glob("*.csv"))])
    surveys = _drop_bad(surveys, bad)
    # after dropping the planted rows everything parses: the bad-row list is complete
    surveys["day"] = surveys.date.map(parse_day)
    surveys["score"] = surveys.score.astype(int)
    assert surveys.score.between(0, 10).all() and surveys.response_id.is_unique

    enps = pd.read_csv(sample / "enps.csv", dtype={"score": int})
    tickets = pd.read_csv(sample / "tickets.csv", keep_default_na=False, dtype=str)
    tickets["opened"] = pd.to_datetime(tickets.opened_at)
    accounts = _drop_bad(pd.read_csv(sample / "accounts.csv", keep_default_na=False, dtype=str), bad, "accounts.csv")
    accounts = accounts.assign(start=pd.to_datetime(accounts.start_date), end=pd.to_datetime(accounts.end_date))
    assert (accounts.end.isna() | (accounts.end >= accounts.start)).all()
    arr = _drop_bad(pd.read_csv(sample / "arr.csv", dtype={"arr": float}), bad, "arr.csv")
    assert (arr.arr >= 0).all()
    sessions = [front_matter(p.read_text(encoding="utf-8")) for p in sorted((sample / "sessions").glob("*.md"))]

    for q in QUARTERS:
        first, last = pd.Period(q, "Q").start_time.normalize(), pd.Period(q, "Q").end_time.normalize()
        expected = planted["kpis"][q]
        got = {}
        in_q = surveys[[quarter(d) == q for d in surveys.day]]
        got["nps"] = _nps(in_q.score)
        got["enps"] = _nps(enps.score[[quarter(parse_day(d)) == q for d in enps.date]])
        t = tickets[(tickets.opened >= first) & (tickets.opened < last + pd.Timedelta(days=1))]
        answered = t.csat[t.csat != ""].astype(int)
        got["csat"] = 100 * (answered >= 4).mean()
        got["ces_mean"] = t.ces[t.ces != ""].astype(int).mean()
        got["fcr"] = (t.contacts.astype(int) == 1).mean()
        existing = accounts[(accounts.start < first) & (accounts.end.isna() | (accounts.end >= first))]
        left = accounts[(accounts.end >= first) & (accounts.end <= last)]
        acquired = accounts[(accounts.start >= first) & (accounts.start <= last)]
        existing_left = existing[existing.end <= last]
        got["retention"] = (len(existing) - len(existing_left)) / len(existing)
        got["churn"] = len(left) / (len(existing) + len(acquired))
        got["referral_rate"] = (acquired.referred_by != "").mean()
        prior = str(pd.Period(q, "Q") - 1)
        by_key = arr.set_index(["account_id", "quarter"]).arr
        before = sum(by_key.get((a, prior), 0.0) for a in existing.account_id)
        after = sum(by_key.get((a, q), 0.0) for a in existing.account_id)
        got["nrr"] = after / before
        got["exposure_hours"] = sum(len(s["attendees"]) * s["duration_minutes"] / 60 for s in sessions
                                    if quarter(s["date"]) == q)
        assert set(expected) == set(got)
        for name, value in got.items():
            assert expected[name] == pytest.approx(value, abs=2e-6), (q, name)
    nps = [planted["kpis"][q]["nps"] for q in QUARTERS]
    assert max(nps) - min(nps) > 5  # NPS moves over the quarters


def test_planted_kpi_definitions_by_hand():
    """A tiny world for 2025Q3 (Jul 1 - Sep 30) whose KPIs are worked out by hand."""
    day = dt.date
    account = lambda i, start, end=None, referred_by="": SimpleNamespace(  # noqa: E731
        account_id=i, start=start, end=end, referred_by=referred_by)
    book = SimpleNamespace(
        accounts=[account("A1", day(2024, 1, 1)),
                  account("A2", day(2024, 6, 1), day(2025, 8, 15)),  # existing, leaves in Q3
                  account("A3", day(2025, 7, 10), referred_by="A1"),  # acquired, referred
                  account("A4", day(2025, 8, 1)),  # acquired
                  account("A5", day(2025, 5, 1), day(2025, 6, 20))],  # gone before Q3
        arr_rows=[("A1", "2025Q2", 100.0), ("A2", "2025Q2", 50.0), ("A5", "2025Q1", 70.0),
                  ("A1", "2025Q3", 120.0), ("A3", "2025Q3", -30.0), ("A4", "2025Q3", 10.0)],
        bad_arr=("A3", "2025Q3"))
    q3, q2 = "2025Q3", "2025Q2"
    responses = [SimpleNamespace(quarter=q3, score=s) for s in (10, 9, 7, 3)] + [SimpleNamespace(quarter=q2, score=0)]
    enps = [SimpleNamespace(quarter=q3, score=10), SimpleNamespace(quarter=q3, score=0)]
    tickets = [SimpleNamespace(quarter=q3, csat=5, ces=7, contacts=1),
               SimpleNamespace(quarter=q3, csat=2, ces=None, contacts=2),
               SimpleNamespace(quarter=q3, csat=None, ces=4, contacts=1),
               SimpleNamespace(quarter=q2, csat=1, ces=1, contacts=5)]
    sessions = [SimpleNamespace(quarter=q3, attendees=[1, 2, 3], duration_minutes=90),
                SimpleNamespace(quarter=q2, attendees=[1], duration_minutes=60)]
    got = quarter_kpis(q3, book, responses, enps, tickets, sessions)
    assert got == {
        "nps": 25.0,  # 2 promoters, 1 detractor of 4
        "enps": 0.0,
        "csat": 50.0,  # one of two answers is 4-5
        "ces_mean": 5.5,
        "retention": 0.5,  # A1 and A2 existed, A2 left
        "churn": 0.25,  # 1 left / (2 existing + 2 acquired)
        "nrr": 0.8,  # (120 + 0) / (100 + 50)
        "referral_rate": 0.5,
        "fcr": round(2 / 3, 6),
        "exposure_hours": 4.5,  # 3 attendees x 1.5 h
    }


def test_scores_depend_on_themes(sample, statements):
    themes = pd.read_csv(sample / "answer_key" / "themes.csv", dtype=str).set_index("theme_key").sentiment
    nps = statements[(statements.source == "nps") & (statements.themes != "")]
    frames = {}
    for path in sorted((sample / "surveys").glob("*.csv")):
        relative = path.relative_to(sample).as_posix()
        frames[relative] = _survey_frame(path, relative).set_index("locator").score
    scores = [int(frames[f][loc]) for f, loc in zip(nps.source_file, nps.locator)]
    primary = nps.themes.str.split("|").str[0].map(themes)
    scored = pd.DataFrame({"score": scores, "sentiment": primary.values})
    mean = scored.groupby("sentiment").score.mean()
    assert mean["positive"] > 8 and mean["negative"] < 6.5
