"""Reading a themed data folder for the theme explorer, and its themes table under the theme
registry's edits (labels, statuses, keywords, pins, requirement marks, journey stages, merges,
split-off statements and areas)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..themes.journey import resolve_stages


def _as_list(value) -> list:
    """A keywords or pins cell as a list (the store gives lists, see :mod:`workbench.catalog`; a
    theme the table lacks has none)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    return [] if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else [value]


def main_themes(mentions: pd.DataFrame, registry=None) -> pd.DataFrame:
    """Each statement's main theme (``evidence_id``, ``theme_id``) from its mentions' fitted themes
    under the registry's current edits: the theme most of its mentions are in, then the closest.
    The explorer shows each statement once, under this theme."""
    from ..themes.summaries import statement_themes

    fitted = mentions.assign(theme_id=mentions["fitted_theme_id"])
    if registry is not None and registry.themes:
        fitted = registry.resolve_assignments(fitted)
    return statement_themes(fitted).drop_duplicates("evidence_id")[["evidence_id", "theme_id"]]


def read_data_dir(data_dir: str | Path, statement_map: pd.DataFrame | None = None, registry=None) -> dict:
    """The tables of a themed data folder, as keyword arguments of
    :class:`~workbench.explore.state.ExplorerState` (see its ``from_data_dir``), read through its
    :class:`~workbench.workspace.Workspace` (each table once)."""
    from ..themes.pipeline import themed_statements
    from ..themes.registry import ThemeRegistry
    from ..workspace import Workspace

    ws = Workspace.of(data_dir)
    ws.require(("evidence", "theme_assignments", "themes"), f"run `workbench quarterly --data {ws.data_dir}` first")
    statements = themed_statements(ws.table("evidence"))
    if registry is None and ws.registry_path.exists():
        registry = ThemeRegistry.load(ws.registry_path)
    mentions = ws.optional("theme_mentions")
    pairs = ws.table("theme_assignments")
    if mentions is not None:
        assignments = main_themes(mentions, registry)
    else:
        assignments = pairs
        if "fitted_theme_id" in assignments.columns:
            # the theme each statement was fitted to: the registry's edits (and their undoing) apply on top
            assignments = assignments.drop(columns="theme_id").rename(columns={"fitted_theme_id": "theme_id"})
    assignments = assignments[["evidence_id", "theme_id"]]
    spans = pairs if {"start", "end"} <= set(pairs.columns) else None
    themes = ws.table("themes", columns=["theme_id", "label"])
    if statement_map is None and ws.has("statement_map"):
        statement_map = ws.table("statement_map", columns=["evidence_id", "x", "y"])
    intents = ws.table("statement_intents", columns=["evidence_id", "intent"]) if ws.has("statement_intents") else None
    sentiments = mentions[["evidence_id", "sentiment_score"]] if mentions is not None else None
    return {"statements": statements, "assignments": assignments, "themes": themes,
            "responses": ws.optional("nps_responses"), "statement_map": statement_map, "registry": registry,
            "intents": intents, "spans": spans, "sentiments": sentiments}


def themes_under_registry(stored: pd.DataFrame, base_assignments: pd.DataFrame,
                          registry=None) -> tuple[pd.DataFrame, pd.Series, dict[str, str]]:
    """The themes table, each statement's theme id and the areas (id -> name) under ``registry``'s
    edits (None, or a registry without themes: the stored table as it is). The table carries every
    column the explorer shows, with defaults where the stored table lacks one."""
    stored = stored.copy()
    if registry is not None and not registry.themes:
        registry = None  # no registry file yet: the stored table is all there is
    # the registry's areas now (analysts' renames and moves shown at once)
    area_names = ({a: area["name"] for a, area in registry.areas.items()}
                  if registry is not None and getattr(registry, "areas", None) else {})
    if registry is not None:
        frame = registry.themes_frame()
        # the stage an analyst chose, else the one the last run inferred
        inferred = next((c for c in ("journey_stage_auto", "journey_stage") if c in stored.columns), None)
        auto = (frame["theme_id"].map(stored.drop_duplicates("theme_id").set_index("theme_id")[inferred])
                if inferred else None)
        frame["journey_stage"], frame["journey_stage_source"] = resolve_stages(frame["journey_stage"], auto)
        resolved = registry.resolve_assignments(base_assignments)["theme_id"]
    else:
        frame = stored
        resolved = base_assignments["theme_id"]
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
    return frame, resolved, area_names


__all__ = ["main_themes", "read_data_dir", "themes_under_registry"]
