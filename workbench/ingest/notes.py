"""Check-in session notes: Markdown with or without YAML front matter (see docs/data-format.md).

The note is read into sections by ``note_sections`` (markdown-it-py), its date, account and people
by ``note_meta`` (front matter first, then "Date:" / "Customer:" / "Attendees:" lines and the
file name), its action items by ``note_actions``. A note that yields no statement is kept and
reported as a warning naming the headings it has.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..redact import NameBook
from .context import Context
from .note_docx import parse_docx
from .note_actions import table_action, text_action
from . import shapes
from .note_meta import NoteProps, date_from, parse_duration, read_props, split_names
from .note_sections import STATEMENT_KINDS, Block, NoteDoc, parse_markdown
from .reading import FileProblem, control_problem
from .yaml_load import load as load_yaml

#: bold labels before a quote that name a role, not a person ("**Practitioner:** ...")
ROLE_WORDS = set("""practitioner sponsor admin administrator user customer champion buyer owner manager lead director
head vp cto ceo cio cfo analyst engineer developer ops operations it finance procurement executive exec
stakeholder client participant interviewee""".split())

USED_HEADINGS = "quotes, insights, observations, pain points, feature requests, action items, next steps"


@dataclass
class FrontMatter:
    data: dict
    body_start: int  # 0-based index of the first body line


def split_front_matter(lines: list[str]) -> FrontMatter:
    if not lines or lines[0].strip() != "---":
        raise FileProblem("no YAML front matter: the first line must be '---'", "line 1")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            break
    else:
        raise FileProblem("broken YAML front matter: no closing '---'", "line 1")
    try:
        data = load_yaml("\n".join(lines[1:i])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FileProblem(f"broken YAML front matter: {problem}", f"line {line}") from exc
    if not isinstance(data, dict):
        raise FileProblem("broken YAML front matter: not a mapping of fields", "line 2")
    shapes.check(shapes.NoteFrontMatter, data, "front matter", "line 1")
    if isinstance(data.get("attendees"), str):  # "attendees: Dana Whitfield, Leo Brandt"
        data["attendees"] = split_names(data["attendees"])
    return FrontMatter(data, i + 1)


def _person(value) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        return (str(value.get("name")) if value.get("name") else None, value.get("team") or value.get("title"))
    if isinstance(value, str):
        return value, None
    return None, None


def _names(fm: dict) -> tuple[NameBook, dict[str, str]]:
    """Who is in the room, and the role label each name becomes; owner labels for action items."""
    book = NameBook()
    owners: dict[str, str] = {}
    for key, label in (("moderator", "Moderator"), ("note_taker", "Note-taker")):
        name, team = _person(fm.get(key))
        if name:
            book.add(name, label)
            owners[name.lower()] = f"{label} ({team})" if team else label
    for persona, value in (fm.get("personas") or {}).items():
        name, _ = _person(value)
        if name:
            label = str(persona).replace("_", " ").title()
            book.add(name, label)
            owners[name.lower()] = f"{label} (customer)"
    for value in fm.get("attendees") or []:
        name, team = _person(value)
        if name:
            book.add(name, f"{team} team" if team else "Attendee")
            owners.setdefault(name.lower(), f"Attendee ({team})" if team else "Attendee")
    return book, owners


def load_note(path: Path, ctx: Context) -> None:
    if path.suffix.lower() == ".docx":
        return load_docx_note(path, ctx)
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "session_note", "markdown")
    lines = ctx.read_text(path).text.splitlines()
    for i, line in enumerate(lines):  # before Markdown, which would turn a NUL byte into U+FFFD
        problem = control_problem(line, ctx.settings.max_field_chars, f"line {i + 1}")
        if problem:
            ctx.ledger.reject(rel, f"line {i + 1}", f"{problem}: this line is left out", line)
            lines[i] = ""
    meta, body_start = {}, 0
    if lines and lines[0].strip() == "---":
        fm = split_front_matter(lines)
        meta, body_start = fm.data, fm.body_start
    else:
        ctx.ledger.entry(rel, "session_note", "markdown, no front matter")
    doc = parse_markdown("\n".join(lines[body_start:]), body_start + 1)
    ingest_note(rel, doc, meta, bool(lines and lines[0].strip() == "---"), ctx)


def load_docx_note(path: Path, ctx: Context) -> None:
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "session_note", "docx")
    ingest_note(rel, parse_docx(path), {}, False, ctx)


@dataclass
class People:
    """The note's people: names to redact (``book``), owner labels, who is staff."""

    book: NameBook
    owners: dict[str, str]
    staff: set[str]
    personas: dict[str, str]  # lower-case name -> persona key
    company_attendees: int

    def owner_label(self, owner: str) -> str | None:
        """The label of a listed person named in full or by one name ("Leo" for Leo Brandt) when
        that name fits one person only."""
        key = " ".join(owner.lower().split())
        if key in self.owners:
            return self.owners[key]
        fits = {label for name, label in self.owners.items() if set(key.split()) <= set(name.split())}
        return fits.pop() if len(fits) == 1 else None


