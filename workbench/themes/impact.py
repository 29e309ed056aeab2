"""Theme impact on NPS: how much each theme moves the score.

For a theme T and a set of NPS responses (all of them, one quarter, one segment...)::

    impact(T) = NPS(responses not mentioning T) - NPS(all responses)      in NPS points

Sign convention: **positive impact means the theme drags NPS down** (the score would rise by that
many points without the responses that mention it); negative means the theme lifts NPS. When
every response mentions the theme, the NPS of the rest is undefined and ``nps_without`` and
``impact`` are missing (NaN), not an error.

A response *mentions* a theme when its comment's evidence row (``nps_responses.evidence_id``) is
assigned to that theme. Responses with an empty comment have no evidence row: they count in the
NPS of every group but mention no theme. NPS = 100 × (promoters − detractors) / responses, with
promoters scoring 9–10, passives 7–8 and detractors 0–6.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..contract import SEGMENTS, is_detractor, is_promoter, nps_category, nps_points  # noqa: F401 (nps_category: API here too)

IMPACT_COLUMNS = [
    "theme_id", "n_responses", "n_mentioning", "mention_share", "nps_all", "nps_mentioning",
    "nps_without", "impact", "promoter_share", "passive_share", "detractor_share",
]


def nps(scores: Iterable[float]) -> float:
    """Net Promoter Score of these 0–10 answers, in points (−100..100); NaN when there are none."""
    return nps_points(scores)


def _mentions(responses: pd.DataFrame, assignments: pd.DataFrame, theme_column: str) -> pd.DataFrame:
    """(response_id, theme_id) pairs, one per response and theme it mentions."""
    linked = responses[["response_id", "evidence_id"]].dropna(subset=["evidence_id"])
    themed = assignments[["evidence_id", theme_column]].dropna(subset=[theme_column])
    pairs = linked.merge(themed, on="evidence_id", how="inner")
    return pairs[["response_id", theme_column]].rename(columns={theme_column: "theme_id"}).drop_duplicates()


#: the sums :func:`impact_counts` takes of the responses (totals) and of those mentioning a theme
TOTALS = {"n_responses": ("response_id", "size"), "p_all": ("_promoter", "sum"), "d_all": ("_detractor", "sum")}
COUNTS = {"n_mentioning": ("response_id", "size"), "p_m": ("_promoter", "sum"), "pa_m": ("_passive", "sum"),
          "d_m": ("_detractor", "sum")}


def impact_counts(responses: pd.DataFrame, mentions: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(totals per group of ``keys``, counts per group and theme): whole numbers, what every figure
    of :func:`theme_impact` is computed from. ``mentions``: (response_id, theme_id) pairs."""
    totals = responses.groupby(keys, dropna=False).agg(**TOTALS)
    mentioning = mentions.merge(responses, on="response_id", how="inner")
    counts = mentioning.groupby([*keys, "theme_id"], dropna=False).agg(**COUNTS).reset_index()
    return totals, counts


