"""State shared by the parsers during one ingest run."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..redact import NameBook
from ..workspace import PARQUET_ABOVE_ROWS
from .ledger import Ledger
from .reading import TextFile, control_problem, read_text
from .settings import read_settings


@dataclass
class Settings:
    """DATA_DIR/workbench.yml, all optional; validated by ``settings.read_settings``."""

    company_name: str = ""
    email_domains: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    survey_layouts: dict = field(default_factory=dict)
    survey_files: dict = field(default_factory=dict)
    phone_regions: tuple[str, ...] = ("US",)
    #: words never redacted as names (product and tool names)
    keep_words: tuple[str, ...] = ()
    find_names: bool = True
    #: limits.max_file_mb (in bytes) and limits.max_field_chars
    max_file_bytes: int = 200_000_000
    max_field_chars: int = 100_000
    #: the store's format and when ``auto`` turns to Parquet (``storage:``; see workbench.workspace)
    storage: str = "auto"
    parquet_above_rows: int = PARQUET_ABOVE_ROWS

    @classmethod
    def load(cls, data_dir: Path, ledger: Ledger) -> "Settings":
        """Read and validate the settings; a broken file raises SettingsError (nothing is stored)."""
        parsed, exists = read_settings(data_dir)
        if not exists:
            return cls()
        ledger.entry("workbench.yml", "config", "settings")
        regions = list(parsed.phone_regions)
        if parsed.phone_region and parsed.phone_region.upper() not in regions:
            regions.insert(0, parsed.phone_region.upper())
        settings = cls(
            company_name=parsed.company.name,
            email_domains=tuple(parsed.company.email_domains),
            staff=tuple(parsed.company.staff),
            survey_layouts={k: v.model_dump(exclude_unset=True) for k, v in parsed.survey_layouts.items()},
            survey_files=dict(parsed.surveys),
            phone_regions=tuple(regions),
            keep_words=tuple(parsed.pii.keep_words),
            find_names=parsed.pii.find_names,
            max_file_bytes=int(parsed.limits.max_file_mb * 1_000_000),
            max_field_chars=parsed.limits.max_field_chars,
            storage=parsed.storage.format,
            parquet_above_rows=parsed.storage.parquet_above_rows,
        )
        ledger.accept("workbench.yml")
        return settings

    def is_staff(self, name: str | None = None, email: str | None = None) -> bool:
        if email and "@" in email and email.rsplit("@", 1)[1].lower() in self.email_domains:
            return True
        if name:
            key = " ".join(name.lower().split())
            if key in {" ".join(s.lower().split()) for s in self.staff}:
                return True
            if self.company_name and re.search(rf"\b{re.escape(self.company_name.lower())}\b", key):
                return True
        return False


@dataclass
class Context:
    data_dir: Path
    ledger: Ledger
    settings: Settings
    #: names seen anywhere in the data, redacted everywhere
    known_names: NameBook = field(default_factory=NameBook)
    #: evidence pieces (unredacted; `_local` holds per-row names to redact)
    evidence: list[pd.DataFrame] = field(default_factory=list)
    tables: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    seen_ids: dict[str, dict[str, str]] = field(default_factory=dict)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.data_dir).as_posix()

    def add_table(self, name: str, frame: pd.DataFrame) -> None:
        self.tables.setdefault(name, []).append(frame)

    def add_evidence(self, frame: pd.DataFrame) -> None:
        """Evidence rows (already counted as accepted); a text too long or holding a control
        character is moved to quarantine here, whatever reader it came from."""
        if not len(frame):
            return
        problems = [control_problem(t, self.settings.max_field_chars) if isinstance(t, str) else None
                    for t in frame["text"]]
        if any(problems):
            for (source_file, locator, text), problem in zip(frame[["source_file", "locator", "text"]].itertuples(
                    index=False, name=None), problems):
                if problem:
                    self.ledger.unaccept(source_file, locator, problem, text)
            frame = frame[[p is None for p in problems]]
        if len(frame):
            self.evidence.append(frame)

    def read_text(self, path: Path) -> TextFile:
        """A file's text (``reading.read_text``); what the decoder noted goes to the warnings."""
        text = read_text(path)
        for locator, note in text.notes:
            self.ledger.warn(self.rel(path), locator, note)
        return text

    def seen(self, kind: str) -> dict[str, str]:
        return self.seen_ids.setdefault(kind, {})
