"""Mentions per 100 statements, and whether a theme's (or an area's) rate changed significantly.

A raw count mixes a theme's growth with the quarter's volume: 40 mentions in 2,000 statements is
a smaller share than 30 in 1,000. The reports show each rate beside its count and mark a change
only when the KPIs' two-proportion test, with the false-discovery rate held across every theme
(or area) tested together, says it is significant.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..kpis.stats import proportion_changes
from .html import NA

RATE_COLUMNS = ("per100", "per100_before", "per100_change", "z", "p", "q", "significant")


def with_rates(frame: pd.DataFrame, total_now: int, total_before: int) -> pd.DataFrame:
    """``frame`` (mentions, previous per row) with mentions per 100 statements in each quarter,
    the change in that rate, and whether it is significant: the KPIs' two-proportion test with the
    false-discovery rate held across the rows (:func:`workbench.kpis.stats.proportion_changes`)."""
    frame = frame.copy()
    if frame.empty:
        return frame.assign(**{c: pd.Series(dtype=float) for c in RATE_COLUMNS})
    frame["per100"] = 100 * frame["mentions"] / total_now if total_now else np.nan
    frame["per100_before"] = 100 * frame["previous"] / total_before if total_before else np.nan
    frame["per100_change"] = frame["per100"] - frame["per100_before"]
    tests = proportion_changes(frame["mentions"], total_now, frame["previous"], total_before)
    for column in ("z", "p", "q", "significant"):
        frame[column] = tests[column].to_numpy()
    return frame


def rate_text(v) -> str:
    """Mentions per 100 statements, one decimal; "n/a" without a figure."""
    return NA if v is None or pd.isna(v) else f"{v:.1f}"


def change_text(v) -> str:
    """A change in mentions per 100 (or NPS impact points), signed; "n/a" without a figure."""
    return NA if v is None or pd.isna(v) else f"{round(v, 1) + 0.0:+.1f}"   # never "-0.0"


def effect_text(impact) -> str:
    """A theme's effect on NPS as the reports show it: the negative of its impact (the points NPS
    would rise without the theme), so a theme that lowers NPS reads as a negative number."""
    return NA if impact is None or pd.isna(impact) else change_text(-impact)


def change_mark(significant, change) -> str:
    """The word a table shows for a tested change: only significant ones are marked."""
    if significant is None or significant is pd.NA or pd.isna(change):
        return NA
    if not bool(significant):
        return ""
    return "▲ significant rise" if change > 0 else "▼ significant fall"


__all__ = ["RATE_COLUMNS", "change_mark", "change_text", "effect_text", "rate_text", "with_rates"]
