"""Bookkeeping for one ingest run: every row read is either accepted or quarantined, with a reason."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from ..tables import INGEST_FILES_COLUMNS, QUARANTINE_COLUMNS, WARNING_COLUMNS

RAW_LIMIT = 300
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _shown(text: str) -> str:
    """A quarantined row or reason as stored: control characters (a NUL byte) written as \\x00."""
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass
class FileEntry:
    source_file: str
    source: str
    layout: str = ""
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    warnings: int = 0


@dataclass
class Ledger:
    """Counts per file and the quarantine list. ``check()`` proves rows read = accepted + quarantined."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    quarantine: list[dict] = field(default_factory=list)
    #: things read but worth a reader's attention (a note with no statements, a transcript with no
    #: recognised speaker): they do not change the row counts, they are shown beside them
    warnings: list[dict] = field(default_factory=list)

    def entry(self, source_file: str, source: str, layout: str = "") -> FileEntry:
        if source_file not in self.files:
            self.files[source_file] = FileEntry(source_file, source, layout)
        elif layout:
            self.files[source_file].layout = layout
        return self.files[source_file]

    def accept(self, source_file: str, n: int = 1) -> None:
        e = self.files[source_file]
        e.rows_read += n
        e.rows_accepted += n

    def reject(self, source_file: str, locator: str, reason: str, raw: str = "") -> None:
        e = self.files[source_file]
        e.rows_read += 1
        e.rows_quarantined += 1
        self.quarantine.append({"source_file": source_file, "locator": locator, "reason": _shown(reason),
                                "raw": _shown((raw or "")[:RAW_LIMIT])})

    def warn(self, source_file: str, locator: str, reason: str) -> None:
        self.files[source_file].warnings += 1
        self.warnings.append({"source_file": source_file, "locator": locator, "reason": _shown(reason)})

    def forget(self, source_file: str) -> None:
        """Undo everything counted for one file (its reader failed half-way; see ``ingest``)."""
        entry = self.files[source_file]
        entry.rows_read = entry.rows_accepted = entry.rows_quarantined = entry.warnings = 0
        self.quarantine = [q for q in self.quarantine if q["source_file"] != source_file]
        self.warnings = [w for w in self.warnings if w["source_file"] != source_file]

    def unaccept(self, source_file: str, locator: str, reason: str, raw: str = "") -> None:
        """Move a row counted as accepted to quarantine (a check that needs the whole data set)."""
        e = self.files[source_file]
        e.rows_accepted -= 1
        e.rows_read -= 1
        self.reject(source_file, locator, reason, raw)

    def check(self) -> None:
        for e in self.files.values():
            if e.rows_read != e.rows_accepted + e.rows_quarantined:
                raise AssertionError(
                    f"{e.source_file}: rows read {e.rows_read} != accepted {e.rows_accepted}"
                    f" + quarantined {e.rows_quarantined}"
                )

    def files_frame(self) -> pd.DataFrame:
        rows = [vars(e) for e in sorted(self.files.values(), key=lambda e: e.source_file)]
        return pd.DataFrame(rows, columns=INGEST_FILES_COLUMNS)

    def quarantine_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.quarantine, columns=QUARANTINE_COLUMNS)

    def warnings_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.warnings, columns=WARNING_COLUMNS)

    def reason_counts(self) -> Counter:
        return Counter(q["reason"].split(":")[0] for q in self.quarantine)
