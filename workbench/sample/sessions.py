"""Check-in session notes: YAML front matter, then insights, quotes, observations and action items."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import people, voice
from .accounts import Book
from .answer_key import AnswerKey
from .catalog import THEME_BY_KEY
from .surveys import pick_theme, speaker
from .timeline import QUARTERS, bounds, random_day
from .writers import Output

SESSIONS_PER_QUARTER = 8
AS_OF = bounds(QUARTERS[-1])[1]
GENERIC_ACTIONS = ["Send the recording and notes", "Schedule a follow-up in four weeks",
                   "Share the release notes for the next version", "Introduce the admin to the solutions engineer",
                   "Update the account plan with the findings"]
PLAIN_QUOTES = ["We're mostly happy with where things are.", "It's been a busy quarter for us, honestly.",
                "Most of the team uses it every day now."]


@dataclass
class Session:
    session_id: str
    account_id: str
    company: str
    date: dt.date
    duration_minutes: int
    moderator: tuple[str, str]
    note_taker: tuple[str, str]
    attendees: list[tuple[str, str]]
    personas: dict[str, people.Contact]
    path: str = ""
    quarter: str = ""
    lines: list[str] = field(default_factory=list)


def _staff_pick(rng: random.Random, teams: tuple[str, ...], exclude: list[str]) -> tuple[str, str]:
    pool = [(n, t) for n, t in people.STAFF if t in teams and n not in exclude]
    return rng.choice(pool)


def _action_table(rng: random.Random, s: Session, themes: list[str]) -> list[str]:
    pool = [a for k in themes for a in THEME_BY_KEY[k].actions] + GENERIC_ACTIONS
    lines = ["| action | owner | due | status | closed |", "| --- | --- | --- | --- | --- |"]
    for action in rng.sample(pool, rng.randint(2, 4)):
        owner = rng.choice(s.attendees)[0]
        due = s.date + dt.timedelta(days=rng.randint(5, 35))
        if due < AS_OF - dt.timedelta(days=14) and rng.random() < 0.8:
            closed = min(AS_OF, s.date + dt.timedelta(days=rng.randint(1, (due - s.date).days + 12)))
            lines.append(f"| {action} | {owner} | {due.isoformat()} | done | {closed.isoformat()} |")
        else:
            lines.append(f"| {action} | {owner} | {due.isoformat()} | open | |")  # overdue when due < as-of
    return lines


def _front_matter(s: Session) -> list[str]:
    lines = ["---", f"session_id: {s.session_id}", f"account_id: {s.account_id}", f"date: {s.date.isoformat()}",
             f"duration_minutes: {s.duration_minutes}",
             f"moderator: {{name: {s.moderator[0]}, team: {s.moderator[1]}}}",
             f"note_taker: {{name: {s.note_taker[0]}, team: {s.note_taker[1]}}}", "personas:"]
    for persona, contact in s.personas.items():
        lines.append(f"  {persona}: {{name: {contact.name}, title: {contact.title}}}")
    lines.append("attendees:")
    lines += [f"  - {{name: {name}, team: {team}}}" for name, team in s.attendees]
    return lines + ["---"]


def build(rng: random.Random, book: Book, key: AnswerKey) -> list[Session]:
    sessions = []
    for quarter in QUARTERS:
        days = sorted(random_day(rng, quarter, weekday=True) for _ in range(SESSIONS_PER_QUARTER))
        for n, day in enumerate(days, start=1):
            active = [a for a in book.active_on(day) if a.plan in ("Team", "Business", "Enterprise")]
            account = rng.choice(active)
            moderator = _staff_pick(rng, ("Research", "Design"), [])
            note_taker = _staff_pick(rng, ("Product", "Design", "Customer Success"), [moderator[0]])
            attendees = [moderator, note_taker]
            if account.csm not in (moderator[0], note_taker[0]) and rng.random() < 0.6:
                attendees.append((account.csm, people.STAFF_TEAM[account.csm]))
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                attendees.append(_staff_pick(rng, ("Engineering", "Product", "Support", "Design", "Sales"),
                                             [a[0] for a in attendees]))
            wanted = ["practitioner", "sponsor"] if rng.random() < 0.6 else rng.choice(
                [["practitioner", "admin"], ["practitioner", "sponsor", "admin"], ["sponsor", "admin"]])
            personas = {p: account.contact(rng, p) for p in wanted}
            s = Session(f"S-{quarter}-{n:03d}", account.account_id, account.company, day,
                        rng.choice([30, 45, 60, 60, 90]), moderator, note_taker, attendees, personas,
                        f"sessions/S-{quarter}-{n:03d}.md", quarter)
            _write_body(rng, s, account, key)
            sessions.append(s)
    return sessions


def _cast(rng: random.Random, said: voice.Utterance, personas: dict) -> voice.Utterance:
    """Make a researcher's note name a persona that was actually in the room."""
    first, _, rest = said.text.partition(" ")
    if first.lower() in ("practitioner", "sponsor", "admin") and first.lower() not in personas:
        said.text = f"{rng.choice(list(personas)).capitalize()} {rest}"
    return said


def _write_body(rng: random.Random, s: Session, account, key: AnswerKey) -> None:
    category = rng.choice(["detractor", "passive", "passive", "promoter"])
    first_persona = next(iter(s.personas))
    themes = [pick_theme(rng, s.quarter, category, first_persona)]
    for _ in range(rng.randint(1, 2)):
        themes.append(pick_theme(rng, s.quarter, rng.choice(["detractor", "promoter"]), first_persona,
                                 exclude=tuple(t.key for t in themes)))
    lines = _front_matter(s) + ["", f"# Check-in: {s.company}", "", "## Key insights"]
    used: set[str] = set()  # templates already used in this note

    def bullet(text: str, kind: str, said: voice.Utterance) -> None:
        lines.append(text)
        key.add(s.path, f"line {len(lines)}", "session_note", kind, s.quarter, said)

    for _ in range(rng.randint(2, 4)):
        theme = rng.choice(themes)
        who = speaker(rng, account, next(iter(s.personas.values())))
        said = voice.researcher(rng, theme, who, "needs" if rng.random() < 0.25 and theme.needs else "insights", used)
        bullet(f"- {_cast(rng, said, s.personas).text}", "insight", said)
    lines += ["", "## Customer quotes"]
    for _ in range(rng.randint(2, 4)):
        persona, contact = rng.choice(list(s.personas.items()))
        if rng.random() < 0.08:
            said = voice.Utterance(rng.choice(PLAIN_QUOTES))
        else:
            theme = rng.choice(themes)
            said = voice.written(rng, [theme], speaker(rng, account, contact),
                                 p_requirement=0.3 if theme.negative else 0.1, p_detail=0.5, p_impact=0.4,
                                 opener=False, avoid=used)
        bullet(f'- **{persona.capitalize()}:** "{said.text}"', "quote", said)
    lines += ["", "## Watch party observations"]
    for _ in range(rng.randint(2, 3)):
        theme = rng.choice(themes)
        said = voice.researcher(rng, theme, speaker(rng, account, next(iter(s.personas.values()))), "observations",
                                used)
        bullet(f"- {_cast(rng, said, s.personas).text}", "observation", said)
    lines += ["", "## Action items"] + _action_table(rng, s, [t.key for t in themes])
    s.lines = lines


def write(out: Output, sessions: list[Session]) -> None:
    for s in sessions:
        out.write_text(s.path, "\n".join(s.lines) + "\n")
