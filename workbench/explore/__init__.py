"""The interactive theme explorer for researchers in JupyterLab (``workbench explore``).

- :mod:`.state`: filtering, sorting and per-theme figures in pandas/NumPy (no widgets), built from
  :mod:`.codes` (categories, filters, integer codes), :mod:`.loading` (a data folder's tables, the
  registry's edits), :mod:`.filtering` (masks), :mod:`.figures` (the theme table, trends) and
  :mod:`.shown` (quotes, map points);
- :mod:`.view`: the ipywidgets + Altair explorer over that state, made of :mod:`.layout` (its
  widgets), :mod:`.drawing` (drawing them from the state), :mod:`.editing` (the analysts' action
  handlers) and :mod:`.pieces` (HTML and chart pieces);
- :mod:`.actions`: analysts' edits written to the theme registry;
- :mod:`.map2d`: the cached 2-D map of the statements;
- :mod:`.cli`: ``workbench explore DATA_DIR`` starts JupyterLab on ``notebooks/explore_themes.ipynb``.
"""
from .actions import AnalystActions, default_analyst
from .map2d import MAP_TABLE, statement_map
from .state import NPS_CATEGORIES, SORT_KEYS, ExplorerState, Filters
from .view import DATA_DIR_ENV, Explorer, open_explorer

__all__ = ["AnalystActions", "default_analyst", "statement_map", "MAP_TABLE", "ExplorerState", "Filters",
           "NPS_CATEGORIES", "SORT_KEYS", "Explorer", "open_explorer", "DATA_DIR_ENV"]
