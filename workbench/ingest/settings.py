"""DATA_DIR/workbench.yml: read against a schema, so a typo is an error and never a silent default.

A broken file (YAML syntax, an unknown key, a value of the wrong kind) raises ``SettingsError``
naming the file, the line where YAML says so, the key, and for an unknown key the nearest valid
one. The command line turns it into exit status 2 before anything is stored: staff names that
are not read are staff names that are not redacted, and staff speech themed as customer speech.
"""
from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

import phonenumbers
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import SettingsError
from ..workspace import PARQUET_ABOVE_ROWS
from .layouts import SurveyLayout
from .yaml_load import load as load_yaml

FILE_NAME = "workbench.yml"
#: a settings file is a page of YAML; anything this large is not one
MAX_BYTES = 1_000_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Company(_Strict):
    #: the company's own name: a speaker called "Brightloop Support" is staff
    name: str = ""
    #: e-mail domains of the company: speakers and participants with these are staff
    email_domains: list[str] = Field(default_factory=list)
    #: names of the company's staff who speak in calls and sessions (redacted, not themed)
    staff: list[str] = Field(default_factory=list)

    @field_validator("email_domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        return [str(v).strip().lower().lstrip("@") for v in values if str(v).strip()]


class Pii(_Strict):
    #: words that are never redacted as a person's name (product, feature and tool names that a
    #: name finder may take for people: "Jira", "Sage", "Ada")
    keep_words: list[str] = Field(default_factory=list)
    #: the statistical name finder (spaCy NER through Presidio); off only for a quick look
    find_names: bool = True


class Limits(_Strict):
    #: a larger input file is refused before it is read (its size, in MB)
    max_file_mb: float = Field(200, gt=0)
    #: a longer field (a survey comment, a transcript turn, a note line) quarantines its row
    max_field_chars: int = Field(100_000, gt=0)


class Storage(_Strict):
    """How the folder's tables are stored (:class:`workbench.workspace.Workspace`): ``duckdb`` (one
    file), ``parquet`` (a dataset partitioned by quarter, for DuckDB, Dask and Spark alike) or ``auto``
    (Parquet above ``parquet_above_rows`` rows in a table). ``storage: parquet`` is short for
    ``storage: {format: parquet}``."""

    format: Literal["auto", "duckdb", "parquet"] = "auto"
    parquet_above_rows: int = Field(PARQUET_ABOVE_ROWS, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {"format": value} if isinstance(value, str) else value


class SettingsFile(_Strict):
    company: Company = Field(default_factory=Company)
    #: a layout forced for a survey file: path relative to the data folder -> layout name
    surveys: dict[str, str] = Field(default_factory=dict)
    #: survey export layouts of your own; they win over the shipped ones
    survey_layouts: dict[str, SurveyLayout] = Field(default_factory=dict)
    #: regions (ISO 3166 codes) whose national phone numbers are redacted; international
    #: (+CC) numbers are found whatever the regions
    phone_regions: list[str] = Field(default_factory=lambda: ["US"])
    #: the single-region spelling of earlier versions, still read
    phone_region: str | None = None
    pii: Pii = Field(default_factory=Pii)
    limits: Limits = Field(default_factory=Limits)
    #: run the heavy stages on a Dask cluster: ``local:N`` or a scheduler address
    #: (``tcp://host:8786``); the command line's ``--cluster`` wins; unset: one process
    cluster: str | None = None
    #: the store's format (see :class:`Storage`); chosen when the folder is ingested
    storage: Storage = Field(default_factory=Storage)

    @field_validator("cluster")
    @classmethod
    def _cluster(cls, value: str | None) -> str | None:
        if value is None or not str(value).strip():
            return None
        from ..cluster import parse_address
        from ..errors import UsageError

        try:
            parse_address(value)
        except UsageError as exc:
            raise ValueError(str(exc).replace("--cluster ", "")) from None
        return str(value).strip()

    @field_validator("phone_regions")
    @classmethod
    def _regions(cls, values: list[str]) -> list[str]:
        known = phonenumbers.SUPPORTED_REGIONS
        out = []
        for value in values:
            code = str(value).strip().upper()
            if code not in known:
                raise ValueError(f"'{value}' is not a region code libphonenumber knows (e.g. US, GB, DE)")
            out.append(code)
        return out


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The valid keys at the place ``loc`` points into (for 'did you mean')."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            annotation = current.model_fields[part].annotation
            args = getattr(annotation, "__args__", ())
            current = args[-1] if args else annotation
        elif isinstance(current, type) and issubclass(current, BaseModel):
            continue  # a free key (a file name, a layout name): stay on the value's model
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _line_of(text: str, loc: tuple) -> int | None:
    """The line where the offending key is written (YAML keeps no positions after loading)."""
    key = str(loc[-1]) if loc else ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip()
        if stripped.startswith(f"{key}:") or stripped.startswith(f"- {key}:"):
            return number
    return None


def _describe(error: dict, text: str) -> str:
    loc = tuple(error["loc"])
    where = ".".join(str(p) for p in loc) or "(top level)"
    line = _line_of(text, loc)
    at = f"{FILE_NAME} line {line}" if line else FILE_NAME
    if error["type"] == "extra_forbidden":
        valid = _fields_at(SettingsFile, loc)
        near = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
        hint = f"; did you mean '{near[0]}'?" if near else (f"; valid keys here: {', '.join(valid)}" if valid else "")
        return f"{at}: unknown key '{where}'{hint}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{at}: '{where}': {message}"


def cluster_address(flag: str | None, data_dir: Path | str | None = None) -> str | None:
    """The Dask cluster to run on: the command line's ``--cluster`` wins over ``cluster:`` in the
    folder's workbench.yml; neither: ``None`` (one process)."""
    if flag:
        return flag
    return read_settings(Path(data_dir))[0].cluster if data_dir is not None else None


def storage_of(data_dir: Path | str) -> dict:
    """The folder's ``storage:`` setting as :class:`workbench.workspace.Workspace` takes it."""
    storage = read_settings(Path(data_dir))[0].storage
    return {"storage": storage.format, "parquet_above_rows": storage.parquet_above_rows}


def read_settings(data_dir: Path) -> tuple[SettingsFile, bool]:
    """The validated settings of a data folder, and whether the file exists. Raises SettingsError."""
    path = Path(data_dir) / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return SettingsFile(), False
    if not path.is_file():  # a folder, a FIFO (which would block the run), a dangling link
        raise SettingsError(f"{FILE_NAME}: not a regular file; the settings must be a YAML file")
    if path.stat().st_size > MAX_BYTES:
        raise SettingsError(f"{FILE_NAME}: {path.stat().st_size:,} bytes, over {MAX_BYTES:,}: not a settings file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{FILE_NAME}: cannot be read: {exc}") from exc
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        at = f" line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise SettingsError(f"{FILE_NAME}{at}: not valid YAML: {problem}") from exc
    if raw is None:
        return SettingsFile(), True
    if not isinstance(raw, dict):
        raise SettingsError(f"{FILE_NAME}: the top level must be a mapping of settings (company:, surveys:, ...)")
    try:
        return SettingsFile.model_validate(raw), True
    except ValidationError as exc:
        problems = [_describe(e, text) for e in exc.errors()]
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise SettingsError("; ".join(problems[:3]) + more) from exc
