"""Tables a report reads, made from themed mentions: pairs of statement and theme, the themes and
areas tables, and each theme's quarters. Pure functions from tables to tables."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..contract import unit_rows
from .journey import journey_stages, resolve_stages

MAX_QUOTES = 5
#: the id and name of the group that holds the per-language groups (statements not themed)
LANGUAGE_AREA_ID = "LANG"
LANGUAGE_AREA_NAME = "Other languages, not themed"
ASSIGNMENT_COLUMNS = ["evidence_id", "theme_id", "fitted_theme_id", "cluster", "closeness", "mention", "start",
                      "end", "mentions", "area_id"]


def closeness(theme_ids: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Each mention's cosine similarity to its theme's centroid (NaN without a theme): the report
    picks a quarter's and a segment's representative quotes by it."""
    out = np.full(len(theme_ids), np.nan)
    themed = pd.Series(theme_ids).notna().to_numpy()
    if not themed.any():
        return out
    codes, uniques = pd.factorize(pd.Series(theme_ids[themed]))
    sums = np.zeros((len(uniques), vectors.shape[1]))
    np.add.at(sums, codes, vectors[themed])
    sums = unit_rows(sums)
    out[themed] = np.round(np.einsum("ij,ij->i", vectors[themed], sums[codes]), 6)
    return out


