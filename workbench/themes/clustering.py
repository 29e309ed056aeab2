"""How many themes, and which statement in which: Ward linkage cut where themes separate best.

``SilhouetteWard`` is a scikit-learn-style clusterer (``fit(X)`` learns ``labels_``) for the
reduced embeddings. It builds one Ward tree, cuts it at about 40 candidate counts spaced evenly on
a log scale between ``min_clusters`` and ``max_clusters`` (default: a tenth of the statements),
scores each cut by its silhouette on a fixed sample, smooths the scores over neighbouring
candidates (a three-point moving average: a single sample's score is noisy), and keeps the *finest*
cut whose smoothed silhouette is within ``tolerance`` of the best. Silhouette curves of real
feedback are flat near their top;
among nearly equally separated cuts the finer one is kept because an analyst can merge two themes
in the registry in one step but cannot split one. The count comes from the data, never from
labels. Clusters smaller than ``min_cluster_size`` are marked -1 (outliers) for the caller to
reassign.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin


class SilhouetteWard(ClusterMixin, BaseEstimator):
    """Ward clustering with the number of clusters chosen by silhouette (see the module docstring).

    ``n_clusters``: fix the count instead. Learned: ``labels_``, ``n_clusters_``,
    ``silhouettes_`` and ``smoothed_silhouettes_`` (candidate count -> silhouette). Deterministic for a given ``random_state``.
    """

    def __init__(self, n_clusters: int | None = None, min_clusters: int = 2, max_clusters: int | None = None,
                 n_candidates: int = 40, tolerance: float = 0.01, sample_size: int = 3000,
                 min_cluster_size: int = 1, random_state: int | None = 0):
        self.n_clusters = n_clusters
        self.min_clusters = min_clusters
        self.max_clusters = max_clusters
        self.n_candidates = n_candidates
        self.tolerance = tolerance
        self.sample_size = sample_size
        self.min_cluster_size = min_cluster_size
        self.random_state = random_state

    def fit(self, X, y=None):
        from scipy.cluster.hierarchy import fcluster, linkage

        X = np.asarray(X, dtype=np.float64)
        n = len(X)
        self.silhouettes_, self.smoothed_silhouettes_ = {}, {}
        if n < 3:
            self.n_clusters_ = 1 if n else 0
            self.labels_ = np.zeros(n, dtype=int)
            return self
        tree = linkage(X, method="ward")
        if self.n_clusters is not None:
            k = int(min(max(1, self.n_clusters), n))
        else:
            k = self._choose(X, tree)
        labels = fcluster(tree, k, criterion="maxclust").astype(int) - 1
        self.labels_ = self._drop_small(labels)
        self.n_clusters_ = int(self.labels_.max() + 1) if (self.labels_ >= 0).any() else 0
        return self

    def candidates(self, n: int) -> np.ndarray:
        """The cluster counts tried for ``n`` points."""
        high = self.max_clusters if self.max_clusters is not None else max(self.min_clusters, n // 10)
        high = int(min(max(high, self.min_clusters), n - 1))
        low = int(min(max(2, self.min_clusters), high))
        return np.unique(np.round(np.geomspace(low, high, self.n_candidates)).astype(int))

    def _choose(self, X: np.ndarray, tree: np.ndarray) -> int:
        from scipy.cluster.hierarchy import fcluster
        from sklearn.metrics import pairwise_distances, silhouette_score

        rng = np.random.default_rng(self.random_state)
        sample = np.sort(rng.choice(len(X), self.sample_size, replace=False)) if len(X) > self.sample_size else None
        distances = pairwise_distances(X if sample is None else X[sample])  # once for every candidate
        for k in self.candidates(len(X)):
            labels = fcluster(tree, int(k), criterion="maxclust")
            labels = labels if sample is None else labels[sample]
            if 1 < len(np.unique(labels)) < len(distances):
                self.silhouettes_[int(k)] = float(silhouette_score(distances, labels, metric="precomputed"))
        if not self.silhouettes_:
            return 1
        ks = np.array(list(self.silhouettes_))
        scores = np.array(list(self.silhouettes_.values()))
        smoothed = np.array([scores[max(0, i - 1):i + 2].mean() for i in range(len(scores))])
        self.smoothed_silhouettes_ = dict(zip(ks.tolist(), smoothed.tolist()))
        return int(ks[smoothed >= smoothed.max() - self.tolerance].max())

    def _drop_small(self, labels: np.ndarray) -> np.ndarray:
        """Clusters under ``min_cluster_size`` become -1; the rest are renumbered 0..k-1 in order."""
        counts = np.bincount(labels)
        keep = np.flatnonzero(counts >= self.min_cluster_size)
        mapping = np.full(len(counts), -1, dtype=int)
        mapping[keep] = np.arange(len(keep))
        return mapping[labels]

    def fit_predict(self, X, y=None):
        return self.fit(X).labels_
