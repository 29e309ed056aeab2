"""The registry object: persistence (YAML plus a centroid array beside it) and reading."""
from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import yaml

from ._base import (
    _AREA_ID, _THEME_ID, AREA_FIELDS, CENTROIDS_SUFFIX, FORMAT_VERSION, THEME_FIELDS, MatchResult, RegistryError,
    _Dumper, _id_sort_key, _mentioned_ids, _new_area, _new_theme, _round_centroid, _sorted_dict, _Undo, _unit, utc_now,
)
from .edits import RegistryEdits


class ThemeRegistry(RegistryEdits):
    """Stable theme and area ids, names, centroids and analysts' edits, stored as reviewable YAML.

    ``clock`` returns the ISO timestamp recorded with each edit when the edit is not given one
    (``at=``); inject a fixed clock in tests.
    """

    def __init__(self, clock: Callable[[], str] | None = None):
        self.clock = clock or utc_now
        self.themes: dict[str, dict[str, Any]] = {}
        #: areas (parent themes): id -> name, name_source, status, first/last seen, keywords, centroid
        self.areas: dict[str, dict[str, Any]] = {}
        self.overrides: dict[str, str] = {}          # evidence_id -> theme id (split-off evidence)
        self.requirements: dict[str, dict[str, Any]] = {}  # requirement id -> status, date, note
        self.next_number = 1
        self.next_area_number = 1
        self._history: list[dict[str, Any]] = []
        self._batch_id: str | None = None  # set inside ``batch()``: the edits undone together
        #: what the themes were made with: ``embedding`` (the model whose space the centroids are
        #: in) and ``partitioned_by`` (the theme model and settings that partitioned the statements
        #: now holding a theme); see :meth:`reexpress_centroids` and ``update_themes``
        self.fitted_with: dict[str, str] = {}

    # ----------------------------------------------------------------------------------------
    # Persistence
    # ----------------------------------------------------------------------------------------

    @staticmethod
    def centroids_path(path: str | os.PathLike) -> Path:
        """The array file beside a registry YAML that holds its centroids."""
        path = Path(path)
        return path.with_name(path.stem + CENTROIDS_SUFFIX)

    @classmethod
    def load(cls, path: str | os.PathLike, clock: Callable[[], str] | None = None) -> "ThemeRegistry":
        """Read a registry; a missing file gives an empty registry.

        Centroids are read from the array file beside it (rows named in the YAML's ``centroids``);
        a registry written before they moved there keeps them inline, which is read too.
        """
        registry = cls(clock=clock)
        path = Path(path)
        if not path.exists():
            return registry
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if raw.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            raise RegistryError(f"{path}: unsupported registry version {raw.get('version')!r}")
        for theme_id, data in (raw.get("themes") or {}).items():
            theme = _new_theme("", None)
            theme.update(data or {})
            theme["keywords"] = list(theme.get("keywords") or [])
            theme["pinned_quotes"] = list(theme.get("pinned_quotes") or [])
            registry.themes[str(theme_id)] = theme
        for area_id, data in (raw.get("areas") or {}).items():
            area = _new_area("", None)
            area.update(data or {})
            area["keywords"] = list(area.get("keywords") or [])
            registry.areas[str(area_id)] = area
        registry._read_centroids(path, raw.get("centroids"))
        registry.overrides = {str(k): str(v) for k, v in (raw.get("overrides") or {}).items()}
        registry.requirements = {str(k): dict(v) for k, v in (raw.get("requirements") or {}).items()}
        registry._history = list(raw.get("history") or [])
        registry.fitted_with = {str(k): str(v) for k, v in (raw.get("fitted_with") or {}).items()}
        numbers = [int(m.group(1)) for t in registry.themes if (m := _THEME_ID.match(t))]
        registry.next_number = max([int(raw.get("next_number", 1)), *(n + 1 for n in numbers)])
        numbers = [int(m.group(1)) for a in registry.areas if (m := _AREA_ID.match(a))]
        registry.next_area_number = max([int(raw.get("next_area_number", 1)), *(n + 1 for n in numbers)])
        return registry

    def _read_centroids(self, path: Path, index: dict | None) -> None:
        if not index:
            return
        sidecar = self.centroids_path(path)
        rows = [("themes", str(t)) for t in index.get("themes") or []] + [("areas", str(a)) for a in index.get("areas") or []]
        if not sidecar.exists():
            raise RegistryError(f"{path}: its centroids file {sidecar.name} is missing (restore it, or delete "
                                f"the 'centroids:' section to have the next run match nothing and start afresh)")
        array = np.load(sidecar, allow_pickle=False)
        if array.ndim != 2 or array.shape[0] != len(rows):
            raise RegistryError(f"{sidecar}: {array.shape[0] if array.ndim else 0} centroid rows, but {path.name} "
                                f"names {len(rows)}: the two files do not belong together")
        for (kind, key), vector in zip(rows, array):
            entry = getattr(self, kind).get(key)
            if entry is not None:
                entry["centroid"] = [float(x) for x in vector]

    def to_dict(self) -> dict[str, Any]:
        """The registry as plain data, in the order it is written (centroids inline)."""
        themes = {}
        for theme_id in sorted(self.themes, key=_id_sort_key):
            theme = self.themes[theme_id]
            themes[theme_id] = {k: copy.deepcopy(theme.get(k)) for k in THEME_FIELDS}
        areas = {a: {k: copy.deepcopy(self.areas[a].get(k)) for k in AREA_FIELDS}
                 for a in sorted(self.areas, key=_id_sort_key)}
        out = {
            "version": FORMAT_VERSION,
            "next_number": self.next_number,
            "next_area_number": self.next_area_number,
            "areas": areas,
            "themes": themes,
            "overrides": dict(sorted(self.overrides.items())),
            "requirements": {k: _sorted_dict(v) for k, v in sorted(self.requirements.items())},
            "history": copy.deepcopy(self._history),
        }
        if self.fitted_with:
            out = {"version": out.pop("version"), "fitted_with": _sorted_dict(self.fitted_with), **out}
        return out

    def _split_centroids(self) -> tuple[dict[str, Any], np.ndarray]:
        """The YAML's data without centroids, an index of which rows the array holds, and the array."""
        data = self.to_dict()
        index: dict[str, list[str]] = {"themes": [], "areas": []}
        rows = []
        for kind in ("themes", "areas"):
            for key, entry in data[kind].items():
                vector = entry.pop("centroid", None)
                if vector:
                    index[kind].append(key)
                    rows.append(vector)
        data["centroids"] = {"file": "", **index}
        width = len(rows[0]) if rows else 0
        return data, np.asarray(rows, dtype=np.float64).reshape(len(rows), width)

    def dumps(self) -> str:
        """The YAML text as saved (centroids replaced by the index of the array file's rows)."""
        data, _ = self._split_centroids()
        return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the registry atomically: the centroid array first, then the YAML naming its rows
        (each a temporary file renamed over the old one), so a reader never sees a YAML whose
        centroids are not there yet."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data, array = self._split_centroids()
        sidecar = self.centroids_path(path)
        data["centroids"]["file"] = sidecar.name
        text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        _atomic_write(sidecar, lambda handle: np.save(handle, array, allow_pickle=False), binary=True)
        _atomic_write(path, lambda handle: handle.write(text))
        return path

    # ----------------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------------

    def resolve(self, theme_id: str | None) -> str | None:
        """The id a theme ends up as, following merges (None stays None)."""
        if theme_id is None:
            return None
        seen = set()
        while theme_id in self.themes and self.themes[theme_id].get("merged_into"):
            if theme_id in seen:
                raise RegistryError(f"merge cycle through {theme_id}")
            seen.add(theme_id)
            theme_id = self.themes[theme_id]["merged_into"]
        return theme_id

    def label(self, theme_id: str) -> str:
        return self._theme(self.resolve(theme_id))["label"]

    def history(self, theme_id: str | None = None) -> list[dict[str, Any]]:
        """Every recorded edit and match, oldest first (only those touching ``theme_id`` if given)."""
        entries = copy.deepcopy(self._history)
        if theme_id is None:
            return entries
        return [e for e in entries if theme_id in _mentioned_ids(e)]

    def requirement_status(self, requirement_id: str) -> dict[str, Any]:
        """``{"status": ..., "date": ..., "note": ...}``; requirements nobody set are open."""
        entry = self.requirements.get(requirement_id) or {}
        return {"status": entry.get("status", "open"), "date": entry.get("date"), "note": entry.get("note")}

    def themes_frame(self) -> pd.DataFrame:
        """One row per registry theme (without centroids), in id order."""
        rows = []
        for theme_id in sorted(self.themes, key=_id_sort_key):
            t = self.themes[theme_id]
            rows.append({
                "theme_id": theme_id, "label": t["label"], "status": t["status"],
                "merged_into": t["merged_into"], "first_seen": t["first_seen"], "last_seen": t["last_seen"],
                "size": t["size"], "keywords": list(t["keywords"]), "pinned_quotes": list(t["pinned_quotes"]),
                "requirement": bool(t["requirement"]), "label_source": t["label_source"],
                "journey_stage": t.get("journey_stage"), "area_id": t.get("area_id"),
                "area_source": t.get("area_source", "model"),
            })
        columns = ["theme_id", "label", "status", "merged_into", "first_seen", "last_seen", "size",
                   "keywords", "pinned_quotes", "requirement", "label_source", "journey_stage", "area_id", "area_source"]
        return pd.DataFrame(rows, columns=columns)

    def centroids(self) -> tuple[list[str], np.ndarray]:
        """Ids of the themes that have a centroid, and those centroids (rows in the same order)."""
        ids = [t for t in sorted(self.themes, key=_id_sort_key) if self.themes[t].get("centroid")]
        if not ids:
            return [], np.zeros((0, 0))
        return ids, np.asarray([self.themes[t]["centroid"] for t in ids], dtype=np.float64)

    def resolve_assignments(self, assignments: pd.DataFrame, theme_column: str = "theme_id") -> pd.DataFrame:
        """A copy of ``assignments`` (``evidence_id``, ``theme_column``) with merges and split-off
        evidence applied."""
        out = assignments.copy()
        ids = out[theme_column].astype(object).where(out[theme_column].notna(), None)
        override = out["evidence_id"].map(self.overrides)
        ids = override.where(override.notna(), ids)
        out[theme_column] = [self.resolve(t) if t is not None else None for t in ids]
        return out

    def reexpress_centroids(self, assignments: pd.DataFrame, vectors: np.ndarray, embedding: str, *,
                            at: str | None = None, who: str | None = None) -> dict[str, Any]:
        """Move every theme's centroid into a new embedding model's space.

        Centroids from one model cannot be compared with another's (even of the same size), so
        when the embedding model changes each theme's centroid becomes the mean of the new vectors
        of the statements it holds (``assignments``: ``evidence_id``, ``theme_id``, rows aligned
        with ``vectors``; merges and split-off evidence applied). A theme holding none of these
        statements loses its centroid (no fit can match it; its history stays). Recorded in the
        history as ``reembed``; ``fitted_with["embedding"]`` becomes ``embedding``.
        """
        vectors = _unit(np.atleast_2d(np.asarray(vectors, dtype=np.float64)))
        if len(assignments) != len(vectors):
            raise RegistryError(f"{len(vectors)} vectors for {len(assignments)} statements")
        resolved = self.resolve_assignments(assignments[["evidence_id", "theme_id"]].reset_index(drop=True))
        rows = resolved.dropna(subset=["theme_id"]).groupby("theme_id").indices
        moved, dropped = [], []
        for theme_id in sorted(self.themes, key=_id_sort_key):
            theme = self.themes[theme_id]
            if theme["status"] == "merged":
                theme["centroid"] = None
            elif theme_id in rows:
                theme["centroid"] = _round_centroid(_unit(vectors[rows[theme_id]].mean(axis=0)))
                moved.append(theme_id)
            elif theme.get("centroid"):
                theme["centroid"] = None
                dropped.append(theme_id)
        for area in self.areas.values():   # recomputed from the themes' centroids on the next run
            area["centroid"] = None
        previous = self.fitted_with.get("embedding")
        self.fitted_with["embedding"] = str(embedding)
        args = {"from": previous, "to": str(embedding), "themes": len(moved), "without_statements": dropped}
        self._record("reembed", args, at=at, who=who, undo=None)
        return args

    def areas_frame(self) -> pd.DataFrame:
        """One row per area (without centroids), in id order, with its live themes."""
        members: dict[str, list[str]] = {}
        for theme_id in sorted(self.themes, key=_id_sort_key):
            theme = self.themes[theme_id]
            if theme["status"] != "merged" and theme.get("area_id"):
                members.setdefault(theme["area_id"], []).append(theme_id)
        rows = [{"area_id": a, "name": area["name"], "name_source": area["name_source"], "status": area["status"],
                 "first_seen": area["first_seen"], "last_seen": area["last_seen"],
                 "keywords": list(area["keywords"]), "theme_ids": members.get(a, [])}
                for a, area in sorted(self.areas.items(), key=lambda kv: _id_sort_key(kv[0]))]
        return pd.DataFrame(rows, columns=["area_id", "name", "name_source", "status", "first_seen", "last_seen",
                                           "keywords", "theme_ids"])

    def area_of(self, theme_id: str | None) -> str | None:
        """The area a theme (after merges) belongs to."""
        theme_id = self.resolve(theme_id)
        return self.themes[theme_id].get("area_id") if theme_id in self.themes else None

    # ----------------------------------------------------------------------------------------
    # Matching a fit (see matching.py)
    # ----------------------------------------------------------------------------------------

    def match(self, themes: pd.DataFrame, centroids: np.ndarray, assignments: pd.DataFrame, quarter: str,
              threshold: float = 0.7, *, cluster_column: str = "theme", at: str | None = None,
              who: str | None = None) -> MatchResult:
        """Attach a fitted topic model to the registry: :func:`workbench.themes.matching.match_fit`."""
        from ..matching import match_fit

        before = self._state()
        result = match_fit(self, themes, centroids, assignments, quarter, threshold,
                           cluster_column=cluster_column, at=at, who=who)
        self._drop_last_if_unchanged(before, "match")
        return result

    # ----------------------------------------------------------------------------------------
    # Internals
    # ----------------------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        """Everything the registry holds but its history (to tell whether a step changed anything)."""
        return {k: v for k, v in self.to_dict().items() if k != "history"}

    def _drop_last_if_unchanged(self, before: dict[str, Any], action: str) -> None:
        """Forget the step's own history entry when it changed nothing (a re-run on the same data),
        so the registry file stays byte-identical."""
        if self._history and self._history[-1]["action"] == action and self._state() == before:
            self._history.pop()

    def _allocate_id(self) -> str:
        theme_id = f"T{self.next_number:04d}"
        self.next_number += 1
        return theme_id

    def _allocate_area_id(self) -> str:
        area_id = f"A{self.next_area_number:02d}"
        self.next_area_number += 1
        return area_id

    def _theme_id(self, theme_id: str) -> str:
        if theme_id not in self.themes:
            raise RegistryError(f"no theme {theme_id!r} in the registry")
        return theme_id

    def _theme(self, theme_id: str) -> dict[str, Any]:
        return self.themes[self._theme_id(theme_id)]

    def _area(self, area_id: str) -> dict[str, Any]:
        if area_id not in self.areas:
            raise RegistryError(f"no area {area_id!r} in the registry"
                                + (f" (areas: {', '.join(sorted(self.areas, key=_id_sort_key))})" if self.areas else ""))
        return self.areas[area_id]

    def _set(self, undo: _Undo, theme_id: str, key: str, value: Any) -> None:
        theme = self._theme(theme_id)
        undo.themes.setdefault(theme_id, {}).setdefault(key, copy.deepcopy(theme.get(key)))
        theme[key] = value

    def _set_area(self, undo: _Undo, area_id: str, key: str, value: Any) -> None:
        area = self._area(area_id)
        undo.areas.setdefault(area_id, {}).setdefault(key, copy.deepcopy(area.get(key)))
        area[key] = value

    def _record(self, action: str, args: dict[str, Any], *, at: str | None, who: str | None,
                undo: _Undo | None) -> None:
        entry: dict[str, Any] = {"at": str(at or self.clock()), "who": who, "action": action,
                                 "args": copy.deepcopy(args)}
        if undo is not None:
            entry["undo"] = undo.to_dict()
            if self._batch_id:  # an edit inside ``batch()``: undone with the rest of it
                entry["batch"] = self._batch_id
        self._history.append(entry)


def _atomic_write(path: Path, write, *, binary: bool = False) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": "\n"})) as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
