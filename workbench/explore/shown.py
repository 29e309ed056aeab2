"""The statements the theme explorer lists: a theme's quotes (pinned first, then newest, with the
mention marked), the points of the 2-D map, and the statements in a rectangle of the map."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .codes import INTENT_CATEGORIES, MAP_COLOURED_THEMES, NO_THEME, NPS_CATEGORIES, OTHER_THEMES, QUOTE_COLUMNS


class ShownStatements:
    """Quotes and map points of :class:`~workbench.explore.state.ExplorerState` (which holds the
    statements, their map coordinates, themes and the filters' masks)."""

    def quotes(self, theme_id: str, limit: int = 25) -> tuple[pd.DataFrame, int]:
        """The theme's statements in the filter, pinned ones first (in pin order), then newest
        first; at most ``limit`` of them, and how many there are in all."""
        code = int(self._theme_index[theme_id])
        rows = np.flatnonzero(self.mask & (self._theme == code))
        pinned = self.themes["pinned_quotes"].iloc[code]
        pin_rank = {e: i for i, e in enumerate(pinned)}
        ids = self.statements["evidence_id"].to_numpy()[rows]
        pin_order = np.array([pin_rank.get(e, len(pin_rank)) for e in ids], dtype=np.int64)
        dates = self._dates[rows].astype("datetime64[ns]").astype(np.int64)  # NaT sorts first: last after negation
        order = np.lexsort((ids, -dates, pin_order))
        chosen = rows[order[:limit]]
        return self._quote_frame(chosen, pinned=set(pinned)), len(rows)

    def _quote_frame(self, rows: np.ndarray, pinned: set[str] | None = None) -> pd.DataFrame:
        st = self.statements.iloc[rows]
        codes = self._theme[rows]
        out = pd.DataFrame({
            "evidence_id": st["evidence_id"].to_numpy(),
            "theme_id": self._theme_ids(codes),
            "label": self._label_of(codes),
            "text": st["text"].to_numpy(),
            "score": st["score"].to_numpy() if "score" in st else np.nan,
            "nps_category": np.asarray(NPS_CATEGORIES, dtype=object)[self._nps[rows]],
            "intent": np.asarray(INTENT_CATEGORIES, dtype=object)[self._intent[rows]],
            "account_id": st["account_id"].to_numpy(),
            "source": st["source"].to_numpy(),
            "source_file": st["source_file"].to_numpy(),
            "locator": st["locator"].to_numpy(),
            "quarter": st["quarter"].to_numpy(),
            "date": st["date"].to_numpy() if "date" in st else None,
        })
        out["pinned"] = out["evidence_id"].isin(pinned or set())
        span = [self._spans.get((e, t)) for e, t in zip(out["evidence_id"], out["theme_id"])]
        out["start"] = [s[0] if s else None for s in span]
        out["end"] = [s[1] if s else None for s in span]
        return out[QUOTE_COLUMNS].reset_index(drop=True)

    # ----------------------------------------------------------------------------------------
    # The 2-D map
    # ----------------------------------------------------------------------------------------

    @property
    def has_map(self) -> bool:
        return bool(np.isfinite(self._x).any())

    def map_points(self, limit: int = 3000) -> tuple[pd.DataFrame, int]:
        """Up to ``limit`` statements in the filter that have map coordinates (always the same
        ones for the same filter), and how many there are. Points of the
        :data:`MAP_COLOURED_THEMES` biggest themes in the filter carry their label, the others
        :data:`OTHER_THEMES`."""
        rows = np.flatnonzero(self.mask & np.isfinite(self._x))
        total = len(rows)
        if total > limit:
            rows = rows[np.argpartition(self._rank[rows], limit - 1)[:limit]]
        rows = np.sort(rows)
        codes = self._theme[rows]
        mentions = np.bincount(self._theme[self.mask & (self._theme >= 0)], minlength=len(self.themes))
        biggest = np.argsort(-mentions, kind="stable")[:MAP_COLOURED_THEMES]
        coloured = np.zeros(len(self.themes) + 1, dtype=bool)
        coloured[biggest[mentions[biggest] > 0]] = True
        label = np.where(codes < 0, NO_THEME, OTHER_THEMES).astype(object)
        own = (codes >= 0) & coloured[codes]
        label[own] = self._labels[codes[own]]
        st = self.statements.iloc[rows]
        out = pd.DataFrame({
            "x": np.round(self._x[rows], 4), "y": np.round(self._y[rows], 4), "theme": label,
            "source": st["source"].to_numpy(), "quarter": st["quarter"].to_numpy(),
            "score": st["score"].to_numpy() if "score" in st else np.nan,
            "text": st["text"].astype(str).str.slice(0, 70).to_numpy(),
        })
        return out, total

    @property
    def _map_rows(self) -> np.ndarray:
        """The state's rows that have map coordinates, in order: the map's points."""
        cached = getattr(self, "_map_rows_cache", None)
        if cached is None:
            cached = self._map_rows_cache = np.flatnonzero(np.isfinite(self._x))
        return cached

    def map_frame(self, text_chars: int = 400) -> pd.DataFrame:
        """Every statement with map coordinates, one point each whatever the filters (the WebGL
        map draws them all and hides those the filters leave out, :meth:`map_visible`):
        ``x``, ``y``, ``theme`` (its label, or :data:`NO_THEME`), ``area`` (its theme's area name,
        or ``""``), ``text`` (the first ``text_chars`` characters: the hover text), ``source``,
        ``quarter``, ``evidence_id``. Position ``i`` is point ``i`` of the map."""
        rows = self._map_rows
        codes = self._theme[rows]
        areas = np.asarray(self._areas(), dtype=object)
        area = np.full(len(rows), "", dtype=object)
        known = codes >= 0
        area[known] = areas[codes[known]]
        area[pd.isna(area)] = ""
        st = self.statements.iloc[rows]
        return pd.DataFrame({
            "x": self._x[rows], "y": self._y[rows],
            "theme": self._label_of(codes), "area": area,
            "text": st["text"].fillna("").astype(str).str.slice(0, text_chars).to_numpy(),
            "source": st["source"].astype(str).to_numpy(), "quarter": st["quarter"].astype(str).to_numpy(),
            "evidence_id": st["evidence_id"].to_numpy(),
        })

    def map_visible(self) -> np.ndarray:
        """Positions (in :meth:`map_frame`) of the points that pass the filters."""
        return np.flatnonzero(self.mask[self._map_rows])

    def map_selection(self, positions, limit: int = 25) -> tuple[pd.DataFrame, int]:
        """The statements at these map positions (a lasso's selection) that pass the filters, at
        most ``limit`` of them (the map's own order), and how many."""
        positions = np.asarray(positions, dtype=np.int64)
        positions = positions[(positions >= 0) & (positions < len(self._map_rows))]
        rows = self._map_rows[positions]
        rows = np.unique(rows[self.mask[rows]])
        chosen = rows[np.argsort(self._rank[rows], kind="stable")[:limit]]
        return self._quote_frame(chosen), len(rows)

    def region(self, x: tuple[float, float], y: tuple[float, float], limit: int = 25) -> tuple[pd.DataFrame, int]:
        """Statements in the filter whose map point lies in the rectangle ``x`` × ``y`` (ends
        included; drawn or not), at most ``limit`` of them (the map's own order), and how many."""
        x0, x1 = sorted(float(v) for v in x)
        y0, y1 = sorted(float(v) for v in y)
        with np.errstate(invalid="ignore"):
            inside = self.mask & (self._x >= x0) & (self._x <= x1) & (self._y >= y0) & (self._y <= y1)
        rows = np.flatnonzero(inside)
        chosen = rows[np.argsort(self._rank[rows], kind="stable")[:limit]]
        return self._quote_frame(chosen), len(rows)