def statement_themes(mentions: pd.DataFrame, areas: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per (statement, theme) pair: a statement counts once in every theme it mentions.

    ``mentions``: one row per mention with ``evidence_id``, ``mention``, ``start``, ``end``,
    ``theme_id``, ``fitted_theme_id``, ``cluster``, ``closeness``. A statement's main theme comes
    first among its rows (most mentions, then the first mentioned). Each pair keeps its closest
    mention (``mention``, ``start``, ``end``, ``closeness``: what a quote highlights) and how many of
    the statement's mentions are in the theme (``mentions``). A statement none of whose mentions has
    a theme is one row with no theme.
    """
    frame = mentions.copy()
    frame["_theme"] = frame["theme_id"].astype(object).where(frame["theme_id"].notna(), "")
    frame["_close"] = frame["closeness"].fillna(-np.inf)
    frame = frame.sort_values(["evidence_id", "_theme", "_close", "mention"], ascending=[True, True, False, True],
                              kind="stable")
    grouped = frame.groupby(["evidence_id", "_theme"])
    frame["mentions"] = grouped["mention"].transform("size")
    frame["_first"] = grouped["mention"].transform("min")
    best = frame.drop_duplicates(["evidence_id", "_theme"]).copy()
    has_theme = best["evidence_id"].isin(set(best.loc[best["_theme"] != "", "evidence_id"]))
    best = best[(best["_theme"] != "") | ~has_theme]
    best["area_id"] = best["theme_id"].map(areas or {}) if len(best) else None
    # a statement's main theme first (most of its mentions, then the one it mentions first; not the
    # closest, which moves when an edit moves a centroid): a view that shows each statement once,
    # under one theme, takes its first row
    best = best.sort_values(["evidence_id", "mentions", "_first"], ascending=[True, False, True], kind="stable")
    out = best.drop(columns=["_theme", "_close", "_first"]).reset_index(drop=True)
    for column in ASSIGNMENT_COLUMNS:
        if column not in out:
            out[column] = None
    return out[ASSIGNMENT_COLUMNS]


def _shares(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    if "sentiment" not in frame or frame.empty:
        return pd.DataFrame(columns=["negative_share", "neutral_share", "positive_share"])
    counts = frame.groupby([by, "sentiment"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=["negative", "neutral", "positive"], fill_value=0)
    shares = counts.div(counts.sum(axis=1).where(lambda s: s > 0, 1), axis=0)
    return shares.add_suffix("_share")


def themes_table(registry, statements: pd.DataFrame, pairs: pd.DataFrame, mentions: pd.DataFrame,
                 languages: pd.DataFrame | None = None) -> pd.DataFrame:
    """Registry themes with their name, area, size (statements, accounts, mentions), sources,
    sentiment shares, journey stage and representative quotes (pinned first); then one row per
    language group (statements in a language the model does not read, kept apart, not themed)."""
    frame = registry.themes_frame()
    frame.insert(2, "name", frame["label"])
    frame["area_name"] = frame["area_id"].map(lambda a: registry.areas[a]["name"] if a in registry.areas else None)
    merged = pairs.dropna(subset=["theme_id"]).merge(statements[["evidence_id", "account_id", "source"]],
                                                     on="evidence_id", how="left")
    sizes = merged.groupby("theme_id").agg(statements=("evidence_id", "nunique"), accounts=("account_id", "nunique"),
                                           mention_count=("mentions", "sum"))
    sources = merged.groupby(["theme_id", "source"]).size().unstack(fill_value=0)
    frame = frame.join(sizes, on="theme_id")
    frame["mentions"] = frame.pop("statements").fillna(0).astype(int)   # statements that mention the theme
    frame["accounts"] = frame["accounts"].fillna(0).astype(int)
    frame["mention_count"] = frame["mention_count"].fillna(0).astype(int)
    frame["sources"] = [
        {s: int(n) for s, n in sources.loc[t].items() if n} if t in sources.index else {} for t in frame["theme_id"]
    ]
    frame = frame.join(_shares(mentions.dropna(subset=["theme_id"]), "theme_id"), on="theme_id")
    known = set(statements["evidence_id"])
    reps = []
    for theme_id, pinned in zip(frame["theme_id"], frame["pinned_quotes"]):
        chosen = [p for p in pinned if p in known]
        mine = merged[merged["theme_id"] == theme_id].sort_values(["closeness", "evidence_id"],
                                                                   ascending=[False, True], kind="stable")
        chosen += [e for e in mine["evidence_id"].head(MAX_QUOTES * 2) if e not in chosen]
        reps.append(chosen[:MAX_QUOTES])
    frame["quote_ids"] = reps
    texts = statements.set_index("evidence_id")["text"]
    frame["journey_stage_auto"] = journey_stages(
        {t: " ".join(kw) + " " + " ".join(texts.get(e, "") for e in q)
         for t, kw, q in zip(frame["theme_id"], frame["keywords"], frame["quote_ids"])}
    ).reindex(frame["theme_id"]).to_numpy()
    frame["journey_stage"], frame["journey_stage_source"] = resolve_stages(frame["journey_stage"],
                                                                           frame["journey_stage_auto"])
    if languages is not None and len(languages):
        frame = pd.concat([frame, language_themes(languages, statements, frame.columns)], ignore_index=True)
    return frame


def language_themes(groups: pd.DataFrame, statements: pd.DataFrame, columns) -> pd.DataFrame:
    """One row per language group (``groups``: ``evidence_id``, ``theme_id``, ``name``), shaped like
    the themes table: its statements, accounts and first quotes, status ``language``."""
    merged = groups.merge(statements[["evidence_id", "account_id", "source", "quarter"]], on="evidence_id")
    rows = []
    for theme_id, part in merged.groupby("theme_id", sort=True):
        part = part.sort_values("evidence_id")
        rows.append({
            "theme_id": theme_id, "label": part["name"].iloc[0], "name": part["name"].iloc[0], "status": "language",
            "first_seen": part["quarter"].min(), "last_seen": part["quarter"].max(), "size": len(part),
            "keywords": [], "pinned_quotes": [], "requirement": False, "label_source": "language",
            "area_id": LANGUAGE_AREA_ID, "area_source": "language", "area_name": LANGUAGE_AREA_NAME,
            "mentions": len(part), "accounts": int(part["account_id"].nunique()), "mention_count": len(part),
            "sources": part["source"].value_counts().sort_index().to_dict(),
            "quote_ids": part["evidence_id"].head(MAX_QUOTES).tolist(),
        })
    return pd.DataFrame(rows).reindex(columns=list(columns))


def areas_table(registry, themes: pd.DataFrame, pairs: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per area holding live themes: id, name, keywords, themes, statements and accounts
    that mention any of its themes (each once), sentiment shares, status; largest first."""
    live = themes[themes["status"].ne("merged") & themes["area_id"].notna()]
    frame = registry.areas_frame()[["area_id", "name", "name_source", "status", "first_seen", "last_seen", "keywords"]]
    if (live["area_id"] == LANGUAGE_AREA_ID).any():
        frame = pd.concat([frame, pd.DataFrame([{"area_id": LANGUAGE_AREA_ID, "name": LANGUAGE_AREA_NAME,
                                                 "name_source": "language", "status": "language", "keywords": []}])],
                          ignore_index=True)
    frame["theme_ids"] = [live.loc[live["area_id"] == a, "theme_id"].tolist() for a in frame["area_id"]]
    frame["themes"] = frame["theme_ids"].map(len)
    by_area = pairs.dropna(subset=["area_id"])
    sizes = by_area.groupby("area_id").agg(mentions=("evidence_id", "nunique"))
    frame = frame.join(sizes, on="area_id")
    frame["mentions"] = frame["mentions"].fillna(0).astype(int)
    tagged = mentions.dropna(subset=["area_id"]) if "area_id" in mentions else mentions.iloc[0:0]
    frame = frame.join(_shares(tagged, "area_id"), on="area_id")
    frame = frame[frame["themes"] > 0]
    return frame.sort_values(["mentions", "area_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def theme_quarters(statements: pd.DataFrame, pairs: pd.DataFrame, client=None) -> pd.DataFrame:
    """Per theme and quarter: statements that mention it, accounts, and share of the quarter's statements.
    ``client``: a Dask client: counted on its cluster (:mod:`.reductions`), the same figures."""
    if client is not None:
        from .reductions import theme_quarters_on

        return theme_quarters_on(client, statements, pairs)
    merged = pairs.dropna(subset=["theme_id"])[["evidence_id", "theme_id"]].merge(
        statements[["evidence_id", "quarter", "account_id"]], on="evidence_id")
    out = merged.groupby(["theme_id", "quarter"]).agg(
        mentions=("evidence_id", "size"), accounts=("account_id", "nunique")
    ).reset_index()
    totals = statements.groupby("quarter").size()
    out["share"] = out["mentions"] / out["quarter"].map(totals)
    return out
