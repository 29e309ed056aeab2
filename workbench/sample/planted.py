"""The KPIs the generator planted, computed from its own simulation state (never from the files).

Definitions for a quarter Q = [first day, last day]; the planted bad rows never enter the state.
"""
from __future__ import annotations

from .accounts import Book
from .sessions import Session
from .support import EnpsResponse, Ticket
from .surveys import Response
from .timeline import QUARTERS, bounds, previous


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def _nps(scores: list[int]) -> float | None:
    if not scores:
        return None
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    return round(100 * (promoters - detractors) / len(scores), 6)


def quarter_kpis(quarter: str, book: Book, responses: list[Response], enps: list[EnpsResponse],
                 tickets: list[Ticket], sessions: list[Session]) -> dict[str, float | None]:
    first, last = bounds(quarter)
    existing = [a for a in book.accounts if a.start < first and (a.end is None or a.end >= first)]
    left = [a for a in book.accounts if a.end is not None and first <= a.end <= last]
    acquired = [a for a in book.accounts if first <= a.start <= last]
    existing_left = [a for a in existing if a.end is not None and a.end <= last]

    arr = {(a, q): v for a, q, v in book.arr_rows if (a, q) != book.bad_arr}
    prior = previous(quarter)
    nrr = None
    if any(q == prior for _, q in arr):
        before = sum(arr.get((a.account_id, prior), 0.0) for a in existing)
        after = sum(arr.get((a.account_id, quarter), 0.0) for a in existing)
        nrr = _ratio(after, before)

    mine = [t for t in tickets if t.quarter == quarter]
    answered = [t.csat for t in mine if t.csat is not None]
    efforts = [t.ces for t in mine if t.ces is not None]
    return {
        "nps": _nps([r.score for r in responses if r.quarter == quarter]),
        "enps": _nps([e.score for e in enps if e.quarter == quarter]),
        "csat": round(100 * sum(c >= 4 for c in answered) / len(answered), 6) if answered else None,
        "ces_mean": _ratio(sum(efforts), len(efforts)),
        "retention": _ratio(len(existing) - len(existing_left), len(existing)),
        "churn": _ratio(len(left), len(existing) + len(acquired)),
        "nrr": nrr,
        "referral_rate": _ratio(sum(bool(a.referred_by) for a in acquired), len(acquired)),
        "fcr": _ratio(sum(t.contacts == 1 for t in mine), len(mine)),
        "exposure_hours": round(sum(len(s.attendees) * s.duration_minutes / 60 for s in sessions
                                    if s.quarter == quarter), 6),
    }


def planted_kpis(book: Book, responses, enps, tickets, sessions) -> dict[str, dict]:
    return {q: quarter_kpis(q, book, responses, enps, tickets, sessions) for q in QUARTERS}
