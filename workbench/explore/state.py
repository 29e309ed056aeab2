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

- **mentions**: statements of a theme that pass every filter.
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

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from ..contract import SEGMENTS

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
    out[s >= 9] = 0
    out[(s >= 7) & (s < 9)] = 1
    out[s < 7] = 2  # NaN compares False everywhere and stays "no score"
    return out


def _codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    return pd.Categorical(values.astype(object).where(values.notna(), None), categories=categories).codes.astype(np.int32)


def _as_list(value) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        return list(parsed) if isinstance(parsed, list) else [parsed]
    return [value]


def _nps(promoters, detractors, n):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, 100.0 * (promoters - detractors) / np.where(n > 0, n, 1), np.nan)


def main_themes(mentions: pd.DataFrame, registry=None) -> pd.DataFrame:
    """Each statement's main theme (``evidence_id``, ``theme_id``) from its mentions' fitted themes
    under the registry's current edits: the theme most of its mentions are in, then the closest.
    The explorer shows each statement once, under this theme."""
    from ..themes.summaries import statement_themes

    fitted = mentions.assign(theme_id=mentions["fitted_theme_id"])
    if registry is not None and registry.themes:
        fitted = registry.resolve_assignments(fitted)
    return statement_themes(fitted).drop_duplicates("evidence_id")[["evidence_id", "theme_id"]]