def _people(meta: dict, props: NoteProps, ctx: Context) -> People:
    book, owners = _names(meta)
    staff = {str(_person(meta.get(k))[0]).lower() for k in ("moderator", "note_taker") if _person(meta.get(k))[0]}
    staff |= {str(_person(a)[0]).lower() for a in meta.get("attendees") or [] if _person(a)[0]}
    personas = {str(_person(v)[0]).lower(): str(k).lower() for k, v in (meta.get("personas") or {}).items()
                if _person(v)[0]}
    for key in ("moderator", "note_taker"):
        name, _ = _person(meta.get(key))
        ctx.known_names.add(name, "Moderator" if key == "moderator" else "Note-taker")
    for persona, value in (meta.get("personas") or {}).items():
        ctx.known_names.add(_person(value)[0], str(persona).replace("_", " ").title())
    for value in meta.get("attendees") or []:
        ctx.known_names.add(_person(value)[0], "Company staff")
    listed = 0
    for person in props.people:
        label = "Company staff" if person.staff else "Customer"
        _add_name(book, ctx, person.name, label)
        owners.setdefault(person.name.lower(), label)
        if person.staff:
            staff.add(person.name.lower())
            listed += 1
    attendees = meta.get("attendees") or [meta[k] for k in ("moderator", "note_taker") if meta.get(k)]
    return People(book, owners, staff, personas, len(attendees) or listed)


def _add_name(book: NameBook, ctx: Context, name: str, label: str) -> None:
    """A name to redact in this note and everywhere. The redactor reads "Priya's" as one word, so
    the possessive of each part is added too (notes say "Priya's team" often)."""
    for target in (book, ctx.known_names):
        target.add(name, label)
        for word in name.split():
            if len(word) >= 3 and word[:1].isupper():
                target.add(f"{word}'s", label)
                target.add(f"{word}’s", label)


def _is_staff(ctx: Context, meta: dict):
    company = ctx.settings.company_name.lower()
    fm_staff = {str(_person(a)[0]).lower() for a in (meta.get("attendees") or [])}

    def is_staff(name: str, note: str = "") -> bool:
        note = note.lower()
        return (ctx.settings.is_staff(name) or name.lower() in fm_staff or note in ("us", "internal", "staff")
                or bool(company and company in note))
    return is_staff


