"""The theme model: BERTopic with parts and settings that suit customer feedback.

    model = ThemeModel(random_state=42).fit(texts, embeddings)
    model.labels_, model.themes_, model.centroids_
    model.transform(new_texts)

Follows scikit-learn's estimator conventions: ``__init__`` stores settings untouched (``None``
means "chosen from the number of statements", never from labels; the values used are in
``settings_``); ``fit`` learns ``labels_`` (a theme per statement, -1 for none), ``themes_``
(``theme``, ``label``, ``keywords``, ``size``, ``quotes``), ``centroids_`` (L2-normalised mean
embedding per theme, rows in ``themes_`` order), ``confidence_`` (cosine of each statement to its
theme's centroid) and ``coverage_``; ``transform`` assigns new statements to the learned themes.
Same inputs and ``random_state`` give the same themes.

The pipeline (each part replaceable: ``embedder``, ``reducer``, ``clusterer``, ``vectorizer``,
``representation``):

1. neighbours: each statement's nearest statements by a blend of embedding and TF-IDF cosine
   (``lexical_weight``, see ``neighbours.py``), computed exactly;
2. BERTopic runs the reducer, UMAP to ``n_components`` dimensions on that neighbour graph, and the
   clusterer, Ward linkage cut at the count the silhouette prefers (``clustering.py``);
3. statements in clusters too small to be a theme, and, on more than ``max_fit_size`` statements,
   the statements outside the random sample the map was fitted on, join the theme their nearest
   fitted statements vote for; a statement whose theme centroid is less similar than
   ``outlier_similarity`` stays unthemed (-1);
4. BERTopic's c-TF-IDF (English stop words removed, words and bigrams) names each theme
   (``labels.py``) and the statements nearest the centroid are its quotes.
"""
from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from .clustering import SilhouetteWard
from .labels import keyword_vectoriser, readable_label, representative_quotes
from .neighbours import hybrid_neighbours, lexical_vectoriser, vote

log = logging.getLogger(__name__)

#: fitted statements consulted when assigning a statement to a theme
VOTERS = 10


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def sizes_for(n: int) -> dict:
    """Settings from the number of statements the map is fitted on (never from labels).

    ``n_neighbors`` grows with the square root of n (10 at 1,600 statements, 25 at 10,000, at most
    30): more statements, a wider neighbourhood. ``n_epochs``: fewer passes on larger data, where
    each pass already sees many samples (100 from 10,000 statements). ``min_theme_size``: one
    statement in 2,000, at least 2.
    """
    return {
        "n_neighbors": int(min(max(10, round(np.sqrt(n) / 4)), 30, max(2, n - 1))),
        "n_epochs": int(np.clip(round(1_000_000 / max(n, 1)), 100, 500)),
        "min_theme_size": int(max(2, round(n / 2000))),
    }