def theme_impact(
    nps_responses: pd.DataFrame,
    assignments: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    *,
    theme_column: str = "theme_id",
    themes: pd.DataFrame | None = None,
    min_mentions: int = 1,
    client=None,
) -> pd.DataFrame:
    """Per theme (and per group of ``by``, e.g. ``"quarter"`` or ``["quarter", "plan"]``): the
    NPS impact and the promoter/passive/detractor shares among the responses mentioning it.
    ``client``: a Dask client: the counts are Dask reductions on its cluster (:mod:`.reductions`),
    whole numbers summed over partitions, so every figure is the one-process one.

    ``nps_responses``: ``response_id``, ``score`` (0–10), ``evidence_id`` (null for empty
    comments) and the ``by`` columns. ``assignments``: ``evidence_id`` and ``theme_column``
    (a statement may appear under several themes). ``themes`` (optional, ``theme_id`` and
    ``label``) adds a ``label`` column. Themes with fewer than ``min_mentions`` mentions in a
    group are left out. Rows are sorted by group, then by impact (biggest drag first).
    """
    by = [by] if isinstance(by, str) else list(by or [])
    for column in ("response_id", "score", "evidence_id", *by):
        if column not in nps_responses.columns:
            raise KeyError(f"nps_responses has no column '{column}'")
    for column in ("evidence_id", theme_column):
        if column not in assignments.columns:
            raise KeyError(f"assignments have no column '{column}'")

    responses = nps_responses.copy()
    responses["score"] = pd.to_numeric(responses["score"], errors="coerce")
    responses = responses.dropna(subset=["score"])
    responses["_promoter"] = is_promoter(responses["score"]).astype(int)
    responses["_passive"] = (~is_promoter(responses["score"]) & ~is_detractor(responses["score"])).astype(int)
    responses["_detractor"] = is_detractor(responses["score"]).astype(int)
    keys = by or ["_all"]
    if not by:
        responses["_all"] = 0

    if client is None:
        totals, counts = impact_counts(responses, _mentions(responses, assignments, theme_column), keys)
    else:
        from .reductions import impact_counts_on

        totals, counts = impact_counts_on(client, responses, assignments, keys, theme_column)
    out = counts.merge(totals.reset_index(), on=keys, how="left")
    out = out[out["n_mentioning"] >= min_mentions]

    rest = out["n_responses"] - out["n_mentioning"]
    out["nps_all"] = 100.0 * (out["p_all"] - out["d_all"]) / out["n_responses"]
    out["nps_mentioning"] = 100.0 * (out["p_m"] - out["d_m"]) / out["n_mentioning"]
    out["nps_without"] = (100.0 * ((out["p_all"] - out["p_m"]) - (out["d_all"] - out["d_m"]))
                          / rest.where(rest > 0))
    out["impact"] = out["nps_without"] - out["nps_all"]
    out["mention_share"] = out["n_mentioning"] / out["n_responses"]
    out["promoter_share"] = out["p_m"] / out["n_mentioning"]
    out["passive_share"] = out["pa_m"] / out["n_mentioning"]
    out["detractor_share"] = out["d_m"] / out["n_mentioning"]

    columns = [*by, *IMPACT_COLUMNS]
    out = out[columns].copy()
    if themes is not None:
        labels = themes[["theme_id", "label"]].drop_duplicates("theme_id")
        out = out.merge(labels, on="theme_id", how="left")
        out = out[[*by, "theme_id", "label", *IMPACT_COLUMNS[1:]]]
    out["_order"] = out["impact"].fillna(-np.inf)  # undefined impact (theme in every response) last
    out = out.sort_values([*by, "_order", "theme_id"], ascending=[True] * len(by) + [False, True],
                          kind="mergesort").drop(columns="_order")
    return out.reset_index(drop=True)


def theme_impact_by_segment(
    nps_responses: pd.DataFrame,
    assignments: pd.DataFrame,
    segments: Sequence[str] = SEGMENTS,
    *,
    quarter: str | None = None,
    per_quarter: bool = False,
    theme_column: str = "theme_id",
    themes: pd.DataFrame | None = None,
    min_mentions: int = 1,
) -> pd.DataFrame:
    """:func:`theme_impact` for each segment column, stacked long: ``segment`` (e.g. ``"plan"``)
    and ``segment_value`` (e.g. ``"Enterprise"``) lead each row; with ``per_quarter`` the
    ``quarter`` column too. ``quarter`` restricts the responses to one quarter first. Impact
    is measured within each segment value (its own NPS with and without the theme)."""
    responses = nps_responses
    if quarter is not None:
        responses = responses[responses["quarter"].astype(str) == str(quarter)]
    frames = []
    for segment in segments:
        by = ["quarter", segment] if per_quarter else [segment]
        part = theme_impact(responses, assignments, by, theme_column=theme_column, themes=themes,
                            min_mentions=min_mentions)
        part = part.rename(columns={segment: "segment_value"})
        part.insert(0, "segment", segment)
        frames.append(part)
    lead = ["segment", *(["quarter"] if per_quarter else []), "segment_value"]
    if not frames:
        return pd.DataFrame(columns=[*lead, *IMPACT_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    rest = [c for c in out.columns if c not in lead]
    return out[[*lead, *rest]]
