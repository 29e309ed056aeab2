"""Transcripts as text: WebVTT (Zoom, Teams), SRT, plain `Name: text` and Otter.ai `.txt`.

Also the shape every transcript reader returns (``Transcript`` of ``Turn``) and the rules for what
counts as a speaker's name, shared with the JSON readers in ``transcript_json``.
webvtt-py parses cue blocks and voice spans; what it does not do (speaker prefixes, wrapped cue
lines, Otter's header lines, paragraphs) is written here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import webvtt
from webvtt.srt import SRTCueBlock
from webvtt.vtt import WebVTTCueBlock

from .notes import split_front_matter
from .reading import FileProblem

SPEAKER_RE = re.compile(r"^\s*(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?\s*)?(?P<name>[^:\[\]<>]{1,60}?)\s*:(?:\s+(?P<text>.*))?$")  # noqa: E501 (a regular expression reads best on one line)
PARTICIPANT_RE = re.compile(r"^\s*(?P<name>[^()]+?)\s*\((?P<role>[^)]+)\)\s*$")
#: Otter.ai: the speaker and the time on a line of their own ("Priya Shah  0:05", "Speaker 1  1:02:33")
OTTER_HEADER_RE = re.compile(r"^\s*(?P<name>[^\s:](?:[^:]{0,58}[^\s:])?)\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
OTTER_FOOTER_RE = re.compile(r"^\s*transcribed by\s+\S*otter\.ai\S*\s*$", re.IGNORECASE)
#: Microsoft Teams cue identifiers: "<uuid>/<n>-<m>"
TEAMS_CUE_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/\d+-\d+$", re.IGNORECASE)
#: labels that tools give a voice they could not name: they split turns but name nobody
GENERIC_SPEAKER_RE = re.compile(
    r"^(?:unknown(?: speaker)?|unidentified(?: speaker)?|speaker(?:[ _-]?\w{1,3})?|guest(?: \d+)?|participant(?: \d+)?)$",
    re.IGNORECASE,
)
#: lower-case words allowed inside a name ("Ana de la Cruz")
NAME_PARTICLES = frozenset("de la del della van von der den da di du le bin al el y dos das ten ter".split())
#: single words that open a line of prose with a colon, not a speaker ("Note: ...")
NOT_NAMES = frozenset("note notes summary agenda question answer update todo fyi ps nb re subject example tip "
                      "warning important action actions edit source topic recap".split())


@dataclass
class Turn:
    locator: str
    speaker: str | None
    text: str
    raw: str
    #: why the speaker is missing, when the file says more than "no name" (a Gong speakerId not in parties)
    unnamed_reason: str | None = None


@dataclass
class Transcript:
    turns: list[Turn] = field(default_factory=list)
    #: (locator, reason, raw) of rows that could not be read
    bad: list[tuple[str, str, str]] = field(default_factory=list)
    account_id: str | None = None
    date: str | None = None
    participants: dict[str, str] = field(default_factory=dict)  # name -> customer | company | unknown
    emails: dict[str, str] = field(default_factory=dict)
    #: the tool the file comes from when it shows (otter, zoom, teams, gong, chorus); else the suffix
    layout: str | None = None


#: what tools append to a display name ("Priya Shah (Guest)"): not part of the name
NAME_SUFFIX_RE = re.compile(r"\s*\((?:guest|external|unverified|host|co-host)\)\s*$", re.IGNORECASE)


def clean_name(name: str) -> str:
    return " ".join(NAME_SUFFIX_RE.sub("", name).split())


def is_generic(name: str | None) -> bool:
    return bool(name) and bool(GENERIC_SPEAKER_RE.match(" ".join(name.split())))


def looks_like_name(name: str) -> bool:
    """Whether a label before a colon (or an Otter header) can be a person's name.

    Guards against prose read as a speaker ("The problem is this: ...", "Note: ..."): at most six
    words, no sentence punctuation, and in a name of several words every word but particles is
    capitalised. Generic labels ("Speaker 1") pass: they split turns, ``is_generic`` tells them apart.
    """
    words = name.split()
    if not 1 <= len(words) <= 6 or re.search(r"[!?;\"“”]", name):
        return False
    if len(words) == 1:
        return words[0].lower().strip(".,") not in NOT_NAMES
    return all(w[0].isupper() or w[0].isdigit() or w[0] in "(" or w.lower() in NAME_PARTICLES for w in words)


def role_of(value: str) -> str:
    value = value.strip().lower()
    if value in ("customer", "client", "prospect", "user"):
        return "customer"
    if value in ("company", "agent", "staff", "internal", "host", "csm", "support", "employee"):
        return "company"
    return "unknown"


def parse_participants(value) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(value, dict):
        return {str(k).strip(): role_of(str(v)) for k, v in value.items()}
    if isinstance(value, str):
        value = [p for p in re.split(r"[;\n]", value) if p.strip()]
    for item in value or []:
        if isinstance(item, dict) and item.get("name"):
            out[str(item["name"]).strip()] = role_of(str(item.get("role", "")))
        elif isinstance(item, str):
            m = PARTICIPANT_RE.match(item)
            if m:
                out[m.group("name").strip()] = role_of(m.group("role"))
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


def _speaker_line(line: str) -> tuple[str | None, str]:
    m = SPEAKER_RE.match(line)
    if m and looks_like_name(m.group("name").strip()):
        return clean_name(m.group("name")), (m.group("text") or "").strip()
    return None, line.strip()


def _speaker_text(text: str) -> tuple[str | None, str]:
    """Speaker and text of a cue: the name prefixes the first line; wrapped lines are the same turn."""
    first, _, rest = text.strip().partition("\n")
    speaker, body = _speaker_line(first)
    return speaker, " ".join(f"{body} {rest}".split())


def parse_vtt(text: str) -> Transcript:
    lines = text.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise FileProblem("not a WebVTT file: the first line must be 'WEBVTT'", "line 1")
    t = Transcript()
    n = 0
    ids, colon_speakers, voices = [], 0, 0
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
                    t.participants.update(parse_participants(value))
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
        ids.append(cue.identifier or "")
        if caption.voice:  # <v Name>text</v>, over as many lines as the cue has
            speaker, body, voices = clean_name(caption.voice), " ".join(caption.text.split()), voices + 1
        else:
            speaker, body = _speaker_text(caption.text)
            colon_speakers += speaker is not None
        t.turns.append(Turn(_cue_locator(n, cue.start), speaker, body, raw))
    if any(TEAMS_CUE_ID_RE.match(i) for i in ids):
        t.layout = "teams"
    elif ids and all(i.isdigit() for i in ids) and colon_speakers and not voices:
        t.layout = "zoom"
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
        t.turns.append(Turn(_cue_locator(n, cue.start), speaker, body, raw))
    return t


def _otter_header(line: str) -> str | None:
    m = OTTER_HEADER_RE.match(line)
    return clean_name(m.group("name")) if m and looks_like_name(m.group("name").strip()) else None


def _is_otter(lines: list[str], first: int) -> bool:
    """Otter when its header lines outnumber `Name: text` lines (a title such as 'Weekly sync 10:30'
    above a `Name: text` transcript does not make it Otter)."""
    body = [line for line in lines[first:] if line.strip()]
    headers = sum(_otter_header(line) is not None for line in body)
    colons = sum(_speaker_line(line)[0] is not None for line in body)
    return headers > colons


def _parse_otter(lines: list[str], first: int, t: Transcript) -> None:
    """Otter.ai: 'Name  m:ss' alone on a line, then the paragraph(s) spoken, up to the next such line.

    Text before the first header has no speaker; Otter's 'Transcribed by https://otter.ai' footer is
    not speech and is left out.
    """
    t.layout = "otter"
    turns = _Joiner(t)
    for i in range(first, len(lines)):
        line = lines[i]
        if not line.strip() or OTTER_FOOTER_RE.match(line):
            continue
        name = _otter_header(line)
        if name is not None:
            turns.start(Turn(f"line {i + 1}", name, "", line))
        elif not t.turns:
            turns.start(Turn(f"line {i + 1}", None, line.strip(), line))
        else:
            turns.add(line.strip(), line)
    turns.close()


class _Joiner:
    """Turns whose wrapped lines are joined once at the end (adding each line to the turn's text was
    quadratic in a turn of many lines)."""

    def __init__(self, t: Transcript):
        self.t, self.texts, self.raws = t, [], []

    def start(self, turn: Turn) -> None:
        self.close()
        self.t.turns.append(turn)
        self.texts, self.raws = [turn.text], [turn.raw]

    def add(self, text: str, raw: str) -> None:
        self.texts.append(text)
        self.raws.append(raw)

    def close(self) -> None:
        if self.t.turns and len(self.raws) > 1:
            turn = self.t.turns[-1]
            turn.text, turn.raw = " ".join(x for x in self.texts if x).strip(), "\n".join(self.raws)
        self.texts, self.raws = [], []


def _parse_paragraphs(lines: list[str], first: int, t: Transcript) -> None:
    """No speaker anywhere: one turn (without a speaker) per blank-line separated paragraph."""
    for start, block in _blocks(lines[first:]):
        t.turns.append(Turn(f"line {first + start + 1}", None, " ".join(" ".join(block).split()), "\n".join(block)))


def parse_txt(text: str) -> Transcript:
    lines = text.splitlines()
    t = Transcript()
    first = 0
    if lines and lines[0].strip() == "---":
        fm = split_front_matter(lines)
        t.account_id = str(fm.data["account_id"]) if fm.data.get("account_id") else None
        t.date = str(fm.data["date"]) if fm.data.get("date") else None
        t.participants = parse_participants(fm.data.get("participants"))
        first = fm.body_start
    if _is_otter(lines, first):
        _parse_otter(lines, first, t)
        return t
    if not any(_speaker_line(line)[0] for line in lines[first:]):
        _parse_paragraphs(lines, first, t)
        return t
    turns = _Joiner(t)
    for i in range(first, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        speaker, body = _speaker_line(line)
        if speaker is None and t.turns:
            turns.add(body, line)  # a wrapped line continues the turn before it
            continue
        turns.start(Turn(f"line {i + 1}", speaker, body, line))
    turns.close()
    return t
