"""Transcripts as JSON: the workbench's own layout, Gong calls and Chorus conversations.

The file's shape tells which (see docs/data-format.md). The standard ``json`` module reads the file;
what is written here only finds the call's metadata, parties and turns among the variants these
tools return (an API response saved as is, or a call and its transcript put side by side).
"""
from __future__ import annotations

import datetime as dt
import json

from . import shapes
from .reading import FileProblem
from .transcript_text import Transcript, Turn, parse_participants

#: Gong `affiliation` and Chorus participant/speaker types -> speaker role
AFFILIATIONS = {
    "internal": "company", "rep": "company", "host": "company", "employee": "company", "seller": "company",
    "external": "customer", "prospect": "customer", "customer": "customer", "client": "customer",
    "buyer": "customer", "lead": "customer", "contact": "customer",
}
UNRECOGNISED = (
    "JSON transcript not recognised: expected a 'turns' list (workbench), a Gong call ('parties' and a "
    "'transcript' of speakerId/sentences) or a Chorus conversation ('recording' with 'utterances')"
)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str | None:
    """A name or id as text; None when absent or not a plain value (an object is never made text)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value).strip() or None


def _account(value) -> str | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
        raise FileProblem(f"'account_id' is {shapes.kind_of(value)}, which it cannot be; nothing from this file is used")
    return _str(value)


def _text(value) -> str | None:
    """Said text as a string; None when it is an object or a list (the turn is then quarantined)."""
    if value is None or isinstance(value, str):
        return value or ""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _affiliation(value) -> str:
    return AFFILIATIONS.get(str(value or "").strip().lower(), "unknown")


def _date(value) -> str | None:
    """An ISO date-time as given, or epoch seconds/milliseconds (Chorus) as an ISO UTC date-time."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        try:
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return str(value)
    return str(value)


def _first_call(values, what: str) -> dict:
    items = _list(values)
    if len(items) > 1:
        raise FileProblem(f"{len(items)} calls in one file ('{what}'); export one call per file")
    return _dict(items[0]) if items else {}


def _is_gong(data: dict) -> bool:
    if any(k in data for k in ("callData", "callTranscripts", "parties")):
        return True
    first = next(iter(_list(data.get("transcript"))), None)
    return isinstance(first, dict) and ("sentences" in first or "speakerId" in first)


def _chorus_parts(data: dict) -> tuple[dict, dict] | None:
    """(attributes, recording) of a Chorus conversation, or None when this is not one."""
    attrs = _dict(_dict(data.get("data")).get("attributes")) or _dict(data.get("attributes")) or data
    recording = _dict(attrs.get("recording"))
    if isinstance(recording.get("utterances"), list) or isinstance(attrs.get("utterances"), list):
        return attrs, recording
    return None


def parse_json(text: str) -> Transcript:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblem(f"invalid JSON: {exc.msg}", f"line {exc.lineno}") from exc
    except RecursionError as exc:
        raise FileProblem("JSON nested too deep to read (thousands of levels): not a transcript") from exc
    if not isinstance(data, dict):
        raise FileProblem(UNRECOGNISED)
    if isinstance(data.get("turns"), list):
        return _workbench(data)
    if _is_gong(data):
        return _gong(data)
    chorus = _chorus_parts(data)
    if chorus is not None:
        return _chorus(data, *chorus)
    raise FileProblem(UNRECOGNISED)


def _workbench(data: dict) -> Transcript:
    shapes.check(shapes.JsonTranscript, data, "transcript field")
    t = Transcript(account_id=_str(data.get("account_id")), date=_str(data.get("date")))
    t.participants = parse_participants(data.get("participants"))
    for p in data.get("participants") or []:
        if isinstance(p, dict) and p.get("name") and p.get("email"):
            t.emails[str(p["name"])] = str(p["email"])
    for i, turn in enumerate(data["turns"], start=1):
        raw = json.dumps(turn, ensure_ascii=False)
        if not isinstance(turn, dict):
            t.bad.append((f"turn {i}", "turn is not an object", raw))
            continue
        wrong = shapes.problem(shapes.JsonTurn, turn, "the turn's")
        if wrong:
            t.bad.append((f"turn {i}", wrong, raw))
            continue
        t.turns.append(Turn(f"turn {i}", _str(turn.get("speaker")), _text(turn.get("text")).strip(), raw))
    return t


