"""The theme registry: stable theme ids that survive re-fits, and the analysts' edits to them.

Topic models renumber their clusters on every fit; a quarterly report cannot. The registry is a
reviewable YAML file (``DATA_DIR/theme_registry.yml``) holding, per theme, a stable id
(``T0001``), a label, keywords, a centroid, the quarters it was first and last seen in, and a
status (``active``, ``emerging``, ``fading``, ``merged``), plus the analysts' edits with their
history.

A fit is attached to the registry with :meth:`ThemeRegistry.match`: each fitted cluster is
paired with a registry theme by centroid cosine similarity (Hungarian assignment, with a minimum
similarity); a theme whose first quarter of real presence (``material_quarters``: enough
mentions, not a few stray assignments) is the reported one is *emerging*; one that was present
before but has no, or only stray, evidence in it is *fading*. Matching updates centroids gently (a running mean) and refreshes
model-made labels and keywords, but never an analyst's label, merge, split, pin or requirement
mark.

Analysts' edits (:meth:`rename`, :meth:`merge`, :meth:`split`, :meth:`pin_quote`,
:meth:`mark_requirement`, :meth:`set_requirement_status`) are each recorded in :meth:`history`
with what changed, when (an ISO timestamp passed in or read from an injectable clock) and who,
and can be reverted with :meth:`undo`, last edit first.
"""
from __future__ import annotations

import copy
import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import linear_sum_assignment

REGISTRY_FILENAME = "theme_registry.yml"
FORMAT_VERSION = 1

STATUSES = ("active", "emerging", "fading", "merged")
REQUIREMENT_STATUSES = ("open", "planned", "shipped")
#: edits an analyst makes; these are the ones :meth:`ThemeRegistry.undo` reverts
EDIT_ACTIONS = ("rename", "merge", "split", "pin_quote", "unpin_quote", "mark_requirement",
                "set_requirement_status", "set_journey_stage")

#: decimals kept for centroid coordinates (in memory and on disk, so a save is reproducible)
CENTROID_DECIMALS = 5
#: the weight of a theme's past in the running mean of its centroid is capped at this many
#: statements, so a long-lived theme can still drift with its evidence
MAX_CENTROID_WEIGHT = 2000

_THEME_ID = re.compile(r"^T(\d+)$")


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


class RegistryError(ValueError):
    """An edit or a match the registry cannot apply (unknown id, cycle, bad status...)."""


def default_path(data_dir: str | os.PathLike) -> Path:
    """Where a data folder keeps its registry."""
    return Path(data_dir) / REGISTRY_FILENAME


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def _round_centroid(vector: np.ndarray) -> list[float]:
    return [float(x) for x in np.round(_unit(vector), CENTROID_DECIMALS)]


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
        "centroid": None,
    }


#: the order a theme's fields are written in, so the YAML diff of a change is small
THEME_FIELDS = list(_new_theme("", None))


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


