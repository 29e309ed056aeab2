"""Theme areas: the parent groups of themes ("Mobile app" above "Offline mode in the mobile app").

    areas = group_areas(model.centroids_, model.themes_["size"].to_numpy())   # area per theme
    centres = area_centroids(model.centroids_, model.themes_["size"].to_numpy(), areas)
    mapping = match_areas(centres, last_quarter_centres, threshold=0.7)        # new -> old area

Method: Ward linkage of the themes' L2-normalised centroids (on unit vectors the squared
Euclidean distance Ward minimises is twice the cosine distance), cut at the number of areas
between ``min_areas`` and ``max_areas`` with the best size-weighted silhouette (cosine distance
between theme centroids; each theme's silhouette counts by its statements, so a handful of stray
statements cannot pick the count). Ties go to fewer areas. Areas are numbered by their total
size, largest first. Nothing is random: the same centroids give the same areas.

Why this and not something else (``bench/theme_areas.py``, CLINC150's 10 domains over 150
intents): Ward on centroids agreed with the domains better than average, complete or weighted
linkage, better than size-weighted Ward (which lets large themes absorb small unrelated ones),
than spectral clustering of a theme graph built from statement neighbours, than k-means on the
statements and than Ward on the UMAP layout's theme means. The silhouette's count was as good as
the largest-gap-in-merge-heights rule on two labelled sets and less prone to the smallest count.

Areas keep their ids across quarters with :func:`match_areas`, as themes do in the registry:
Hungarian assignment on the cosine of area centroids, pairs below ``threshold`` left unmatched.
"""
from __future__ import annotations

import numpy as np

from ..contract import unit_rows

#: the default bounds on the number of areas: enough to say something, few enough to read
MIN_AREAS = 6
MAX_AREAS = 20


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {x.shape}")
    return unit_rows(x)


def _sizes(sizes, n: int) -> np.ndarray:
    if sizes is None:
        return np.ones(n, dtype=np.float64)
    sizes = np.asarray(sizes, dtype=np.float64).ravel()
    if len(sizes) != n:
        raise ValueError(f"{len(sizes)} sizes for {n} themes")
    if (sizes < 0).any() or not np.isfinite(sizes).all():
        raise ValueError("theme sizes must be finite and not negative")
    return sizes


def area_tree(centroids: np.ndarray) -> np.ndarray:
    """Ward linkage of the themes' unit centroids: scipy's ``(n - 1) x 4`` linkage matrix."""
    from scipy.cluster.hierarchy import linkage

    unit = _unit(centroids)
    if len(unit) < 2:
        return np.zeros((0, 4))
    return linkage(unit, method="ward", metric="euclidean")


