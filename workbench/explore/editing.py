"""The theme explorer's analysts' actions: rename, merge, split off, pin, unpin, mark as
requirement, set the journey stage, move to an area, rename an area and undo, each written to the
theme registry through :class:`~workbench.themes.analyst.AnalystActions` and shown at once."""
from __future__ import annotations

from ..themes.registry import RegistryError
from ..themes.analyst import default_analyst
from .pieces import esc


class ExplorerEditing:
    """The action buttons' handlers of :class:`~workbench.explore.view.Explorer`."""

    def _say(self, text: str, error: bool = False) -> None:
        css = "wb-error" if error else "wb-ok"
        self.message.value = f"<div class='{css}'>{esc(text)}</div>"

    def _act(self, what: str, edit, select=None) -> bool:
        if self.actions is None:
            self._say("This explorer is read-only.", error=True)
            return False
        try:
            result = edit()
        except (RegistryError, ValueError, KeyError) as exc:
            self._say(f"Could not {what}: {exc}", error=True)
            return False
        self.state.apply_registry(self.actions.registry)
        self._shown_theme = None  # show the theme's label as it now is
        self.refresh(select=select(result) if callable(select) else select)
        return True

    @property
    def _who(self) -> str:
        return self.analyst.value.strip() or default_analyst()

    def ticked(self) -> list[str]:
        """Evidence ids of the ticked quotes."""
        return [row.evidence_id for row in self.quote_rows if row.evidence_id and row.tick.value]

    def _need_theme(self) -> str | None:
        if self.selected is None:
            self._say("Select a theme first.", error=True)
        return self.selected

    def rename(self) -> None:
        theme_id = self._need_theme()
        label = self.rename_label.value.strip()
        if theme_id and self._act("rename", lambda: self.actions.rename(theme_id, label, who=self._who)):
            self._say(f"Renamed {theme_id} to “{label}”.")

    def merge(self) -> None:
        source, target = self._need_theme(), self.merge_target.value
        if not source:
            return
        if not target:
            self._say("Choose a theme to merge into.", error=True)
            return
        if self._act("merge", lambda: self.actions.merge(source, target, who=self._who), select=target):
            self._say(f"Merged {source} into {target}; its statements now show under {target}.")

    def split(self) -> None:
        theme_id, ids, label = self._need_theme(), self.ticked(), self.split_label.value.strip()
        if not theme_id:
            return
        if not ids:
            self._say("Tick the quotes to split off first.", error=True)
            return
        texts = self.state.statements.set_index("evidence_id").loc[ids, "text"].tolist()
        done = self._act("split", lambda: self.actions.split(theme_id, ids, label, texts=texts, who=self._who),
                         select=lambda new_id: new_id)
        if done:
            self.split_label.value = ""
            self._say(f"Split {len(ids)} statements off {theme_id} into {self.selected} “{label}”.")

    def pin(self) -> None:
        theme_id, ids = self._need_theme(), self.ticked()
        self._pin_batch("pin", theme_id, ids, "Tick the quotes to pin first.", "Pinned {n} quote(s) on {theme}.")

    def unpin(self) -> None:
        theme_id = self._need_theme()
        ids = [row.evidence_id for row in self.quote_rows if row.evidence_id and row.tick.value and row.pinned]
        self._pin_batch("unpin", theme_id, ids, "Tick pinned quotes to unpin them.",
                        "Unpinned {n} quote(s) from {theme}.")

    def _pin_batch(self, action: str, theme_id, ids: list, none_ticked: str, done: str) -> None:
        """Pin or unpin the ticked quotes as one batch: one registry write, one undo."""
        if not theme_id:
            return
        if not ids:
            self._say(none_ticked, error=True)
            return

        def edit():
            with self.actions.batch():
                for evidence_id in ids:
                    getattr(self.actions, action)(theme_id, evidence_id, who=self._who)

        if self._act(action, edit):
            self._say(done.format(n=len(ids), theme=theme_id))

    def toggle_requirement(self) -> None:
        theme_id = self._need_theme()
        if not theme_id:
            return
        flag = not self.state.theme_info(theme_id)["requirement"]
        if self._act("mark the requirement", lambda: self.actions.mark_requirement(theme_id, flag, who=self._who)):
            self._say(f"{theme_id} {'marked as' if flag else 'no longer'} a requirement.")

    def set_stage(self) -> None:
        theme_id = self._need_theme()
        if not theme_id:
            return
        stage = self.stage_choice.value or None
        if self._act("set the journey stage", lambda: self.actions.set_journey_stage(theme_id, stage, who=self._who)):
            self._say(f"{theme_id} is at the {stage} stage." if stage
                      else f"{theme_id}'s stage is inferred from its words again.")

    def _area_of(self, theme_id: str) -> str | None:
        registry = self.actions.registry if self.actions is not None else None
        return registry.area_of(theme_id) if registry is not None and hasattr(registry, "area_of") else None

    def move_to_area(self) -> None:
        theme_id, area = self._need_theme(), self.area_choice.value
        if not theme_id:
            return
        if not area:
            self._say("Choose the area to move the theme to.", error=True)
            return
        if self._act("move the theme", lambda: self.actions.move_theme(theme_id, area, who=self._who),
                     select=theme_id):
            self._say(f"{theme_id} is in area {self.state.area_names.get(area, area)} ({area}) now.")

    def rename_area(self) -> None:
        theme_id = self._need_theme()
        area = self._area_of(theme_id) if theme_id else None
        if theme_id and not area:
            self._say("This theme is in no area yet (the next run groups it).", error=True)
            return
        name = self.area_name.value.strip()
        if area and self._act("rename the area", lambda: self.actions.rename_area(area, name, who=self._who),
                              select=theme_id):
            self._say(f"Area {area} is '{name}' now.")

    def undo(self) -> None:
        if self._act("undo", lambda: self.actions.undo(who=self._who)):
            entry = self.actions.registry.history()[-1]
            args = entry.get("args") or {}
            what = ", ".join(f"{k} {v}" for k, v in args.items() if k not in ("at", "edits"))
            several = f" and {args['edits'] - 1} more edit(s) made with it" if args.get("edits") else ""
            self._say(f"Undid {args.get('action')} ({what}){several}.")