def _gong(data: dict) -> Transcript:
    """Gong: call metadata and `parties` (from /v2/calls/extensive) with the call's `transcript`
    (from /v2/calls/transcript): monologues of one speakerId, each a list of sentences."""
    call = _dict(data.get("callData")) or _dict(data.get("call")) or _first_call(data.get("calls"), "calls") or data
    meta = _dict(call.get("metaData")) or _dict(call.get("metadata")) or _dict(data.get("metaData"))
    parties = _list(call.get("parties")) or _list(data.get("parties"))
    monologues = data.get("transcript")
    if monologues is None and "callTranscripts" in data:
        monologues = _first_call(data["callTranscripts"], "callTranscripts").get("transcript")
    if isinstance(monologues, dict):  # one entry of callTranscripts saved on its own
        monologues = monologues.get("transcript")
    if not isinstance(monologues, list):
        raise FileProblem("Gong call without a 'transcript' list of monologues (speakerId, sentences)")
    t = Transcript(layout="gong", account_id=_account(data.get("account_id")))
    t.date = _date(meta.get("started") or meta.get("scheduled") or data.get("date"))
    by_id: dict[str, str] = {}
    for p in parties:
        p = _dict(p)
        name, email = _str(p.get("name")), _str(p.get("emailAddress") or p.get("email"))
        if not name:
            continue
        t.participants[name] = _affiliation(p.get("affiliation"))
        if email:
            t.emails[name] = email
        if _str(p.get("speakerId")):
            by_id[str(p["speakerId"]).strip()] = name
    for i, mono in enumerate(monologues, start=1):
        raw = json.dumps(mono, ensure_ascii=False)
        if not isinstance(mono, dict):
            t.bad.append((f"turn {i}", "monologue is not an object", raw))
            continue
        said = [_text(s.get("text")) for s in _list(mono.get("sentences")) if isinstance(s, dict)]
        if None in said:
            t.bad.append((f"turn {i}", "a sentence's 'text' is an object or a list, not text", raw))
            continue
        text = " ".join(" ".join(said).split())
        sid = _str(mono.get("speakerId"))
        speaker = by_id.get(sid) if sid else None
        why = None if speaker else (f"speakerId '{sid}' is not among the call's parties" if sid
                                    else "monologue without a speakerId")
        t.turns.append(Turn(f"turn {i}", speaker, text, raw, why))
    return t


def _chorus(data: dict, attrs: dict, recording: dict) -> Transcript:
    """Chorus (/api/v1/conversations/ID): `recording.utterances` each with speaker_id, speaker_name,
    speaker_type and the `snippet` said; `participants` with name, email and type."""
    t = Transcript(layout="chorus", account_id=_account(data.get("account_id")))
    t.date = _date(recording.get("start_time") or attrs.get("date_time") or attrs.get("start_time")
                   or attrs.get("_created_at") or attrs.get("date"))
    by_id: dict[str, str] = {}
    for p in _list(attrs.get("participants")) or _list(data.get("participants")):
        p = _dict(p)
        name, email = _str(p.get("name")), _str(p.get("email"))
        if not name:
            continue
        t.participants[name] = _affiliation(p.get("type") or p.get("role") or p.get("speaker_type"))
        if email:
            t.emails[name] = email
        for key in ("speaker_id", "id", "user_id"):
            if _str(p.get(key)):
                by_id[str(p[key]).strip()] = name
    utterances = recording.get("utterances") if isinstance(recording.get("utterances"), list) else attrs["utterances"]
    for i, u in enumerate(utterances, start=1):
        raw = json.dumps(u, ensure_ascii=False)
        if not isinstance(u, dict):
            t.bad.append((f"turn {i}", "utterance is not an object", raw))
            continue
        sid = _str(u.get("speaker_id"))
        speaker = _str(u.get("speaker_name")) or (by_id.get(sid) if sid else None)
        if speaker and t.participants.get(speaker, "unknown") == "unknown":
            t.participants[speaker] = _affiliation(u.get("speaker_type"))
        said = _text(u.get("snippet") or u.get("text"))
        if said is None:
            t.bad.append((f"turn {i}", "the utterance's 'snippet' is an object or a list, not text", raw))
            continue
        text = " ".join(said.split())
        why = None if speaker else (f"speaker_id '{sid}' is not among the participants" if sid else "utterance without a speaker")
        t.turns.append(Turn(f"turn {i}", speaker, text, raw, why))
    return t
