"""How the theme explorer encodes its statements: the category lists it knows (NPS categories,
intents, sort keys), its :class:`Filters`, and values turned into integer codes for NumPy.

:mod:`workbench.explore.state` holds the definitions of what these categories mean.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..contract import is_detractor, is_promoter

#: the environment variable that tells the explorer notebook its data folder (`workbench explore` sets it)
DATA_DIR_ENV = "WORKBENCH_DATA_DIR"

NPS_CATEGORIES = ("promoter", "passive", "detractor", "no score")
#: feedback intents as the intent classifier gives them, and "unknown" for statements without one
INTENT_CATEGORIES = ("request", "problem", "question", "praise", "other", "unknown")
SORT_KEYS = ("area", "size", "impact", "growth")
NO_THEME = "(no theme)"
OTHER_THEMES = "(other themes)"
#: how many themes get their own colour on the map; the rest share one
MAP_COLOURED_THEMES = 9

QUOTE_COLUMNS = ["evidence_id", "theme_id", "label", "text", "score", "nps_category", "intent", "account_id",
                 "source", "source_file", "locator", "quarter", "date", "pinned", "start", "end"]


@dataclass(frozen=True)
class Filters:
    """The explorer's filters. An empty tuple means no filter on that column."""

    quarters: tuple[str, str] | None = None
    sources: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    plan: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    nps: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    search: str = ""


def nps_category_codes(scores: pd.Series | np.ndarray) -> np.ndarray:
    """Index into :data:`NPS_CATEGORIES` for each 0-10 score (missing: ``no score``)."""
    s = pd.to_numeric(pd.Series(scores), errors="coerce").to_numpy(dtype=float)
    out = np.full(len(s), 3, dtype=np.int8)
    out[is_promoter(s)] = 0
    out[~is_promoter(s) & ~is_detractor(s) & ~np.isnan(s)] = 1
    out[is_detractor(s)] = 2  # NaN compares False everywhere and stays "no score"
    return out


def _codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    return pd.Categorical(values.astype(object).where(values.notna(), None), categories=categories).codes.astype(np.int32)


__all__ = ["Filters", "NPS_CATEGORIES", "INTENT_CATEGORIES", "SORT_KEYS", "NO_THEME", "OTHER_THEMES",
           "MAP_COLOURED_THEMES", "QUOTE_COLUMNS", "nps_category_codes"]
