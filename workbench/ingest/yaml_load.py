"""YAML as the workbench reads it (front matter, workbench.yml): PyYAML's safe loader, with aliases refused.

An alias (``*name``) repeats an anchored node (``&name``) by reference; nine levels of nine aliases
("billion laughs") make a few hundred bytes stand for a billion strings, which any walk of the data
(validation, ``str()``) then tries to build. Settings and front matter have no use for them, so
``load`` refuses the first alias with its line instead of bounding the expansion.
"""
from __future__ import annotations

import yaml


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            # PyYAML's own error for a bad alias, with the place: callers report it like any YAML error
            raise yaml.composer.ComposerError(
                None, None, f"YAML alias '*{event.anchor}' refused (anchors and aliases are not read: they can "
                "make a small file expand without bound); write the value out", event.start_mark)
        return super().compose_node(parent, index)


def load(text: str):
    """The data of a YAML text, as ``yaml.safe_load`` reads it; an alias raises a ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
