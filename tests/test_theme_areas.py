"""Theme areas: planted groups are found, the count keeps to its bounds, ids survive a re-fit."""
from __future__ import annotations

import numpy as np
import pytest

from workbench.themes.areas import (
    area_centroids, area_count_scores, cut_tree, area_tree, group_areas, match_areas,
)

DIM = 384


def unit(x):
    x = np.asarray(x, dtype=np.float64)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def planted(rng, groups=3, per_group=5, spread=0.02, stray=0):
    """Tight groups of theme centroids around random centres, plus ``stray`` lone themes."""
    centres = unit(rng.normal(size=(groups, DIM)))
    rows, truth = [], []
    for g, centre in enumerate(centres):
        for _ in range(per_group):
            rows.append(unit(centre + rng.normal(scale=spread, size=DIM)))
            truth.append(g)
    for _ in range(stray):
        rows.append(unit(rng.normal(size=DIM)))
        truth.append(-1)
    return np.stack(rows), np.asarray(truth)


def same_partition(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return all(len(set(b[a == x])) == 1 for x in set(a)) and all(len(set(a[b == y])) == 1 for y in set(b))


def test_planted_groups_are_recovered():
    rng = np.random.default_rng(0)
    centroids, truth = planted(rng)
    sizes = rng.integers(5, 50, size=len(truth))
    areas = group_areas(centroids, sizes, min_areas=2, max_areas=10)
    assert same_partition(areas, truth)


def test_planted_groups_with_stray_themes_stay_whole_and_apart():
    rng = np.random.default_rng(1)
    centroids, truth = planted(rng, groups=4, per_group=6, stray=3)
    sizes = np.where(truth >= 0, 40, 3)
    areas = group_areas(centroids, sizes, min_areas=2, max_areas=12)
    group_area = []
    for g in range(4):
        found = set(areas[truth == g])
        assert len(found) == 1, f"group {g} split over areas {found}"
        group_area.append(found.pop())
    assert len(set(group_area)) == 4, "two planted groups share an area"


def test_areas_are_numbered_by_total_size():
    rng = np.random.default_rng(2)
    centroids, truth = planted(rng, groups=3, per_group=4)
    sizes = np.select([truth == 0, truth == 1], [5, 100], 30)
    areas = group_areas(centroids, sizes, min_areas=2, max_areas=6)
    assert set(areas[truth == 1]) == {0}
    assert set(areas[truth == 2]) == {1}
    assert set(areas[truth == 0]) == {2}
    totals = np.bincount(areas, weights=sizes)
    assert (np.diff(totals) <= 0).all()


@pytest.mark.parametrize("n_themes", [7, 30, 120])
def test_count_stays_within_bounds(n_themes):
    rng = np.random.default_rng(n_themes)
    centroids = unit(rng.normal(size=(n_themes, DIM)))
    sizes = rng.integers(1, 200, size=n_themes)
    areas = group_areas(centroids, sizes)  # default bounds 6..20
    n_areas = len(set(areas))
    assert 6 <= n_areas <= min(20, n_themes)
    assert sorted(set(areas)) == list(range(n_areas))
    assert len(areas) == n_themes


def test_planted_groups_under_default_bounds_are_split_not_mixed():
    """Fewer planted groups than ``min_areas``: groups are split, never mixed with another."""
    rng = np.random.default_rng(3)
    centroids, truth = planted(rng, groups=3, per_group=8)
    areas = group_areas(centroids, np.full(len(truth), 10))
    assert 6 <= len(set(areas)) <= 20
    for area in set(areas):
        assert len(set(truth[areas == area])) == 1


def test_deterministic_and_independent_of_row_order():
    rng = np.random.default_rng(4)
    centroids, truth = planted(rng, groups=5, per_group=6, spread=0.05, stray=4)
    sizes = rng.integers(1, 100, size=len(truth))
    first = group_areas(centroids, sizes)
    assert np.array_equal(first, group_areas(centroids.copy(), sizes.copy()))
    order = rng.permutation(len(truth))
    permuted = group_areas(centroids[order], sizes[order])
    assert same_partition(permuted, first[order])


def test_no_one_and_two_themes():
    assert group_areas(np.zeros((0, DIM))).shape == (0,)
    assert group_areas(unit(np.ones((1, DIM))), [7]).tolist() == [0]
    rng = np.random.default_rng(5)
    two = unit(rng.normal(size=(2, DIM)))
    assert group_areas(two, [3, 9]).tolist() == [1, 0]  # each its own area, the larger first
    assert group_areas(two, [3, 9], min_areas=1, max_areas=1).tolist() == [0, 0]


def test_fewer_themes_than_min_areas_gives_one_area_each():
    rng = np.random.default_rng(6)
    centroids = unit(rng.normal(size=(4, DIM)))
    areas = group_areas(centroids, [1, 5, 3, 2])
    assert areas.tolist() == [3, 0, 1, 2]


def test_bad_arguments_are_refused():
    rng = np.random.default_rng(7)
    centroids = unit(rng.normal(size=(5, DIM)))
    with pytest.raises(ValueError):
        group_areas(centroids, [1, 2, 3])
    with pytest.raises(ValueError):
        group_areas(centroids, min_areas=5, max_areas=3)
    with pytest.raises(ValueError):
        group_areas(centroids, [1, 2, -3, 4, 5])


def test_cut_tree_gives_exactly_k_clusters():
    rng = np.random.default_rng(8)
    centroids = unit(rng.normal(size=(12, DIM)))
    tree = area_tree(centroids)
    for k in range(1, 13):
        assert len(set(cut_tree(tree, 12, k))) == k


def test_silhouette_scores_cover_the_allowed_counts():
    rng = np.random.default_rng(9)
    centroids, _ = planted(rng, groups=3, per_group=5)
    scores = area_count_scores(centroids, min_areas=2, max_areas=8)
    assert sorted(scores) == list(range(2, 9))
    assert max(scores, key=scores.get) == 3


def test_area_centroids_are_unit_rows_in_area_order():
    rng = np.random.default_rng(10)
    centroids, truth = planted(rng, groups=3, per_group=5)
    sizes = np.full(len(truth), 10)
    areas = group_areas(centroids, sizes, min_areas=2, max_areas=6)
    centres = area_centroids(centroids, sizes, areas)
    assert centres.shape == (3, DIM)
    assert np.allclose(np.linalg.norm(centres, axis=1), 1.0, atol=1e-5)
    for a in range(3):
        assert (unit(centroids[areas == a]) @ centres[a]).min() > 0.9


def test_match_areas_keeps_ids_for_moved_centroids_and_leaves_a_far_one_new():
    rng = np.random.default_rng(11)
    old = unit(rng.normal(size=(6, DIM)))
    order = rng.permutation(6)
    moved = unit(old[order] + rng.normal(scale=0.02, size=(6, DIM)))
    far = unit(rng.normal(size=(1, DIM)))
    new = np.vstack([moved, far])
    mapping = match_areas(new, old, threshold=0.7)
    assert mapping == {i: int(order[i]) for i in range(6)}
    assert 6 not in mapping


def test_match_areas_threshold_and_empty_inputs():
    rng = np.random.default_rng(12)
    old = unit(rng.normal(size=(3, DIM)))
    assert match_areas(old, old, threshold=0.99) == {0: 0, 1: 1, 2: 2}
    assert match_areas(unit(rng.normal(size=(3, DIM))), old, threshold=0.7) == {}
    assert match_areas(np.zeros((0, DIM)), old) == {}
    assert match_areas(old, np.zeros((0, DIM))) == {}
    with pytest.raises(ValueError):
        match_areas(old, unit(rng.normal(size=(2, 10))))
