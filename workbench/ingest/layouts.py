"""The shape of a survey layout (shipped in mappings/surveys.yml, or a workbench.yml `survey_layouts` entry).

Validated with pydantic so that a typo in a layout key is an error naming the key, not a silent default.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SurveyLayout(BaseModel):
    """One export layout: how to recognise it and which column holds which field."""

    model_config = ConfigDict(extra="forbid")

    header_rows: int = Field(1, ge=1, le=5)
    detect: list[str] = Field(default_factory=list)
    date_order: Literal["ymd", "mdy", "dmy"] = "ymd"
    columns: dict[str, str | None] = Field(default_factory=dict)
