"""A 2-D map of the customer statements: their embeddings reduced to two coordinates.

    coords = statement_map("data/sample")       # evidence_id, x, y

Computed once and cached in the store as the table ``statement_map`` (``evidence_id``, ``x``,
``y``, ``method``, ``seed``; ``method`` is ``knn`` for statements placed after the first run).
Later calls reuse it and place only statements that are new since
(each at the distance-weighted mean position of its nearest already-placed neighbours in
embedding space), so points researchers have learnt where to find do not move.

The reducer is UMAP (cosine metric, fixed seed); PCA is the fallback for tiny sets and for tests.
The explorer (:mod:`workbench.explore.map2d`) and the insight report's map of the quarter's voice
(:mod:`workbench.report.voice_map`, which reads it without saving) share it.
"""
from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..workspace import Workspace

log = logging.getLogger(__name__)

MAP_TABLE = "statement_map"
METHODS = ("umap", "pca")
DEFAULT_SEED = 42
#: UMAP needs a neighbourhood; below this many statements PCA is used instead
MIN_UMAP_STATEMENTS = 50
NEIGHBOURS = 10


def reduce_to_2d(vectors: np.ndarray, method: str = "umap", seed: int = DEFAULT_SEED) -> np.ndarray:
    """Two coordinates per row of ``vectors`` (same seed and input, same output)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    if n == 0:
        return np.zeros((0, 2))
    if n < 3:
        return np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    if method == "umap" and n >= MIN_UMAP_STATEMENTS:
        import umap  # slow to import: only when needed

        reducer = umap.UMAP(n_components=2, n_neighbors=min(15, n - 1), min_dist=0.1, metric="cosine",
                            random_state=seed)
        with warnings.catch_warnings():  # "n_jobs overridden by random_state": single-threaded is the price of a fixed seed
            warnings.simplefilter("ignore", UserWarning)
            return np.asarray(reducer.fit_transform(vectors), dtype=float)
    from sklearn.decomposition import PCA

    xy = PCA(n_components=2, random_state=seed).fit_transform(vectors)
    return np.asarray(xy, dtype=float)


def place_new(known_vectors: np.ndarray, known_xy: np.ndarray, new_vectors: np.ndarray,
              k: int = NEIGHBOURS) -> np.ndarray:
    """Positions for new statements: the mean position of their ``k`` nearest placed
    neighbours (cosine), weighted by similarity."""
    if len(new_vectors) == 0:
        return np.zeros((0, 2))
    from sklearn.neighbors import NearestNeighbors

    k = max(1, min(k, len(known_vectors)))
    nn = NearestNeighbors(n_neighbors=k, metric="cosine").fit(known_vectors)
    distance, index = nn.kneighbors(new_vectors)
    weight = np.clip(1.0 - distance, 1e-6, None)
    return (known_xy[index] * weight[..., None]).sum(axis=1) / weight.sum(axis=1, keepdims=True)


def statement_map(
    data_dir: str | Path,
    *,
    method: str = "umap",
    seed: int = DEFAULT_SEED,
    embedder=None,
    model_path: str | None = None,
    statements: pd.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    save: bool = True,
) -> pd.DataFrame:
    """The map of the themed statements of a data folder, from the cache where it can be.

    ``embedder`` / ``model_path`` are passed to
    :func:`workbench.themes.pipeline.embed_statements`. Returns ``evidence_id``, ``x``, ``y``
    for every statement (in ``statements`` order) and stores the table when anything was new.
    ``progress`` (e.g. ``print``) is told when a computation starts. With ``save=False`` nothing
    is written (a report reads the folder, it does not change it).
    """
    from .pipeline import themed_statements

    ws = Workspace.of(data_dir)
    if statements is None:
        statements = themed_statements(ws.table("evidence"))
    ids = statements["evidence_id"].astype(str).to_numpy()
    frame, new = map_table(ws, statements, method=method, seed=seed, embedder=embedder, model_path=model_path,
                           progress=progress)
    if save and new:
        ws.save({MAP_TABLE: frame})
    return _in_order(frame, ids)


def map_table(ws: Workspace, statements: pd.DataFrame, *, method: str = "umap", seed: int = DEFAULT_SEED,
              embedder=None, model_path: str | None = None,
              progress: Callable[[str], None] | None = None) -> tuple[pd.DataFrame, bool]:
    """The ``statement_map`` table for these statements (as stored: ``evidence_id``, ``x``, ``y``,
    ``method``, ``seed``), from the folder's cached map where it has them; and whether anything was
    new. Nothing is written (the quarterly job saves it with the other tables)."""
    from .pipeline import embed_statements, folder_model

    data_dir = ws.data_dir
    cache = ws.cache("embeddings")
    ids = statements["evidence_id"].astype(str).to_numpy()
    cached = ws.optional(MAP_TABLE)
    if cached is None:
        cached = pd.DataFrame(columns=["evidence_id", "x", "y", "method", "seed"])
    cached = cached[cached["evidence_id"].isin(set(ids))].drop_duplicates("evidence_id")
    is_new = ~pd.Series(ids).isin(set(cached["evidence_id"])).to_numpy()
    if not is_new.any():
        return cached[["evidence_id", "x", "y", "method", "seed"]].reset_index(drop=True), False

    texts = statements["text"].astype(str).to_numpy()
    model_path = None if embedder is not None else folder_model(data_dir, model_path)
    if cached.empty:
        message = f"statement map: reducing {len(ids):,} statements to 2-D ({method}), once; cached in the store"
        log.info(message)
        if progress:
            progress(message)
        vectors = embed_statements(list(texts), cache, model_path=model_path, embedder=embedder)
        xy = reduce_to_2d(vectors, method, seed)
        frame = pd.DataFrame({"evidence_id": ids, "x": xy[:, 0], "y": xy[:, 1], "method": method, "seed": seed})
    else:
        # one embedding call for placed and new statements, so both share one vector space
        known_ids = cached["evidence_id"].to_numpy()
        row_of = pd.Series(np.arange(len(ids)), index=ids)
        known_rows = row_of[known_ids].to_numpy()
        new_rows = np.flatnonzero(is_new)
        message = f"statement map: placing {len(new_rows):,} new statements among {len(known_rows):,}"
        log.info(message)
        if progress:
            progress(message)
        vectors = embed_statements(list(texts[np.concatenate([known_rows, new_rows])]), cache,
                                   model_path=model_path, embedder=embedder)
        known_xy = cached[["x", "y"]].to_numpy(dtype=float)
        xy = place_new(vectors[:len(known_rows)], known_xy, vectors[len(known_rows):])
        added = pd.DataFrame({"evidence_id": ids[new_rows], "x": xy[:, 0], "y": xy[:, 1],
                              "method": "knn", "seed": seed})
        frame = pd.concat([cached[["evidence_id", "x", "y", "method", "seed"]], added], ignore_index=True)
    frame["seed"] = frame["seed"].astype(int)
    return frame, True


def _in_order(frame: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    out = frame.set_index("evidence_id").reindex(ids)[["x", "y"]].reset_index()
    return out.rename(columns={"index": "evidence_id"})


__all__ = ["statement_map", "map_table", "reduce_to_2d", "place_new", "MAP_TABLE"]
