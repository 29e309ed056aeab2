"""The evidence table: the one contract every stage shares (see DESIGN.md), and the rules every
stage applies the same way (NPS categories, segment filters, unit vectors), each written once.

One row per unit of customer voice, with provenance. Columns may be added, never renamed.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pandera.pandas as pa

SOURCES = ("session_note", "transcript", "nps", "csat", "ces", "ticket")
KINDS = ("quote", "insight", "observation", "action_item", "utterance", "comment")
SEGMENTS = ("industry", "plan", "region")

#: kinds of evidence that are the customer's own voice and therefore themed
THEMED_KINDS = ("quote", "insight", "observation", "utterance", "comment")

EVIDENCE_COLUMNS = [
    "evidence_id",
    "source",
    "kind",
    "source_file",
    "locator",
    "account_id",
    "persona",
    "speaker_role",
    "date",
    "quarter",
    *SEGMENTS,
    "score",
    "text",
]

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"

evidence_schema = pa.DataFrameSchema(
    {
        "evidence_id": pa.Column(str, unique=True),
        "source": pa.Column(str, pa.Check.isin(SOURCES)),
        "kind": pa.Column(str, pa.Check.isin(KINDS)),
        "source_file": pa.Column(str),
        "locator": pa.Column(str),
        "account_id": pa.Column(str, nullable=True),
        "persona": pa.Column(str, nullable=True),
        "speaker_role": pa.Column(str, pa.Check.isin(["customer", "company", "unknown"]), nullable=True),
        "date": pa.Column("datetime64[ns]", nullable=True),
        "quarter": pa.Column(str, pa.Check.str_matches(QUARTER_PATTERN), nullable=True),
        "industry": pa.Column(str, nullable=True),
        "plan": pa.Column(str, nullable=True),
        "region": pa.Column(str, nullable=True),
        "score": pa.Column(float, pa.Check.in_range(0, 10), nullable=True),
        "text": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=False,
    ordered=False,
)


def evidence_id(source_file: str, locator: str, text: str) -> str:
    """Stable id: a hash of where the statement is and what it says (its redacted text)."""
    digest = hashlib.sha1(f"{source_file}\x1f{locator}\x1f{text}".encode("utf-8")).hexdigest()
    return f"ev_{digest[:16]}"


def empty_evidence() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in EVIDENCE_COLUMNS})


def to_quarter(dates: pd.Series) -> pd.Series:
    """'2026Q3' for each date; missing dates stay missing."""
    dates = pd.to_datetime(dates)
    out = dates.dt.year.astype("Int64").astype(str) + "Q" + dates.dt.quarter.astype("Int64").astype(str)
    return out.where(dates.notna(), None)


def quarter_bounds(quarter: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a quarter such as '2026Q3'."""
    period = pd.Period(quarter, freq="Q")
    return period.start_time.normalize(), period.end_time.normalize()


def quarter_range(first: str, last: str) -> list[str]:
    return [str(p) for p in pd.period_range(pd.Period(first, "Q"), pd.Period(last, "Q"), freq="Q")]


#: the analysts' theme registry, kept in the data folder so it travels with the data (and its
#: centroids beside it): written by the workbench, never read as input by ingestion
REGISTRY_FILENAME = "theme_registry.yml"
CENTROIDS_SUFFIX = ".centroids.npy"
WORKBENCH_FILES = (REGISTRY_FILENAME, REGISTRY_FILENAME.removesuffix(".yml") + CENTROIDS_SUFFIX)


# ------------------------------------------------------------------------------------------------
# Rules every stage applies the same way, written once
# ------------------------------------------------------------------------------------------------

#: Net Promoter categories of a 0-10 answer: 9-10 promoter, 7-8 passive, 0-6 detractor
PROMOTER_MIN, PASSIVE_MIN = 9, 7
NPS_CATEGORIES = ("promoter", "passive", "detractor")


def is_promoter(scores):
    """True where a 0-10 score is a promoter's (missing scores: False)."""
    return scores >= PROMOTER_MIN


def is_detractor(scores):
    """True where a 0-10 score is a detractor's (missing scores: False)."""
    return scores < PASSIVE_MIN


def nps_category(scores: pd.Series) -> pd.Series:
    """'promoter', 'passive' or 'detractor' per score; missing scores stay missing."""
    scores = pd.to_numeric(scores, errors="coerce")
    out = pd.Series(np.where(is_promoter(scores), "promoter", np.where(is_detractor(scores), "detractor", "passive")),
                    index=scores.index, dtype="object")
    return out.where(scores.notna(), None)


def nps_points(scores) -> float:
    """Net Promoter Score of these 0-10 answers in points (-100..100); NaN when there are none."""
    scores = pd.to_numeric(pd.Series(list(scores), dtype="float64"), errors="coerce").dropna()
    if scores.empty:
        return float("nan")
    return float(100.0 * (is_promoter(scores).sum() - is_detractor(scores).sum()) / len(scores))


def parse_segment(segment_filter: str) -> tuple[str, str]:
    """``"plan=Enterprise"`` -> ``("plan", "Enterprise")``; ValueError for anything else."""
    column, _, value = str(segment_filter).partition("=")
    column, value = column.strip(), value.strip()
    if column not in SEGMENTS or not value:
        raise ValueError(f"segment filter '{segment_filter}' must look like industry=Retail, plan=... or region=...")
    return column, value


def unit_rows(vectors) -> np.ndarray:
    """Each row (or a single vector) scaled to length 1; zero rows stay zero. Keeps the dtype."""
    vectors = np.asarray(vectors)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)
