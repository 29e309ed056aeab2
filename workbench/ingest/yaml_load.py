"""YAML as the workbench reads it (front matter, workbench.yml): PyYAML's safe loader, with aliases refused.

An alias (``*name``) repeats an anchored node (``&name``) by reference; nine levels of nine aliases
("billion laughs") make a few hundred bytes stand for a billion strings, which any walk of the data
(validation, ``str()``) then tries to build. Settings and front matter have no use for them, so
``load`` refuses the first alias with its line instead of bounding the expansion.
"""
from __future__ import annotations

import yaml


class AliasRefused(yaml.YAMLError):
    """The YAML uses an alias; ``problem_mark`` and ``problem`` as PyYAML's own errors have them."""

    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise AliasRefused(f"YAML alias '*{event.anchor}' refused (anchors and aliases are not read: "
                               "they can make a small file expand without bound); write the value out",
                               event.start_mark)
        return super().compose_node(parent, index)


def load(text: str):
    """The data of a YAML text, as ``yaml.safe_load`` reads it; an alias raises ``AliasRefused``."""
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