class ThemeRegistry:
    """Stable theme ids, labels, centroids and analysts' edits, stored as reviewable YAML.

    ``clock`` returns the ISO timestamp recorded with each edit when the edit is not given one
    (``at=``); inject a fixed clock in tests.
    """

    def __init__(self, clock: Callable[[], str] | None = None):
        self.clock = clock or utc_now
        self.themes: dict[str, dict[str, Any]] = {}
        self.overrides: dict[str, str] = {}          # evidence_id -> theme id (split-off evidence)
        self.requirements: dict[str, dict[str, Any]] = {}  # requirement id -> status, date, note
        self.next_number = 1
        self._history: list[dict[str, Any]] = []
        #: what the themes were made with: ``embedding`` (the model whose space the centroids are
        #: in) and ``partitioned_by`` (the theme model and settings that partitioned the statements
        #: now holding a theme); see :meth:`reexpress_centroids` and ``update_themes``
        self.fitted_with: dict[str, str] = {}

    # ----------------------------------------------------------------------------------------
    # Persistence
    # ----------------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike, clock: Callable[[], str] | None = None) -> "ThemeRegistry":
        """Read a registry; a missing file gives an empty registry."""
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
        registry.overrides = {str(k): str(v) for k, v in (raw.get("overrides") or {}).items()}
        registry.requirements = {str(k): dict(v) for k, v in (raw.get("requirements") or {}).items()}
        registry._history = list(raw.get("history") or [])
        registry.fitted_with = {str(k): str(v) for k, v in (raw.get("fitted_with") or {}).items()}
        numbers = [int(m.group(1)) for t in registry.themes if (m := _THEME_ID.match(t))]
        registry.next_number = max([int(raw.get("next_number", 1)), *(n + 1 for n in numbers)])
        return registry

    def to_dict(self) -> dict[str, Any]:
        """The registry as plain data, in the order it is written."""
        themes = {}
        for theme_id in sorted(self.themes, key=_id_sort_key):
            theme = self.themes[theme_id]
            themes[theme_id] = {k: copy.deepcopy(theme.get(k)) for k in THEME_FIELDS}
        out = {
            "version": FORMAT_VERSION,
            "next_number": self.next_number,
            "themes": themes,
            "overrides": dict(sorted(self.overrides.items())),
            "requirements": {k: _sorted_dict(v) for k, v in sorted(self.requirements.items())},
            "history": copy.deepcopy(self._history),
        }
        if self.fitted_with:
            out = {"version": out.pop("version"), "fitted_with": _sorted_dict(self.fitted_with), **out}
        return out

    def dumps(self) -> str:
        return yaml.dump(self.to_dict(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the registry atomically (a temporary file renamed over the old one)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = self.dumps()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
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
                "journey_stage": t.get("journey_stage"),
            })
        columns = ["theme_id", "label", "status", "merged_into", "first_seen", "last_seen", "size",
                   "keywords", "pinned_quotes", "requirement", "label_source", "journey_stage"]
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
        previous = self.fitted_with.get("embedding")
        self.fitted_with["embedding"] = str(embedding)
        args = {"from": previous, "to": str(embedding), "themes": len(moved), "without_statements": dropped}
        self._record("reembed", args, at=at, who=who, undo=None)
        return args

    # ----------------------------------------------------------------------------------------
    # Matching a fit
    # ----------------------------------------------------------------------------------------

    def match(
        self,
        themes: pd.DataFrame,
        centroids: np.ndarray,
        assignments: pd.DataFrame,
        quarter: str,
        threshold: float = 0.7,
        *,
        cluster_column: str = "theme",
        at: str | None = None,
        who: str | None = None,
    ) -> MatchResult:
        """Attach a fitted topic model to the registry.

        ``themes``: the model's ``themes_`` (``theme`` cluster id, ``label``, ``keywords``,
        ``size``); ``centroids``: its ``centroids_`` (rows in ``themes`` order);
        ``assignments``: one row per statement with ``evidence_id`` and the cluster id in
        ``cluster_column`` (-1 for outliers), optionally ``quarter``. ``quarter`` is the
        quarter being reported: clusters first seen in it are *emerging*, registry themes
        with no evidence in it are *fading*.
        """
        for column in ("theme", "label"):
            if column not in themes.columns:
                raise RegistryError(f"themes table has no column '{column}'")
        for column in ("evidence_id", cluster_column):
            if column not in assignments.columns:
                raise RegistryError(f"assignments table has no column '{column}'")
        centroids = _unit(np.atleast_2d(np.asarray(centroids, dtype=np.float64)))
        if len(themes) and centroids.shape[0] != len(themes):
            raise RegistryError(f"{centroids.shape[0]} centroids for {len(themes)} themes")
        themes = themes.reset_index(drop=True)
        clusters = [int(c) for c in themes["theme"]]
        members = assignments.copy()
        members["_cluster"] = members[cluster_column].astype(int)
        has_quarter = "quarter" in members.columns

        # 1. pair clusters with registry themes by centroid cosine (Hungarian, minimum similarity)
        reg_ids, reg_centroids = self.centroids()
        mapping: dict[int, str] = {}
        similarity: dict[int, float] = {}
        real = [i for i, c in enumerate(clusters) if c >= 0]   # the outlier "cluster" -1 is no theme
        if reg_ids and real:
            if reg_centroids.shape[1] != centroids.shape[1]:
                raise RegistryError(
                    f"fitted centroids have {centroids.shape[1]} dimensions, the registry's have "
                    f"{reg_centroids.shape[1]} (was the embedding model changed?)")
            sim = centroids[real] @ _unit(reg_centroids).T
            rows, cols = linear_sum_assignment(sim, maximize=True)
            for r, c in zip(rows, cols):
                if sim[r, c] >= threshold:
                    mapping[clusters[real[r]]] = reg_ids[c]
                    similarity[clusters[real[r]]] = float(sim[r, c])

        # 2. clusters left over become new themes, numbered in a content-based order (largest
        #    first, then by their smallest evidence id) so cluster numbering cannot change ids
        def order_key(i: int) -> tuple:
            ev = members.loc[members["_cluster"] == clusters[i], "evidence_id"]
            return (-len(ev), str(ev.min()) if len(ev) else "", i)

        unmatched = sorted((i for i, c in enumerate(clusters) if c not in mapping and c >= 0), key=order_key)
        new_ids = []
        for i in unmatched:
            theme_id = self._allocate_id()
            self.themes[theme_id] = _new_theme(str(themes.loc[i, "label"]), quarter)
            mapping[clusters[i]] = theme_id
            similarity[clusters[i]] = float("nan")
            new_ids.append(theme_id)

        # 3. update matched and new themes from the fit (never an analyst's label)
        for i, cluster in enumerate(clusters):
            if cluster < 0:
                continue
            theme = self.themes[mapping[cluster]]
            in_cluster = members[members["_cluster"] == cluster]
            size = int(len(in_cluster))
            if not size and "size" in themes.columns:
                size = int(themes.loc[i, "size"])
            if theme["label_source"] != "analyst":
                theme["label"] = str(themes.loc[i, "label"])
            if "keywords" in themes.columns:
                theme["keywords"] = [str(k) for k in (themes.loc[i, "keywords"] or [])]
            theme["size"] = size
            old = theme.get("centroid")
            weight = min(int(theme.get("weight") or 0), MAX_CENTROID_WEIGHT)
            if old and weight > 0:
                blended = np.asarray(old) * weight + centroids[i] * max(size, 1)
            else:
                blended = centroids[i]
            theme["centroid"] = _round_centroid(blended)
            theme["weight"] = int(theme.get("weight") or 0) + size
            quarters = in_cluster["quarter"].dropna().astype(str) if has_quarter else pd.Series([], dtype=str)
            quarters = pd.Series(sorted(material_quarters(quarters.value_counts().to_dict())), dtype=str)
            if len(quarters):
                is_new = mapping[cluster] in new_ids
                theme["first_seen"] = min(q for q in [None if is_new else theme["first_seen"], quarters.min()] if q)
                theme["last_seen"] = max(q for q in [None if is_new else theme["last_seen"], quarters.max()] if q)

        # 4. resolve assignments (merges, split-off evidence) and set statuses for the quarter
        out = pd.DataFrame({
            "evidence_id": members["evidence_id"].to_numpy(),
            "cluster": members["_cluster"].to_numpy(),
            "theme_id": [mapping.get(c) if c >= 0 else None for c in members["_cluster"]],
        })
        if has_quarter:
            out["quarter"] = members["quarter"].to_numpy()
        out.insert(2, "fitted_theme_id", out["theme_id"])
        out = self.resolve_assignments(out)
        in_quarter = out if not has_quarter else out[out["quarter"].astype(str) == quarter]
        seen_now = set(in_quarter["theme_id"].dropna())
        seen_now |= {self.resolve(t) for t in seen_now}
        counts: dict[str, dict[str, int]] = {}
        if has_quarter:
            for (theme_id, q), n in out.dropna(subset=["theme_id"]).groupby(["theme_id", "quarter"]).size().items():
                counts.setdefault(str(theme_id), {})[str(q)] = int(n)
        emerging, fading = [], []
        for theme_id, theme in sorted(self.themes.items(), key=lambda kv: _id_sort_key(kv[0])):
            if theme["status"] == "merged":
                continue
            status = lifecycle(counts[theme_id], quarter) if theme_id in counts else (
                ("emerging" if theme["first_seen"] == quarter else "active") if theme_id in seen_now else "fading")
            if status != "fading" and theme_id in seen_now:
                theme["last_seen"] = max(filter(None, [theme["last_seen"], quarter]))
            theme["status"] = status
            if status == "emerging":
                emerging.append(theme_id)
            elif status == "fading":
                fading.append(theme_id)

        self._record("match", {"quarter": quarter, "clusters": len([c for c in clusters if c >= 0]),
                               "matched": len(clusters) - len(new_ids) - sum(c < 0 for c in clusters),
                               "new": new_ids, "fading": fading}, at=at, who=who, undo=None)
        return MatchResult(quarter=quarter, mapping=mapping, similarity=similarity, emerging=emerging,
                           fading=fading, assignments=out, new_ids=new_ids)

    # ----------------------------------------------------------------------------------------
    # Analysts' edits
    # ----------------------------------------------------------------------------------------

    def rename(self, theme_id: str, label: str, *, at: str | None = None, who: str | None = None) -> None:
        """Give a theme a human label; re-fits keep it."""
        label = str(label).strip()
        if not label:
            raise RegistryError("a theme label cannot be empty")
        undo = _Undo()
        self._set(undo, theme_id, "label", label)
        self._set(undo, theme_id, "label_source", "analyst")
        self._record("rename", {"theme_id": theme_id, "label": label}, at=at, who=who, undo=undo)

    def merge(self, sources: str | Iterable[str], into: str, *, at: str | None = None,
              who: str | None = None) -> None:
        """Merge one or more themes into another; their evidence resolves to ``into`` from now on."""
        sources = [sources] if isinstance(sources, str) else list(sources)
        target = self.resolve(self._theme_id(into))
        undo = _Undo()
        for source in sources:
            self._theme_id(source)
            if self.resolve(source) == target:
                raise RegistryError(f"cannot merge {source} into {into}: it would merge a theme into itself")
            self._set(undo, source, "merged_into", target)
            self._set(undo, source, "status", "merged")
        self._record("merge", {"sources": sources, "into": target}, at=at, who=who, undo=undo)

    def split(self, theme_id: str, evidence_ids: Iterable[str], label: str, *,
              centroid: np.ndarray | None = None, at: str | None = None, who: str | None = None) -> str:
        """Move the given statements out of a theme into a new one; returns the new theme's id.

        Pass ``centroid`` (e.g. the mean embedding of those statements) so later fits can match
        clusters to the new theme; the listed statements stay with it whatever a fit says.
        """
        source = self._theme(self._theme_id(theme_id))
        evidence_ids = list(dict.fromkeys(str(e) for e in evidence_ids))
        if not evidence_ids:
            raise RegistryError("split needs at least one evidence id")
        if not str(label).strip():
            raise RegistryError("a theme label cannot be empty")
        undo = _Undo()
        new_id = self._allocate_id()
        theme = _new_theme(str(label).strip(), source["first_seen"], label_source="analyst")
        theme["last_seen"] = source["last_seen"]
        theme["size"] = len(evidence_ids)
        if centroid is not None:
            theme["centroid"] = _round_centroid(np.asarray(centroid, dtype=np.float64))
            theme["weight"] = len(evidence_ids)
        self.themes[new_id] = theme
        undo.created.append(new_id)
        for evidence in evidence_ids:
            undo.overrides.setdefault(evidence, self.overrides.get(evidence))
            self.overrides[evidence] = new_id
        self._record("split", {"theme_id": theme_id, "new_theme_id": new_id, "label": theme["label"],
                               "evidence_ids": evidence_ids}, at=at, who=who, undo=undo)
        return new_id

    def pin_quote(self, theme_id: str, evidence_id: str, *, at: str | None = None, who: str | None = None) -> None:
        """Pin a statement as a theme's showcase quote (reports show pinned quotes first)."""
        theme = self._theme(self._theme_id(theme_id))
        if evidence_id in theme["pinned_quotes"]:
            return
        undo = _Undo()
        self._set(undo, theme_id, "pinned_quotes", [*theme["pinned_quotes"], str(evidence_id)])
        self._record("pin_quote", {"theme_id": theme_id, "evidence_id": str(evidence_id)}, at=at, who=who, undo=undo)

    def unpin_quote(self, theme_id: str, evidence_id: str, *, at: str | None = None, who: str | None = None) -> None:
        theme = self._theme(self._theme_id(theme_id))
        if evidence_id not in theme["pinned_quotes"]:
            raise RegistryError(f"{evidence_id} is not pinned on {theme_id}")
        undo = _Undo()
        self._set(undo, theme_id, "pinned_quotes", [q for q in theme["pinned_quotes"] if q != evidence_id])
        self._record("unpin_quote", {"theme_id": theme_id, "evidence_id": evidence_id}, at=at, who=who, undo=undo)

    def mark_requirement(self, theme_id: str, is_requirement: bool = True, *, at: str | None = None,
                         who: str | None = None) -> None:
        """Mark (or unmark) a theme as a requirement: what its statements share is an ask."""
        undo = _Undo()
        self._set(undo, theme_id, "requirement", bool(is_requirement))
        self._record("mark_requirement", {"theme_id": theme_id, "requirement": bool(is_requirement)},
                     at=at, who=who, undo=undo)

    def set_journey_stage(self, theme_id: str, stage: str | None, *, at: str | None = None,
                          who: str | None = None) -> None:
        """Put a theme at a stage of the customer journey (one of ``journey.STAGES``); ``None`` or
        ``""`` hands it back to the stage inferred from its keywords and quotes."""
        from .journey import STAGES

        stage = (stage or "").strip().lower() or None
        if stage is not None and stage not in STAGES:
            raise RegistryError(f"journey stage must be one of {', '.join(STAGES)} (or empty for automatic), "
                                f"not {stage!r}")
        undo = _Undo()
        self._set(undo, theme_id, "journey_stage", stage)
        self._record("set_journey_stage", {"theme_id": theme_id, "stage": stage}, at=at, who=who, undo=undo)

    def set_requirement_status(self, requirement_id: str, status: str, date: str | None = None, *,
                               note: str | None = None, at: str | None = None, who: str | None = None) -> None:
        """Record a requirement's status: ``open``, ``planned`` (date: target, optional) or
        ``shipped`` (date: when; defaults to the day of the edit)."""
        if status not in REQUIREMENT_STATUSES:
            raise RegistryError(f"requirement status must be one of {', '.join(REQUIREMENT_STATUSES)}, not {status!r}")
        at = at or self.clock()
        if date is not None:
            date = str(pd.Timestamp(date).date())
        elif status == "shipped":
            date = str(pd.Timestamp(at).date())
        undo = _Undo()
        undo.requirements[requirement_id] = copy.deepcopy(self.requirements.get(requirement_id))
        entry = {"status": status, "date": date}
        if note:
            entry["note"] = str(note)
        self.requirements[requirement_id] = entry
        self._record("set_requirement_status", {"requirement_id": requirement_id, **entry}, at=at, who=who, undo=undo)

    def undo(self, *, at: str | None = None, who: str | None = None) -> dict[str, Any]:
        """Revert the most recent edit not yet undone; returns its history entry.

        Matches are not edits and are not undone; an undo is itself recorded in the history.
        """
        for index in range(len(self._history) - 1, -1, -1):
            entry = self._history[index]
            if entry["action"] in EDIT_ACTIONS and not entry.get("undone"):
                break
        else:
            raise RegistryError("nothing to undo")
        undo = entry.get("undo") or {}
        for theme_id, fields in (undo.get("themes") or {}).items():
            if theme_id in self.themes:
                self.themes[theme_id].update(copy.deepcopy(fields))
        for evidence_id, previous in (undo.get("overrides") or {}).items():
            if previous is None:
                self.overrides.pop(evidence_id, None)
            else:
                self.overrides[evidence_id] = previous
        for requirement_id, previous in (undo.get("requirements") or {}).items():
            if previous is None:
                self.requirements.pop(requirement_id, None)
            else:
                self.requirements[requirement_id] = previous
        for theme_id in undo.get("created") or []:
            self.themes.pop(theme_id, None)
        entry["undone"] = True
        self._record("undo", {"action": entry["action"], "at": entry["at"], **_ids_of(entry)}, at=at, who=who, undo=None)
        return copy.deepcopy(entry)

    # ----------------------------------------------------------------------------------------
    # Internals
    # ----------------------------------------------------------------------------------------

    def _allocate_id(self) -> str:
        theme_id = f"T{self.next_number:04d}"
        self.next_number += 1
        return theme_id

    def _theme_id(self, theme_id: str) -> str:
        if theme_id not in self.themes:
            raise RegistryError(f"no theme {theme_id!r} in the registry")
        return theme_id

    def _theme(self, theme_id: str) -> dict[str, Any]:
        return self.themes[self._theme_id(theme_id)]

    def _set(self, undo: "_Undo", theme_id: str, key: str, value: Any) -> None:
        theme = self._theme(theme_id)
        undo.themes.setdefault(theme_id, {}).setdefault(key, copy.deepcopy(theme.get(key)))
        theme[key] = value

    def _record(self, action: str, args: dict[str, Any], *, at: str | None, who: str | None,
                undo: "_Undo | None") -> None:
        entry: dict[str, Any] = {"at": str(at or self.clock()), "who": who, "action": action,
                                 "args": copy.deepcopy(args)}
        if undo is not None:
            entry["undo"] = undo.to_dict()
        self._history.append(entry)


