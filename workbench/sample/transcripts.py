"""Call transcripts in WebVTT, SRT, plain text and JSON, plus the manifest for files without metadata."""
from __future__ import annotations

import json
import random
from dataclasses import dataclass

from . import people, voice
from .accounts import Account, Book
from .answer_key import AnswerKey
from .surveys import pick_theme, speaker
from .timeline import QUARTERS, random_day
from .writers import Output

CALLS_PER_QUARTER = 22
#: the file style of call n cycles through these: (format, speaker style, carries account/date/participants)
STYLES = [("vtt", "voice", True), ("json", "", True), ("srt", "colon", False), ("txt", "colon", True),
          ("vtt", "colon", False), ("json", "", True), ("txt", "colon", False), ("vtt", "voice", False),
          ("srt", "colon", False), ("vtt", "colon", True), ("txt", "colon", True)]
COMPANY_LINES = {
    "open": ["Thanks for making the time today.", "Great to see everyone. Shall we get started?",
             "Hi all, thanks for joining. Quick reminder that we record these for our research team."],
    "ask": ["Can you walk me through how your team uses Brightloop day to day?",
            "What has changed for your team since we last spoke?", "How are things going with the rollout?"],
    "probe": ["Can you tell me more about {topic}?", "How often do you run into problems with {topic}?",
              "Who on your side is most affected by {topic}?", "What would good look like for {topic}?"],
    "praise": ["What do you value most about {topic}?", "Can you give me an example of {topic} helping your team?",
               "That's great to hear. What made the difference with {topic}?"],
    "ack": ["That's really helpful, I'll share it with the product team.",
            "We're tracking that internally, I'll follow up with an update.", "Got it, thanks for the detail.",
            "Understood. Let me loop in our engineering lead on that.",
            "Our next release includes some improvements there, happy to share the roadmap."],
    "close": ["Anything else you'd like us to look at before we wrap up?",
              "Thanks, this was really useful. I'll send the notes and next steps after the call."],
}


@dataclass
class Calls:
    formats: dict[str, int]  # files written per format
    staff: set[str]  # company people who spoke


@dataclass
class Turn:
    name: str
    role: str  # customer | company
    text: str
    start: float  # seconds from the start of the call
    end: float
    said: voice.Utterance | None  # customer turns only


