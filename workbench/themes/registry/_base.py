"""Shared pieces of the theme registry: constants, the record of one theme and one area, lifecycle
rules, the undo record and the YAML layout. See :mod:`workbench.themes.registry`."""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ...contract import CENTROIDS_SUFFIX, REGISTRY_FILENAME, unit_rows  # noqa: F401  (the centroids sit next to the
# YAML in this array file, rows named in the YAML's ``centroids``)
from ...errors import RegistryError  # noqa: F401 (re-exported: the registry's error)

FORMAT_VERSION = 1

STATUSES = ("active", "emerging", "fading", "merged")
REQUIREMENT_STATUSES = ("open", "planned", "shipped")
#: edits an analyst makes; these are the ones :meth:`ThemeRegistry.undo` reverts
EDIT_ACTIONS = ("rename", "merge", "split", "pin_quote", "unpin_quote", "mark_requirement",
                "set_requirement_status", "set_journey_stage", "rename_area", "move_theme", "add_area")
#: decimals kept for centroid coordinates (in memory and on disk, so a save is reproducible)
CENTROID_DECIMALS = 5
#: the weight of a theme's past (its previous fit's size) in the running mean of its centroid is
#: capped at this many statements, so a long-lived theme can still drift with its evidence
MAX_CENTROID_WEIGHT = 2000

#: a quarter counts as one where a theme was present when it has at least this many mentions ...
MIN_MATERIAL_MENTIONS = 3
#: ... and at least this share of the theme's busiest quarter (a few stray assignments are noise)
MATERIAL_SHARE = 0.1


def material_quarters(counts: dict[str, int]) -> set[str]:
    """Quarters in which a theme was really present, from its mentions per quarter."""
    if not counts:
        return set()
    floor = max(MIN_MATERIAL_MENTIONS, MATERIAL_SHARE * max(counts.values()))
    material = {q for q, n in counts.items() if n >= floor}
    return material or set(counts)  # a tiny theme: every quarter it has mentions in


def lifecycle(counts: dict[str, int], quarter: str) -> str:
    """``emerging`` when ``quarter`` is the first in which the theme was really present,
    ``fading`` when it was present before but is not (or barely) now, else ``active``."""
    material = material_quarters(counts)
    if quarter in material:
        return "emerging" if min(material) == quarter else "active"
    return "fading" if any(q < quarter for q in material) else "active"


def default_path(data_dir: str | os.PathLike) -> Path:
    """Where a data folder keeps its registry."""
    return Path(data_dir) / REGISTRY_FILENAME


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _unit(vectors: np.ndarray) -> np.ndarray:
    return unit_rows(np.asarray(vectors, dtype=np.float64))


def _round_centroid(vector: np.ndarray) -> list[float]:
    return [float(x) for x in np.round(_unit(vector), CENTROID_DECIMALS)]


_THEME_ID = re.compile(r"^T(\d+)$")
_AREA_ID = re.compile(r"^A(\d+)$")


def _new_theme(label: str, quarter: str | None, *, label_source: str = "model") -> dict[str, Any]:
    return {
        "label": label,
        "label_source": label_source,
        "status": "active",
        "merged_into": None,
        "first_seen": quarter,
        "last_seen": quarter,
        "keywords": [],
        "size": 0,
        "weight": 0,
        "pinned_quotes": [],
        "requirement": False,
        "journey_stage": None,   # an analyst's choice; None: the stage is inferred from the theme's words
        "area_id": None,         # the area (parent theme) it belongs to
        "area_source": "model",  # "analyst" once an analyst moved it: re-fits keep it there
        "centroid": None,
    }


#: the order a theme's fields are written in, so the YAML diff of a change is small
THEME_FIELDS = list(_new_theme("", None))


def _new_area(name: str, quarter: str | None, *, name_source: str = "model") -> dict[str, Any]:
    return {
        "name": name,
        "name_source": name_source,
        "status": "active",      # "empty" when no theme is in it any more (its id is kept)
        "first_seen": quarter,
        "last_seen": quarter,
        "keywords": [],
        "centroid": None,
    }


AREA_FIELDS = list(_new_area("", None))


@dataclass
class MatchResult:
    """What :meth:`ThemeRegistry.match` did with one fit.

    ``mapping`` maps each fitted cluster to the registry theme it was matched to or created as
    (before merges are resolved); ``similarity`` is the cosine to the matched registry centroid
    (NaN for new themes). ``assignments`` has one row per input statement: ``evidence_id``,
    ``cluster``, ``fitted_theme_id`` (the registry theme its cluster was matched to, before any
    edit) and ``theme_id``, the final id with merges and split-off evidence applied (None for
    outliers, cluster -1). Keep ``fitted_theme_id`` to re-resolve after an edit is undone.
    """

    quarter: str
    mapping: dict[int, str]
    similarity: dict[int, float]
    emerging: list[str]
    fading: list[str]
    assignments: pd.DataFrame
    new_ids: list[str] = field(default_factory=list)


@dataclass
class _Undo:
    """What an edit changed, with the values before it, so it can be reverted."""

    themes: dict[str, dict[str, Any]] = field(default_factory=dict)
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    overrides: dict[str, str | None] = field(default_factory=dict)
    requirements: dict[str, Any] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    created_areas: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.themes:
            out["themes"] = {k: _sorted_dict(v) for k, v in sorted(self.themes.items())}
        if self.areas:
            out["areas"] = {k: _sorted_dict(v) for k, v in sorted(self.areas.items())}
        if self.overrides:
            out["overrides"] = dict(sorted(self.overrides.items()))
        if self.requirements:
            out["requirements"] = dict(sorted(self.requirements.items()))
        if self.created:
            out["created"] = list(self.created)
        if self.created_areas:
            out["created_areas"] = list(self.created_areas)
        return out


def _id_sort_key(theme_id: str) -> tuple:
    m = _THEME_ID.match(theme_id) or _AREA_ID.match(theme_id)
    return (0, int(m.group(1)), "") if m else (1, 0, theme_id)


def _sorted_dict(d: dict | None) -> dict | None:
    return None if d is None else {k: d[k] for k in sorted(d)}


def _ids_of(entry: dict[str, Any]) -> dict[str, Any]:
    args = entry.get("args") or {}
    return {k: args[k] for k in ("theme_id", "new_theme_id", "sources", "into", "requirement_id", "area_id")
            if k in args}


def _mentioned_ids(entry: dict[str, Any]) -> set[str]:
    args = entry.get("args") or {}
    ids = set()
    for key in ("theme_id", "new_theme_id", "into", "area_id"):
        if args.get(key):
            ids.add(args[key])
    for key in ("sources", "new", "fading", "without_statements"):
        ids.update(args.get(key) or [])
    return ids


class _Dumper(yaml.SafeDumper):
    """Block style for mappings, one-line lists for lists of scalars (keywords, centroids)."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, (int, float, str, bool)) or x is None for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_none(dumper: yaml.SafeDumper, _data: None) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "null")


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(type(None), _represent_none)
