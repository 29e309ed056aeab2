"""Analysts' edits from the explorer, written to the theme registry the quarterly job reads.

    actions = AnalystActions("data/sample", who="maya")
    actions.rename("T0003", "Slow dashboards")
    actions.merge("T0007", into="T0003")
    new_id = actions.split("T0003", ["ev_…", "ev_…"], "Export to Excel")
    actions.undo()
    with actions.batch():                 # one write, one step for undo
        for evidence_id in ticked:
            actions.pin("T0003", evidence_id)

Each edit reads ``DATA_DIR/theme_registry.yml`` afresh, applies one
:class:`~workbench.themes.registry.ThemeRegistry` edit (recorded in its history with who and
when) and writes the file back atomically, so the next ``workbench quarterly`` keeps it.
"""
from __future__ import annotations

import contextlib
import getpass
import logging
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from .registry import ThemeRegistry
from ..workspace import Workspace

log = logging.getLogger(__name__)


def default_analyst() -> str:
    """The OS user name, used when the explorer's name field is empty."""
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (some containers)
        return "analyst"


class AnalystActions:
    """Edits to one data folder's theme registry.

    ``who`` names the analyst in the history (default: the OS user). ``embedder`` /
    ``model_path`` embed split-off statements so the new theme gets a centroid later fits can
    match (:func:`workbench.themes.pipeline.embed_statements`); when embedding is not possible
    the split is made without one. ``clock`` returns the edit's ISO timestamp (tests).
    """

    def __init__(self, data_dir: str | Path, who: str | None = None, *, embedder=None,
                 model_path: str | None = None, clock: Callable[[], str] | None = None):
        self.data_dir = Path(data_dir)
        self.workspace = Workspace(self.data_dir)
        self.who = who
        self.embedder = embedder
        self.model_path = model_path
        self.clock = clock
        self._open: ThemeRegistry | None = None  # the registry a ``batch()`` edits
        self.registry = self.load()

    @property
    def path(self) -> Path:
        return self.workspace.registry_path

    def load(self) -> ThemeRegistry:
        return ThemeRegistry.load(self.path, clock=self.clock)

    def _who(self, who: str | None) -> str:
        return (who or self.who or "").strip() or default_analyst()

    @contextlib.contextmanager
    def batch(self) -> Iterator[ThemeRegistry]:
        """The edits made inside are written once, at the end, and one :meth:`undo` reverts them
        all; if one fails, none is written."""
        if self._open is not None:  # nested: part of the outer batch
            yield self._open
            return
        registry = self.load()
        self._open = registry
        try:
            with registry.batch():
                yield registry
            registry.save(self.path)
            self.registry = registry
        finally:
            self._open = None

    def _edit(self, edit: Callable[[ThemeRegistry], object]):
        if self._open is not None:
            return edit(self._open)
        registry = self.load()
        result = edit(registry)
        registry.save(self.path)
        self.registry = registry
        return result

    def rename(self, theme_id: str, label: str, *, who: str | None = None) -> None:
        self._edit(lambda r: r.rename(theme_id, label, who=self._who(who)))

    def merge(self, sources: str | Iterable[str], into: str, *, who: str | None = None) -> None:
        self._edit(lambda r: r.merge(sources, into, who=self._who(who)))

    def split(self, theme_id: str, evidence_ids: Iterable[str], label: str, *, texts: Iterable[str] | None = None,
              who: str | None = None) -> str:
        """Move statements into a new theme; ``texts`` (theirs) give it a centroid. Returns its id."""
        evidence_ids = list(evidence_ids)
        centroid = self._centroid(list(texts)) if texts is not None else None
        return self._edit(lambda r: r.split(theme_id, evidence_ids, label, centroid=centroid, who=self._who(who)))

    def pin(self, theme_id: str, evidence_id: str, *, who: str | None = None) -> None:
        self._edit(lambda r: r.pin_quote(theme_id, evidence_id, who=self._who(who)))

    def unpin(self, theme_id: str, evidence_id: str, *, who: str | None = None) -> None:
        self._edit(lambda r: r.unpin_quote(theme_id, evidence_id, who=self._who(who)))

    def mark_requirement(self, theme_id: str, is_requirement: bool = True, *, who: str | None = None) -> None:
        self._edit(lambda r: r.mark_requirement(theme_id, is_requirement, who=self._who(who)))

    def set_requirement_status(self, requirement_id: str, status: str, date: str | None = None, *,
                               note: str | None = None, who: str | None = None) -> None:
        """A requirement is ``open``, ``planned`` (date: target) or ``shipped`` (date: when)."""
        self._edit(lambda r: r.set_requirement_status(requirement_id, status, date, note=note, who=self._who(who)))

    def set_journey_stage(self, theme_id: str, stage: str | None, *, who: str | None = None) -> None:
        self._edit(lambda r: r.set_journey_stage(theme_id, stage, who=self._who(who)))

    def rename_area(self, area_id: str, name: str, *, who: str | None = None) -> None:
        self._edit(lambda r: r.rename_area(area_id, name, who=self._who(who)))

    def add_area(self, name: str, *, who: str | None = None) -> str:
        return self._edit(lambda r: r.add_area(name, who=self._who(who)))

    def move_theme(self, theme_id: str, area_id: str, *, who: str | None = None) -> None:
        self._edit(lambda r: r.move_theme(theme_id, area_id, who=self._who(who)))

    def undo(self, *, who: str | None = None) -> dict:
        """Revert the most recent edit not yet undone; returns its history entry."""
        return self._edit(lambda r: r.undo(who=self._who(who)))

    def history(self, theme_id: str | None = None) -> list[dict]:
        return self.load().history(theme_id)

    def _centroid(self, texts: list[str]) -> np.ndarray | None:
        if not texts:
            return None
        try:
            from .pipeline import embed_statements, folder_model

            model_path = None if self.embedder is not None else folder_model(self.data_dir, self.model_path)
            vectors = embed_statements(texts, self.workspace.cache("embeddings"), model_path=model_path,
                                       embedder=self.embedder)
        except Exception as exc:  # the split stands without a centroid; later fits will not match it
            log.warning("split: could not embed the statements (%s); the new theme has no centroid", exc)
            return None
        centroid = np.asarray(vectors, dtype=float).mean(axis=0)
        norm = np.linalg.norm(centroid)
        return centroid / norm if norm else None


__all__ = ["AnalystActions", "default_analyst"]
