"""State shared by the parsers during one ingest run."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..redact import NameBook
from .ledger import Ledger


@dataclass
class Settings:
    """DATA_DIR/workbench.yml, all optional."""

    company_name: str = ""
    email_domains: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    survey_layouts: dict = field(default_factory=dict)
    survey_files: dict = field(default_factory=dict)
    phone_region: str = "US"

    @classmethod
    def load(cls, data_dir: Path, ledger: Ledger) -> "Settings":
        path = data_dir / "workbench.yml"
        if not path.exists():
            return cls()
        ledger.entry("workbench.yml", "config", "settings")
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
            if not isinstance(raw, dict):
                raise ValueError("top level must be a mapping")
            company = raw.get("company") or {}
            settings = cls(
                company_name=str(company.get("name") or ""),
                email_domains=tuple(str(d).lower().lstrip("@") for d in company.get("email_domains") or ()),
                staff=tuple(str(s) for s in company.get("staff") or ()),
                survey_layouts=dict(raw.get("survey_layouts") or {}),
                survey_files={str(k): str(v) for k, v in (raw.get("surveys") or {}).items()},
                phone_region=str(raw.get("phone_region") or "US"),
            )
        except (yaml.YAMLError, ValueError, AttributeError, TypeError) as exc:
            ledger.reject("workbench.yml", "file", f"unreadable settings, defaults used: {exc}".replace("\n", " "))
            return cls()
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
        if len(frame):
            self.evidence.append(frame)

    def seen(self, kind: str) -> dict[str, str]:
        return self.seen_ids.setdefault(kind, {})
