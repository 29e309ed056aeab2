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

from ..contract import WORKBENCH_FILES
from ..errors import IngestError
from ..safe_csv import write_csv
from ..tables import empty
from ..workspace import Workspace
from .assemble import assemble, redact_quarantine
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
    client=None,
) -> IngestResult:
    """Read every input in ``data_dir``; write the store (and CSVs) unless nothing could be read.

    ``client``: a Dask client (:mod:`workbench.cluster`): the files are read on its workers, one task
    per file (:mod:`.parallel`), with the same tables, counts and quarantine as without."""
    started = time.perf_counter()
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise IngestError(f"{data_dir}: no such folder")
    ledger = Ledger()
    ctx = Context(data_dir, ledger, Settings.load(data_dir, ledger))
    for staff in ctx.settings.staff:
        ctx.known_names.add(staff, "Company staff")
    files = sorted(discover(data_dir), key=lambda kp: (ORDER.index(kp[0]), kp[1].as_posix()))
    if client is not None:
        from .parallel import read_files

        read_files(client, ctx, files)
    else:
        manifest: dict[str, dict] = {}
        for kind, path in files:
            manifest = read_file(ctx, kind, path, manifest)
    tables = assemble(ctx)
    ledger.check()
    quarantine = redact_quarantine(ctx, context=tables["evidence"]["text"].tolist())
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
        workspace = Workspace(data_dir, storage=ctx.settings.storage, parquet_above_rows=ctx.settings.parquet_above_rows)
        result.store_path = workspace.save(
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


def read_file(ctx: Context, kind: str, path: Path, manifest: dict[str, dict]) -> dict[str, dict]:
    """Read one file of the folder into ``ctx`` (its rows counted in the ledger, accepted or
    quarantined); returns the transcripts' manifest as it stands after this file (a manifest file
    replaces it). A file that fails is quarantined whole, nothing it added kept."""
    ledger = ctx.ledger
    rel = ctx.rel(path)
    if kind in ("config", "workbench"):
        return manifest
    mark = _mark(ctx)
    try:
        if kind == "refused":
            ledger.entry(rel, "unknown")
            raise FileProblem(refusal(path, ctx.data_dir) or "not read")
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
    return manifest


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
