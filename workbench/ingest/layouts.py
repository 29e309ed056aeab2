"""The shape of a survey layout (shipped in mappings/surveys.yml, or a workbench.yml `survey_layouts` entry).

Validated with pydantic so that a typo in a layout key is an error naming the key, not a silent default.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

#: the fields a layout can fill; respondent_* fields only feed redaction and may match several columns
TARGETS = ("response_id", "date", "score", "comment", "persona", "account_id",
           "respondent_name", "respondent_first_name", "respondent_last_name", "respondent_email")


def _check_pattern(value: str) -> str:
    pattern = value[3:] if value.startswith("re:") else value
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
    return value


class ExcludeRule(BaseModel):
    """Rows that are not real responses (previews, tests, unfinished ones): counted as quarantined, with a reason.

    A row is excluded when ``column`` is in the file and its value (trimmed, compared without case) is
    not one of ``keep``. A file without the column is not filtered by the rule.
    """

    model_config = ConfigDict(extra="forbid")

    column: str
    keep: list[str] = Field(min_length=1)
    #: the quarantine reason; ``{value}`` is replaced by the row's value
    reason: str

    @field_validator("keep", mode="before")
    @classmethod
    def _as_text(cls, value):
        return [str(v).lower() if isinstance(v, bool) else str(v) for v in value] if isinstance(value, list) else value


class SurveyLayout(BaseModel):
    """One export layout: how to recognise it and which column holds which field."""

    model_config = ConfigDict(extra="forbid")

    header_rows: int = Field(1, ge=1, le=5)
    #: every one of these columns (names, or ``re:`` patterns) is in the first header row
    detect: list[str] = Field(default_factory=list)
    #: and, when given, at least one of these is
    detect_any: list[str] = Field(default_factory=list)
    date_order: Literal["ymd", "mdy", "dmy"] = "ymd"
    #: a strptime format for the date column; when set, dates are read by it alone
    date_format: str | None = None
    #: target field -> column name or ``re:`` pattern over the first header row
    columns: dict[str, str | None] = Field(default_factory=dict)
    #: target field -> pattern(s) over the question texts (header row ``question_row``); the first
    #: pattern that matches any column decides, and it must match exactly one
    questions: dict[str, str | list[str]] = Field(default_factory=dict)
    #: which header row holds the question texts (1 = the first)
    question_row: int = Field(1, ge=1, le=5)
    #: columns (names, or ``re:`` patterns) never taken by a question pattern: metadata, "other, please specify" boxes
    ignore_columns: list[str] = Field(default_factory=list)
    #: a column named ``<question><suffix>`` (Qualtrics' ``Q5_NPS_GROUP``) marks ``<question>`` as the 0-10 score
    nps_group_suffix: str | None = None
    #: when the export has no response id: the fields whose raw values make one (a hash)
    derive_id: list[str] = Field(default_factory=list)
    exclude: list[ExcludeRule] = Field(default_factory=list)

    @field_validator("columns")
    @classmethod
    def _known_targets(cls, value: dict) -> dict:
        for target, source in value.items():
            if target not in TARGETS:
                raise ValueError(f"unknown field '{target}' (known: {', '.join(TARGETS)})")
            if source is not None:
                _check_pattern(str(source))
        return value

    @field_validator("questions")
    @classmethod
    def _question_patterns(cls, value: dict) -> dict:
        for target, patterns in value.items():
            if target not in TARGETS:
                raise ValueError(f"unknown field '{target}' (known: {', '.join(TARGETS)})")
            for p in [patterns] if isinstance(patterns, str) else patterns:
                _check_pattern("re:" + p)
        return value

    @field_validator("detect", "detect_any", "ignore_columns")
    @classmethod
    def _detect_patterns(cls, value: list) -> list:
        return [_check_pattern(str(v)) for v in value]

    @field_validator("derive_id")
    @classmethod
    def _derive_targets(cls, value: list) -> list:
        for target in value:
            if target not in TARGETS:
                raise ValueError(f"unknown field '{target}' (known: {', '.join(TARGETS)})")
        return value

    def patterns(self, target: str) -> list[str]:
        found = self.questions.get(target, [])
        return [found] if isinstance(found, str) else list(found)


@lru_cache(maxsize=1)
def shipped_file() -> dict:
    text = resources.files("workbench").joinpath("mappings/surveys.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def shipped_layouts() -> dict[str, SurveyLayout]:
    """The layouts in mappings/surveys.yml, validated (a broken shipped file is a programming error)."""
    return {name: SurveyLayout.model_validate(spec) for name, spec in shipped_file()["layouts"].items()}
