"""The persistent embedding cache: vectors on disk, one folder per model, keyed by a hash of each
text (:func:`text_key`)."""
from __future__ import annotations

import hashlib
import logging
import os
import uuid
import zipfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def _rows_stored(data) -> int:
    """How many vectors an open shard holds, from its header (the vectors themselves are not read)."""
    with data.zip.open("vectors.npy") as member:
        version = np.lib.format.read_magic(member)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        return int(read(member)[0][0])


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors on disk, one folder per model, one ``shard-*.npz`` (keys, vectors) per stored batch.

    Shard names are unique, so several processes may add to one cache; a shard is written to a
    temporary name and renamed, so an interrupted write leaves nothing half-read. An unreadable
    shard is skipped (its texts are embedded again).
    """

    def __init__(self, folder: str | os.PathLike, model_identity: str):
        self.folder = Path(folder) / model_identity
        self._index: dict[str, tuple[int, int]] | None = None
        #: each shard's vectors once read, else its file: vectors are read when asked for, so a
        #: cache of a million texts does not hold 1.4 GiB while the texts are being embedded
        self._shards: list[np.ndarray | Path | None] = []

    def _read(self) -> None:
        """The index of every shard's keys (their vectors are read by :meth:`_vectors` when needed)."""
        if self._index is not None:
            return
        self._index, self._shards = {}, []
        for shard in sorted(self.folder.glob("shard-*.npz")):
            try:
                with np.load(shard) as data:
                    keys = data["keys"]
                    rows = _rows_stored(data)
                if rows != len(keys):
                    raise ValueError(f"{len(keys)} keys but {rows} vectors")
            except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
                log.warning("embedding cache: %s unreadable, skipped (%s)", shard.name, exc)
                continue
            s = len(self._shards)
            self._shards.append(shard)
            for i, k in enumerate(keys.tolist()):
                self._index[k] = (s, i)

    def _vectors(self, s: int) -> np.ndarray:
        shard = self._shards[s]
        if isinstance(shard, Path):
            with np.load(shard) as data:
                shard = data["vectors"]
        return shard

    def missing(self, keys: list[str]) -> list[int]:
        """The positions of the keys not in the cache."""
        self._read()
        return [i for i, k in enumerate(keys) if k not in self._index]

    def get(self, keys: list[str], release: bool = False) -> tuple[np.ndarray | None, list[int]]:
        """Cached vectors (rows for missing keys left zero) and the positions of the missing keys.

        ``release``: the shards read are let go as their rows are copied, so the memory peak is the
        vectors asked for, not twice them (a million vectors are 1.4 GiB); the cache is read again
        from disk if used after."""
        missing = self.missing(keys)
        if len(missing) == len(keys):
            return None, missing
        found = [(loc[0], loc[1], i) for i, loc in enumerate(map(self._index.get, keys)) if loc is not None]
        places = np.asarray(found, dtype=np.int64).reshape(-1, 3)
        places = places[np.argsort(places[:, 0], kind="stable")]  # shard by shard, each read once
        out = None
        for group in np.split(places, np.flatnonzero(np.diff(places[:, 0])) + 1):
            shard = int(group[0, 0])
            vectors = self._vectors(shard)
            if out is None:
                out = np.zeros((len(keys), vectors.shape[1]), dtype=np.float32)
            out[group[:, 2]] = vectors[group[:, 1]]
            self._shards[shard] = None if release else vectors  # released: its rows are copied, let it go
        if release:
            self._index, self._shards = None, []
        return out, missing

    def put(self, keys: list[str], vectors: np.ndarray) -> None:
        if not keys:
            return
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(keys) != len(vectors):
            raise ValueError(f"{len(keys)} keys but {len(vectors)} vectors")
        self._read()
        self.folder.mkdir(parents=True, exist_ok=True)
        n = len(list(self.folder.glob("shard-*.npz")))
        path = self.folder / f"shard-{n:05d}-{uuid.uuid4().hex[:8]}.npz"
        tmp = self.folder / f".{path.stem}.tmp.npz"
        np.savez(tmp, keys=np.asarray(keys), vectors=vectors)
        os.replace(tmp, path)
        s = len(self._shards)
        self._shards.append(path)  # read back when asked for, not held meanwhile
        for i, k in enumerate(keys):
            self._index[k] = (s, i)

    def __len__(self) -> int:
        self._read()
        return len(self._index)


__all__ = ["EmbeddingCache", "text_key"]
