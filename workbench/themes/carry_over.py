"""What a themes run carries over from the runs before it: mentions themed before keep their theme
(after the registry's merges and splits), and the registry's record of what made the themes
(embedding model, partition) is brought up to date, with a note on what changed.

Used by :func:`workbench.themes.pipeline.update_themes`.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .registry import ThemeRegistry

log = logging.getLogger(__name__)


def note_model_changes(registry: ThemeRegistry, mentions: pd.DataFrame, vectors: np.ndarray,
                       stored: pd.DataFrame | None, embedding: str, partition: str, refit: bool, *,
                       per_statement_before: bool = False) -> list[str]:
    """Bring the registry's record of what made the themes up to date; say what changed.

    A new embedding model: centroids are re-expressed from the mentions each theme holds (the
    old ones are in another space). A new theme model or settings without ``refit``: earlier
    mentions keep their themes, which the note makes plain, with the command that re-partitions.
    A folder themed per statement before (no stored mentions) is re-themed per mention, and told.
    """
    notes: list[str] = []
    before = registry.fitted_with.get("embedding")
    if before is None:
        registry.fitted_with["embedding"] = embedding
    elif before != embedding:
        known = (stored[["mention_key", "theme_id"]].drop_duplicates("mention_key") if stored is not None
                 else pd.DataFrame(columns=["mention_key", "theme_id"]))
        held = mentions[["evidence_id", "mention_key"]].merge(known, on="mention_key", how="left")
        moved = registry.reexpress_centroids(held[["evidence_id", "theme_id"]], vectors, embedding)
        notes.append(f"the embedding model changed from {before} to {embedding}: {moved['themes']} themes' "
                     "centroids were recomputed from the mentions they hold"
                     + (f"; {len(moved['without_statements'])} themes hold none and can no longer be matched"
                        if moved["without_statements"] else ""))
    old = registry.fitted_with.get("partitioned_by")
    if per_statement_before and not refit:
        notes.append("themes are now fitted per mention (each sentence or clause of a statement), so every "
                     "statement was themed afresh; theme ids carry over where themes match")
    if refit or stored is None or old is None:
        registry.fitted_with["partitioned_by"] = partition
    elif old != partition:
        notes.append(f"mentions themed before keep the themes given by {old}; new mentions were themed by "
                     f"{partition}. Run `workbench themes update DATA_DIR --refit` to re-partition every mention "
                     "with the current model (theme ids carry over where themes match)")
    for note in notes:
        log.warning("themes: %s", note)
    return notes


def keep_previous_themes(assignments: pd.DataFrame, previous: pd.DataFrame, registry: ThemeRegistry, *,
                         key: str = "evidence_id") -> pd.DataFrame:
    """Mentions themed before keep their theme (after the registry's merges and splits); only new
    mentions, and those whose theme is gone, take the new fit's theme.

    A fresh fit re-partitions all of history; without this a report's earlier quarters would
    shift every time a quarter is added. ``update_themes(..., refit=True)`` re-partitions on purpose.
    What is kept is the theme each mention was fitted to (``fitted_theme_id``), resolved through
    the registry's current edits, so undoing a merge or split moves its statements back. ``key``
    names the rows (``mention_key``: statement id and mention number); splits apply by statement.
    """
    raw = "fitted_theme_id" if "fitted_theme_id" in previous.columns else "theme_id"  # older stores
    columns = list(dict.fromkeys([key, "evidence_id", raw]))
    prior = previous[columns].dropna(subset=[raw]).drop_duplicates(key)
    prior = prior.rename(columns={raw: "theme_id"})
    prior = prior[prior["theme_id"].isin(registry.themes)].reset_index(drop=True)   # an undone split's theme is gone
    resolved = registry.resolve_assignments(prior)
    alive = {t for t, theme in registry.themes.items() if theme["status"] != "merged"}
    keep = resolved["theme_id"].isin(alive).to_numpy()
    fitted = prior.loc[keep].set_index(key)["theme_id"]
    final = resolved.loc[keep].set_index(key)["theme_id"]
    out = assignments.copy()
    kept = out[key].map(final)
    out["theme_id"] = kept.where(kept.notna(), out["theme_id"])
    if "fitted_theme_id" in out.columns:
        kept_fit = out[key].map(fitted)
        out["fitted_theme_id"] = kept_fit.where(kept_fit.notna(), out["fitted_theme_id"])
    return out


__all__ = ["keep_previous_themes", "note_model_changes"]
