"""Small, deterministic stand-ins for the embedding model and the theme model, for fast tests."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import HashingVectorizer


class HashingEmbedder:
    """Hashed words and bigrams through a fixed random projection to 64-d.

    A fixed function of each text (like a real model: the same text always gets the same vector,
    whatever else is embedded with it); texts sharing words land close.
    """

    def __init__(self, dim: int = 64, seed: int = 0):
        self.dim = dim
        self.calls = 0
        self.identity = f"hashing-{dim}d-seed{seed}"   # names the embedding space (a real model's path)
        self._vectorizer = HashingVectorizer(n_features=2**14, ngram_range=(1, 2), stop_words="english",
                                             alternate_sign=False, norm="l2")
        self._projection = np.random.default_rng(seed).standard_normal((2**14, dim)).astype(np.float32)

    def encode(self, texts):
        self.calls += 1
        v = np.asarray(self._vectorizer.transform(list(texts)) @ self._projection)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


class KMeansThemes(BaseEstimator):
    """The theme model's interface (labels_, themes_, centroids_) on plain KMeans."""

    def __init__(self, n_themes: int = 8, random_state: int = 0):
        self.n_themes = n_themes
        self.random_state = random_state

    def fit(self, texts, embeddings=None):
        km = KMeans(self.n_themes, n_init=4, random_state=self.random_state).fit(embeddings)
        self.labels_ = km.labels_.astype(int)
        centroids = km.cluster_centers_
        self.centroids_ = centroids / np.linalg.norm(centroids, axis=1, keepdims=True)
        texts = pd.Series(list(texts))
        rows = []
        for k in range(self.n_themes):
            words = pd.Series(" ".join(texts[self.labels_ == k]).lower().split()).value_counts()
            words = [w for w in words.index if len(w) > 4][:5]
            rows.append({"theme": k, "label": " / ".join(words[:2]) or f"theme {k}", "keywords": words,
                         "size": int((self.labels_ == k).sum())})
        self.themes_ = pd.DataFrame(rows)
        return self


class SlowEmbedder(HashingEmbedder):
    """:class:`HashingEmbedder` that takes ``delay`` seconds per call (a worker can be killed mid-task)."""

    def __init__(self, delay: float = 0.3, **kwargs):
        super().__init__(**kwargs)
        self.delay = delay

    def encode(self, texts):
        import time

        time.sleep(self.delay)
        return super().encode(texts)