class ThemeModel(BaseEstimator):
    """Themes from statements and their embeddings. See the module docstring."""

    def __init__(
        self,
        n_neighbors: int | None = None,
        n_components: int = 5,
        lexical_weight: float = 0.35,
        n_themes: int | None = None,
        max_themes: int | None = None,
        min_theme_size: int | None = None,
        outlier_similarity: float = 0.25,
        max_fit_size: int = 12_000,
        top_n_words: int = 10,
        ngram_range: tuple[int, int] = (1, 2),
        n_quotes: int = 5,
        random_state: int = 42,
        embedder=None,
        reducer=None,
        clusterer=None,
        vectorizer=None,
        representation=None,
    ):
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.lexical_weight = lexical_weight
        self.n_themes = n_themes
        self.max_themes = max_themes
        self.min_theme_size = min_theme_size
        self.outlier_similarity = outlier_similarity
        self.max_fit_size = max_fit_size
        self.top_n_words = top_n_words
        self.ngram_range = ngram_range
        self.n_quotes = n_quotes
        self.random_state = random_state
        self.embedder = embedder
        self.reducer = reducer
        self.clusterer = clusterer
        self.vectorizer = vectorizer
        self.representation = representation

    # -- parts --------------------------------------------------------------------------------
    def _settings(self, n_fit: int) -> dict:
        auto = sizes_for(n_fit)
        return {
            "n_neighbors": int(self.n_neighbors or auto["n_neighbors"]),
            "n_components": int(self.n_components),
            "n_epochs": auto["n_epochs"],
            "min_theme_size": int(self.min_theme_size or auto["min_theme_size"]),
            "lexical_weight": float(self.lexical_weight),
        }

    def _reducer(self, embeddings: np.ndarray, lexical, settings: dict):
        """The reducer, with the blended neighbour graph handed to it when it is UMAP."""
        from bertopic.dimensionality import BaseDimensionalityReduction
        from umap import UMAP

        n = len(embeddings)
        if self.reducer is None and n < max(10, settings["n_components"] + 3):
            return BaseDimensionalityReduction()  # too few statements for a map: cluster the embeddings
        reducer = clone(self.reducer) if self.reducer is not None else UMAP(
            n_neighbors=min(settings["n_neighbors"], n - 1), n_components=settings["n_components"],
            min_dist=0.0, metric="cosine", init="pca", n_epochs=settings["n_epochs"],
            random_state=self.random_state,
        )
        if isinstance(reducer, UMAP) and reducer.precomputed_knn[0] is None:
            indices, distances = hybrid_neighbours(embeddings, lexical, reducer.n_neighbors, settings["lexical_weight"])
            reducer.set_params(precomputed_knn=(indices, distances, None))
        return reducer

    def _clusterer(self, settings: dict):
        if self.clusterer is not None:
            return clone(self.clusterer)
        return SilhouetteWard(n_clusters=self.n_themes, max_clusters=self.max_themes,
                              min_cluster_size=settings["min_theme_size"], random_state=self.random_state)

    def _vectorizer(self):
        return clone(self.vectorizer) if self.vectorizer is not None else keyword_vectoriser(self.ngram_range)

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self.embedder is not None:
            return np.asarray(self.embedder.encode(texts), dtype=np.float32)
        from ..embed import embed_texts

        return embed_texts(texts)

    # -- learning -----------------------------------------------------------------------------
    def fit(self, texts, embeddings=None, y=None):
        """Learn themes from ``texts`` (and their ``embeddings``; embedded when not given)."""
        texts = [str(t) for t in texts]
        embeddings = _normalise(self._embed(texts) if embeddings is None else embeddings)
        if len(embeddings) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
        n = len(texts)
        rng = np.random.default_rng(self.random_state)
        fit_rows = (np.sort(rng.choice(n, self.max_fit_size, replace=False)) if n > self.max_fit_size
                    else np.arange(n))
        self.settings_ = self._settings(len(fit_rows))
        self.fit_rows_ = fit_rows
        if n == 0:
            return self._set_empty(embeddings.shape[1] if embeddings.ndim == 2 else 0)

        fit_texts = [texts[i] for i in fit_rows]
        fit_embeddings = embeddings[fit_rows]
        self.lexical_ = lexical_vectoriser(len(fit_rows))
        try:
            fit_lexical = self.lexical_.fit_transform(fit_texts)
        except ValueError:  # no words at all (numbers, emoji): meaning only
            self.lexical_, fit_lexical = None, None

        clusters = self._cluster(fit_texts, fit_embeddings, fit_lexical)
        labels = np.full(n, -1, dtype=int)
        labels[fit_rows] = clusters
        # statements outside the fitted sample, and those of dissolved clusters, join the theme
        # their nearest clustered statements vote for
        todo = np.flatnonzero(labels < 0)
        if len(todo) and (clusters >= 0).any():
            voted, _ = self._vote(embeddings[todo], [texts[i] for i in todo], fit_embeddings, fit_lexical, clusters)
            labels[todo] = voted
        labels = self._drop_dissimilar(self._renumber(labels), embeddings)
        labels = self._renumber(labels)

        self.labels_ = labels
        self.centroids_ = self._centroids(labels, embeddings)
        self.fit_embeddings_ = fit_embeddings
        self.fit_lexical_ = fit_lexical
        self.fit_labels_ = labels[fit_rows]
        self.confidence_ = np.where(labels >= 0, np.sum(embeddings * self.centroids_[np.maximum(labels, 0)], axis=1)
                                    if len(self.centroids_) else 0.0, 0.0).astype(np.float32)
        self.coverage_ = float((labels >= 0).mean())
        self.themes_ = self._describe(texts, embeddings, labels)
        return self

    def _cluster(self, texts: list[str], embeddings: np.ndarray, lexical) -> np.ndarray:
        """BERTopic with the reducer and clusterer on the fitted statements: cluster per statement."""
        from bertopic import BERTopic

        reducer = self._reducer(embeddings, lexical, self.settings_)
        clusterer = self._clusterer(self.settings_)
        topic_model = BERTopic(
            embedding_model=None, umap_model=reducer, hdbscan_model=clusterer,
            vectorizer_model=self._vectorizer(), top_n_words=self.top_n_words,
            calculate_probabilities=False, verbose=False,
        )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module="umap")
            try:
                topics = topic_model.fit_transform(texts, embeddings=embeddings)[0]
            except ValueError as exc:  # e.g. no keyword left in any statement
                log.info("themes: BERTopic could not describe the clusters (%s); clustering directly", exc)
                reduced = reducer.fit_transform(embeddings)
                topics = clusterer.fit(reduced).labels_
        self.reducer_, self.clusterer_ = reducer, clusterer
        return np.asarray(topics, dtype=int)

    def _vote(self, embeddings, texts, base_embeddings, base_lexical, base_labels):
        lexical = self.lexical_.transform(texts) if self.lexical_ is not None else None
        weight = self.settings_["lexical_weight"] if lexical is not None else 0.0
        return vote(embeddings, lexical, base_embeddings, base_lexical, base_labels, VOTERS, weight)

    @staticmethod
    def _renumber(topics: np.ndarray) -> np.ndarray:
        """Theme numbers by size (largest first), ties by first statement: independent of BERTopic's."""
        topics = np.asarray(topics, dtype=int)
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

    def _drop_dissimilar(self, labels: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        """Statements less similar to their theme's centroid than ``outlier_similarity`` get -1."""
        out = labels.copy()
        if not (out >= 0).any():
            return out
        centroids = self._centroids(out, embeddings)
        themed = np.flatnonzero(out >= 0)
        sims = np.sum(embeddings[themed] * centroids[out[themed]], axis=1)
        out[themed[sims < self.outlier_similarity]] = -1
        return out

    def _describe(self, texts: list[str], embeddings: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
        """themes_: keywords by BERTopic's c-TF-IDF over all statements, label, size, quotes."""
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer

        k = self.centroids_.shape[0]
        keywords: dict[int, list[str]] = {}
        self.topic_model_ = None
        if k:
            topic_model = BERTopic(
                embedding_model=None, umap_model=_Passthrough(), hdbscan_model=_GivenLabels(),
                vectorizer_model=self._vectorizer(), ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                representation_model=self.representation, top_n_words=self.top_n_words,
                calculate_probabilities=False, verbose=False,
            )
            try:
                topics = topic_model.fit_transform(texts, embeddings=embeddings, y=labels)[0]
            except ValueError as exc:  # no keyword in any statement
                log.info("themes: no keywords (%s)", exc)
            else:
                self.topic_model_ = topic_model
                topics = np.asarray(topics, dtype=int)
                for theme in range(k):
                    ids = topics[labels == theme]
                    topic = int(np.bincount(ids[ids >= 0]).argmax()) if (ids >= 0).any() else -1
                    keywords[theme] = [w for w, _ in (topic_model.get_topic(topic) or []) if w]
        rows = []
        texts_arr = np.asarray(texts, dtype=object)
        for theme in range(k):
            members = np.flatnonzero(labels == theme)
            words = keywords.get(theme, [])
            rows.append({
                "theme": theme, "label": readable_label(words), "keywords": words, "size": int(len(members)),
                "quotes": representative_quotes(list(texts_arr[members]), embeddings[members],
                                                self.centroids_[theme], self.n_quotes),
            })
        return pd.DataFrame(rows, columns=["theme", "label", "keywords", "size", "quotes"])

    def _set_empty(self, dim: int):
        self.labels_ = np.zeros(0, dtype=int)
        self.centroids_ = np.zeros((0, dim), dtype=np.float32)
        self.confidence_ = np.zeros(0, dtype=np.float32)
        self.coverage_ = 0.0
        self.lexical_, self.fit_lexical_ = None, None
        self.fit_embeddings_ = np.zeros((0, dim), dtype=np.float32)
        self.fit_labels_ = np.zeros(0, dtype=int)
        self.topic_model_ = None
        self.themes_ = pd.DataFrame(columns=["theme", "label", "keywords", "size", "quotes"])
        return self

    # -- applying -----------------------------------------------------------------------------
    def transform(self, texts=None, embeddings=None) -> np.ndarray:
        """The learned theme of each statement (-1 when none is similar enough).

        A statement takes the theme its nearest fitted statements vote for, comparing by meaning
        and (when ``texts`` are given) by wording, as in ``fit``.
        """
        if not hasattr(self, "labels_"):
            raise RuntimeError("ThemeModel is not fitted; call fit(texts, embeddings) first")
        if texts is None and embeddings is None:
            raise ValueError("give texts, embeddings or both")
        texts = None if texts is None else [str(t) for t in texts]
        embeddings = _normalise(self._embed(texts) if embeddings is None else embeddings)
        if not len(self.centroids_) or not len(embeddings):
            return np.full(len(embeddings), -1, dtype=int)
        if texts is not None and self.lexical_ is not None:
            labels, _ = self._vote(embeddings, texts, self.fit_embeddings_, self.fit_lexical_, self.fit_labels_)
        else:
            labels, _ = vote(embeddings, None, self.fit_embeddings_, None, self.fit_labels_, VOTERS, 0.0)
        themed = np.flatnonzero(labels >= 0)
        sims = np.sum(embeddings[themed] * self.centroids_[labels[themed]], axis=1)
        labels[themed[sims < self.outlier_similarity]] = -1
        return labels


class _Passthrough:
    """BERTopic's reducer slot when the statements are already clustered: hands embeddings on."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X


class _GivenLabels:
    """BERTopic's clusterer slot when the statements are already clustered: the given labels."""

    def fit(self, X, y=None):
        self.labels_ = np.asarray(y, dtype=int)
        return self