@dataclass
class _Undo:
    """What an edit changed, with the values before it, so it can be reverted."""

    themes: dict[str, dict[str, Any]] = field(default_factory=dict)
    overrides: dict[str, str | None] = field(default_factory=dict)
    requirements: dict[str, Any] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.themes:
            out["themes"] = {k: _sorted_dict(v) for k, v in sorted(self.themes.items())}
        if self.overrides:
            out["overrides"] = dict(sorted(self.overrides.items()))
        if self.requirements:
            out["requirements"] = dict(sorted(self.requirements.items()))
        if self.created:
            out["created"] = list(self.created)
        return out


def _id_sort_key(theme_id: str) -> tuple:
    m = _THEME_ID.match(theme_id)
    return (0, int(m.group(1)), "") if m else (1, 0, theme_id)


def _sorted_dict(d: dict | None) -> dict | None:
    return None if d is None else {k: d[k] for k in sorted(d)}


def _ids_of(entry: dict[str, Any]) -> dict[str, Any]:
    args = entry.get("args") or {}
    return {k: args[k] for k in ("theme_id", "new_theme_id", "sources", "into", "requirement_id") if k in args}


def _mentioned_ids(entry: dict[str, Any]) -> set[str]:
    args = entry.get("args") or {}
    ids = set()
    for key in ("theme_id", "new_theme_id", "into"):
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
