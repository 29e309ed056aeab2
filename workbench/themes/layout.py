"""The neighbour graph and layout the theme model reduces statements with: exact cosine
neighbours (optionally re-ordered by wording) and UMAP on that graph. Used by
:class:`workbench.themes.model.ThemeModel` (its ``umap_model`` part)."""
from __future__ import annotations

import contextvars
from contextlib import contextmanager

import numpy as np

from ..contract import unit_rows
from sklearn.base import BaseEstimator

#: the Dask client a fit places its statements with (:func:`placing_on`); None: in this process
_CLIENT: contextvars.ContextVar = contextvars.ContextVar("workbench_layout_client", default=None)
#: blocks of rows in flight per worker while placing on a cluster (bounds the memory in transit)
BLOCKS_PER_WORKER = 2


def _normalise(x: np.ndarray) -> np.ndarray:
    return unit_rows(np.asarray(x, dtype=np.float32))


def exact_neighbours(X: np.ndarray, k: int, chunk_bytes: int = 256 * 2**20,
                     reference: np.ndarray | None = None, prepare=None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows by cosine: (indices, distances), nearest first.

    Without ``reference``, the neighbours of each row of ``X`` among the rows of ``X``, itself
    first; with it, among the rows of ``reference``. Exact and deterministic (ties by row
    number), by blocked matrix products, so memory stays near ``chunk_bytes`` whatever the size.
    For sentence embeddings this is both faster than UMAP's approximate neighbour descent up to a
    few hundred thousand rows and free of its randomness. With a ``reference``, ``X`` is read one
    block of rows at a time (never copied whole); ``prepare`` is applied to each block first.
    """
    import torch

    own = reference is None
    keys = torch.from_numpy(_normalise(X if own else reference))
    n, m = len(X), keys.shape[0]
    k = int(min(k, m))
    rows = int(max(1, min(n, block_rows(m, chunk_bytes))))
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, n, rows):
            stop = min(n, start + rows)
            block = X[start:stop] if prepare is None else prepare(X[start:stop])
            queries = keys[start:stop] if own else torch.from_numpy(_normalise(block))
            sims = queries @ keys.T
            if own:  # itself first, even among duplicates
                sims[torch.arange(stop - start), torch.arange(start, stop)] = 2.0
            values, idx = torch.topk(sims, k, dim=1, largest=True, sorted=True)
            indices[start:stop] = idx.numpy()
            distances[start:stop] = np.clip(1.0 - values.numpy(), 0.0, 2.0)
    if own:
        distances[:, 0] = 0.0
    return indices, distances


def block_rows(m: int, chunk_bytes: int = 256 * 2**20) -> int:
    """How many query rows :func:`exact_neighbours` compares with ``m`` rows at once."""
    return int(max(1, chunk_bytes // (4 * max(m, 1))))


@contextmanager
def placing_on(client):
    """Within this block, a :class:`NeighbourUMAP` fit places the statements outside its layout's
    sample on the workers of this Dask ``client`` (None: in this process, as without the block)."""
    token = _CLIENT.set(client)
    try:
        yield
    finally:
        _CLIENT.reset(token)


def neighbours_among(X: np.ndarray, reference: np.ndarray, k: int, client=None,
                     prepare=None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`exact_neighbours` of ``X`` among ``reference`` (``prepare``: see there); with a Dask
    ``client``, on its workers, each task one of the very blocks of rows one process compares at
    once (the same neighbours; the similarities to float32 rounding, as another process's BLAS may
    sum in another order), a few blocks per worker in flight at a time. A block's rows travel with
    its task, so a worker that dies has its blocks computed again by Dask."""
    if client is None or len(X) == 0:
        return exact_neighbours(X, k, reference=reference, prepare=prepare)
    from ..cluster import bounded_map

    rows = block_rows(len(reference))
    anchors = client.scatter(reference, broadcast=True, hash=False)  # as given: normalised there, as here
    blocks = bounded_map(client, _neighbours_on_worker, ((X[start:start + rows], k, anchors, prepare)
                                                         for start in range(0, len(X), rows)),
                         per_worker=BLOCKS_PER_WORKER)
    return np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks])


def _neighbours_on_worker(X: np.ndarray, k: int, reference: np.ndarray, prepare=None) -> tuple[np.ndarray, np.ndarray]:
    """One block's :func:`exact_neighbours`, torch on the worker's threads (a worker of 1 thread per
    core, as ``local:N`` starts, does not oversubscribe its machine)."""
    import torch

    from ..cluster import worker_threads

    threads = worker_threads()
    if threads and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return exact_neighbours(X, k, reference=reference, prepare=prepare)


