"""The theme registry: stable theme and area ids that survive re-fits, and the analysts' edits.

Topic models renumber their clusters on every fit; a quarterly report cannot. The registry is a
reviewable YAML file (``DATA_DIR/theme_registry.yml``) holding, per theme, a stable id
(``T0001``), a name (``label``), keywords, the quarters it was first and last seen in, its area
and a status (``active``, ``emerging``, ``fading``, ``merged``); per area (a parent theme, ``A01``),
a name and its quarters; and the analysts' edits with their history. The centroids, long lists of
numbers nobody reviews, sit beside it in ``theme_registry.centroids.npy``.

A fit is attached with :meth:`ThemeRegistry.match` and its themes grouped into areas with
:func:`workbench.themes.matching.assign_areas` (see :mod:`workbench.themes.matching`). Matching
updates centroids gently (a running mean) and refreshes model-made names and keywords, but never an
analyst's name, merge, split, pin, requirement mark or area move.

Analysts' edits (:meth:`rename`, :meth:`merge`, :meth:`split`, :meth:`pin_quote`,
:meth:`mark_requirement`, :meth:`set_requirement_status`, :meth:`rename_area`, :meth:`add_area`,
:meth:`move_theme`) are each recorded in :meth:`history` with what changed, when (an ISO timestamp
passed in or read from an injectable clock) and who, and can be reverted with :meth:`undo`, last
edit first.
"""
from ._base import (
    CENTROID_DECIMALS, EDIT_ACTIONS, FORMAT_VERSION, MATERIAL_SHARE, MAX_CENTROID_WEIGHT, MIN_MATERIAL_MENTIONS,
    REGISTRY_FILENAME, REQUIREMENT_STATUSES, STATUSES, MatchResult, RegistryError, default_path, lifecycle,
    material_quarters, utc_now,
)
from .core import ThemeRegistry

__all__ = [
    "CENTROID_DECIMALS", "EDIT_ACTIONS", "FORMAT_VERSION", "MATERIAL_SHARE", "MAX_CENTROID_WEIGHT",
    "MIN_MATERIAL_MENTIONS", "REGISTRY_FILENAME", "REQUIREMENT_STATUSES", "STATUSES", "MatchResult",
    "RegistryError", "ThemeRegistry", "default_path", "lifecycle", "material_quarters", "utc_now",
]