def _account(meta: dict, props: NoteProps, ctx: Context) -> tuple[str | None, str | None]:
    """(account_id, warning): front matter, an "Account ID:" line, or a company name found in accounts."""
    if meta.get("account_id"):
        return str(meta["account_id"]), None
    if props.value("account_id"):
        return props.value("account_id"), None
    prop = props.props.get("account")
    if prop is None:
        return None, None
    accounts = pd.concat(ctx.tables["accounts"]) if ctx.tables.get("accounts") else None
    if accounts is not None:
        wanted = _norm_company(prop.value)
        for account_id, company in zip(accounts["account_id"], accounts["company"]):
            if str(account_id).lower() == prop.value.strip().lower() or (
                    isinstance(company, str) and _norm_company(company) == wanted):
                return str(account_id), None
    return None, (f"'{prop.name}: {prop.value}' (line {prop.line}) matches no account_id or company in "
                  f"accounts.csv: statements kept without an account")


def _norm_company(name: str) -> str:
    words = re.sub(r"[^\w\s]", " ", name.lower()).split()
    return " ".join(w for w in words if w not in ("inc", "llc", "ltd", "gmbh", "corp", "co", "plc", "the"))


def ingest_note(rel: str, doc: NoteDoc, meta: dict, has_fm: bool, ctx: Context) -> None:
    """Session record, statements and action items of a parsed note (Markdown or Word)."""
    props = read_props(doc, _is_staff(ctx, meta))
    people = _people(meta, props, ctx)
    date, _, date_problem = date_from(meta.get("date"), has_fm, props, Path(rel).name)
    statements, actions = _body(doc, rel, ctx, people, date)
    if not statements and not actions:
        seen = "; ".join(f"'{h}'" for h in doc.headings) or "none"
        ctx.ledger.warn(rel, "file", f"no statements found: no list item, paragraph or blockquote under a heading "
                                     f"the notes use ({USED_HEADINGS}, ...); headings seen: {seen}")
    if date_problem:
        ctx.ledger.reject(rel, doc.head, date_problem)
        for row in statements + actions:
            ctx.ledger.reject(rel, row["locator"], date_problem, row["text"])
        return
    account_id, account_warning = _account(meta, props, ctx)
    if account_warning:
        ctx.ledger.warn(rel, "file", account_warning)
    session_id = str(meta.get("session_id") or props.value("session_id") or Path(rel).stem)
    teams = sorted({str(_person(a)[1]) for a in meta.get("attendees") or [] if _person(a)[1]})
    _session(rel, doc.head, session_id, account_id, date, meta, props, people, teams, ctx)
    rows, good_actions = [], []
    for row in statements:
        rows.append({"source": "session_note", "source_file": rel, "account_id": account_id, "date": date,
                     "score": float("nan"), "_local": people.book, **row})
    for a in actions:
        owner = (a["owner"] or "").strip()
        owner_label = people.owner_label(owner)
        if owner_label is None:
            owner_label = owner if owner.lower() in {t.lower() for t in teams} else ("Unlisted owner" if owner else None)
        if owner:
            _add_name(people.book, ctx, owner, owner_label)
        team = re.search(r"\(([^)]+)\)", owner_label or "")
        good_actions.append({
            "session_id": session_id, "account_id": account_id, "action": a["text"], "owner": owner_label,
            "owner_team": team.group(1) if team else None, "session_date": date, "due_date": a["due"],
            "status": a["status"], "closed_date": a["closed"], "source_file": rel, "locator": a["locator"],
            "_local": people.book,
        })
        rows.append({"source": "session_note", "kind": "action_item", "source_file": rel, "locator": a["locator"],
                     "account_id": account_id, "persona": None, "speaker_role": "company", "date": date,
                     "score": float("nan"), "text": a["text"], "_local": people.book})
    ctx.ledger.accept(rel, len(rows))
    if rows:
        ctx.add_evidence(pd.DataFrame(rows))
    if good_actions:
        ctx.add_table("action_items", pd.DataFrame(good_actions))


