"""Ingestion: a data folder in, the evidence table and KPI tables out, every row accounted for.

    result = ingest("data/sample")          # parses, validates, redacts, writes the store
    result.tables["evidence"]               # one row per customer statement, with provenance
    result.files                            # rows read / accepted / quarantined per file
    result.quarantine                       # each rejected row: file, locator, reason
"""
from __future__ import annotations

import logging
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..contract import EVIDENCE_COLUMNS, SEGMENTS, WORKBENCH_FILES, evidence_id, to_quarter
from ..errors import IngestError
from ..pii import NameFinder
from ..redact import NameBook, Redactor
from ..safe_csv import write_csv
from ..tables import SCHEMAS, columns, empty
from ..workspace import Workspace
from .context import Context, Settings
from .csvtables import load_simple, load_tickets
from .ledger import Ledger
from .notes import load_note
from .reading import FileProblem
from .surveys import load_survey
from .transcripts import PARSERS, load_manifest, load_transcript

log = logging.getLogger(__name__)

SKIPPED_DIRS = {"answer_key"}
ROOT_TABLES = ("accounts", "arr", "tickets", "enps")
#: the source a kind of file is counted under
SOURCES = {"survey": "nps", "note": "session_note", "manifest": "transcript"}


@dataclass
class IngestResult:
    data_dir: Path
    tables: dict[str, pd.DataFrame]
    files: pd.DataFrame
    quarantine: pd.DataFrame
    warnings: pd.DataFrame = field(default_factory=lambda: empty("ingest_warnings"))
    seconds: float = 0.0
    store_path: Path | None = None
    exported: list[Path] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return int(self.files["rows_read"].sum())

    @property
    def rows_accepted(self) -> int:
        return int(self.files["rows_accepted"].sum())

    @property
    def rows_quarantined(self) -> int:
        return int(self.files["rows_quarantined"].sum())

    def by_source(self) -> pd.DataFrame:
        return (
            self.files.groupby("source")[["rows_read", "rows_accepted", "rows_quarantined"]]
            .sum()
            .assign(files=self.files.groupby("source").size())
            .reset_index()
        )


def classify(rel: str) -> str:
    """What kind of input a file (path relative to the data folder) is, or 'unknown'."""
    parts = rel.split("/")
    name = parts[-1].lower()
    suffix = Path(name).suffix
    if len(parts) == 1:
        if name == "workbench.yml":
            return "config"
        if name in WORKBENCH_FILES:
            return "workbench"  # written by the workbench itself (the theme registry): not input
        for table in ROOT_TABLES:
            if name.startswith(table) and suffix == ".csv":
                return table
        return "unknown"
    top = parts[0]
    if top == "surveys" and suffix in (".csv", ".tsv", ".xlsx"):
        return "survey"
    if top == "sessions" and suffix in (".md", ".docx"):
        return "note"
    if top == "transcripts":
        if name == "manifest.csv":
            return "manifest"
        if suffix in PARSERS:
            return "transcript"
    return "unknown"


EXPECTED = (
    "accounts.csv, arr.csv, tickets.csv, enps.csv at the top; surveys/*.csv|.tsv|.xlsx; sessions/*.md|.docx; "
    "transcripts/*.vtt|.srt|.txt|.json"
)


def discover(data_dir: Path) -> list[tuple[str, Path]]:
    """Every file under ``data_dir`` with its kind; what must not be read is kind 'refused'
    (see :func:`refusal`). Symlinked folders are listed as refused, not silently skipped."""
    found = []
    for root, dirs, files in os.walk(data_dir):
        for d in sorted(dirs):
            if (Path(root) / d).is_symlink() and not d.startswith("."):
                found.append(("refused", Path(root) / d))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (Path(root) / d).is_symlink()
                         and not (Path(root) == data_dir and d in SKIPPED_DIRS))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            kind = "refused" if refusal(path, data_dir) else classify(path.relative_to(data_dir).as_posix())
            found.append((kind, path))
    return found


def refusal(path: Path, data_dir: Path) -> str | None:
    """Why a path must not be read, or None: only regular files inside the folder are read (a FIFO
    blocks a reader forever, a device never ends, a symlink may lead out of the folder)."""
    if path.is_symlink():
        if not path.exists():
            return "a dangling symlink (its target does not exist): not read"
        if path.is_dir():
            return "a symlinked folder: not followed (put the files themselves in the data folder)"
        try:
            path.resolve().relative_to(data_dir.resolve())
        except ValueError:
            return "a symlink to a file outside the data folder: not read"
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, device or socket): not read"
    if not os.access(path, os.R_OK):
        return "cannot be read: permission denied"
    return None


def _too_big(path: Path, limit: int) -> str | None:
    """Why a file is not read for its size (told before anything is read into memory), or None."""
    size = path.stat().st_size
    if size <= limit:
        return None
    return (f"{size / 1e6:,.1f} MB, over the limit of {limit / 1e6:g} MB per file (limits.max_file_mb in "
            "workbench.yml): not read")


ORDER = ["refused", "config", "workbench", "accounts", "arr", "survey", "note", "manifest", "transcript", "tickets", "enps",
         "unknown"]


