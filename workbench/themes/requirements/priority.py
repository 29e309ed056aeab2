"""A priority a product manager can defend: every part of the score visible beside it.

The score (0-100) is a weighted mean of four parts, each the requirement's percentile rank
among this run's requirements (0 = lowest, 1 = highest; ties share a rank), so no single large
account or loud quarter swamps the rest:

- **reach** (weight 0.35): the mean of the ranks of distinct ``accounts`` and of
  ``mentions_per_100`` (mentions per 100 themed responses of the quarter);
- **revenue** (0.25): ARR at stake;
- **pain** (0.25): the mean of the ranks of ``detractor_share`` (among its NPS comments) and
  ``problem_share`` (share of its theme's statements that report a problem);
- **trend** (0.15): growth of mentions from the quarter before to this one
  ((now - before) / max(before, 1)).

A part with no data (no ARR in the folder, no NPS comments and no problem share) is left out and
the weights of the others are scaled up to sum to one; ``priority_basis`` names the parts used.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

PRIORITY_WEIGHTS = {"reach": 0.35, "revenue": 0.25, "pain": 0.25, "trend": 0.15}
PRIORITY_COLUMNS = ["priority", "reach", "revenue", "pain", "trend", "mentions_per_100", "problem_share",
                    "growth", "priority_basis"]
HOW = ("Priority (0-100) is the weighted mean of four parts, each a percentile rank among this quarter's "
       "requirements: reach 35 % (distinct accounts and mentions per 100 responses), revenue 25 % (ARR at "
       "stake), pain 25 % (detractor share and the theme's share of problem reports) and trend 15 % (growth "
       "of mentions since last quarter). A part without data is left out and the rest re-weighted.")


def _rank(values: pd.Series) -> pd.Series:
    """Percentile rank in [0, 1] (ties share their mean rank); NaN stays NaN."""
    valid = values.dropna()
    if len(valid) <= 1:
        return values.where(values.isna(), 1.0)
    return (values.rank(method="average") - 1) / (len(valid) - 1)


def _mean_parts(*parts: pd.Series) -> pd.Series:
    return pd.concat(parts, axis=1).mean(axis=1, skipna=True)


def prioritise(requirements: pd.DataFrame, responses: int | None = None,
               problem_share: Mapping[object, float] | None = None) -> pd.DataFrame:
    """``requirements`` (as :func:`.grouping.build_requirements` returns them) with the priority
    columns added (:data:`PRIORITY_COLUMNS`), sorted by priority (then mentions, then id).

    ``responses``: themed responses of the quarter (for mentions per 100; None: per 100 of all
    this run's mentions). ``problem_share``: theme id -> share of its statements that are problems.
    """
    out = requirements.copy()
    if out.empty:
        for column in PRIORITY_COLUMNS:
            out[column] = pd.Series(dtype="float64" if column != "priority_basis" else "object")
        return out
    now = out["mentions_now"].astype(float) if "mentions_now" in out else out["mentions"].astype(float)
    before = out["mentions_before"].astype(float) if "mentions_before" in out else pd.Series(0.0, index=out.index)
    base = float(responses) if responses else float(now.sum()) or 1.0
    out["mentions_per_100"] = 100.0 * now / base
    out["problem_share"] = (out["theme_id"].map(lambda t: (problem_share or {}).get(t, np.nan)).astype(float)
                            if problem_share else np.nan)
    out["growth"] = (now - before) / before.clip(lower=1.0)
    parts = {
        "reach": _mean_parts(_rank(out["accounts"].astype(float)), _rank(out["mentions_per_100"])),
        "revenue": _rank(out["arr_at_stake"].astype(float)),
        "pain": _mean_parts(_rank(out["detractor_share"].astype(float)), _rank(out["problem_share"].astype(float))),
        "trend": _rank(out["growth"]),
    }
    weights = pd.DataFrame({k: np.where(v.notna(), PRIORITY_WEIGHTS[k], 0.0) for k, v in parts.items()},
                           index=out.index)
    values = pd.DataFrame(parts).fillna(0.0)
    total = weights.sum(axis=1).replace(0.0, np.nan)
    out["priority"] = (100.0 * (values * weights).sum(axis=1) / total).round(1)
    for name, part in parts.items():
        out[name] = part.round(3)
    out["priority_basis"] = [", ".join(k for k in PRIORITY_WEIGHTS if w[k] > 0) for _, w in weights.iterrows()]
    out = out.sort_values(["priority", "mentions", "requirement_id"], ascending=[False, False, True],
                          kind="mergesort").reset_index(drop=True)
    out.attrs = dict(requirements.attrs)
    return out
