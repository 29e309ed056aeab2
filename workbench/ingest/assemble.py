"""Assembling one ingest run's pieces into the stored tables: cross-file checks (ARR rows of unknown
accounts), redaction of every text (the names seen anywhere in the data, then the name finder's
pass), evidence ids, quarters and segments, each table in its schema's types."""
from __future__ import annotations

import pandas as pd

from ..contract import EVIDENCE_COLUMNS, SEGMENTS, evidence_id, to_quarter
from ..pii import NameFinder
from ..redact import NameBook, Redactor
from ..tables import SCHEMAS, columns, empty
from .context import Context


def _concat(ctx: Context, name: str) -> pd.DataFrame:
    pieces = ctx.tables.get(name)
    if not pieces:
        return empty(name)
    return pd.concat(pieces, ignore_index=True)


def _segments(frame: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    frame = frame.drop(columns=[c for c in SEGMENTS if c in frame.columns])
    lookup = accounts.drop_duplicates("account_id").set_index("account_id")[list(SEGMENTS)]
    joined = frame.join(lookup, on="account_id") if len(frame) else frame.assign(**{s: None for s in SEGMENTS})
    return joined


def assemble(ctx: Context) -> dict[str, pd.DataFrame]:
    """Concatenate parsed pieces, apply cross-file checks, redact, add quarters and segments."""
    ledger = ctx.ledger
    accounts = _concat(ctx, "accounts")
    known_accounts = set(accounts["account_id"].dropna())
    arr = _concat(ctx, "arr")
    if len(arr) and known_accounts:
        unknown = ~arr["account_id"].isin(known_accounts)
        for _, row in arr[unknown].iterrows():
            ledger.unaccept(row["source_file"], row["locator"], f"unknown account_id '{row['account_id']}' (not in accounts)",
                            f"{row['account_id']},{row['quarter']},{row['arr']}")
        arr = arr[~unknown]
    redactor = _redactor(ctx)
    actions = _concat(ctx, "action_items")
    ev = pd.concat(ctx.evidence, ignore_index=True) if ctx.evidence else None
    texts = [redactor(str(t).strip(), _book(local)) for t, local in zip(ev["text"], ev["_local"])] if ev is not None else []
    action_texts = [redactor(a, _book(b)) for a, b in zip(actions["action"], actions["_local"])] if len(actions) else []
    # the second pass (names nobody listed): statements and action items at once, see workbench.pii
    raw = ([str(t) for t in ev["text"]] if ev is not None else []) + ([str(a) for a in actions["action"]] if len(actions) else [])
    both = _finder(ctx).redact_all(texts + action_texts, raw=raw)
    texts, action_texts = both[: len(texts)], both[len(texts):]

    # evidence: redacted, then id, quarter and segments
    if ev is not None:
        ev["text"] = texts
        ev["date"] = pd.to_datetime(ev["date"]).astype("datetime64[ns]")
        ev["quarter"] = to_quarter(ev["date"])
        ev["evidence_id"] = [evidence_id(f, loc, t) for f, loc, t in zip(ev["source_file"], ev["locator"], ev["text"])]
        ev = _segments(ev, accounts)
    else:
        ev = pd.DataFrame(columns=EVIDENCE_COLUMNS + ["_response_id"])
    # NPS responses link to their comment's evidence row
    nps = _concat(ctx, "nps_responses")
    if len(nps):
        link = ev.dropna(subset=["_response_id"]).set_index("_response_id")["evidence_id"] if "_response_id" in ev else {}
        nps["evidence_id"] = nps["response_id"].map(link) if len(link) else None
        nps["quarter"] = to_quarter(nps["date"])
        nps = _segments(nps.drop(columns=["_has_comment"]), accounts)
    evidence = ev.reindex(columns=EVIDENCE_COLUMNS)
    evidence["score"] = evidence["score"].astype(float)

    tickets = _concat(ctx, "tickets")
    if len(tickets):
        tickets["quarter"] = to_quarter(tickets["opened_at"])
        tickets = _segments(tickets, accounts)
    sessions = _concat(ctx, "sessions")
    if len(sessions):
        sessions["quarter"] = to_quarter(sessions["date"])
        sessions = _segments(sessions, accounts)
    if len(actions):
        actions["action"] = action_texts
        actions["quarter"] = to_quarter(actions["session_date"])
    enps = _concat(ctx, "enps")
    if len(enps):
        enps["quarter"] = to_quarter(enps["date"])

    tables = {
        "accounts": accounts, "arr": arr, "nps_responses": nps, "tickets": tickets, "enps": enps,
        "sessions": sessions, "action_items": actions, "evidence": evidence,
    }
    for name, frame in tables.items():
        frame = frame.reindex(columns=columns(name)).reset_index(drop=True)
        if len(frame):
            frame = SCHEMAS[name].validate(_coerce(frame, name))
        tables[name] = frame
    return tables


def _coerce(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Give every column the dtype its schema names (object columns stay object)."""
    schema = SCHEMAS[name]
    for col, spec in schema.columns.items():
        dtype = str(spec.dtype)
        if col not in frame:
            continue
        if dtype.startswith("datetime64"):
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
        elif dtype in ("int64", "float64", "Int64", "bool"):
            frame[col] = frame[col].astype(dtype)
        elif dtype == "str":
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def redact_quarantine(ctx: Context, context: list[str]) -> pd.DataFrame:
    """Quarantined rows are stored too: both PII passes (the evidence texts teach the name finder
    how this data set writes its words)."""
    frame = ctx.ledger.quarantine_frame()
    if len(frame):
        redactor = _redactor(ctx)
        frame["raw"] = _finder(ctx).redact_all([redactor(r) for r in frame["raw"]], context=context)
    return frame


def _book(local) -> NameBook | None:
    """A row's own names (the people of that file) as a NameBook."""
    if isinstance(local, NameBook):
        return local
    if isinstance(local, list):
        book = NameBook()
        for name, label in local:
            book.add(name, label)
        return book
    return None


def _redactor(ctx: Context) -> Redactor:
    return Redactor(known=ctx.known_names, phone_regions=ctx.settings.phone_regions)


def _finder(ctx: Context) -> NameFinder:
    return NameFinder(keep_words=ctx.settings.keep_words, find_names=ctx.settings.find_names,
                      known=dict(ctx.known_names.parts))
