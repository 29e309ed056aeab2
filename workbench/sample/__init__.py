"""The deterministic sample company: Brightloop, a work-management / operations analytics vendor.

``generate(out_dir, seed)`` writes a complete data folder in the format of docs/data-format.md
(accounts, ARR, NPS survey exports, tickets, eNPS, session notes, call transcripts) plus an
``answer_key/`` with the planted themes, every customer statement's truth, the planted bad rows
and the KPIs the simulation planted. Same seed, same bytes.
"""
from __future__ import annotations

import random
from pathlib import Path

from . import accounts, answer_key, people, sessions, support, surveys, transcripts
from .catalog import EMERGING, FADING
from .planted import planted_kpis
from .timeline import QUARTERS
from .writers import Output

__all__ = ["generate"]


def _stream(seed: int, name: str) -> random.Random:
    """An independent random stream per part, so changing one part leaves the others' data alone."""
    return random.Random(f"brightloop:{seed}:{name}")


def _settings(staff: list[str]) -> str:
    lines = [
        "company:",
        f"  name: {people.COMPANY}",
        f"  email_domains: [{people.EMAIL_DOMAIN}]",
        f"  staff: [{', '.join(staff)}]",
        "surveys:",
        "  surveys/nps_2025H2_emea.csv: surveymonkey",
        "phone_regions: [US, GB]   # national numbers of these regions are redacted (+CC ones always)",
    ]
    return "\n".join(lines) + "\n"


def generate(out_dir: str | Path, seed: int = 7) -> dict[str, int]:
    """Write the sample company into ``out_dir``; returns how many of each kind of record it wrote.

    Files a previous run wrote and this one does not are removed; nothing else in ``out_dir``
    (such as ``.workbench/``) is touched.
    """
    out = Output(Path(out_dir))
    key = answer_key.AnswerKey()

    book = accounts.simulate(_stream(seed, "accounts"))
    out.write_csv("accounts.csv", accounts.account_rows(book))
    out.write_csv("arr.csv", accounts.arr_rows(book))
    key.bad("accounts.csv", f"row {len(book.accounts) + 2}", "end_date before start_date")
    bad_index = next(i for i, (a, q, _) in enumerate(book.arr_rows) if (a, q) == book.bad_arr)
    key.bad("arr.csv", f"row {bad_index + 2}", "negative arr")

    responses = surveys.simulate(_stream(seed, "surveys"), book)
    per_file = surveys.write(_stream(seed, "survey-files"), out, key, book, responses)

    tickets = support.simulate_tickets(_stream(seed, "tickets"), book)
    support.write_tickets(out, key, tickets)
    enps = support.simulate_enps(_stream(seed, "enps"))
    support.write_enps(out, enps)

    notes = sessions.build(_stream(seed, "sessions"), book, key)
    sessions.write(out, notes)
    calls = transcripts.build(_stream(seed, "transcripts"), book, out, key)

    used = {name for s in notes for name, _ in s.attendees} | calls.staff
    out.write_text("workbench.yml", _settings([name for name, _ in people.STAFF if name in used]))

    summary = {
        "accounts": len(book.accounts) + 1,
        "arr_rows": len(book.arr_rows),
        "survey_files": len(per_file),
        "survey_responses": sum(per_file.values()),
        "tickets": len(tickets),
        "enps_responses": len(enps),
        "sessions": len(notes),
        "transcripts": sum(calls.formats.values()),
        **{f"transcripts_{fmt}": n for fmt, n in sorted(calls.formats.items())},
        "statements": len(key.statements),
        "bad_rows": len(key.bad_rows),
    }
    planted = {
        "seed": seed,
        "quarters": list(QUARTERS),
        "emerging_themes": EMERGING,
        "fading_themes": FADING,
        "kpis": planted_kpis(book, responses, enps, tickets, notes),
        "counts": summary,
    }
    answer_key.write(out, key, planted)
    out.finish()
    return summary
