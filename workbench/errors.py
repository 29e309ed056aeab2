"""Every error the workbench raises on purpose derives from ``WorkbenchError``.

A caller (the command line, a notebook, a scheduler wrapper) can catch that one class to tell
"the workbench refused, with a reason" apart from a crash.
"""
from __future__ import annotations


class WorkbenchError(Exception):
    """The root: the message is the reason shown to the user."""


class SettingsError(WorkbenchError, ValueError):
    """``workbench.yml`` is broken or names a key the workbench does not know; nothing is stored."""
