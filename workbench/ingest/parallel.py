"""Reading a data folder's files on a Dask cluster (``ingest(..., client=...)``): one task per file,
the same tables, counts and quarantine as one process.

One process reads the files in a fixed order into one :class:`~.context.Context`; what a reader does
with that context is local to its file but for three things: ids seen in earlier files of the same
kind (a duplicate response id, ticket id or session id is quarantined as "first at" the earlier
file), the accounts read before (a session note's "Account: Acme" is looked up in them) and the
transcripts' manifest. So here:

* the files before the first survey in that order (the accounts, ARR and the refused ones: small)
  are read first in this process, as before;
* every survey, note, transcript, tickets and eNPS file is read on a worker, each into a context of
  its own (its own ledger, no ids seen yet, the accounts and manifest given), and the task returns
  what the reader added (:class:`FileRead`): its ledger entry, quarantined rows and warnings,
  statements and table rows, the ids it saw and the names it learnt;
* the job merges them in the one-process order. A file whose ids collide with an earlier file's
  is read again here, into the merged context, so its duplicates say where they were first seen
  exactly as one process would; names are merged keeping the first label seen, as one process does.

Redaction and the cross-file checks (:func:`.assemble.assemble`) then run on the merged context as
before. Each file's rows read = accepted + quarantined is checked on its worker and again after the
merge (:meth:`.ledger.Ledger.check`). A worker that dies mid-read has its files read again by Dask.

The workers read the files from the same path when they see the data folder (a shared file system);
otherwise each file's bytes travel with its task (written to a temporary folder on the worker).
"""
from __future__ import annotations

import logging
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..redact import NameBook
from .context import Context, Settings
from .ledger import FileEntry, Ledger

log = logging.getLogger(__name__)

#: the kinds of file read on the workers (the others are few and small, or need the folder around them)
REMOTE_KINDS = ("survey", "note", "transcript", "tickets", "enps")
#: kinds read first, in this process, as one process reads them (everything before the surveys)
FIRST_KINDS = ("refused", "config", "workbench", "accounts", "arr")
#: whether the workers see the data folder at its path; None: ask them (tests force False)
SHARED_FOLDER: bool | None = None


@dataclass
class FileRead:
    """What reading one file added to a fresh context: merged into the run's by :func:`merge`."""

    rel: str
    entries: dict[str, FileEntry]
    quarantine: list[dict]
    warnings: list[dict]
    evidence: list[pd.DataFrame]
    tables: dict[str, list[pd.DataFrame]]
    seen: dict[str, dict[str, str]]
    names: NameBook
    manifest: dict[str, dict] = field(default_factory=dict)


def read_one(data_dir: str, kind: str, rel: str, settings: Settings, accounts: list[pd.DataFrame],
             manifest: dict[str, dict], payload: bytes | None = None) -> FileRead:
    """Read one file into a context of its own (runs on a worker, or here). ``payload``: the file's
    bytes, when the worker cannot see the folder."""
    if payload is None:
        return _read(Path(data_dir), kind, rel, settings, accounts, manifest)
    with tempfile.TemporaryDirectory(prefix="workbench-ingest-") as folder:
        path = Path(folder) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        return _read(Path(folder), kind, rel, settings, accounts, manifest)


def _read(data_dir: Path, kind: str, rel: str, settings: Settings, accounts: list[pd.DataFrame],
          manifest: dict[str, dict]) -> FileRead:
    from . import read_file

    ctx = Context(data_dir, Ledger(), settings)
    if accounts:
        ctx.tables["accounts"] = list(accounts)
    given = len(accounts)
    manifest = read_file(ctx, kind, data_dir / rel, manifest)
    ctx.ledger.check()
    tables = {name: pieces[given:] if name == "accounts" else pieces for name, pieces in ctx.tables.items()}
    return FileRead(rel, ctx.ledger.files, ctx.ledger.quarantine, ctx.ledger.warnings, ctx.evidence,
                    {name: pieces for name, pieces in tables.items() if pieces}, ctx.seen_ids, ctx.known_names,
                    manifest)


