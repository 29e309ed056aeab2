"""Every table the store holds, with its columns and their types: the one contract between the
stage that writes a table and the stages, reports and explorer that read it (kedro's data catalog
is the model).

The ingested tables take their columns and types from their pandera schemas (:mod:`workbench.tables`);
the tables derived from them (themes, requirements, KPIs, the explorer's map) are declared here in
DuckDB types. Lists are stored as native ``LIST`` columns (``VARCHAR[]``, lists of ``STRUCT``), a
count per source as a ``MAP``: nothing is a JSON string for a reader to decode.

- :func:`check` refuses a frame that does not match its table before it is stored;
- :func:`migrate` is the one path that brings a table from a store written by an earlier version up
  to the contract (JSON text in a list column, a column added since, a column typed ``NULL``).
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

from .contract import EVIDENCE_COLUMNS
from .errors import StoreError
from .tables import INGEST_FILES_COLUMNS, QUARANTINE_COLUMNS, SCHEMAS, WARNING_COLUMNS

V, N, D, B, TS = "VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMP_NS"  # text, whole number, ...
TEXTS = "VARCHAR[]"
QUOTES = "STRUCT(evidence_id VARCHAR, source_file VARCHAR, locator VARCHAR, text VARCHAR)[]"
COUNTS = "MAP(VARCHAR, BIGINT)"
_SHARES = {"negative_share": D, "neutral_share": D, "positive_share": D}

#: pandera dtype -> DuckDB type, for the ingested tables
_DUCK = {"str": V, "string[pyarrow]": V, "string": V, "datetime64[ns]": TS, "float64": D, "int64": N, "Int64": N, "bool": B}


def _from_pandera(name: str) -> dict[str, str]:
    schema = SCHEMAS[name]
    order = EVIDENCE_COLUMNS if name == "evidence" else list(schema.columns)
    return {c: _DUCK[str(schema.columns[c].dtype)] for c in order}


DERIVED: dict[str, dict[str, str]] = {
    "ingest_files": dict(zip(INGEST_FILES_COLUMNS, [V, V, V, N, N, N, N])),
    "quarantine": {c: V for c in QUARANTINE_COLUMNS},
    "ingest_warnings": {c: V for c in WARNING_COLUMNS},
    "theme_mentions": {
        "evidence_id": V, "mention": N, "mention_key": V, "start": N, "end": N, "text": V, "core": V,
        "quarter": V, "cluster": N, "fitted_theme_id": V, "theme_id": V, "closeness": D, "area_id": V,
        "sentiment": V, "sentiment_score": D, "intent": V, "intent_confidence": D},
    "theme_assignments": {
        "evidence_id": V, "theme_id": V, "fitted_theme_id": V, "cluster": N, "closeness": D, "mention": N,
        "start": N, "end": N, "mentions": N, "area_id": V},
    "themes": {
        "theme_id": V, "label": V, "name": V, "status": V, "merged_into": V, "first_seen": V, "last_seen": V,
        "size": N, "keywords": TEXTS, "pinned_quotes": TEXTS, "requirement": B, "label_source": V,
        "journey_stage": V, "area_id": V, "area_source": V, "area_name": V, "accounts": N, "mention_count": N,
        "mentions": N, "sources": COUNTS, **_SHARES, "quote_ids": TEXTS, "journey_stage_auto": V,
        "journey_stage_source": V},
    "theme_areas": {
        "area_id": V, "name": V, "name_source": V, "status": V, "first_seen": V, "last_seen": V,
        "keywords": TEXTS, "theme_ids": TEXTS, "themes": N, "mentions": N, **_SHARES},
    "theme_quarters": {"theme_id": V, "quarter": V, "mentions": N, "accounts": N, "share": D},
    "requirements": {
        "requirement_id": V, "statement": V, "theme_id": V, "theme_label": V, "mentions": N, "accounts": N,
        "account_ids": TEXTS, "arr_at_stake": D, "nps_responses": N, "detractor_share": D, "first_quarter": V,
        "last_quarter": V, "mentions_now": N, "mentions_before": N, "status": V, "status_date": V,
        "cues": TEXTS, "quotes": QUOTES, "mentions_per_100": D, "problem_share": D, "growth": D,
        "priority": D, "reach": D, "revenue": D, "pain": D, "trend": D, "priority_basis": V},
    "requirement_evidence": {"requirement_id": V, "evidence_id": V},
    "statement_intents": {"evidence_id": V, "language": V, "intent": V, "confidence": D, "sentence": V},
    "theme_impact": {
        "quarter": V, "theme_id": V, "label": V, "n_responses": N, "n_mentioning": N, "mention_share": D,
        "nps_all": D, "nps_mentioning": D, "nps_without": D, "impact": D, "promoter_share": D,
        "passive_share": D, "detractor_share": D},
    "kpis": {
        "quarter": V, "segment": V, "segment_value": V, "kpi": V, "label": V, "value": D, "unit": V, "n": N,
        "min_n": N, "status": V, "moe": D, "previous": D, "change": D, "z": D, "significant": B, "detail": V,
        "quarantined": N},
    "statement_map": {"evidence_id": V, "x": D, "y": D, "method": V, "seed": N},
}

#: table -> column -> DuckDB type, for every table the store may hold
TABLES: dict[str, dict[str, str]] = {**{name: _from_pandera(name) for name in SCHEMAS}, **DERIVED}
_NESTED = (TEXTS, QUOTES, COUNTS)
#: the value a column added since an earlier version takes in a table stored before it (else null)
ADDED_SINCE = {("ingest_files", "warnings"): 0}


def columns(name: str) -> list[str]:
    return list(_table(name))


def _table(name: str) -> dict[str, str]:
    try:
        return TABLES[name]
    except KeyError:
        raise StoreError(f"no contract for a table named '{name}' (known: {', '.join(sorted(TABLES))})") from None


def check(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame in its contract's column order; StoreError naming the table and the column when a
    column is missing or unknown, or a list column holds something that is not a list."""
    spec = _table(name)
    missing = [c for c in spec if c not in frame.columns]
    extra = [c for c in frame.columns if c not in spec]
    if missing or extra:
        raise StoreError(f"table '{name}' does not match its contract: "
                         + "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                                   extra and f"not declared {', '.join(map(str, extra))}"])))
    for column, kind in spec.items():
        if kind in _NESTED:
            wanted = dict if kind == COUNTS else (list, tuple, np.ndarray)
            bad = [v for v in frame[column] if not (_missing(v) or isinstance(v, wanted))]
            if bad:
                raise StoreError(f"table '{name}', column '{column}' ({kind}): {type(bad[0]).__name__} "
                                 f"value {str(bad[0])[:60]!r} where a {'map' if kind == COUNTS else 'list'} belongs")
    if name in SCHEMAS and len(frame):
        SCHEMAS[name].validate(frame)
    return frame[list(spec)]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _nested(value, kind: str):
    """A stored nested value as plain Python: a list (of dicts, for quotes) or a dict; JSON text
    from a store written before lists were native is decoded here."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value] if kind != COUNTS else {}
    if _missing(value):
        return {} if kind == COUNTS else []
    if kind == COUNTS:
        return {str(k): int(v) for k, v in dict(value).items()}
    return [dict(v) if isinstance(v, dict) else v for v in list(value)]


def migrate(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table as read from any store version, in the shape its contract gives it today: nested
    columns as Python lists and dicts (decoded from JSON text where an earlier version wrote that),
    columns added since given their value for older data (:data:`ADDED_SINCE`). A column missing
    for any other reason is not invented. Tables without a contract come back as they are."""
    spec = TABLES.get(name)
    if spec is None:
        return frame
    frame = frame.copy()
    for column, kind in spec.items():
        if column not in frame.columns:
            if (name, column) in ADDED_SINCE:
                frame[column] = ADDED_SINCE[(name, column)]
            continue  # any other missing column stays missing: its reader says which (MissingColumnError)
        if kind in _NESTED:
            frame[column] = pd.Series([_nested(v, kind) for v in frame[column]], index=frame.index, dtype=object)
    return frame
