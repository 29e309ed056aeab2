"""Check-in session notes: Markdown with YAML front matter (see docs/data-format.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..redact import NameBook
from .context import Context
from .fields import parse_date
from .reading import FileProblem, read_text

SECTION_KINDS = {
    "insight": re.compile(r"(?i)^(key\s+)?insights?\b"),
    "quote": re.compile(r"(?i)^(customer\s+)?quotes?\b"),
    "observation": re.compile(r"(?i)^watch[\s-]*party|^observations?\b"),
    "action_item": re.compile(r"(?i)^action\s+items?\b|^follow[\s-]*ups?\b"),
}
BULLET_RE = re.compile(r"^\s*[-*+]\s?(.*)$")
QUOTE_RE = re.compile(r"^\*\*(?P<who>[^*:]+):?\*\*:?\s*(?P<text>.*)$")
DONE = {"done", "closed", "complete", "completed", "shipped", "resolved"}
OPEN = {"open", "in progress", "todo", "to do", "pending", "blocked", "not started"}


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
        data = yaml.safe_load("\n".join(lines[1:i])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FileProblem(f"broken YAML front matter: {problem}", f"line {line}") from exc
    if not isinstance(data, dict):
        raise FileProblem("broken YAML front matter: not a mapping of fields", "line 2")
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


def _table_cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def load_note(path: Path, ctx: Context) -> None:
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "session_note", "markdown")
    lines = read_text(path).text.splitlines()
    fm = split_front_matter(lines)
    meta = fm.data
    date = parse_date(meta.get("date"))
    book, owners = _names(meta)
    for key in ("moderator", "note_taker"):
        name, _ = _person(meta.get(key))
        ctx.known_names.add(name, "Moderator" if key == "moderator" else "Note-taker")
    for persona, value in (meta.get("personas") or {}).items():
        ctx.known_names.add(_person(value)[0], str(persona).replace("_", " ").title())
    for value in meta.get("attendees") or []:
        ctx.known_names.add(_person(value)[0], "Company staff")
    local = book

    statements, actions = _body(lines, fm.body_start, rel, ctx)
    file_problem = None
    if pd.isna(date):
        file_problem = f"front matter date '{meta.get('date')}' is missing or not a date"
    if file_problem:
        ctx.ledger.reject(rel, "line 1", file_problem)
        for loc, _, text, _ in statements + [(a["locator"], "action_item", a["action"], None) for a in actions]:
            ctx.ledger.reject(rel, loc, file_problem, text)
        return
    session_id = str(meta.get("session_id") or Path(rel).stem)
    account_id = str(meta["account_id"]) if meta.get("account_id") else None
    # the session record itself
    duration = pd.to_numeric(pd.Series([meta.get("duration_minutes")]), errors="coerce").iloc[0]
    attendees = [a for a in meta.get("attendees") or []]
    if not attendees:
        attendees = [meta[k] for k in ("moderator", "note_taker") if meta.get(k)]
    teams = sorted({str(_person(a)[1]) for a in attendees if _person(a)[1]})
    dup = ctx.seen("sessions").get(session_id)
    if dup:
        ctx.ledger.reject(rel, "line 1", f"duplicate session_id '{session_id}' (first at {dup})")
    elif pd.isna(duration) or duration <= 0:
        ctx.ledger.reject(rel, "line 1", f"front matter duration_minutes '{meta.get('duration_minutes')}' is not a positive number")
    else:
        ctx.seen("sessions")[session_id] = f"{rel} line 1"
        ctx.ledger.accept(rel)
        ctx.add_table("sessions", pd.DataFrame([{
            "session_id": session_id, "account_id": account_id, "date": date,
            "duration_minutes": float(duration), "company_attendees": len(attendees),
            "attendee_teams": ";".join(teams) or None, "source_file": rel,
        }]))
    rows = []
    for loc, kind, text, persona in statements:
        rows.append({"source": "session_note", "kind": kind, "source_file": rel, "locator": loc,
                     "account_id": account_id, "persona": persona, "speaker_role": "customer",
                     "date": date, "score": float("nan"), "text": text, "_local": local})
    good_actions = []
    for a in actions:
        owner = (a["owner"] or "").strip()
        owner_label = owners.get(owner.lower())
        if owner_label is None:
            owner_label = owner if owner.lower() in {t.lower() for t in teams} else ("Unlisted owner" if owner else None)
        team = re.search(r"\(([^)]+)\)", owner_label or "")
        good_actions.append({
            "session_id": session_id, "account_id": account_id, "action": a["action"], "owner": owner_label,
            "owner_team": team.group(1) if team else None, "session_date": date, "due_date": a["due"],
            "status": a["status"], "closed_date": a["closed"], "source_file": rel, "locator": a["locator"],
            "_local": local,
        })
        rows.append({"source": "session_note", "kind": "action_item", "source_file": rel, "locator": a["locator"],
                     "account_id": account_id, "persona": None, "speaker_role": "company", "date": date,
                     "score": float("nan"), "text": a["action"], "_local": local})
    ctx.ledger.accept(rel, len(rows))
    if rows:
        ctx.add_evidence(pd.DataFrame(rows))
    if good_actions:
        ctx.add_table("action_items", pd.DataFrame(good_actions))


def _body(lines: list[str], start: int, rel: str, ctx: Context):
    """Statements (locator, kind, text, persona) and action items; bad rows go to quarantine."""
    statements, actions = [], []
    kind = None
    header: list[str] | None = None
    for i in range(start, len(lines)):
        line = lines[i]
        loc = f"line {i + 1}"
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            title = heading.group(1).strip()
            kind = next((k for k, rx in SECTION_KINDS.items() if rx.search(title)), None)
            header = None
            continue
        if kind is None or not line.strip():
            continue
        if kind == "action_item":
            if not line.strip().startswith("|"):
                continue
            cells = _table_cells(line)
            if header is None:
                header = [c.lower() for c in cells]
                continue
            if all(set(c) <= set("-: ") for c in cells):
                continue
            item = _action(dict(zip(header, cells + [""] * (len(header) - len(cells)))))
            if isinstance(item, str):
                ctx.ledger.reject(rel, loc, item, line)
            else:
                item["locator"] = loc
                actions.append(item)
            continue
        bullet = BULLET_RE.match(line)
        if not bullet:
            continue
        text, persona = bullet.group(1).strip(), None
        if kind == "quote":
            q = QUOTE_RE.match(text)
            if q:
                persona = q.group("who").strip().lower()
                text = q.group("text").strip()
            text = text.strip().strip('"“”').strip()
        if not text:
            ctx.ledger.reject(rel, loc, "empty text", line)
            continue
        statements.append((loc, kind, text, persona))
    return statements, actions


def _action(cells: dict) -> dict | str:
    action = (cells.get("action") or cells.get("item") or "").strip()
    if not action:
        return "empty text: action item without an action"
    status_raw = (cells.get("status") or "open").strip().lower()
    if status_raw in DONE:
        status = "done"
    elif status_raw in OPEN:
        status = "open"
    else:
        return f"action item status '{status_raw}' is not open or done"
    due, closed = parse_date(cells.get("due", "")), parse_date(cells.get("closed", ""))
    for value, parsed, name in ((cells.get("due", ""), due, "due"), (cells.get("closed", ""), closed, "closed")):
        if value.strip() and pd.isna(parsed):
            return f"action item {name} date '{value.strip()}' is not a date"
    return {"action": action, "owner": cells.get("owner"), "due": due, "status": status,
            "closed": closed if status == "done" else pd.NaT}
