"""Call transcripts: WebVTT, SRT, plain `Name: text` and JSON (see docs/data-format.md).

Each turn (cue, line or JSON turn) is one row. Customer turns become themed evidence; company turns
are kept for context with speaker_role 'company'.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import webvtt
from webvtt.srt import SRTCueBlock
from webvtt.vtt import WebVTTCueBlock

from ..redact import NameBook
from .context import Context
from .fields import parse_date
from .notes import split_front_matter
from .reading import FileProblem, read_csv_records, read_text

SPEAKER_RE = re.compile(r"^\s*(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?\s*)?(?P<name>[^:\[\]<>]{1,60}?)\s*:(?:\s+(?P<text>.*))?$")
PARTICIPANT_RE = re.compile(r"^\s*(?P<name>[^()]+?)\s*\((?P<role>[^)]+)\)\s*$")
TRANSCRIPT_SUFFIXES = {".vtt", ".srt", ".txt", ".json"}


@dataclass
class Turn:
    locator: str
    speaker: str | None
    text: str
    raw: str


@dataclass
class Transcript:
    turns: list[Turn] = field(default_factory=list)
    #: (locator, reason, raw) of rows that could not be read
    bad: list[tuple[str, str, str]] = field(default_factory=list)
    account_id: str | None = None
    date: str | None = None
    participants: dict[str, str] = field(default_factory=dict)  # name -> customer | company
    emails: dict[str, str] = field(default_factory=dict)


def _role(value: str) -> str:
    value = value.strip().lower()
    if value in ("customer", "client", "prospect", "user"):
        return "customer"
    if value in ("company", "agent", "staff", "internal", "host", "csm", "support", "employee"):
        return "company"
    return "unknown"


def _parse_participants(value) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(value, dict):
        return {str(k).strip(): _role(str(v)) for k, v in value.items()}
    if isinstance(value, str):
        value = [p for p in re.split(r"[;\n]", value) if p.strip()]
    for item in value or []:
        if isinstance(item, dict) and item.get("name"):
            out[str(item["name"]).strip()] = _role(str(item.get("role", "")))
        elif isinstance(item, str):
            m = PARTICIPANT_RE.match(item)
            if m:
                out[m.group("name").strip()] = _role(m.group("role"))
    return out


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the 0-based index of their first line."""
    blocks, current, start = [], [], 0
    for i, line in enumerate(lines):
        if line.strip():
            if not current:
                start = i
            current.append(line.rstrip("\n"))
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _cue_locator(n: int, start: str) -> str:
    return f"cue {n} ({start.replace(',', '.').split('.')[0]})"


def _speaker_text(text: str) -> tuple[str | None, str]:
    m = SPEAKER_RE.match(text)
    return (m.group("name").strip(), (m.group("text") or "").strip()) if m else (None, text.strip())


def parse_vtt(text: str) -> Transcript:
    lines = text.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise FileProblem("not a WebVTT file: the first line must be 'WEBVTT'", "line 1")
    t = Transcript()
    n = 0
    for start, block in _blocks(lines[1:]):
        if block[0].startswith("NOTE"):
            for line in block[1:] + ([block[0][4:]] if block[0][4:].strip() else []):
                key, _, value = line.partition(":")
                key = key.strip().lower()
                if key in ("account_id", "account"):
                    t.account_id = value.strip()
                elif key == "date":
                    t.date = value.strip()
                elif key == "participants":
                    t.participants.update(_parse_participants(value))
            continue
        if block[0].startswith(("STYLE", "REGION")) or not any("-->" in line for line in block):
            continue
        n += 1
        raw = "\n".join(block)
        timing = next(line for line in block if "-->" in line)
        if not WebVTTCueBlock.is_valid(block):
            t.bad.append((f"cue {n} (line {start + 2})", f"malformed cue timing '{timing.strip()[:40]}' (truncated file?)", raw))
            continue
        cue = WebVTTCueBlock.from_lines(block)
        caption = webvtt.Caption(cue.start, cue.end, list(cue.payload))
        speaker, body = (caption.voice, caption.text.strip()) if caption.voice else _speaker_text(caption.text)
        t.turns.append(Turn(_cue_locator(n, cue.start), speaker, " ".join(body.split()), raw))
    return t


def parse_srt(text: str) -> Transcript:
    t = Transcript()
    n = 0
    for start, block in _blocks(text.splitlines()):
        n += 1
        raw = "\n".join(block)
        if not SRTCueBlock.is_valid(block):
            t.bad.append((f"cue {n} (line {start + 1})", "malformed SRT cue: expected a number, then 'start --> end'", raw))
            continue
        cue = SRTCueBlock.from_lines(block)
        caption = webvtt.Caption(cue.start.replace(",", "."), cue.end.replace(",", "."), list(cue.payload))
        speaker, body = _speaker_text(caption.text)
        t.turns.append(Turn(_cue_locator(n, cue.start), speaker, " ".join(body.split()), raw))
    return t