def collides(ctx: Context, read: FileRead) -> bool:
    """Whether a file's ids meet ids of an earlier file of the same kind (then it is read again here)."""
    return any(not ctx.seen(kind).keys().isdisjoint(ids) for kind, ids in read.seen.items())


def merge(ctx: Context, read: FileRead) -> None:
    """Add one file's read to the run's context, as if its reader had written there."""
    ctx.ledger.files.update(read.entries)
    ctx.ledger.quarantine.extend(read.quarantine)
    ctx.ledger.warnings.extend(read.warnings)
    ctx.evidence.extend(read.evidence)
    for name, pieces in read.tables.items():
        ctx.tables.setdefault(name, []).extend(pieces)
    for kind, ids in read.seen.items():
        ctx.seen(kind).update(ids)
    book = ctx.known_names  # NameBook.add keeps the first label a name was seen with: so does this
    for mine, theirs in ((book.full, read.names.full), (book.parts, read.names.parts),
                         (book.common_parts, read.names.common_parts)):
        for key, label in theirs.items():
            mine.setdefault(key, label)
    book.identifiers |= read.names.identifiers


def read_files(client, ctx: Context, files: list[tuple[str, Path]]) -> None:
    """Read ``files`` (kind, path; in the one-process order) into ``ctx``, the heavy ones on the
    cluster of ``client``; see the module docstring."""
    from . import _too_big, read_file

    first = [(k, p) for k, p in files if k in FIRST_KINDS]
    rest = [(k, p) for k, p in files if k not in FIRST_KINDS]
    if [kp for kp in files[:len(first)]] != first:
        raise AssertionError("the files read first must come first in the reading order")
    manifest: dict[str, dict] = {}
    for kind, path in first:
        manifest = read_file(ctx, kind, path, manifest)
    accounts = list(ctx.tables.get("accounts", []))
    # a file over the size limit is refused on its size alone, here: its bytes never travel
    remote = [kind in REMOTE_KINDS and _too_big(path, ctx.settings.max_file_bytes) is None for kind, path in rest]
    shared = SHARED_FOLDER if SHARED_FOLDER is not None else _workers_see(
        client, [p for (_, p), r in zip(rest, remote) if r][:1])
    run = uuid.uuid4().hex[:8]
    data_dir = str(ctx.data_dir.resolve())
    settings, accounts_f = client.scatter([ctx.settings, accounts], broadcast=True, hash=False)
    reads: dict[int, object] = {}  # position in ``rest`` -> FileRead or its future
    manifests: dict[int, dict] = {}
    for i, (kind, path) in enumerate(rest):
        rel = ctx.rel(path)
        if remote[i]:
            payload = None if shared else path.read_bytes()  # part of the task: resent if its worker dies
            reads[i] = client.submit(read_one, data_dir, kind, rel, settings, accounts_f, manifest, payload,
                                     key=f"ingest-{run}-{i}-{kind}")
        else:  # a manifest (it looks for its transcripts beside it), an unknown or too big file: here
            reads[i] = read_one(data_dir, kind, rel, ctx.settings, accounts, manifest)
            manifest = reads[i].manifest
        manifests[i] = manifest
    log.info("ingest: %d of %d files read on the cluster (%s)", sum(remote), len(files),
             "shared folder" if shared else "bytes sent with each task")
    again = 0
    for i, (kind, path) in enumerate(rest):
        read = reads.pop(i)
        read = read if isinstance(read, FileRead) else read.result()
        if collides(ctx, read):  # duplicates across files: as one process would say them
            again += 1
            read_file(ctx, kind, path, manifests[i])
        else:
            merge(ctx, read)
    if again:
        log.info("ingest: %d files read again here (ids seen in an earlier file)", again)
    ctx.ledger.check()


def _workers_see(client, paths: list[Path]) -> bool:
    """Whether every worker sees the first of these files at the same path, with the same size."""
    if not paths:
        return True
    path = paths[0].resolve()
    size = path.stat().st_size
    answers = client.run(_sees, str(path), size)
    return bool(answers) and all(answers.values())


def _sees(path: str, size: int) -> bool:
    try:
        return os.stat(path).st_size == size
    except OSError:
        return False