class ExplorerState:
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
        from .. import store
        from ..themes.pipeline import themed_statements
        from ..themes.registry import ThemeRegistry, default_path

        data_dir = Path(data_dir)
        names = set(store.table_names(data_dir))
        for needed in ("evidence", "theme_assignments", "themes"):
            if needed not in names:
                raise store.StoreError(
                    f"{data_dir}: no table '{needed}' (run `workbench quarterly --data {data_dir}` first)")
        statements = themed_statements(store.load_table(data_dir, "evidence"))
        if registry is None and default_path(data_dir).exists():
            registry = ThemeRegistry.load(default_path(data_dir))
        if "theme_mentions" in names:
            assignments = main_themes(store.load_table(data_dir, "theme_mentions"), registry)
        else:
            assignments = store.load_table(data_dir, "theme_assignments")
            if "fitted_theme_id" in assignments.columns:
                # the theme each statement was fitted to: the registry's edits (and their undoing) apply on top
                assignments = assignments.drop(columns="theme_id").rename(columns={"fitted_theme_id": "theme_id"})
        assignments = assignments[["evidence_id", "theme_id"]]
        pairs = store.load_table(data_dir, "theme_assignments")
        spans = pairs if {"start", "end"} <= set(pairs.columns) else None
        themes = store.load_table(data_dir, "themes", columns=["theme_id", "label"])
        responses = store.load_table(data_dir, "nps_responses") if "nps_responses" in names else None
        if statement_map is None and "statement_map" in names:
            statement_map = store.load_table(data_dir, "statement_map", columns=["evidence_id", "x", "y"])
        intents = (store.load_table(data_dir, "statement_intents", columns=["evidence_id", "intent"])
                   if "statement_intents" in names else None)
        sentiments = (store.load_table(data_dir, "theme_mentions")[["evidence_id", "sentiment_score"]]
                      if "theme_mentions" in names else None)
        return cls(statements, assignments, themes, responses, statement_map, registry, intents=intents, spans=spans,
                   sentiments=sentiments)

    def apply_registry(self, registry) -> None:
        """Take labels, statuses, keywords, pins, requirement marks, merges and split-off
        statements from ``registry`` (None: use the stored themes table as it is)."""
        stored = self._stored_themes.copy()
        if registry is not None and not registry.themes:
            registry = None  # no registry file yet: the stored table is all there is
        #: the registry's areas now (analysts' renames and moves shown at once), id -> name
        self.area_names = ({a: area["name"] for a, area in registry.areas.items()}
                           if registry is not None and getattr(registry, "areas", None) else {})
        if registry is not None:
            frame = registry.themes_frame()
            # the stage an analyst chose, else the one the last run inferred
            chosen = frame["journey_stage"].astype(object)
            frame["journey_stage_source"] = np.where(chosen.notna(), "analyst", "model")
            inferred = next((c for c in ("journey_stage_auto", "journey_stage") if c in stored.columns), None)
            if inferred:
                auto = frame["theme_id"].map(stored.drop_duplicates("theme_id").set_index("theme_id")[inferred])
                frame["journey_stage"] = chosen.where(chosen.notna(), auto)
            resolved = registry.resolve_assignments(self._base_assignments)["theme_id"]
        else:
            frame = stored
            resolved = self._base_assignments["theme_id"]
        frame = frame.reset_index(drop=True).copy()
        defaults = {"status": "active", "merged_into": None, "keywords": None, "pinned_quotes": None,
                    "requirement": False, "journey_stage": None, "label_source": "model",
                    "journey_stage_source": "model"}
        for column, default in defaults.items():
            if column not in frame:
                frame[column] = default
        frame["keywords"] = [_as_list(v) for v in frame["keywords"]]
        frame["pinned_quotes"] = [_as_list(v) for v in frame["pinned_quotes"]]
        frame["requirement"] = frame["requirement"].fillna(False).astype(bool)
        frame["label"] = frame["label"].fillna("").astype(str)
        for column in ("journey_stage", "merged_into"):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
        # a statement may point at a theme the table does not list (a stale store): list it too
        known = set(frame["theme_id"])
        missing = sorted({t for t in resolved.dropna() if t not in known})
        if missing:
            frame = pd.concat([frame, pd.DataFrame({"theme_id": missing, "label": missing, "status": "active",
                                                    "keywords": [[] for _ in missing],
                                                    "pinned_quotes": [[] for _ in missing],
                                                    "requirement": False})], ignore_index=True)
        self.themes = frame
        self._theme_index = pd.Series(np.arange(len(frame)), index=frame["theme_id"].to_numpy())
        codes = self._theme_index.reindex(resolved.to_numpy()).to_numpy()
        self._theme = np.where(np.isnan(codes), -1, codes).astype(np.int32)
        self._labels = frame["label"].to_numpy(dtype=object)
        self._mask_cache = None

    # ----------------------------------------------------------------------------------------
    # Filters
    # ----------------------------------------------------------------------------------------

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

    # ----------------------------------------------------------------------------------------
    # What is shown
    # ----------------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        mask = self.mask
        return {"statements": int(mask.sum()), "total": self.n,
                "themed": int((mask & (self._theme >= 0)).sum())}

    def previous_quarter(self) -> tuple[str | None, str | None]:
        """(last selected quarter, the quarter before it) as strings."""
        if not self.quarters:
            return None, None
        _, hi = self._quarter_codes()
        last = self.quarters[hi]
        return last, str(pd.Period(last, "Q") - 1)

    def theme_table(self, sort: str = "size") -> pd.DataFrame:
        """One row per theme with at least one statement in the filter, sorted by ``sort``
        (``area``: the biggest area's themes first, each area's biggest first; ``size``: mentions;
        ``impact``: biggest drag on NPS first; ``growth``)."""
        if sort not in SORT_KEYS:
            raise ValueError(f"sort must be one of {SORT_KEYS}, not {sort!r}")
        other, mask = self._masks()
        k = len(self.themes)
        themed = self._theme >= 0
        sel = mask & themed
        theme = self._theme[sel]
        mentions = np.bincount(theme, minlength=k)
        pairs = np.unique(theme.astype(np.int64) * (self._n_accounts + 1) + (self._account[sel] + 1))
        pairs = pairs[pairs % (self._n_accounts + 1) != 0]  # statements without an account
        accounts = np.bincount((pairs // (self._n_accounts + 1)).astype(np.int64), minlength=k)
        split = np.bincount(theme.astype(np.int64) * 4 + self._nps[sel], minlength=4 * k).reshape(k, 4)
        scored = split[:, :3].sum(axis=1)
        n_intents = len(INTENT_CATEGORIES)
        by_intent = np.bincount(theme.astype(np.int64) * n_intents + self._intent[sel],
                                minlength=n_intents * k).reshape(k, n_intents)
        known = by_intent[:, :-1].sum(axis=1)   # the last category is "unknown"
        felt = sel & (self._feeling >= 0)
        by_feeling = np.bincount(self._theme[felt].astype(np.int64) * 3 + self._feeling[felt],
                                 minlength=3 * k).reshape(k, 3)
        n_felt = by_feeling.sum(axis=1)

        last, previous = self.previous_quarter()
        in_last = np.bincount(self._theme[other & themed & (self._q == self._quarter_code(last))], minlength=k)
        in_prev = np.bincount(self._theme[other & themed & (self._q == self._quarter_code(previous))], minlength=k)
        impact, n_mentioning = self._impact(k)

        with np.errstate(invalid="ignore", divide="ignore"):
            out = pd.DataFrame({
                "theme_id": self.themes["theme_id"].to_numpy(),
                "label": self._labels,
                "area": self._areas(),
                "status": self.themes["status"].to_numpy(),
                "requirement": self.themes["requirement"].to_numpy(dtype=bool),
                "mentions": mentions,
                "accounts": accounts,
                "impact": impact,
                "nps_responses": n_mentioning,
                "promoter_share": np.where(scored > 0, split[:, 0] / np.maximum(scored, 1), np.nan),
                "passive_share": np.where(scored > 0, split[:, 1] / np.maximum(scored, 1), np.nan),
                "detractor_share": np.where(scored > 0, split[:, 2] / np.maximum(scored, 1), np.nan),
                **{f"{name}_share": np.where(known > 0, by_intent[:, INTENT_CATEGORIES.index(name)]
                                             / np.maximum(known, 1), np.nan)
                   for name in ("problem", "request", "praise")},
                "negative_share": np.where(n_felt > 0, by_feeling[:, 0] / np.maximum(n_felt, 1), np.nan),
                "positive_share": np.where(n_felt > 0, by_feeling[:, 2] / np.maximum(n_felt, 1), np.nan),
                "last_quarter": in_last,
                "previous_quarter": in_prev,
                "growth": in_last - in_prev,
                "growth_pct": np.where(in_prev > 0, (in_last - in_prev) / np.maximum(in_prev, 1), np.nan),
            })
        out = out[(out["mentions"] > 0) & (out["status"] != "merged")]
        area_size = out.groupby(out["area"].fillna(""))["mentions"].transform("sum")
        out = out.assign(_area_size=area_size.where(out["area"].notna(), -1), _area=out["area"].fillna(""))
        keys = {
            "area": (["_area_size", "_area", "mentions", "theme_id"], [False, True, False, True]),
            "size": (["mentions", "theme_id"], [False, True]),
            "impact": (["_impact", "mentions", "theme_id"], [False, False, True]),
            "growth": (["growth", "_growth_pct", "mentions", "theme_id"], [False, False, False, True]),
        }[sort]
        out = out.assign(_impact=out["impact"].fillna(-np.inf), _growth_pct=out["growth_pct"].fillna(-np.inf))
        out = out.sort_values(keys[0], ascending=keys[1], kind="mergesort")
        return out.drop(columns=["_impact", "_growth_pct", "_area_size", "_area"]).reset_index(drop=True)

    def _areas(self) -> np.ndarray:
        """Each theme's area name: the registry's (so an analyst's move shows at once), else the
        last run's; None for themes made since, or before areas."""
        if self.area_names and "area_id" in self.themes:
            return self.themes["area_id"].map(self.area_names).astype(object).where(lambda s: s.notna(), None).to_numpy()
        if "area_name" not in self._stored_themes:
            return np.full(len(self.themes), None, dtype=object)
        names = self._stored_themes.drop_duplicates("theme_id").set_index("theme_id")["area_name"]
        return self.themes["theme_id"].map(names).astype(object).where(lambda s: s.notna(), None).to_numpy()

    def _quarter_code(self, quarter: str | None) -> int:
        return self.quarters.index(quarter) if quarter in self.quarters else -2

    def _impact(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Impact on NPS per theme code over the responses in the selected quarters and segments."""
        r = self._responses
        if r is None or r.empty or "score" not in r:
            return np.full(k, np.nan), np.zeros(k, dtype=int)
        prepared = self._prepared_responses()
        keep = np.ones(len(r), dtype=bool)
        lo, hi = self._quarter_codes()
        keep &= (prepared["q"] >= lo) & (prepared["q"] <= hi)
        for segment in SEGMENTS:
            chosen = getattr(self.filters, segment)
            if chosen:
                keep &= np.isin(prepared[segment], self._wanted(self.segments[segment], chosen))
        keep &= prepared["scored"]
        category = prepared["category"][keep]
        n_all = int(keep.sum())
        p_all = int((category == 0).sum())
        d_all = int((category == 2).sum())
        rows = prepared["row"][keep]
        theme = np.where(rows >= 0, self._theme[np.maximum(rows, 0)], -1)
        has = theme >= 0
        n_m = np.bincount(theme[has], minlength=k)
        p_m = np.bincount(theme[has & (category == 0)], minlength=k)
        d_m = np.bincount(theme[has & (category == 2)], minlength=k)
        nps_all = _nps(p_all, d_all, np.asarray(n_all))
        nps_without = _nps(p_all - p_m, d_all - d_m, n_all - n_m)
        impact = np.where(n_m > 0, nps_without - nps_all, np.nan)
        return impact, n_m

    def _prepared_responses(self) -> dict[str, np.ndarray]:
        cached = getattr(self, "_response_arrays", None)
        if cached is not None:
            return cached
        r = self._responses.reset_index(drop=True)
        score = pd.to_numeric(r["score"], errors="coerce")
        arrays = {
            "q": _codes(r["quarter"].astype(str).where(r["quarter"].notna(), None), self.quarters)
            if "quarter" in r else np.zeros(len(r), np.int32),
            "scored": score.notna().to_numpy(),
            "category": nps_category_codes(score),
            "row": (self._row_of.reindex(r["evidence_id"].to_numpy()).fillna(-1).to_numpy().astype(np.int64)
                    if "evidence_id" in r else np.full(len(r), -1, np.int64)),
        }
        for segment in SEGMENTS:
            arrays[segment] = (_codes(r[segment], self.segments[segment]) if segment in r
                               else np.full(len(r), -1, np.int32))
        self._response_arrays = arrays
        return arrays

    def theme_info(self, theme_id: str) -> dict:
        """Label, status, keywords, pins, requirement flag and journey stage of a theme."""
        row = self.themes.iloc[int(self._theme_index[theme_id])]
        return {k: row[k] for k in ("theme_id", "label", "status", "keywords", "pinned_quotes", "requirement",
                                    "journey_stage", "journey_stage_source", "merged_into")}

    def trend(self, theme_id: str) -> pd.DataFrame:
        """Per selected quarter: the theme's mentions and its share of all statements in the filter."""
        other, _ = self._masks()
        code = int(self._theme_index[theme_id])
        lo, hi = self._quarter_codes()
        n_q = len(self.quarters)
        valid = other & (self._q >= 0)
        all_q = np.bincount(self._q[valid], minlength=n_q)
        theme_q = np.bincount(self._q[valid & (self._theme == code)], minlength=n_q)
        quarters = self.quarters[lo:hi + 1]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(all_q > 0, theme_q / np.maximum(all_q, 1), np.nan)
        return pd.DataFrame({"quarter": quarters, "mentions": theme_q[lo:hi + 1],
                             "statements": all_q[lo:hi + 1], "share": share[lo:hi + 1]})

    def nps_split(self, theme_id: str) -> dict[str, int]:
        """How many of the theme's statements in the filter are promoters, passives, detractors,
        or carry no score."""
        code = int(self._theme_index[theme_id])
        sel = self.mask & (self._theme == code)
        counts = np.bincount(self._nps[sel], minlength=4)
        return dict(zip(NPS_CATEGORIES, (int(c) for c in counts)))

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


__all__ = ["ExplorerState", "Filters", "NPS_CATEGORIES", "SORT_KEYS", "nps_category_codes", "NO_THEME",
           "OTHER_THEMES"]