def ingest(
    data_dir: str | os.PathLike,
    *,
    strict: bool = False,
    export_csv: str | os.PathLike | None = None,
    write: bool = True,
) -> IngestResult:
    """Read every input in ``data_dir``; write the store (and CSVs) unless nothing could be read."""
    started = time.perf_counter()
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise IngestError(f"{data_dir}: no such folder")
    ledger = Ledger()
    ctx = Context(data_dir, ledger, Settings.load(data_dir, ledger))
    for staff in ctx.settings.staff:
        ctx.known_names.add(staff, "Company staff")
    files = sorted(discover(data_dir), key=lambda kp: (ORDER.index(kp[0]), kp[1].as_posix()))
    manifest: dict[str, dict] = {}
    for kind, path in files:
        rel = ctx.rel(path)
        if kind in ("config", "workbench"):
            continue
        mark = _mark(ctx)
        try:
            if kind == "refused":
                ledger.entry(rel, "unknown")
                raise FileProblem(refusal(path, data_dir) or "not read")
            if kind == "unknown":
                ledger.entry(rel, "unknown")
                raise FileProblem(f"unknown file type '{path.suffix or path.name}' here; expected {EXPECTED}")
            too_big = _too_big(path, ctx.settings.max_file_bytes)
            if too_big:
                ledger.entry(rel, SOURCES.get(kind, kind))
                raise FileProblem(too_big)
            if kind == "survey":
                load_survey(path, ctx)
            elif kind == "note":
                load_note(path, ctx)
            elif kind == "manifest":
                manifest = load_manifest(path, ctx)
            elif kind == "transcript":
                load_transcript(path, ctx, manifest)
            elif kind == "tickets":
                load_tickets(path, ctx)
            else:
                load_simple(path, ctx, kind)
        except FileProblem as problem:
            if ledger.files[rel].rows_read:  # found after some rows were counted: the file is refused whole
                _rollback(ctx, mark)
                ledger.forget(rel)
            ledger.reject(rel, problem.locator, problem.reason)
        except Exception as exc:  # noqa: BLE001 - one file's reader must not stop the folder
            # a reader failed in a way nobody foresaw: what it added is taken back and the whole
            # file quarantined with the error, so the rest of the folder is still read and counted
            log.warning("%s: reader failed: %s: %s", rel, type(exc).__name__, exc)
            _rollback(ctx, mark)
            ledger.entry(rel, "unknown")
            ledger.forget(rel)
            ledger.reject(rel, "file", f"could not be read ({type(exc).__name__}: {str(exc)[:200]}); "
                          "nothing from this file is used")
        log.info("read %s", rel)
    tables = assemble(ctx)
    ledger.check()
    quarantine = _redact_quarantine(ctx, context=tables["evidence"]["text"].tolist())
    result = IngestResult(data_dir, tables, ledger.files_frame(), quarantine, ledger.warnings_frame())
    if result.rows_read == 0:
        seen = [f for f, e in ledger.files.items() if e.source != "config"]
        if seen:
            first = ledger.warnings[0] if ledger.warnings else None
            raise IngestError(f"{data_dir}: {len(seen)} input files, none with a row to read"
                              + (f" (first: {first['source_file']}: {first['reason']})" if first else ""))
        raise IngestError(f"{data_dir}: no input files found (expected {EXPECTED})")
    if strict and result.rows_quarantined:
        raise IngestError(
            f"--strict: {result.rows_quarantined} rows quarantined (first: "
            f"{result.quarantine.iloc[0]['source_file']} {result.quarantine.iloc[0]['locator']}: "
            f"{result.quarantine.iloc[0]['reason']}); store not written"
        )
    if write and result.rows_accepted:  # nothing accepted: keep the previous store
        result.store_path = Workspace(data_dir).save(
            {**tables, "ingest_files": result.files, "quarantine": result.quarantine,
             "ingest_warnings": result.warnings})
    if export_csv is not None:
        out = Path(export_csv)
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in (("evidence", tables["evidence"]), ("quarantine", result.quarantine)):
            path = out / f"{name}.csv"
            write_csv(frame, path)  # analysts open these in a spreadsheet: no cell runs as a formula
            result.exported.append(path)
    result.seconds = time.perf_counter() - started
    return result


def _mark(ctx: Context) -> tuple:
    """Where the run's collected pieces stand before one file is read."""
    return (len(ctx.evidence), {k: len(v) for k, v in ctx.tables.items()},
            {k: len(v) for k, v in ctx.seen_ids.items()})


def _rollback(ctx: Context, mark: tuple) -> None:
    """Drop what a failed file's reader added (evidence, table pieces, ids seen)."""
    evidence, tables, seen = mark
    del ctx.evidence[evidence:]
    for name, pieces in ctx.tables.items():
        del pieces[tables.get(name, 0):]
    for kind, ids in ctx.seen_ids.items():
        for key in list(ids)[seen.get(kind, 0):]:
            del ids[key]


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


def _redact_quarantine(ctx: Context, context: list[str]) -> pd.DataFrame:
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
