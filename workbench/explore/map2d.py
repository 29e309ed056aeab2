"""The explorer's 2-D map of the customer statements, cached in the store: see
:mod:`workbench.themes.statement_map` (shared with the insight report's map)."""
from __future__ import annotations

from ..themes.statement_map import (  # noqa: F401 (this module's API)
    DEFAULT_SEED, MAP_TABLE, METHODS, MIN_UMAP_STATEMENTS, NEIGHBOURS, place_new, reduce_to_2d, statement_map,
)

__all__ = ["statement_map", "reduce_to_2d", "place_new", "MAP_TABLE"]
