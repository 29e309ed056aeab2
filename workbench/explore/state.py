"""What the theme explorer shows, computed with pandas and NumPy alone (no widgets).

    state = ExplorerState.from_data_dir("data/sample")
    state.set_filters(quarters=("2026Q1", "2026Q3"), sources=("nps",), search="export")
    state.theme_table(sort="impact")          # one row per theme in the filter
    state.quotes("T0003")                     # its statements, pinned first

Every statement's segment, source, quarter and NPS category is held as integer codes, so a filter
change is a handful of boolean masks over NumPy arrays and per-theme figures are ``bincount``s;
nothing is grouped or joined at filter time. Theme labels, merges and split-off statements come
from the theme registry (:meth:`ExplorerState.apply_registry`), so an analyst's edit shows at once.

Definitions (what the widgets show):

- **mentions**: statements of a theme that pass every filter; **total_mentions**: all of its
  statements, whatever the filters. Every figure the explorer shows says whether it is
  *filtered* or *total* (:attr:`ExplorerState.is_filtered`; impact follows only the quarter and
  segment filters, :attr:`ExplorerState.segments_filtered`).
- **growth**: mentions in the last selected quarter minus mentions in the quarter before it
  (every filter but the quarter range applies to both); ``growth_pct`` is that change relative to
  the quarter before (NaN when it had none).
- **impact** on NPS, as in :mod:`workbench.themes.impact`: NPS of the responses not mentioning
  the theme minus NPS of all responses, over the NPS responses of the selected quarters and
  segments (responses without a comment included). Positive: the theme drags NPS down. The
  source, NPS-category and search filters pick statements, not respondents, so they leave it as is.
- **problem / request / praise share** of a theme: among its statements in the filter with a
  known intent (``statement_intents``, the quarterly job's intent classifier).
- **NPS category** of a statement: promoter (9-10), passive (7-8), detractor (0-6), or
  ``no score`` (statements that are not NPS comments).
- a statement without a quarter passes the quarter filter only while the range spans every quarter.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..contract import SEGMENTS
from .codes import (  # noqa: F401 (these names are this module's API too)
    INTENT_CATEGORIES, MAP_COLOURED_THEMES, NO_THEME, NPS_CATEGORIES, OTHER_THEMES, QUOTE_COLUMNS, SORT_KEYS,
    Filters, _codes, nps_category_codes,
)
from .figures import ThemeFigures
from .filtering import Filtering
from .loading import main_themes, read_data_dir, themes_under_registry  # noqa: F401 (main_themes: API here too)
from .shown import ShownStatements


class ExplorerState(Filtering, ThemeFigures, ShownStatements):
    """The statements, their themes and the current filters; answers what the explorer shows.

    ``statements``: themed customer statements (evidence columns). ``assignments``:
    ``evidence_id``, ``theme_id`` as the theme job stored them. ``themes``: ``theme_id``,
    ``label``, optionally ``status``, ``keywords``, ``pinned_quotes``, ``requirement``,
    ``journey_stage``. ``responses``: the ``nps_responses`` table (for impact). ``statement_map``:
    ``evidence_id``, ``x``, ``y`` (the 2-D map). ``registry``: a :class:`ThemeRegistry` whose
    labels, merges and split-off statements override the stored ones.
    """

    def __init__(self, statements: pd.DataFrame, assignments: pd.DataFrame, themes: pd.DataFrame,
                 responses: pd.DataFrame | None = None, statement_map: pd.DataFrame | None = None,
                 registry=None, *, seed: int = 0, intents: pd.DataFrame | None = None,
                 spans: pd.DataFrame | None = None, sentiments: pd.DataFrame | None = None):
        st = statements.reset_index(drop=True)
        #: (evidence_id, theme_id) -> (start, end) of the mention a quote is shown for
        self._spans = ({} if spans is None else
                       {(e, t): (int(a), int(b)) for e, t, a, b in spans[["evidence_id", "theme_id", "start", "end"]]
                        .dropna().itertuples(index=False)})
        if st["evidence_id"].duplicated().any():
            raise ValueError("statements must have unique evidence ids")
        self.statements = st
        self.n = len(st)
        self._row_of = pd.Series(np.arange(self.n), index=st["evidence_id"].to_numpy())

        quarters = set(st["quarter"].dropna().astype(str))
        if responses is not None and "quarter" in responses:
            quarters |= set(responses["quarter"].dropna().astype(str))
        self.quarters: list[str] = sorted(quarters)
        self.sources: list[str] = sorted(st["source"].dropna().astype(str).unique())
        self.segments: dict[str, list[str]] = {}
        for segment in SEGMENTS:
            values = set(st[segment].dropna().astype(str)) if segment in st else set()
            if responses is not None and segment in responses:
                values |= set(responses[segment].dropna().astype(str))
            self.segments[segment] = sorted(values)

        self._q = _codes(st["quarter"], self.quarters)
        self._source = _codes(st["source"], self.sources)
        self._segment = {s: _codes(st[s], self.segments[s]) if s in st else np.full(self.n, -1, np.int32)
                         for s in SEGMENTS}
        self._nps = nps_category_codes(st["score"] if "score" in st else np.full(self.n, np.nan))
        intent = pd.Series("unknown", index=st["evidence_id"].to_numpy(), dtype=object)
        if intents is not None and len(intents):
            known = intents.drop_duplicates("evidence_id").set_index("evidence_id")["intent"]
            intent = known.reindex(intent.index).fillna("unknown")
        self._intent = _codes(intent.reset_index(drop=True), list(INTENT_CATEGORIES))
        # each statement's sentiment (its mentions' mean score, in the same bands), -1 when unknown
        feeling = pd.Series(np.nan, index=st["evidence_id"].to_numpy(), dtype=float)
        if sentiments is not None and len(sentiments):
            feeling = sentiments.groupby("evidence_id")["sentiment_score"].mean().reindex(feeling.index)
        from ..themes.sentiment import NEUTRAL_BAND, SENTIMENTS, label
        known = feeling.notna().to_numpy()
        self._feeling = np.full(self.n, -1, dtype=np.int32)
        self._feeling[known] = _codes(pd.Series(label(feeling.to_numpy()[known], NEUTRAL_BAND["combined"])),
                                      list(SENTIMENTS))
        accounts = st["account_id"].astype(object).where(st["account_id"].notna(), None)
        self._account = pd.Categorical(accounts).codes.astype(np.int64)
        self._n_accounts = int(self._account.max()) + 1 if self.n else 0
        self._text = st["text"].fillna("").astype(str).str.lower()
        self._dates = pd.to_datetime(st["date"]).to_numpy() if "date" in st else np.full(self.n, np.datetime64("NaT"))
        # a fixed random order: the map draws the first points of it that pass the filters, so a
        # point stays on the map while the filter around it changes
        self._rank = np.random.default_rng(seed).permutation(self.n)

        self._x = np.full(self.n, np.nan)
        self._y = np.full(self.n, np.nan)
        if statement_map is not None and len(statement_map):
            rows = self._row_of.reindex(statement_map["evidence_id"].to_numpy()).to_numpy()
            ok = ~np.isnan(rows)
            self._x[rows[ok].astype(int)] = statement_map["x"].to_numpy(dtype=float)[ok]
            self._y[rows[ok].astype(int)] = statement_map["y"].to_numpy(dtype=float)[ok]

        base = assignments[["evidence_id", "theme_id"]].drop_duplicates("evidence_id")
        base = base.set_index("evidence_id")["theme_id"].reindex(st["evidence_id"].to_numpy())
        self._base_assignments = pd.DataFrame({
            "evidence_id": st["evidence_id"].to_numpy(),
            "theme_id": base.astype(object).where(base.notna(), None).to_numpy(),
        })
        self._stored_themes = themes.copy()
        self._responses = responses
        self.filters = Filters(quarters=(self.quarters[0], self.quarters[-1]) if self.quarters else None)
        self._search_cache: tuple[str, np.ndarray] | None = None
        self._mask_cache: tuple[Filters, np.ndarray, np.ndarray] | None = None
        self.apply_registry(registry)

    # ----------------------------------------------------------------------------------------
    # Loading
    # ----------------------------------------------------------------------------------------

    @classmethod
    def from_data_dir(cls, data_dir: str | Path, statement_map: pd.DataFrame | None = None,
                      registry=None) -> "ExplorerState":
        """The state of a themed data folder (after ``workbench quarterly`` or ``update_themes``).

        ``statement_map`` defaults to the cached ``statement_map`` table when the store has one;
        ``registry`` to ``DATA_DIR/theme_registry.yml``.
        """
        return cls(**read_data_dir(data_dir, statement_map, registry))

    def apply_registry(self, registry) -> None:
        """Take labels, statuses, keywords, pins, requirement marks, merges and split-off
        statements from ``registry`` (None: use the stored themes table as it is)."""
        frame, resolved, area_names = themes_under_registry(self._stored_themes, self._base_assignments, registry)
        #: the registry's areas now (analysts' renames and moves shown at once), id -> name
        self.area_names = area_names
        self.themes = frame
        self._theme_index = pd.Series(np.arange(len(frame)), index=frame["theme_id"].to_numpy())
        codes = self._theme_index.reindex(resolved.to_numpy()).to_numpy()
        self._theme = np.where(np.isnan(codes), -1, codes).astype(np.int32)
        self._labels = frame["label"].to_numpy(dtype=object)
        self._mask_cache = None


__all__ = ["ExplorerState", "Filters", "NPS_CATEGORIES", "SORT_KEYS", "nps_category_codes", "NO_THEME",
           "OTHER_THEMES"]
