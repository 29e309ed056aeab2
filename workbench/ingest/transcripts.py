"""Call transcripts: WebVTT, SRT, plain `Name: text`, Otter.ai text, and JSON (workbench, Gong,
Chorus); see docs/data-format.md. The readers live in ``transcript_text`` and ``transcript_json``.

Each turn (cue, monologue, line or JSON turn) is one row. Customer turns become themed evidence;
company turns are kept for context with speaker_role 'company'. A turn whose speaker is not named
(no speaker at all, or a tool's "Speaker 2") is quarantined, never themed as the customer's voice:
it may be the company speaking. A transcript with no named speaker at all is also a warning.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from ..redact import NameBook
from .context import Context, Settings
from .fields import parse_date
from .reading import read_csv_records
from .transcript_json import parse_json
from .transcript_text import Transcript, is_generic, parse_srt, parse_txt, parse_vtt

#: Zoom cloud recordings: GMT20260812-150012_Recording.transcript.vtt (start of the call, GMT)
ZOOM_NAME_RE = re.compile(r"GMT(\d{8}-\d{6})")
UNNAMED = "no speaker named for this turn: customer and company speech cannot be told apart"

PARSERS = {".vtt": parse_vtt, ".srt": parse_srt, ".txt": parse_txt, ".json": parse_json}


def load_manifest(path: Path, ctx: Context) -> dict[str, dict]:
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "transcript", "manifest")
    records = read_csv_records(ctx.read_text(path).text, max_field_chars=ctx.settings.max_field_chars)
    for n, reason, raw in records.rejects:
        ctx.ledger.reject(rel, f"row {n}", reason, raw)
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


def zoom_name_date(name: str) -> str | None:
    """The start of a Zoom recording from its file name (GMT%Y%m%d-%H%M%S), as ISO; None if absent.

    Parsed here: ``fields.parse_date`` reads dates, not dates inside file names.
    """
    m = ZOOM_NAME_RE.search(name)
    if not m:
        return None
    try:
        return dt.datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=dt.timezone.utc).isoformat()
    except ValueError:
        return None


def speaker_role(speaker: str, t: Transcript, settings: Settings) -> str:
    """customer, company or unknown. Staff (workbench.yml: names, e-mail domains, the company's
    name) are the company whatever the file says; else the file's role (participant list, Gong
    affiliation, Chorus type); else, when anything says who is who, a customer."""
    if settings.is_staff(speaker, t.emails.get(speaker)):
        return "company"
    role = t.participants.get(speaker)
    if role in ("customer", "company"):
        return role
    return "customer" if t.participants or settings.staff or settings.email_domains else "unknown"


def load_transcript(path: Path, ctx: Context, manifest: dict[str, dict]) -> None:
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "transcript", path.suffix.lstrip("."))
    t = PARSERS[path.suffix.lower()](ctx.read_text(path).text)
    named_zoom = zoom_name_date(path.name)
    if t.layout or (named_zoom and path.suffix.lower() == ".vtt"):
        ctx.ledger.entry(rel, "transcript", t.layout or "zoom")
    listed = manifest.get(path.name) or manifest.get(rel) or {}
    account_id = t.account_id or listed.get("account_id")
    date_raw = t.date or listed.get("date") or named_zoom
    date = parse_date(date_raw)
    for loc, reason, raw in t.bad:
        ctx.ledger.reject(rel, loc, reason, raw)
    named = [turn for turn in t.turns if turn.speaker and not is_generic(turn.speaker)]
    if not t.turns and not t.bad:
        ctx.ledger.warn(rel, "file", "no turns in this transcript: nothing was said, "
                                     "or the layout is not one described in docs/data-format.md")
    if t.turns and not named:
        labels = sorted({turn.speaker for turn in t.turns if turn.speaker})
        ctx.ledger.warn(rel, "file", (
            f"no speaker recognised in this transcript ({', '.join(labels) if labels else 'no speaker labels'}): "
            f"its {len(t.turns)} turns are quarantined, not read as the customer's voice; add speaker names"
        ))
    # names first: quarantined text is redacted with them too
    settings = ctx.settings
    local = NameBook()
    roles: dict[str, str] = {}
    for speaker in sorted({x.speaker for x in named}) + sorted(t.participants):
        if speaker in roles or is_generic(speaker):
            continue
        roles[speaker] = role = speaker_role(speaker, t, settings)
        label = {"customer": "Customer", "company": "Company"}.get(role, "Speaker")
        local.add(speaker, label)
        ctx.known_names.add(speaker, label)
    local.add_identifiers_from([turn.text for turn in t.turns] + list(t.emails.values()))
    if pd.isna(date):
        reason = (f"transcript date '{date_raw}' is not a date" if date_raw
                  else "no date for this transcript (not in the file, nor in transcripts/manifest.csv)")
        for turn in t.turns:
            ctx.ledger.reject(rel, turn.locator, reason, turn.raw)
        return
    rows = []
    for turn in t.turns:
        if not turn.text:
            ctx.ledger.reject(rel, turn.locator, "empty text", turn.raw)
            continue
        if turn.speaker not in roles:
            why = turn.unnamed_reason or (f"speaker '{turn.speaker}' is a label, not a name" if turn.speaker else None)
            ctx.ledger.reject(rel, turn.locator, f"{UNNAMED} ({why})" if why else UNNAMED, turn.raw)
            continue
        rows.append({
            "source": "transcript", "kind": "utterance", "source_file": rel, "locator": turn.locator,
            "account_id": account_id, "persona": None, "speaker_role": roles[turn.speaker],
            "date": date, "score": float("nan"), "text": turn.text, "_local": local,
        })
    ctx.ledger.accept(rel, len(rows))
    if rows:
        ctx.add_evidence(pd.DataFrame(rows))
