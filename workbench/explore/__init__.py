"""The interactive theme explorer for researchers in JupyterLab (``workbench explore``).

- :mod:`.state`: filtering, sorting and per-theme figures in pandas/NumPy (no widgets), built from
  :mod:`.codes` (categories, filters, integer codes), :mod:`.loading` (a data folder's tables, the
  registry's edits), :mod:`.filtering` (masks), :mod:`.figures` (the theme table, trends) and
  :mod:`.shown` (quotes, map points);
- :mod:`.view`: the ipywidgets + Altair explorer over that state, made of :mod:`.layout` (its
  widgets), :mod:`.drawing` (drawing them from the state), :mod:`.editing` (the analysts' action
  handlers), :mod:`.pieces` (HTML and chart pieces) and :mod:`.webgl` (the statement map in WebGL:
  jupyter-scatter, every statement, labels, hover, lasso; the Vega map is the fallback);
- analysts' edits are written to the theme registry by :mod:`workbench.themes.analyst`;
- :mod:`.map2d`: the cached 2-D map of the statements (:mod:`workbench.themes.statement_map`);
- :mod:`.lab`: ``workbench explore DATA_DIR`` starts JupyterLab on ``notebooks/explore_themes.ipynb``
  (``--app``: Voilà, which runs it on open).
"""
from ..themes.analyst import AnalystActions, default_analyst
from .codes import DATA_DIR_ENV
from .map2d import MAP_TABLE, statement_map
from .state import NPS_CATEGORIES, SORT_KEYS, ExplorerState, Filters

#: the widget explorer needs ipywidgets (the [explore] extra): loaded on first use, so the rest of
#: the package (and `workbench explore --help`) works on a server installed without it
_VIEW = ("Explorer", "open_explorer")


def __getattr__(name: str):
    if name in _VIEW:
        from . import view

        return getattr(view, name)
    raise AttributeError(f"module 'workbench.explore' has no attribute {name!r}")


__all__ = ["AnalystActions", "default_analyst", "statement_map", "MAP_TABLE", "ExplorerState", "Filters",
           "NPS_CATEGORIES", "SORT_KEYS", "Explorer", "open_explorer", "DATA_DIR_ENV"]