def reranked_neighbours(X: np.ndarray, texts, k: int, lexical_weight: float = 0.3,
                        candidates: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest rows (itself first) by a similarity that also weighs the wording.

    The ``candidates`` nearest rows by embedding cosine are re-ordered by
    ``(1 - lexical_weight) * cosine + lexical_weight * tfidf_cosine``, where ``tfidf_cosine``
    compares the two texts' TF-IDF word vectors (sublinear term frequency, fitted on ``texts``);
    distances are one minus that similarity. Only the order and spacing among semantically close
    statements change: wording cannot bring in a neighbour the embedding model thinks unrelated.

    Why: all-MiniLM-L6-v2 places statements about the same thing close together whatever they
    ask ("why must I verify my identity" next to "how do I verify my identity"); the words that
    tell such requests apart are rare in the corpus, so TF-IDF weighs them. On BANKING77 this
    lifted agreement with the labels from NMI 0.830 / ARI 0.598 to 0.844 / 0.623 (means over twelve
    seeds; BENCHMARKS.md). Deterministic: ties keep the embedding order (then row order).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not 0.0 <= lexical_weight <= 1.0:
        raise ValueError(f"lexical_weight must be between 0 and 1, not {lexical_weight}")

    X = _normalise(X)
    n = len(X)
    k = int(min(k, n))
    texts = [str(t) for t in texts]
    if len(texts) != n:
        raise ValueError(f"{len(texts)} texts for {n} embeddings")
    m = int(min(max(candidates, k), n))
    indices, distances = exact_neighbours(X, m)
    if not lexical_weight:
        return indices[:, :k], distances[:, :k]
    try:
        words = TfidfVectorizer(sublinear_tf=True, dtype=np.float32).fit_transform(texts).tocsr()
    except ValueError:  # no word in any text (empty vocabulary): the embedding order stands
        return indices[:, :k], distances[:, :k]
    lexical = np.empty((n, m), dtype=np.float32)
    rows = max(1, 200_000 // m)  # pairs per block stay bounded on large inputs
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        block = indices[start:stop]
        left = words[np.repeat(np.arange(start, stop), m)]
        right = words[block.ravel()]
        lexical[start:stop] = np.asarray(left.multiply(right).sum(axis=1), dtype=np.float32).reshape(-1, m)
    similarity = (1.0 - lexical_weight) * (1.0 - distances) + lexical_weight * lexical
    similarity[:, 0] = np.inf  # itself first, whatever its wording
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    indices = np.take_along_axis(indices, order, axis=1)
    distances = np.clip(1.0 - np.take_along_axis(similarity, order, axis=1), 0.0, 2.0).astype(np.float32)
    distances[:, 0] = 0.0
    return indices, distances


class NeighbourUMAP(BaseEstimator):
    """UMAP on an exact cosine neighbour graph: BERTopic's dimensionality-reduction step.

    UMAP's own approximate neighbour search took most of the fitting time on 10,000 statements
    (about 35 of 40 seconds); the exact graph (``exact_neighbours``) takes under two. The layout is
    UMAP's, with ``random_state`` fixed.

    Above ``max_layout_points`` statements the layout is made from an evenly spread sample of
    that many, and every other statement is placed at the similarity-weighted mean position of
    its ``n_neighbors`` nearest sampled statements (``place``). On more statements a 15-neighbour
    graph describes ever smaller neighbourhoods (on 100,000 reworded support messages the full
    layout scattered each intent: NMI 0.46; the sampled one 0.75, in a fifth of the time; see
    BENCHMARKS.md), so the layout keeps the neighbourhood scale it was validated at. ``transform``
    returns the layout for the statements it was fitted on and places any others. After such a
    fit ``neighbours_`` holds each statement's nearest sampled statements (positions in
    ``sample_``) and their cosine distances, for the clusterer (:class:`~.model.CountThenWard`);
    None when every statement was laid out.

    Given the statements' texts (``fit(X, texts=...)``, or ``use_texts`` before a fit that cannot
    pass them, as inside BERTopic), the neighbour graph also weighs their wording
    (``reranked_neighbours`` with ``lexical_weight``; 0 turns it off); without texts it is the
    embedding's alone.
    """

    def __init__(self, n_neighbors: int = 15, n_components: int = 5, min_dist: float = 0.0,
                 n_epochs: int | None = None, max_layout_points: int = 20_000, lexical_weight: float = 0.3,
                 candidates: int = 50, random_state: int = 42):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_dist = min_dist
        self.n_epochs = n_epochs
        self.max_layout_points = max_layout_points
        self.lexical_weight = lexical_weight
        self.candidates = candidates
        self.random_state = random_state

    def use_texts(self, texts) -> "NeighbourUMAP":
        """The statements' texts, in the order of the embeddings the next ``fit`` gets."""
        self._texts = [str(t) for t in texts]
        return self

    def fit(self, X, y=None, texts=None):
        import warnings

        from umap import UMAP

        texts = getattr(self, "_texts", None) if texts is None else [str(t) for t in texts]
        self._texts = None  # for this fit only
        # the rows are normalised where they are used (the sample, each block placed), never all at
        # once: a million statements' vectors are 1.4 GiB, and a normalised copy would be as much
        X = np.asarray(X, dtype=np.float32)
        if texts is not None and len(texts) != len(X):
            raise ValueError(f"NeighbourUMAP got {len(texts)} texts for {len(X)} embeddings")
        n = len(X)
        if n > self.max_layout_points:
            rng = np.random.default_rng(self.random_state)
            self.sample_ = np.sort(rng.choice(n, size=self.max_layout_points, replace=False))
        else:
            self.sample_ = np.arange(n)
        anchors = _normalise(X[self.sample_])
        if texts is not None and self.lexical_weight:
            indices, distances = reranked_neighbours(anchors, [texts[i] for i in self.sample_], self.n_neighbors,
                                                     lexical_weight=self.lexical_weight, candidates=self.candidates)
        else:
            indices, distances = exact_neighbours(anchors, self.n_neighbors)
        # the start is PCA's, not UMAP's spectral one: groups of copies larger than n_neighbors form
        # graph components of their own, and the spectral start of such a component changed from
        # run to run (same vectors, other themes); PCA's is reproducible and scores alike (BENCHMARKS.md)
        self.umap_ = UMAP(n_neighbors=self.n_neighbors, n_components=self.n_components, min_dist=self.min_dist,
                          metric="cosine", n_epochs=self.n_epochs, random_state=self.random_state, init="pca",
                          precomputed_knn=(indices, distances, None))
        with warnings.catch_warnings():
            # UMAP notes that a fixed random_state means one thread and that no search index is kept
            warnings.simplefilter("ignore")
            layout = self.umap_.fit_transform(anchors)
        self._anchors, self._anchor_layout = anchors, np.asarray(layout, dtype=np.float32)
        if len(self.sample_) == n:
            self.embedding_ = self._anchor_layout
            self.neighbours_ = None
        else:
            indices, distances = neighbours_among(X, self._anchors, self.n_neighbors, client=_CLIENT.get(),
                                                  prepare=_normalise)
            self.neighbours_ = (indices.astype(np.int32), distances.astype(np.float32))
            self.embedding_ = self._positions(indices, distances)
            self.embedding_[self.sample_] = self._anchor_layout
        self._fitted = X  # the caller's rows (no copy), to know them again in ``transform``
        return self

    def fit_transform(self, X, y=None, texts=None):
        return self.fit(X, texts=texts).embedding_

    def place(self, X) -> np.ndarray:
        """Positions for statements in the fitted layout: the similarity-weighted mean position of
        each one's ``n_neighbors`` nearest laid-out statements."""
        return self._place(X)

    def _place(self, X, prepare=None) -> np.ndarray:
        """:meth:`place`, each block of rows of ``X`` passed through ``prepare`` first."""
        indices, distances = neighbours_among(X, self._anchors, self.n_neighbors, client=_CLIENT.get(), prepare=prepare)
        return self._positions(indices, distances)

    def _positions(self, indices: np.ndarray, distances: np.ndarray) -> np.ndarray:
        weights = np.maximum(1.0 - distances, 1e-6)
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("nk,nkc->nc", weights, self._anchor_layout[indices]).astype(np.float32)

    def transform(self, X):
        X = np.asarray(X, dtype=np.float32)
        if X is self._fitted or (X.shape == self._fitted.shape and (
                np.array_equal(X, self._fitted) or np.array_equal(_normalise(X), _normalise(self._fitted)))):
            return self.embedding_
        return self._place(X, prepare=_normalise)