def parse_txt(text: str) -> Transcript:
    lines = text.splitlines()
    t = Transcript()
    first = 0
    if lines and lines[0].strip() == "---":
        fm = split_front_matter(lines)
        t.account_id = str(fm.data["account_id"]) if fm.data.get("account_id") else None
        t.date = str(fm.data["date"]) if fm.data.get("date") else None
        t.participants = _parse_participants(fm.data.get("participants"))
        first = fm.body_start
    for i in range(first, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        speaker, body = _speaker_text(line)
        if speaker is None and t.turns:
            prev = t.turns[-1]  # a wrapped line continues the turn before it
            prev.text = f"{prev.text} {body}".strip()
            prev.raw += "\n" + line
            continue
        t.turns.append(Turn(f"line {i + 1}", speaker, body, line))
    return t


def parse_json(text: str) -> Transcript:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"invalid JSON: {exc.msg}", f"line {exc.lineno}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("turns"), list):
        raise FileProblem("JSON transcript needs an object with a 'turns' list")
    t = Transcript(account_id=data.get("account_id"), date=data.get("date"))
    t.participants = _parse_participants(data.get("participants"))
    for p in data.get("participants") or []:
        if isinstance(p, dict) and p.get("name") and p.get("email"):
            t.emails[str(p["name"])] = str(p["email"])
    for i, turn in enumerate(data["turns"], start=1):
        raw = json.dumps(turn, ensure_ascii=False)
        if not isinstance(turn, dict):
            t.bad.append((f"turn {i}", "turn is not an object", raw))
            continue
        speaker = turn.get("speaker")
        t.turns.append(Turn(f"turn {i}", str(speaker) if speaker else None, str(turn.get("text") or "").strip(), raw))
    return t


PARSERS = {".vtt": parse_vtt, ".srt": parse_srt, ".txt": parse_txt, ".json": parse_json}


def load_manifest(path: Path, ctx: Context) -> dict[str, dict]:
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "transcript", "manifest")
    records = read_csv_records(read_text(path).text)
    out = {}
    for n, row in zip(records.row_numbers, records.rows):
        rec = dict(zip(records.header, row))
        name = (rec.get("file") or "").strip()
        if not name:
            ctx.ledger.reject(rel, f"row {n}", "missing file", ",".join(row))
            continue
        if not (path.parent / name).exists():
            ctx.ledger.reject(rel, f"row {n}", f"no such transcript file '{name}'", ",".join(row))
            continue
        out[name] = {"account_id": (rec.get("account_id") or "").strip() or None, "date": (rec.get("date") or "").strip() or None}
        ctx.ledger.accept(rel)
    return out


def load_transcript(path: Path, ctx: Context, manifest: dict[str, dict]) -> None:
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "transcript", path.suffix.lstrip("."))
    t = PARSERS[path.suffix.lower()](read_text(path).text)
    listed = manifest.get(path.name) or manifest.get(rel) or {}
    account_id = t.account_id or listed.get("account_id")
    date_raw = t.date or listed.get("date")
    date = parse_date(date_raw)
    for loc, reason, raw in t.bad:
        ctx.ledger.reject(rel, loc, reason, raw)
    if pd.isna(date):
        reason = (f"transcript date '{date_raw}' is not a date" if date_raw
                  else "no date for this transcript (not in the file, nor in transcripts/manifest.csv)")
        for turn in t.turns:
            ctx.ledger.reject(rel, turn.locator, reason, turn.raw)
        return
    settings = ctx.settings
    local = NameBook()
    roles: dict[str | None, str] = {}
    customers = sorted({s for s in (x.speaker for x in t.turns) if s})
    for speaker in customers + sorted(t.participants):
        if speaker in roles:
            continue
        role = t.participants.get(speaker)
        if role is None or role == "unknown":
            if settings.is_staff(speaker, t.emails.get(speaker)):
                role = "company"
            elif t.participants or settings.staff or settings.email_domains:
                role = "customer"
            else:
                role = "unknown"
        roles[speaker] = role
        label = {"customer": "Customer", "company": "Company"}.get(role, "Speaker")
        local.add(speaker, label)
        ctx.known_names.add(speaker, label)
    local.add_identifiers_from([turn.text for turn in t.turns] + list(t.emails.values()))
    rows = []
    for turn in t.turns:
        if not turn.text:
            ctx.ledger.reject(rel, turn.locator, "empty text", turn.raw)
            continue
        rows.append({
            "source": "transcript", "kind": "utterance", "source_file": rel, "locator": turn.locator,
            "account_id": account_id, "persona": None,
            "speaker_role": roles.get(turn.speaker, "unknown") if turn.speaker else "unknown",
            "date": date, "score": float("nan"), "text": turn.text, "_local": local,
        })
    ctx.ledger.accept(rel, len(rows))
    if rows:
        ctx.add_evidence(pd.DataFrame(rows))
