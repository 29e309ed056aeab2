"""The theme explorer's figures over the statements in the filter: the theme table (mentions,
accounts, impact on NPS, NPS / intent / sentiment shares, growth), a theme's trend, NPS split and
details. What each figure means is in :mod:`workbench.explore.state`."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import SEGMENTS
from .codes import INTENT_CATEGORIES, NPS_CATEGORIES, SORT_KEYS, _codes, nps_category_codes


def _nps(promoters, detractors, n):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, 100.0 * (promoters - detractors) / np.where(n > 0, n, 1), np.nan)


class ThemeFigures:
    """The per-theme figures of :class:`~workbench.explore.state.ExplorerState` (which holds the
    coded statements and responses these methods read, and the filters' masks)."""

    def counts(self) -> dict[str, int]:
        mask = self.mask
        return {"statements": int(mask.sum()), "total": self.n,
                "themed": int((mask & (self._theme >= 0)).sum()), "filtered": self.is_filtered}

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
        total_mentions = np.bincount(self._theme[themed], minlength=k)  # every statement, no filter
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
                "total_mentions": total_mentions,
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
