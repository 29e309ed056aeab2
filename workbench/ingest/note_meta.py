"""What a session note says about itself when it has no (or little) front matter.

Property lines ("Date: September 12, 2026", "**Attendees:** Priya Shah, Dana Whitfield",
"Customer: Acme Logistics") outside the statement sections, an "Attendees" section, and the file
name ("2026-09-12 Acme check-in.md", "acme_2026_09_12.md", "Sep 12 2026 - Acme.md").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from .fields import parse_date
from .note_sections import NoteDoc

#: property names as people write them -> what they give
PROPERTY_KEYS = {
    "date": "date", "meeting date": "date", "session date": "date", "call date": "date", "when": "date",
    "created": "created",
    "attendees": "attendees", "participants": "attendees", "present": "attendees", "people": "attendees",
    "customer attendees": "customers", "customer participants": "customers",
    "internal attendees": "staff", "company attendees": "staff", "moderator": "staff", "facilitator": "staff",
    "interviewer": "staff", "note taker": "staff", "notetaker": "staff", "notes by": "staff", "host": "staff",
    "account id": "account_id", "account_id": "account_id",
    "customer": "account", "account": "account", "company": "account", "client": "account",
    "duration": "duration", "length": "duration",
    "session id": "session_id", "session_id": "session_id",
}
PROPERTY_RE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z _-]{0,30}?)\s*:\s*(?P<value>\S.*)$")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # noqa: E501 (a regular expression reads best on one line)
#: dates inside longer text (a file name, "September 12, 2026 2:00 PM (EDT)"); numeric d/m orders
#: other than year first are ambiguous and not guessed
DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20|21)\d\d)[-_./ ](?P<m>\d{1,2})[-_./ ](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>20\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(rf"(?i)\b{_MON}\.?[\s_-]+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?[\s_-]+(?P<y>\d{{4}})(?!\d)"),
    re.compile(rf"(?i)(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[\s_-]+{_MON}\.?,?[\s_-]+(?P<y>\d{{4}})(?!\d)"),
]
DURATION_RE = re.compile(r"(?i)^\s*(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)\b)?\s*(?:(?P<m>\d+)\s*(?:m|mins?|minutes?)?\b)?")
ROLE_NOTE_RE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<note>[^)]*)\)\s*$")
STAFF_NOTES = {"us", "internal", "staff", "host", "moderator", "note taker", "notes", "facilitator"}


def find_date(text: str | None) -> pd.Timestamp:
    """A date in a value or a file name, or NaT."""
    if not text:
        return pd.NaT
    whole = parse_date(text)
    if not pd.isna(whole):
        return whole
    for rx in DATE_PATTERNS:
        m = rx.search(text)
        if not m:
            continue
        month = MONTHS.index(m.group("mon")[:3].lower()) + 1 if "mon" in m.groupdict() else int(m.group("m"))
        try:
            return parse_date(dt.date(int(m.group("y")), month, int(m.group("d"))).isoformat())
        except ValueError:
            continue
    return pd.NaT


def parse_duration(text: str | None) -> float:
    """Minutes from '45', '45 min', '1h', '1 hour 30 minutes', '1.5 hours'; NaN when none."""
    m = DURATION_RE.match(str(text or ""))
    if not m or not (m.group("h") or m.group("m")):
        return float("nan")
    return float(m.group("h") or 0) * 60 + float(m.group("m") or 0)


@dataclass
class Property:
    key: str  # what it gives: date, attendees, account, ... (see PROPERTY_KEYS)
    name: str  # as written ("Meeting date")
    value: str
    line: int


@dataclass
class Person:
    name: str
    staff: bool
    line: int


@dataclass
class NoteProps:
    props: dict[str, Property] = field(default_factory=dict)  # first of each key
    people: list[Person] = field(default_factory=list)

    def value(self, key: str) -> str | None:
        return self.props[key].value if key in self.props else None


def split_names(value: str) -> list[str]:
    """'Priya Shah (Acme), Dana Whitfield & @Leo' -> ['Priya Shah (Acme)', 'Dana Whitfield', 'Leo']."""
    parts = re.split(r"\s*(?:[,;/]|\band\b|&)\s*(?![^()]*\))", value)
    return [p.strip().lstrip("@").strip() for p in parts if p.strip().lstrip("@").strip()]


def read_props(doc: NoteDoc, is_staff) -> NoteProps:
    """Property lines outside the statement sections, and the names of an attendees section.

    ``is_staff(name, note)`` says whether a person is company staff ("note" is what the
    parentheses after the name say, e.g. "Acme" or "us")."""
    out = NoteProps()
    for block in doc.blocks:
        if block.section not in (None, "people") or block.form not in ("paragraph", "item"):
            continue
        for offset, line in enumerate(block.lines or [block.text]):
            m = PROPERTY_RE.match(line)
            key = PROPERTY_KEYS.get(" ".join(m.group("key").lower().replace("_", " ").split())) if m else None
            if key is None and m and block.section == "people":  # "Acme: Priya Shah, Tom Reyes"
                key = "attendees"
            if key is None:
                if block.section == "people":
                    out.people += _people(line, None, block.line + offset, is_staff)
                continue
            value = m.group("value").strip()
            out.props.setdefault(key, Property(key, m.group("key"), value, block.line + offset))
            if key in ("attendees", "customers", "staff"):
                force = {"customers": False, "staff": True}.get(key)
                out.people += _people(value, force, block.line + offset, is_staff)
    return out


def _people(value: str, force: bool | None, line: int, is_staff) -> list[Person]:
    people = []
    for part in split_names(value):
        m = ROLE_NOTE_RE.match(part)
        name, note = (m.group("name").strip(), m.group("note").strip()) if m else (part, "")
        name = name.split(" - ")[0].split(" — ")[0].strip()
        if not re.search(r"[A-Za-z]", name) or len(name.split()) > 4:
            continue
        staff = force if force is not None else bool(is_staff(name, note))
        people.append(Person(name, staff, line))
    return people


def date_from(fm_date, has_fm: bool, props: NoteProps, file_name: str) -> tuple[pd.Timestamp, str, str | None]:
    """(date, where it came from, problem). Front matter first, then a Date line, then the file name;
    an explicit value that is not a date is a problem, never replaced by a guess."""
    if fm_date is not None and str(fm_date).strip():
        date = parse_date(fm_date)
        return date, "front matter", None if not pd.isna(date) else f"front matter date '{fm_date}' is not a date"
    for key in ("date", "created"):
        prop = props.props.get(key)
        if prop:
            date = find_date(prop.value)
            if pd.isna(date):
                return date, "", f"'{prop.name}: {prop.value}' (line {prop.line}) is not a date (write 2026-09-12)"
            return date, f"'{prop.name}' line {prop.line}", None
    date = find_date(file_name.rsplit(".", 1)[0])
    if not pd.isna(date):
        return date, "file name", None
    where = "front matter has no date" if has_fm else "no YAML front matter"
    return pd.NaT, "", (f"no date: {where}, no 'Date:' line and no date in the file name '{file_name}' "
                        f"(add 'date: 2026-09-12' front matter or a 'Date: 2026-09-12' line)")