def cut_tree(tree: np.ndarray, n: int, k: int) -> np.ndarray:
    """Cluster per leaf after the first ``n - k`` merges of ``tree`` (exactly ``k`` clusters).

    Clusters are numbered by their first leaf. Replays the merges (union-find) instead of
    cutting at a height, so tied merge heights cannot give fewer clusters than asked.
    """
    if not 1 <= k <= max(n, 1):
        raise ValueError(f"cannot cut {n} leaves into {k} clusters")
    parent = list(range(2 * n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for step in range(n - k):
        a, b = int(tree[step, 0]), int(tree[step, 1])
        parent[root(a)] = n + step
        parent[root(b)] = n + step
    roots = [root(i) for i in range(n)]
    first: dict[int, int] = {}
    return np.asarray([first.setdefault(r, len(first)) for r in roots], dtype=int)


def weighted_silhouette(distances: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> float:
    """Mean silhouette of the themes, each weighted by its size (its statements).

    A theme alone in its area scores 0, as in scikit-learn. Needs 2 to ``n - 1`` areas.
    """
    from sklearn.metrics import silhouette_samples

    scores = silhouette_samples(distances, labels, metric="precomputed")
    total = weights.sum()
    return float((scores * weights).sum() / total) if total > 0 else float(scores.mean())


def area_count_scores(centroids: np.ndarray, sizes=None, *, min_areas: int = MIN_AREAS,
                      max_areas: int = MAX_AREAS, tree: np.ndarray | None = None) -> dict[int, float]:
    """The size-weighted silhouette of every count of areas the bounds allow (``{k: score}``).

    Counts are limited to 2 .. number of themes - 1, where a silhouette is defined; the dict is
    empty when no count is.
    """
    unit = _unit(centroids)
    n = len(unit)
    weights = _sizes(sizes, n)
    lo, hi = max(2, int(min_areas)), min(int(max_areas), n - 1)
    if lo > hi:
        return {}
    tree = area_tree(unit) if tree is None else tree
    distances = np.clip(1.0 - unit @ unit.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    return {k: weighted_silhouette(distances, cut_tree(tree, n, k), weights) for k in range(lo, hi + 1)}


def choose_area_count(scores: dict[int, float], n: int, min_areas: int = MIN_AREAS,
                      max_areas: int = MAX_AREAS) -> int:
    """The count with the best score (ties: fewer areas).

    Without scores (too few themes for a silhouette: at most ``min_areas``, or two) every theme is
    its own area, up to ``max_areas``.
    """
    if scores:
        best = max(scores.values())
        return min(k for k, s in scores.items() if s >= best)
    return int(min(n, max_areas))


def number_by_size(labels: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Renumber areas by total size, largest first; ties by the area's first theme."""
    labels = np.asarray(labels, dtype=int)
    ids = np.unique(labels)
    totals = {a: float(sizes[labels == a].sum()) for a in ids}
    first = {a: int(np.argmax(labels == a)) for a in ids}
    order = sorted(ids, key=lambda a: (-totals[a], first[a]))
    mapping = {a: i for i, a in enumerate(order)}
    return np.asarray([mapping[a] for a in labels], dtype=int)


def group_areas(centroids: np.ndarray, sizes=None, *, min_areas: int = MIN_AREAS,
                max_areas: int = MAX_AREAS) -> np.ndarray:
    """The area of each theme (one int per centroid row), areas numbered by total size.

    ``centroids``: one row per theme (the theme model's ``centroids_``; normalised here anyway);
    ``sizes``: statements per theme (``themes_["size"]``; default all 1). The number of areas is
    the best size-weighted silhouette between ``min_areas`` and ``max_areas`` (see the module
    docstring); it never exceeds the number of themes, so one theme gives one area and fewer
    themes than ``min_areas`` give one area each.
    """
    if min_areas < 1 or max_areas < min_areas:
        raise ValueError(f"need 1 <= min_areas <= max_areas, got {min_areas} and {max_areas}")
    unit = _unit(centroids)
    n = len(unit)
    weights = _sizes(sizes, n)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1:
        return np.zeros(1, dtype=int)
    tree = area_tree(unit)
    scores = area_count_scores(unit, weights, min_areas=min_areas, max_areas=max_areas, tree=tree)
    k = choose_area_count(scores, n, min_areas, max_areas)
    return number_by_size(cut_tree(tree, n, k), weights)


def area_centroids(centroids: np.ndarray, sizes, areas: np.ndarray) -> np.ndarray:
    """One unit vector per area (rows in area-number order): its themes' size-weighted mean."""
    unit = _unit(centroids)
    weights = _sizes(sizes, len(unit))
    areas = np.asarray(areas, dtype=int)
    if len(areas) != len(unit):
        raise ValueError(f"{len(areas)} area numbers for {len(unit)} themes")
    k = int(areas.max()) + 1 if len(areas) else 0
    sums = np.zeros((k, unit.shape[1]))
    np.add.at(sums, areas, unit * np.maximum(weights, 1e-12)[:, None])
    return _unit(sums).astype(np.float32)


def match_areas(new_area_centroids: np.ndarray, old_area_centroids: np.ndarray,
                threshold: float = 0.7) -> dict[int, int]:
    """Pair this fit's areas with last time's so area ids stay stable: ``{new row: old row}``.

    Hungarian assignment maximising the summed cosine of the area centroids (as the theme
    registry's ``match`` does for themes); a pair whose cosine is below ``threshold`` is dropped,
    so a new area far from every old one stays unmatched (give it a new id) and an old area
    nothing matched has faded. Each old area is used at most once.
    """
    from scipy.optimize import linear_sum_assignment

    new = np.atleast_2d(np.asarray(new_area_centroids, dtype=np.float64))
    old = np.atleast_2d(np.asarray(old_area_centroids, dtype=np.float64))
    if not new.size or not old.size:
        return {}
    if new.shape[1] != old.shape[1]:
        raise ValueError(f"area centroids have {new.shape[1]} and {old.shape[1]} dimensions")
    sim = _unit(new) @ _unit(old).T
    rows, cols = linear_sum_assignment(sim, maximize=True)
    return {int(r): int(c) for r, c in zip(rows, cols) if sim[r, c] >= threshold}