def _session(rel, head, session_id, account_id, date, meta, props: NoteProps, people: People, teams: list[str],
             ctx: Context) -> None:
    """The session record itself: accepted, or quarantined with the reason (duplicate id, no duration)."""
    raw_duration = meta.get("duration_minutes")
    duration = pd.to_numeric(pd.Series([raw_duration]), errors="coerce").iloc[0]
    if raw_duration is None and props.value("duration"):
        raw_duration = props.value("duration")
        duration = parse_duration(raw_duration)
    dup = ctx.seen("sessions").get(session_id)
    if dup:
        ctx.ledger.reject(rel, head, f"duplicate session_id '{session_id}' (first at {dup})")
    elif pd.isna(duration) or duration <= 0:
        if raw_duration is None:
            problem = "no duration (front matter duration_minutes or a 'Duration: 45 min' line)"
        elif props.value("duration") and "duration_minutes" not in meta:
            problem = f"'Duration: {raw_duration}' is not a positive number of minutes"
        else:
            problem = f"front matter duration_minutes '{raw_duration}' is not a positive number"
        ctx.ledger.reject(rel, head, f"{problem}: the session is not counted in exposure hours "
                                         f"(its statements are kept)")
    else:
        ctx.seen("sessions")[session_id] = f"{rel} {head}"
        ctx.ledger.accept(rel)
        ctx.add_table("sessions", pd.DataFrame([{
            "session_id": session_id, "account_id": account_id, "date": date,
            "duration_minutes": float(duration), "company_attendees": people.company_attendees,
            "attendee_teams": ";".join(teams) or None, "source_file": rel,
        }]))


def _body(doc: NoteDoc, rel: str, ctx: Context, people: People, date) -> tuple[list[dict], list[dict]]:
    """Statement rows and action items; bad rows go to quarantine."""
    statements, actions = [], []
    for block in doc.blocks:
        loc = doc.locator(block)
        if block.form == "row":
            if block.section != "action_item":
                continue
            item = table_action(block.cells or {})
        elif block.checked is not None or block.section == "action_item":
            if block.form == "quote" or (block.section != "action_item" and block.form != "item"):
                continue
            item = text_action(block, date, set(people.owners) | {w for n in people.owners for w in n.split()})
        elif block.form == "quote" or block.section in STATEMENT_KINDS:
            kind = "quote" if block.form == "quote" else block.section
            if not block.text.strip():
                ctx.ledger.reject(rel, loc, "empty text", block.raw or "-")
                continue
            statements.append({"locator": loc, "kind": kind, **_speaker(block, kind, people, ctx)})
            continue
        else:
            continue
        if isinstance(item, str):
            ctx.ledger.reject(rel, loc, item, block.raw)
        else:
            actions.append({**item, "text": item["action"], "locator": loc})
    return statements, actions


def _speaker(block: Block, kind: str, people: People, ctx: Context) -> dict:
    """Text, persona and speaker role of a statement; a quote's speaker from its label or attribution."""
    text, who = block.text, block.speaker or (block.bold_label if kind == "quote" else None)
    persona, role = None, "customer"
    if kind == "quote" and who is None:
        m = re.match(r"^(?P<who>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}):\s*(?P<text>[\"“].+)$", text)
        if m:
            who, text = m.group("who"), m.group("text")
    if who:
        name = re.split(r"\s*[,(]\s*", who.strip())[0].strip()
        if name.lower() in people.owners or name.lower() in people.staff:
            persona = people.personas.get(name.lower())
            role = "company" if name.lower() in people.staff else "customer"
        elif name.lower() in {k.lower() for k in ROLE_WORDS} or any(w in ROLE_WORDS for w in who.lower().split()) \
                and name == who.strip():
            persona = who.strip().lower()
        elif _is_staff(ctx, {})(name):
            role = "company"
            _add_name(people.book, ctx, name, "Company staff")
        else:  # a customer named only here: redacted like the listed ones
            _add_name(people.book, ctx, name, "Customer")
    if kind == "quote":
        text = text.strip().strip('"“”').strip()
    return {"kind": kind, "text": text, "persona": persona, "speaker_role": role}
