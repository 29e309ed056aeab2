"""What kind of value each field of a note's front matter and a JSON transcript may hold.

YAML and JSON give any field any type: `personas:` written as a list, `attendees: 5`, a session id
that is a list, a turn whose text is an object. Read as they are, these crash a reader or are stored
as Python's repr ("['a', 'b']"). pydantic checks them here; a wrong one is refused with the field
and the type found, never turned into text.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, ValidationError

from .reading import FileProblem

Scalar = Union[str, int, float]
Person = Union[str, dict[str, Any]]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class NoteFrontMatter(_Open):
    date: Union[dt.datetime, dt.date, Scalar, None] = None
    account_id: Union[str, int, None] = None
    session_id: Union[str, int, None] = None
    duration_minutes: Union[Scalar, None] = None
    moderator: Union[Person, None] = None
    note_taker: Union[Person, None] = None
    personas: Union[dict[str, Union[Person, None]], None] = None
    attendees: Union[list[Person], str, None] = None
    participants: Union[list[Person], dict[str, Any], str, None] = None


class JsonTranscript(_Open):
    account_id: Union[str, int, None] = None
    date: Union[Scalar, None] = None
    participants: Union[list[Person], dict[str, Any], str, None] = None
    turns: list[Any]


class JsonTurn(_Open):
    speaker: Union[str, int, None] = None
    text: Union[Scalar, None] = None


KINDS = {dict: "an object (mapping)", list: "a list", str: "text", int: "a number", float: "a number",
         bool: "true/false", type(None): "empty"}


def kind_of(value) -> str:
    return KINDS.get(type(value), type(value).__name__)


def problem(model: type[BaseModel], data: dict, what: str) -> str | None:
    """Why ``data`` does not fit ``model`` (the first field wrong, and what it holds), or None."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        field = str(exc.errors()[0]["loc"][0])
        return f"{what} '{field}' is {kind_of(data.get(field))}, which it cannot be"
    return None


def check(model: type[BaseModel], data: dict, what: str, locator: str = "file") -> None:
    """Raise ``FileProblem`` when ``data`` does not fit ``model``."""
    reason = problem(model, data, what)
    if reason:
        raise FileProblem(f"{reason}; nothing from this file is used", locator)
