"""Analysts' edits to the registry, each recorded in its history and undoable, last edit first.

Edits made inside ``with registry.batch():`` share a ``batch`` id in their history entries, and
one :meth:`RegistryEdits.undo` reverts them all (e.g. pinning five ticked quotes in one click).
"""
from __future__ import annotations

import contextlib
import copy
from typing import Any, Iterable, Iterator

import numpy as np
import pandas as pd

from ._base import (
    EDIT_ACTIONS, REQUIREMENT_STATUSES, RegistryError, _ids_of, _new_area, _new_theme, _round_centroid, _Undo,
)


class RegistryEdits:
    """The edits of :class:`~workbench.themes.registry.ThemeRegistry` (a mixin: the state and the
    bookkeeping helpers ``_set``, ``_record``... live on the registry itself)."""

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
        from ..journey import STAGES

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

    def rename_area(self, area_id: str, name: str, *, at: str | None = None, who: str | None = None) -> None:
        """Give an area a human name; re-fits keep it."""
        name = str(name).strip()
        if not name:
            raise RegistryError("an area name cannot be empty")
        undo = _Undo()
        self._set_area(undo, area_id, "name", name)
        self._set_area(undo, area_id, "name_source", "analyst")
        self._record("rename_area", {"area_id": area_id, "name": name}, at=at, who=who, undo=undo)

    def add_area(self, name: str, *, at: str | None = None, who: str | None = None) -> str:
        """A new, empty area named by an analyst (move themes into it with :meth:`move_theme`)."""
        name = str(name).strip()
        if not name:
            raise RegistryError("an area name cannot be empty")
        undo = _Undo()
        area_id = self._allocate_area_id()
        self.areas[area_id] = _new_area(name, None, name_source="analyst")
        undo.created_areas.append(area_id)
        self._record("add_area", {"area_id": area_id, "name": name}, at=at, who=who, undo=undo)
        return area_id

    def move_theme(self, theme_id: str, area_id: str, *, at: str | None = None, who: str | None = None) -> None:
        """Put a theme in another area; re-fits keep it there (until the edit is undone)."""
        theme_id = self.resolve(self._theme_id(theme_id))
        area = self._area(area_id)
        undo = _Undo()
        self._set(undo, theme_id, "area_id", area_id)
        self._set(undo, theme_id, "area_source", "analyst")
        if area["status"] == "empty":
            self._set_area(undo, area_id, "status", "active")
        self._record("move_theme", {"theme_id": theme_id, "area_id": area_id}, at=at, who=who, undo=undo)

    @contextlib.contextmanager
    def batch(self) -> Iterator[str]:
        """Edits made inside are one step for :meth:`undo`: their history entries share a
        ``batch`` id (yielded). Batches do not nest: an inner ``batch()`` joins the outer one."""
        if self._batch_id:
            yield self._batch_id
            return
        self._batch_id = f"B{len(self._history) + 1}"  # unique: the history only grows past it
        try:
            yield self._batch_id
        finally:
            self._batch_id = None

    def undo(self, *, at: str | None = None, who: str | None = None) -> dict[str, Any]:
        """Revert the most recent edit not yet undone (with every edit of its batch); returns its
        history entry (with ``edits``, the number of edits reverted, when it was a batch).

        Matches are not edits and are not undone; an undo is itself recorded in the history.
        """
        undoable = [i for i, e in enumerate(self._history) if e["action"] in EDIT_ACTIONS and not e.get("undone")]
        if not undoable:
            raise RegistryError("nothing to undo")
        entry = self._history[undoable[-1]]
        group = [entry]
        if entry.get("batch"):
            group = [self._history[i] for i in reversed(undoable) if self._history[i].get("batch") == entry["batch"]]
        for edit in group:  # newest first
            self._revert(edit)
            edit["undone"] = True
        args = {"action": entry["action"], "at": entry["at"], **_ids_of(entry)}
        if len(group) > 1:
            args["edits"] = len(group)
        self._record("undo", args, at=at, who=who, undo=None)
        out = copy.deepcopy(entry)
        if len(group) > 1:
            out["edits"] = len(group)
        return out

    def _revert(self, entry: dict[str, Any]) -> None:
        undo = entry.get("undo") or {}
        for theme_id, fields in (undo.get("themes") or {}).items():
            if theme_id in self.themes:
                self.themes[theme_id].update(copy.deepcopy(fields))
        for area_id, fields in (undo.get("areas") or {}).items():
            if area_id in self.areas:
                self.areas[area_id].update(copy.deepcopy(fields))
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
        for area_id in undo.get("created_areas") or []:
            self.areas.pop(area_id, None)
            for theme in self.themes.values():   # themes an analyst moved in go back to the model's area
                if theme.get("area_id") == area_id:
                    theme["area_id"], theme["area_source"] = None, "model"
