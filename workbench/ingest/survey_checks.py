"""Checks that refuse a survey file whose columns do not hold what the layout says they hold.

A wrong column read as the score gives wrong NPS numbers with nothing to show for it, the worst thing
ingestion can do; so when the values of the column taken as the score do not look like answers to a
0-10 question, or the comment column holds numbers, the whole file is quarantined with a reason that
names the column, rather than ingested wrongly. Single bad values stay single-row problems.
"""
from __future__ import annotations

import re

import pandas as pd

from .fields import numeric_text

from .layouts import ExcludeRule
from .survey_layout_detect import HINT

#: A column whose answers all lie in 1-5 is what a choice question (role, plan, region coded 1..k)
#: or a 1-5 rating looks like when read as numbers. Genuine 0-10 answers rarely avoid both 0 and 6-10,
#: but a file of a few detractors can. So the count of answers that makes an all-1-5 column suspect
#: depends on what the column says it is:
#: - a column whose name or question does not say "score" or "recommend" (Q1, "What is your role?"):
#:   MIN_SUSPECT answers, all in 1-5, refuse the file (the role-codes-read-as-NPS failure);
#: - a column that says it is the score (the recommend question, a "score" column): MIN_SUSPECT_NAMED,
#:   since a short file of unhappy customers is plausible and only a 1-5 scale (a CSAT export in an
#:   NPS layout) is the worry.
#: Below those counts the file is read: too few answers to tell.
MIN_SUSPECT = 8
MIN_SUSPECT_NAMED = 30
#: a comment column is refused when more than half of at least this many answers are numbers
MIN_COMMENTS = 3

#: choice-text exports write a scale point with its label: "10 - Extremely likely", "0 (Not at all likely)"
LABELLED = re.compile(r"^(\d{1,2})\s*(?:[-–—:(]\s*)?[A-Za-z].*$")
ENDPOINTS = {"extremely likely": "10", "not at all likely": "0", "not likely at all": "0"}


def score_values(raw: pd.Series) -> pd.Series:
    """Score cells as numbers in text: "10 - Extremely likely" -> "10", "Not at all likely" -> "0"."""
    s = raw.fillna("").astype(str).str.strip()
    s = s.str.replace(LABELLED, lambda m: m.group(1), regex=True)
    low = s.str.lower().str.rstrip(".")
    return s.where(~low.isin(ENDPOINTS), low.map(ENDPOINTS))


def _numbers(s: pd.Series) -> pd.Series:
    """As the row validation reads them (fields.numeric_text: a decimal comma is a point)."""
    return pd.to_numeric(numeric_text(s), errors="coerce")


def _range(values: pd.Series) -> str:
    lo, hi = values.min(), values.max()
    return f"{lo:g}" if lo == hi else f"{lo:g}–{hi:g}"


def check_score(values: pd.Series, column: str, named: bool) -> str | None:
    """Why ``values`` (score cells, already through ``score_values``) are not 0-10 answers, or None."""
    s = values[values != ""]
    if s.empty:
        return None
    taken = f"column {column} was taken as the 0–10 score but"
    nums = _numbers(s)
    if nums.isna().sum() * 2 > len(s):
        example = s[nums.isna()].iloc[0][:30]
        return f"{taken} {int(nums.isna().sum())} of {len(s)} values are not numbers (e.g. '{example}'); {HINT}"
    nums = nums.dropna()
    fraction = nums != nums.round()
    if fraction.sum() * 2 > len(nums):
        return (f"{taken} {int(fraction.sum())} of {len(nums)} values are not whole numbers "
                f"(e.g. {nums[fraction].iloc[0]:g}): not answers to a 0–10 question; {HINT}")
    outside = (nums < 0) | (nums > 10)
    if outside.sum() * 2 > len(nums):
        return (f"{taken} {int(outside.sum())} of {len(nums)} values are outside 0–10 "
                f"(its values are {_range(nums)}); {HINT}")
    answers = nums[~fraction & ~outside]
    need = MIN_SUSPECT_NAMED if named else MIN_SUSPECT
    if len(answers) >= need and answers.min() >= 1 and answers.max() <= 5:
        kind = "a 1–5 scale, not 0–10" if named else "looks like a choice question or a 1–5 rating"
        return f"{taken} its values are {_range(answers)} ({kind}); {HINT}"
    return None


def check_comment(values: pd.Series, column: str, placeholders: set[str]) -> str | None:
    """Why ``values`` (comment cells) look like numbers rather than written answers, or None."""
    s = values.fillna("").astype(str).str.strip()
    s = s[~s.str.lower().isin(placeholders)]
    if len(s) < MIN_COMMENTS:
        return None
    numeric = _numbers(s).notna() | s.str.match(LABELLED)
    if numeric.sum() * 2 > len(s):
        return (f"column {column} was taken as the comment but {int(numeric.sum())} of {len(s)} answers are "
                f"numbers (e.g. '{s[numeric].iloc[0][:30]}'): it looks like a score or a coded choice; {HINT}")
    return None


def numeric_persona(values: pd.Series) -> bool:
    """Whether the role answers are choice codes (a numeric export): mostly numbers."""
    s = values.fillna("").astype(str).str.strip()
    s = s[s != ""]
    return len(s) > 0 and _numbers(s).notna().sum() * 2 > len(s)


def excluded(rows: list[list[str]], header: list[str], rules: list[ExcludeRule]) -> list[str | None]:
    """Per row, the reason it is not a real response (preview, spam, unfinished), or None."""
    reasons: list[str | None] = [None] * len(rows)
    for rule in rules:
        if rule.column not in header:
            continue
        at = header.index(rule.column)
        keep = {k.strip().lower() for k in rule.keep}
        for n, row in enumerate(rows):
            value = row[at].strip() if at < len(row) else ""
            if reasons[n] is None and value.lower() not in keep:
                reasons[n] = rule.reason.replace("{value}", value)
    return reasons
