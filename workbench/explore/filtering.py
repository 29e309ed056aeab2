"""The theme explorer's filters: setting them, and which statements pass them (boolean masks over
the state's integer codes, cached per filter setting)."""
from __future__ import annotations

from dataclasses import fields, replace
from typing import Iterable

import numpy as np
import pandas as pd

from ..contract import SEGMENTS
from .codes import INTENT_CATEGORIES, NO_THEME, NPS_CATEGORIES, Filters


class Filtering:
    """The filter half of :class:`~workbench.explore.state.ExplorerState` (which sets the coded
    arrays these methods read: ``_q``, ``_source``, ``_segment``, ``_nps``, ``_intent``, ``_text``,
    ``_theme``...)."""

    def set_filters(self, **changes) -> Filters:
        """Change some filters (names as in :class:`Filters`); unknown values are an error."""
        names = {f.name for f in fields(Filters)}
        unknown = set(changes) - names
        if unknown:
            raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        for key in ("sources", "industry", "plan", "region", "nps", "intents"):
            if key in changes:
                changes[key] = tuple(changes[key] or ())
        if "nps" in changes and set(changes["nps"]) - set(NPS_CATEGORIES):
            raise ValueError(f"NPS category must be among {NPS_CATEGORIES}")
        if "intents" in changes and set(changes["intents"]) - set(INTENT_CATEGORIES):
            raise ValueError(f"intent must be among {INTENT_CATEGORIES}")
        if changes.get("quarters") is not None:
            first, last = (str(q) for q in changes["quarters"])
            if first not in self.quarters or last not in self.quarters:
                raise ValueError(f"quarters must be among {self.quarters}")
            changes["quarters"] = (first, last) if first <= last else (last, first)
        if "search" in changes:
            changes["search"] = str(changes["search"] or "")
        self.filters = replace(self.filters, **changes)
        return self.filters

    def _search_mask(self, text: str) -> np.ndarray:
        if self._search_cache and self._search_cache[0] == text:
            return self._search_cache[1]
        mask = np.ones(self.n, dtype=bool)
        for term in text.lower().split():
            mask &= self._text.str.contains(term, regex=False).to_numpy(dtype=bool)
        self._search_cache = (text, mask)
        return mask

    def _masks(self) -> tuple[np.ndarray, np.ndarray]:
        """(every filter but the quarter range, every filter)."""
        if self._mask_cache and self._mask_cache[0] == self.filters:
            return self._mask_cache[1], self._mask_cache[2]
        f = self.filters
        other = np.ones(self.n, dtype=bool)
        if f.sources:
            other &= np.isin(self._source, self._wanted(self.sources, f.sources))
        for segment in SEGMENTS:
            chosen = getattr(f, segment)
            if chosen:
                other &= np.isin(self._segment[segment], self._wanted(self.segments[segment], chosen))
        if f.nps:
            other &= np.isin(self._nps, [NPS_CATEGORIES.index(c) for c in f.nps])
        if f.intents:
            other &= np.isin(self._intent, [INTENT_CATEGORIES.index(c) for c in f.intents])
        if f.search.strip():
            other &= self._search_mask(f.search.strip())
        lo, hi = self._quarter_codes()
        in_range = (self._q >= lo) & (self._q <= hi)
        if lo == 0 and hi == len(self.quarters) - 1:
            in_range |= self._q < 0
        full = other & in_range
        self._mask_cache = (self.filters, other, full)
        return other, full

    @staticmethod
    def _wanted(categories: list[str], chosen: Iterable[str]) -> list[int]:
        index = {c: i for i, c in enumerate(categories)}
        return [index[c] for c in chosen if c in index]

    def _quarter_codes(self) -> tuple[int, int]:
        if not self.quarters:
            return 0, -1
        if self.filters.quarters is None:
            return 0, len(self.quarters) - 1
        first, last = self.filters.quarters
        return self.quarters.index(first), self.quarters.index(last)

    @property
    def is_filtered(self) -> bool:
        """Whether a filter leaves statements out (a quarter range short of every quarter counts):
        figures over the statements then say "filtered", else "total"."""
        f = self.filters
        return (self.segments_filtered or any((f.sources, f.nps, f.intents)) or bool(f.search.strip()))

    @property
    def is_filtered_but_quarters(self) -> bool:
        """Whether a filter other than the quarter range leaves statements out (the trend and
        growth span the quarters themselves)."""
        f = self.filters
        return any((f.sources, f.nps, f.intents, *(getattr(f, s) for s in SEGMENTS))) or bool(f.search.strip())

    @property
    def segments_filtered(self) -> bool:
        """Whether the quarter range or a segment filter leaves NPS responses out (the only
        filters impact on NPS follows)."""
        lo, hi = self._quarter_codes()
        short = bool(self.quarters) and (lo, hi) != (0, len(self.quarters) - 1)
        return short or any(getattr(self.filters, segment) for segment in SEGMENTS)

    @property
    def mask(self) -> np.ndarray:
        """Which statements pass every filter."""
        return self._masks()[1]

    def filtered(self) -> pd.DataFrame:
        """The statements that pass the filters, with their (current) theme id."""
        rows = np.flatnonzero(self.mask)
        out = self.statements.iloc[rows].copy()
        out["theme_id"] = self._theme_ids(self._theme[rows])
        return out

    def _theme_ids(self, codes: np.ndarray) -> np.ndarray:
        out = np.full(len(codes), None, dtype=object)
        out[codes >= 0] = self.themes["theme_id"].to_numpy(dtype=object)[codes[codes >= 0]]
        return out

    def _label_of(self, codes: np.ndarray) -> np.ndarray:
        out = np.full(len(codes), NO_THEME, dtype=object)
        out[codes >= 0] = self._labels[codes[codes >= 0]]
        return out

    def theme_of(self, evidence_ids: Iterable[str]) -> list[str | None]:
        """The current theme id of each statement (None: no theme, or not a themed statement)."""
        rows = self._row_of.reindex(list(evidence_ids)).to_numpy()
        known = ~np.isnan(rows)
        codes = np.full(len(rows), -1, dtype=np.int32)
        codes[known] = self._theme[rows[known].astype(int)]
        return list(self._theme_ids(codes))