def _clock(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _conversation(rng: random.Random, account: Account, quarter: str) -> list[Turn]:
    customers = rng.sample([c for c in account.contacts], rng.choice([1, 1, 2]))
    company = [account.csm] + ([rng.choice([n for n, _ in people.STAFF if n != account.csm])]
                               if rng.random() < 0.5 else [])
    category = rng.choice(["detractor", "passive", "promoter"])
    themes = [pick_theme(rng, quarter, category, customers[0].persona)]
    for _ in range(rng.randint(0, 2)):
        themes.append(pick_theme(rng, quarter, rng.choice(["detractor", "promoter"]), customers[0].persona,
                                 exclude=tuple(t.key for t in themes)))
    script: list[tuple[str, str, voice.Utterance | None]] = []
    used: set[str] = set()  # templates already said in this call

    def staff(kind: str, topic: str = "") -> None:
        script.append((rng.choice(company), rng.choice(COMPANY_LINES[kind]).format(topic=topic), None))

    def customer(theme=None) -> None:
        contact = rng.choice(customers)
        if theme is None:
            said = voice.Utterance(rng.choice(voice.FILLER_TURNS))
        else:
            said = voice.spoken(rng, theme, speaker(rng, account, contact),
                                p_requirement=0.25 if theme.negative else 0.08, avoid=used)
            if rng.random() < 0.04:
                voice.add_pii(rng, said, speaker(rng, account, contact), rng.choice(["email", "phone", "name"]))
        script.append((contact.name, said.text, said))

    staff("open")
    customer()
    staff("ask")
    for theme in themes:
        customer(theme)
        staff("probe" if theme.negative else "praise", rng.choice(theme.topics))
        customer(theme if rng.random() < 0.7 else None)
        if rng.random() < 0.6:
            staff("ack")
    staff("close")
    customer()
    turns, clock = [], rng.uniform(1.0, 6.0)
    for name, text, said in script:
        length = max(1.5, len(text) / rng.uniform(12, 17))
        role = "customer" if said is not None else "company"
        turns.append(Turn(name, role, text, round(clock, 3), round(clock + length, 3), said))
        clock += length + rng.uniform(0.3, 2.5) + (rng.uniform(10, 90) if rng.random() < 0.1 else 0)
    return turns


def _participants_line(turns: list[Turn]) -> str:
    seen = dict.fromkeys((t.name, t.role) for t in turns)
    return "; ".join(f"{name} ({role})" for name, role in seen)


def build(rng: random.Random, book: Book, out: Output, key: AnswerKey) -> Calls:
    manifest = [["file", "account_id", "date"]]
    calls = Calls({}, set())
    n = 0
    for quarter in QUARTERS:
        days = sorted(random_day(rng, quarter, weekday=True) for _ in range(CALLS_PER_QUARTER))
        for day in days:
            n += 1
            fmt, style, carries = STYLES[(n - 1) % len(STYLES)]
            account = rng.choice(book.active_on(day))
            turns = _conversation(rng, account, quarter)
            name = f"call_{n:03d}.{fmt}"
            path = f"transcripts/{name}"
            writer = {"vtt": _vtt, "srt": _srt, "txt": _txt, "json": _json}[fmt]
            text = writer(path, turns, account, day, style, carries, quarter, key, n)
            out.write_text(path, text)
            if not carries:
                manifest.append([name, account.account_id, day.isoformat()])
            calls.formats[fmt] = calls.formats.get(fmt, 0) + 1
            calls.staff.update(t.name for t in turns if t.role == "company")
    out.write_csv("transcripts/manifest.csv", manifest)
    return calls


def _vtt(path, turns, account, day, style, carries, quarter, key, n) -> str:
    lines = ["WEBVTT", ""]
    if carries:
        lines += ["NOTE", f"account_id: {account.account_id}", f"date: {day.isoformat()}",
                  f"participants: {_participants_line(turns)}", ""]
    for i, t in enumerate(turns, start=1):
        lines.append(f"{_clock(t.start, '.')} --> {_clock(t.end, '.')}")
        lines.append(f"<v {t.name}>{t.text}" if style == "voice" else f"{t.name}: {t.text}")
        lines.append("")
        if t.said is not None:
            key.add(path, f"cue {i} ({_clock(t.start, '.')[:8]})", "transcript", "utterance", quarter, t.said)
    return "\n".join(lines)


def _srt(path, turns, account, day, style, carries, quarter, key, n) -> str:
    lines = []
    for i, t in enumerate(turns, start=1):
        lines += [str(i), f"{_clock(t.start, ',')} --> {_clock(t.end, ',')}", f"{t.name}: {t.text}", ""]
        if t.said is not None:
            key.add(path, f"cue {i} ({_clock(t.start, ',')[:8]})", "transcript", "utterance", quarter, t.said)
    return "\n".join(lines)


def _txt(path, turns, account, day, style, carries, quarter, key, n) -> str:
    lines = []
    if carries:
        lines += ["---", f"account_id: {account.account_id}", f"date: {day.isoformat()}", "participants:"]
        seen = dict.fromkeys((t.name, t.role) for t in turns)
        lines += [f"  {name}: {role}" for name, role in seen]
        lines.append("---")
    for t in turns:
        lines.append(f"{t.name}: {t.text}")
        if t.said is not None:
            key.add(path, f"line {len(lines)}", "transcript", "utterance", quarter, t.said)
    return "\n".join(lines) + "\n"


def _json(path, turns, account, day, style, carries, quarter, key, n) -> str:
    emails = {c.name: c.email for c in account.contacts}
    seen = dict.fromkeys((t.name, t.role) for t in turns)
    participants = [{"name": name, "role": role,
                     "email": emails.get(name) or f"{people.ascii_slug(name, '.')}@{people.EMAIL_DOMAIN}"}
                    for name, role in seen]
    for i, t in enumerate(turns, start=1):
        if t.said is not None:
            key.add(path, f"turn {i}", "transcript", "utterance", quarter, t.said)
    document = {"call_id": f"CALL-{n:04d}", "account_id": account.account_id, "date": day.isoformat(),
                "participants": participants,
                "turns": [{"speaker": t.name, "text": t.text, "start": t.start} for t in turns]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
