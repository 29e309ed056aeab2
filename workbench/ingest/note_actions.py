"""Action items of session notes: table rows, and the lists people write instead.

"1. Priya to send the export guide by Friday", "- [x] Share the roadmap (owner: Dana)",
"- [ ] @Leo check the SSO quote, due Sep 30". Owner, due date and status are read off the text by
the rules below (no library reads English task lines; the patterns are few and documented in
docs/data-format.md). The owner's name is taken out of the stored action text.
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .fields import parse_date
from .note_meta import find_date
from .note_sections import Block

DONE = {"done", "closed", "complete", "completed", "shipped", "resolved"}
OPEN = {"open", "in progress", "todo", "to do", "pending", "blocked", "not started"}
_NAME = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?"
#: "Priya to send ...", "Priya Shah will send ...", "@Priya: send ..."
LEADING_OWNER_RE = re.compile(rf"^@?(?P<owner>{_NAME})\s*(?::|\s(?:to|will|should|needs to|must|is to)\s)\s*(?P<rest>\S.*)$")
#: "(owner: Priya)", "— owner: Priya", "[assignee: Priya Shah]"
OWNER_TAG_RE = re.compile(rf"\s*[(\[]?\s*(?:[—–-]\s*)?(?:owner|assignee|assigned to|who)\s*:\s*@?(?P<owner>{_NAME})\s*[)\]]?")
MENTION_RE = re.compile(rf"(?<![\w@])@(?P<owner>{_NAME})")
#: capitalised words that start tasks ("Follow Up to confirm", "Send Over to Legal"), not owners
NOT_OWNERS = set("""we they i you team everyone someone anyone all both us our it this that follow send share check
schedule reach set get look make ask update review circle loop write book confirm need plan talk go add create fix
investigate find draft prepare call email sync meet discuss explore research test""".split())
_MON = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_WHEN = (r"\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}"
         rf"|{_MON}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MON}(?:\s+\d{{4}})?"
         r"|(?:next\s+)?(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b"
         r"|tomorrow|end of (?:the )?week|eow|end of (?:the )?month|eom")
DUE_RE = re.compile(rf"(?i)\b(?:by|due(?:\s+date)?|before|until|deadline|no later than)\s*:?\s+(?P<when>{_WHEN})")
DONE_MARK_RE = re.compile(r"(?i)✅|☑|\((?:done|completed?)\)|\[(?:done|completed?)\]|^(?:done|completed?)\s*[:—–-]|^~~.*~~$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def table_action(cells: dict) -> dict | str:
    """An action item from a table row (action | owner | due | status | closed), or the reason it is bad."""
    action = (cells.get("action") or cells.get("item") or cells.get("task") or "").strip()
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
    return {"action": action, "owner": cells.get("owner") or cells.get("assignee"), "due": due, "status": status,
            "closed": closed if status == "done" else pd.NaT}


def text_action(block: Block, session_date: pd.Timestamp, known: set[str]) -> dict | str:
    """An action item from a list item or paragraph; ``known`` holds the lower-case names of the
    people of the note (a leading capitalised word is an owner only when known, or not a verb)."""
    text = block.text.strip()
    status = "done" if block.checked or DONE_MARK_RE.search(text) or block.raw.strip().startswith("~~") else "open"
    text = DONE_MARK_RE.sub("", text).strip(" ~")
    owner = None
    tag = OWNER_TAG_RE.search(text)
    if tag:
        owner, text = tag.group("owner"), (text[:tag.start()] + text[tag.end():]).strip()
    lead = LEADING_OWNER_RE.match(text) if owner is None else None
    if lead and _owner_like(lead.group("owner"), known):
        owner, rest = lead.group("owner"), lead.group("rest")
        text = rest[:1].upper() + rest[1:]
    mention = MENTION_RE.search(text) if owner is None else None
    if mention:
        owner = mention.group("owner")
        text = " ".join((text[:mention.start()] + text[mention.end():]).split()).strip(" ,:;")
        text = text[:1].upper() + text[1:]
    if not text:
        return "empty text: action item without an action"
    due = pd.NaT
    m = DUE_RE.search(text)
    if m:
        due = resolve_when(m.group("when"), session_date)
    return {"action": text, "owner": owner, "due": due, "status": status, "closed": pd.NaT}


def _owner_like(name: str, known: set[str]) -> bool:
    words = name.lower().split()
    if name.lower() in known or any(w in known for w in words):
        return True
    return words[0] not in NOT_OWNERS and len(words) == 1


def resolve_when(when: str, session_date: pd.Timestamp) -> pd.Timestamp:
    """'2026-09-19', 'Sep 19', 'Friday', 'next Friday', 'tomorrow', 'end of week' -> a date, counted
    from the session date (a weekday is the next one after it); NaT when it cannot be placed."""
    w = " ".join(when.lower().split())
    if pd.isna(session_date):
        return find_date(when)
    base = session_date.date()
    day = None
    if w == "tomorrow":
        day = base + dt.timedelta(days=1)
    elif w in ("end of week", "end of the week", "eow"):
        day = base + dt.timedelta(days=(4 - base.weekday()) % 7 or 7)
    elif w in ("end of month", "end of the month", "eom"):
        day = (pd.Timestamp(base) + pd.offsets.MonthEnd(0)).date()
    elif w.removeprefix("next ")[:3] in WEEKDAYS:
        target = WEEKDAYS.index(w.removeprefix("next ")[:3])
        day = base + dt.timedelta(days=(target - base.weekday()) % 7 or 7)
        if w.startswith("next ") and (day - base).days < 7:
            day += dt.timedelta(days=7)
    elif re.search(r"\d{4}", w):
        return find_date(when)
    else:  # "Sep 19" without a year: the first such day on or after the session
        for year in (base.year, base.year + 1):
            found = find_date(f"{when} {year}")
            if not pd.isna(found) and found.date() >= base:
                return found
        return pd.NaT
    return pd.Timestamp(day)


