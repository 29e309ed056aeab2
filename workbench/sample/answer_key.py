"""The planted truth: every customer statement with its themes, and the bad rows planted on purpose.

``statements.csv`` lists the customer's own voice that ingestion turns into themed evidence:
survey comments, ticket descriptions and CSAT comments, session insights, quotes and
observations, and customer turns in transcripts. Company turns and action items are left out.
Theme-less customer text ("ok", "Sure, happy to.") is listed with empty ``themes``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .catalog import THEMES
from .voice import Utterance
from .writers import Output

STATEMENT_COLUMNS = ["source_file", "locator", "source", "kind", "quarter", "themes", "is_requirement", "pii", "text"]


@dataclass
class Statement:
    source_file: str
    locator: str
    source: str  # nps | csat | ticket | session_note | transcript
    kind: str  # comment | quote | insight | observation | utterance
    quarter: str
    said: Utterance
    text: str  # exactly as written in the file


class AnswerKey:
    def __init__(self) -> None:
        self.statements: list[Statement] = []
        self.bad_rows: list[dict[str, str]] = []
        self.oddities: list[dict[str, str]] = []

    def add(self, source_file: str, locator: str, source: str, kind: str, quarter: str, said: Utterance,
            text: str | None = None) -> None:
        self.statements.append(Statement(source_file, locator, source, kind, quarter, said,
                                         said.text if text is None else text))

    def bad(self, source_file: str, locator: str, reason: str) -> None:
        self.bad_rows.append({"source_file": source_file, "locator": locator, "reason": reason})

    def oddity(self, source_file: str, locator: str, note: str) -> None:
        self.oddities.append({"source_file": source_file, "locator": locator, "note": note})

    def statement_rows(self) -> list[list[str]]:
        rows = [list(STATEMENT_COLUMNS)]
        for s in self.statements:
            rows.append([s.source_file, s.locator, s.source, s.kind, s.quarter, "|".join(s.said.themes),
                         "1" if s.said.is_requirement else "0", "|".join(sorted(set(s.said.pii))), s.text])
        return rows


def theme_rows() -> list[list[str]]:
    rows = [["theme_key", "label", "journey_stage", "sentiment", "lifecycle", "first_quarter", "last_quarter"]]
    for t in THEMES:
        rows.append([t.key, t.label, t.stage, t.sentiment, t.lifecycle, t.quarters[0], t.quarters[-1]])
    return rows


def write(out: Output, key: AnswerKey, planted: dict) -> None:
    out.write_csv("answer_key/themes.csv", theme_rows())
    out.write_csv("answer_key/statements.csv", key.statement_rows())
    document = {**planted, "bad_rows": key.bad_rows, "kept_oddities": key.oddities}
    out.write_text("answer_key/planted.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n")
