"""Extended BCubed: precision, recall and F of an overlapping clustering against overlapping labels.

Amigó, Gonzalo, Artiles and Verdejo (2009), "A comparison of extrinsic clustering evaluation
metrics based on formal constraints", section 5. Each item ``e`` has a set of clusters ``C(e)``
(here: the themes of a statement's mentions) and a set of categories ``L(e)`` (its gold labels).
For two items sharing at least one cluster,

    multiplicity precision(e, e') = min(|C(e) ∩ C(e')|, |L(e) ∩ L(e')|) / |C(e) ∩ C(e')|

and for two items sharing at least one category,

    multiplicity recall(e, e')    = min(|C(e) ∩ C(e')|, |L(e) ∩ L(e')|) / |L(e) ∩ L(e')|.

Precision is the mean over items ``e`` of the mean multiplicity precision over the items ``e'``
sharing a cluster with ``e`` (``e`` itself included); recall likewise over categories; F is their
harmonic mean. An item with no cluster (a statement no theme took) counts as a cluster of its own,
and an item with no category as a category of its own, the usual reading of "unclustered": it
costs recall, never precision.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np


def _incidence(sets: Sequence[Iterable[Hashable]]) -> np.ndarray:
    """Items x groups 0/1 matrix; an empty set becomes a group of its own."""
    index: dict = {}
    rows, cols = [], []
    for i, groups in enumerate(sets):
        groups = set(groups)
        if not groups:
            groups = {("__alone__", i)}
        for g in groups:
            rows.append(i)
            cols.append(index.setdefault(g, len(index)))
    matrix = np.zeros((len(sets), max(1, len(index))), dtype=np.float32)
    matrix[rows, cols] = 1.0
    return matrix


def extended_bcubed(clusters: Sequence[Iterable[Hashable]],
                    categories: Sequence[Iterable[Hashable]]) -> tuple[float, float, float]:
    """(precision, recall, F) of ``clusters[i]`` (a set per item) against ``categories[i]``."""
    if len(clusters) != len(categories):
        raise ValueError(f"{len(clusters)} cluster sets but {len(categories)} category sets")
    if not len(clusters):
        return 0.0, 0.0, 0.0
    c = _incidence(clusters)
    g = _incidence(categories)
    shared_c = c @ c.T  # |C(e) ∩ C(e')|
    shared_l = g @ g.T  # |L(e) ∩ L(e')|
    both = np.minimum(shared_c, shared_l)
    with np.errstate(invalid="ignore", divide="ignore"):
        mp = np.where(shared_c > 0, both / shared_c, 0.0)
        mr = np.where(shared_l > 0, both / shared_l, 0.0)
    precision = float(np.mean(mp.sum(axis=1) / (shared_c > 0).sum(axis=1)))
    recall = float(np.mean(mr.sum(axis=1) / (shared_l > 0).sum(axis=1)))
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f
