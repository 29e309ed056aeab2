"""The theme model: BERTopic with settings chosen from the data's size, every statement themed.

Follows scikit-learn's estimator conventions: ``__init__`` stores settings untouched, ``fit``
learns ``labels_`` (a theme per statement, -1 for none), ``themes_`` (theme, label, keywords,
size) and ``centroids_`` (L2-normalised mean embedding per theme, rows in ``themes_`` order);
``transform`` assigns new statements to the learned themes. Every part is injectable
(``umap_model``, ``hdbscan_model``, ``vectorizer_model``, ``embedder``) so a test can pass a fake
and a user a better model. Same inputs and ``random_state`` give the same themes.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from ..contract import unit_rows
from .layout import NeighbourUMAP, exact_neighbours, reranked_neighbours  # noqa: F401 (part of this module's API)

log = logging.getLogger(__name__)


def _normalise(x: np.ndarray) -> np.ndarray:
    return unit_rows(np.asarray(x, dtype=np.float32))


def sizes_for(n: int) -> dict:
    """Settings from the number of statements (never from labels)."""
    return {
        "n_neighbors": int(min(15, max(2, n - 1))),
        "n_components": int(min(5, max(2, n - 2))),
        "min_cluster_size": int(max(5, round(n / 250))),
    }


class CountThenWard:
    """A clusterer for BERTopic: HDBSCAN estimates how many themes the data holds, Ward linkage
    partitions the reduced embeddings into that many, and k-means steps from Ward's centroids
    polish the partition.

    HDBSCAN alone leaves many statements unassigned and splits dense themes; Ward alone needs the
    count; Ward's merges are greedy and k-means lowers the same within-theme variance further.
    Measured on banking77 (see BENCHMARKS.md), this agrees better with the labels than any one of
    them, and assigns every statement. Ward needs memory quadratic in the rows, so above
    ``ward_max_points`` it runs on an evenly spread sample and k-means places every statement.

    Given the ``layout`` that made the positions (a fitted :class:`NeighbourUMAP`) and that layout
    was made from a sample, Ward and k-means partition the sampled statements only, and every other
    statement takes the theme its nearest sampled statements (the very neighbours that placed it)
    vote for, weighted by similarity. A placed position is an average of its neighbours' and
    blurs the borders between themes: with k-means over every position, the themes of the same
    statements got worse as the rows grew (NMI 0.780 at 100,000, 0.765 at 1,000,000; see
    BENCHMARKS.md). Now the partition is made where the layout is UMAP's own, whatever the rows.
    Deterministic for a given ``random_state``.
    """

    def __init__(self, min_cluster_size: int = 40, min_samples: int = 5, max_themes: int = 150,
                 ward_max_points: int = 12_000, layout=None, random_state: int = 42):
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.max_themes = max_themes
        self.ward_max_points = ward_max_points
        self.layout = layout
        self.random_state = random_state

    def fit(self, X, y=None):
        from hdbscan import HDBSCAN
        from sklearn.cluster import AgglomerativeClustering, KMeans

        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        laid_out, neighbours = self._laid_out(n)
        rows = np.arange(n) if laid_out is None else laid_out
        # the density count on the same rows, its minimum theme size scaled to them
        min_size = self.min_cluster_size if laid_out is None else max(5, round(self.min_cluster_size * len(rows) / n))
        dense = HDBSCAN(min_cluster_size=min_size, min_samples=min(self.min_samples, min_size)).fit_predict(X[rows])
        self.n_estimated_ = int(dense.max() + 1)
        k = int(min(max(self.n_estimated_, 1), self.max_themes, n))
        if k <= 1:
            self.labels_ = np.zeros(n, dtype=int)
            return self
        rng = np.random.default_rng(self.random_state)
        if len(rows) > self.ward_max_points:
            sample = rows[np.sort(rng.choice(len(rows), size=self.ward_max_points, replace=False))]
        else:
            sample = rows
        ward = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X[sample])
        centres = np.stack([X[sample][ward == c].mean(axis=0) for c in range(k)])
        polished = KMeans(n_clusters=k, init=centres, n_init=1, random_state=self.random_state).fit_predict(X[rows])
        if laid_out is None:
            self.labels_ = polished
        else:
            self.labels_ = neighbour_vote(*neighbours, polished, k)
            self.labels_[laid_out] = polished
        return self

    def _laid_out(self, n: int):
        """The layout's sample and every statement's neighbours in it, when the layout placed some
        of these ``n`` statements; else (None, None)."""
        sample = getattr(self.layout, "sample_", None)
        neighbours = getattr(self.layout, "neighbours_", None)
        if sample is None or neighbours is None or len(sample) >= n or len(neighbours[0]) != n:
            return None, None
        return np.asarray(sample), neighbours

    def fit_predict(self, X, y=None):
        return self.fit(X).labels_


def neighbour_vote(indices: np.ndarray, distances: np.ndarray, labels: np.ndarray, k: int,
                   block: int = 65_536) -> np.ndarray:
    """For each row, the label among ``labels[indices[row]]`` with the largest summed similarity
    (1 - cosine distance, as the layout weighs them); ties to the lower label. In blocks of rows,
    so a million rows need no million-by-k table."""
    out = np.empty(len(indices), dtype=int)
    for start in range(0, len(indices), block):
        idx, dist = indices[start:start + block], distances[start:start + block]
        rows = len(idx)
        cells = (np.arange(rows)[:, None] * k + labels[idx]).ravel()
        votes = np.bincount(cells, weights=np.maximum(1.0 - dist, 1e-6).ravel(), minlength=rows * k)
        out[start:start + rows] = votes.reshape(rows, k).argmax(axis=1)
    return out


def readable_label(keywords: list[str], n: int = 3) -> str:
    """A short label from c-TF-IDF keywords: the first few that add a new word."""
    chosen: list[str] = []
    seen: set[str] = set()
    for kw in keywords:
        words = set(kw.split())
        if words <= seen:
            continue
        chosen.append(kw)
        seen |= words
        if len(chosen) == n:
            break
    return ", ".join(chosen) if chosen else "(unlabelled)"


class ThemeModel(BaseEstimator):
    """Themes from statements and their embeddings. See the module docstring."""

    #: the algorithm's version: raise it whenever a change makes the same data and settings give
    #: other themes, so cached fits are not reused and data folders are told to refit
    VERSION = 6

    def __init__(
        self,
        n_neighbors: int | None = None,
        n_components: int | None = None,
        min_cluster_size: int | None = None,
        outlier_similarity: float = 0.25,
        top_n_words: int = 10,
        ngram_range: tuple[int, int] = (1, 2),
        lexical_weight: float = 0.3,
        random_state: int = 42,
        embedder=None,
        umap_model=None,
        hdbscan_model=None,
        vectorizer_model=None,
    ):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_cluster_size = min_cluster_size
        self.outlier_similarity = outlier_similarity
        self.top_n_words = top_n_words
        self.ngram_range = ngram_range
        self.lexical_weight = lexical_weight
        self.random_state = random_state
        self.embedder = embedder
        self.umap_model = umap_model
        self.hdbscan_model = hdbscan_model
        self.vectorizer_model = vectorizer_model

    # -- parts --------------------------------------------------------------------------------
    def _parts(self, n: int):
        from sklearn.feature_extraction.text import CountVectorizer

        auto = sizes_for(n)
        self.settings_ = {
            "n_neighbors": self.n_neighbors or auto["n_neighbors"],
            "n_components": self.n_components or auto["n_components"],
            "min_cluster_size": self.min_cluster_size or auto["min_cluster_size"],
        }
        umap_model = self.umap_model or NeighbourUMAP(
            n_neighbors=self.settings_["n_neighbors"], n_components=self.settings_["n_components"],
            min_dist=0.0, lexical_weight=self.lexical_weight, random_state=self.random_state,
        )
        hdbscan_model = self.hdbscan_model or CountThenWard(
            min_cluster_size=self.settings_["min_cluster_size"], random_state=self.random_state,
            layout=umap_model if isinstance(umap_model, NeighbourUMAP) else None)
        # min_df stays 1: BERTopic fits the vectoriser on one joined document per theme, so a higher
        # min_df would drop exactly the words that belong to a single theme
        vectorizer = self.vectorizer_model or CountVectorizer(
            stop_words="english", ngram_range=tuple(self.ngram_range), min_df=1,
            token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b",
        )
        return umap_model, hdbscan_model, vectorizer

    # -- learning -----------------------------------------------------------------------------
    def fit(self, texts, embeddings=None, y=None):
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer

        texts = [str(t) for t in texts]
        if embeddings is None:
            if self.embedder is None:
                from ..embed import embed_texts

                embeddings = embed_texts(texts)
            else:
                embeddings = self.embedder.encode(texts)
        embeddings = _normalise(embeddings)
        n = len(texts)
        umap_model, hdbscan_model, vectorizer = self._parts(n)
        if hasattr(umap_model, "use_texts"):  # BERTopic passes the reducer embeddings only
            umap_model.use_texts(texts)
        topic_model = BERTopic(
            embedding_model=None, umap_model=umap_model, hdbscan_model=hdbscan_model,
            vectorizer_model=vectorizer, ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            top_n_words=self.top_n_words, calculate_probabilities=False, verbose=False,
        )
        topics = np.asarray(topic_model.fit_transform(texts, embeddings=embeddings)[0], dtype=int)
        labels = self._renumber(topics)
        labels = self._reassign_outliers(labels, embeddings)
        if (labels >= 0).any():
            # BERTopic warns on every call that hand-given assignments must come last; here they do
            bertopic_log = logging.getLogger("BERTopic")
            level = bertopic_log.level
            bertopic_log.setLevel(logging.ERROR)
            try:
                topic_model.update_topics(texts, topics=[int(t) for t in labels], vectorizer_model=vectorizer,
                                          ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                                          top_n_words=self.top_n_words)
            finally:
                bertopic_log.setLevel(level)
        self.topic_model_ = topic_model
        self.labels_ = labels
        self.centroids_ = self._centroids(labels, embeddings)
        rows = []
        for theme in range(self.centroids_.shape[0]):
            words = [w for w, _ in (topic_model.get_topic(theme) or []) if w]
            rows.append({"theme": theme, "label": readable_label(words), "keywords": words,
                         "size": int((labels == theme).sum())})
        self.themes_ = pd.DataFrame(rows, columns=["theme", "label", "keywords", "size"])
        self.coverage_ = float((labels >= 0).mean()) if n else 0.0
        return self

    @staticmethod
    def _renumber(topics: np.ndarray) -> np.ndarray:
        """Theme numbers by size (largest first), ties by first statement: independent of BERTopic's."""
        ids = [t for t in np.unique(topics) if t >= 0]
        order = sorted(ids, key=lambda t: (-(topics == t).sum(), int(np.argmax(topics == t))))
        mapping = {t: i for i, t in enumerate(order)}
        return np.asarray([mapping.get(t, -1) for t in topics], dtype=int)

    @staticmethod
    def _centroids(labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        k = int(labels.max()) + 1 if (labels >= 0).any() else 0
        if k == 0:
            return np.zeros((0, embeddings.shape[1]), dtype=np.float32)
        sums = np.zeros((k, embeddings.shape[1]), dtype=np.float64)
        np.add.at(sums, labels[labels >= 0], embeddings[labels >= 0])
        return _normalise(sums)

    def _reassign_outliers(self, labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Outliers join their nearest theme when its centroid is similar enough."""
        out = labels.copy()
        outliers = np.where(out < 0)[0]
        if not len(outliers) or not (out >= 0).any():
            return out
        centroids = self._centroids(out, embeddings)
        sims = embeddings[outliers] @ centroids.T
        best = sims.argmax(axis=1)
        close = sims[np.arange(len(outliers)), best] >= self.outlier_similarity
        out[outliers[close]] = best[close]
        return out

    # -- applying -----------------------------------------------------------------------------
    def transform(self, texts=None, embeddings=None) -> np.ndarray:
        """Nearest learned theme for each statement (-1 when none is similar enough)."""
        if embeddings is None:
            from ..embed import embed_texts

            embeddings = embed_texts([str(t) for t in texts]) if self.embedder is None else self.embedder.encode(list(texts))
        embeddings = _normalise(embeddings)
        if not self.centroids_.shape[0]:
            return np.full(len(embeddings), -1, dtype=int)
        sims = embeddings @ self.centroids_.T
        best = sims.argmax(axis=1)
        best[sims[np.arange(len(best)), best] < self.outlier_similarity] = -1
        return best.astype(int)
