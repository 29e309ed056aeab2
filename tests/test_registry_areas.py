"""Areas in the registry: stable ids across fits, analysts' moves and names kept, the centroid file."""
import numpy as np
import pandas as pd
import pytest
import yaml

from workbench.themes.matching import assign_areas, set_area_names
from workbench.themes.registry import RegistryError, ThemeRegistry, default_path

DIM = 8


def clock():
    return "2026-10-01T00:00:00+00:00"


def fit(registry, centroids, quarter, sizes=None):
    """Attach a fit with one cluster per centroid (``sizes`` statements each) to the registry."""
    k = len(centroids)
    sizes = sizes or [10] * k
    themes = pd.DataFrame({"theme": range(k), "label": [f"theme {i}" for i in range(k)],
                           "keywords": [[f"w{i}"] for i in range(k)], "size": sizes})
    rows = [(f"{quarter}-{c}-{j}", c, quarter) for c in range(k) for j in range(sizes[c])]
    assignments = pd.DataFrame(rows, columns=["evidence_id", "theme", "quarter"])
    return registry.match(themes, np.asarray(centroids), assignments, quarter)


def planted(seed=0, jitter=0.0):
    """Nine themes in three directions: themes 0-2 around e0, 3-5 around e1, 6-8 around e2."""
    rng = np.random.default_rng(seed)
    base = np.eye(DIM)[:3]
    out = np.vstack([base[i // 3] + 0.15 * np.eye(DIM)[3 + i % 3] for i in range(9)])
    return out + jitter * rng.normal(size=out.shape)


def by_direction(centroids, sizes):
    """A stand-in for the area grouping: the strongest of the first three coordinates."""
    return np.argmax(np.asarray(centroids)[:, :3], axis=1)


def test_areas_get_stable_ids_and_keep_them_when_centroids_drift():
    registry = ThemeRegistry(clock=clock)
    res = fit(registry, planted(), "2026Q1")
    first = assign_areas(registry, "2026Q1", by_direction)
    assert len(set(first.values())) == 3
    same = {first[res.mapping[i]] for i in range(3)}
    assert len(same) == 1                                          # themes 0-2 share an area
    # next quarter: the same themes, drifted, and a group numbering the grouping happens to reverse
    res2 = fit(registry, planted(seed=1, jitter=0.03), "2026Q2")
    assert [res2.mapping[i] for i in range(9)] == [res.mapping[i] for i in range(9)]
    second = assign_areas(registry, "2026Q2", lambda c, s: 2 - by_direction(c, s))
    assert second == first
    assert registry.areas_frame()["status"].tolist() == ["active"] * 3


def test_a_new_group_of_themes_becomes_a_new_area():
    registry = ThemeRegistry(clock=clock)
    fit(registry, planted(), "2026Q1")
    before = set(assign_areas(registry, "2026Q1", by_direction).values())
    extra = np.vstack([planted(), np.eye(DIM)[6:8] + 0.01])       # two new themes in a fourth direction
    res = fit(registry, extra, "2026Q2")
    grouping = lambda c, s: np.where(np.asarray(c)[:, 6:8].max(axis=1) > 0.5, 3, by_direction(c, s))  # noqa: E731
    after = assign_areas(registry, "2026Q2", grouping)
    new = {after[res.mapping[9]], after[res.mapping[10]]}
    assert len(new) == 1 and not new & before
    assert set(after.values()) == before | new


def test_an_analysts_move_and_name_survive_a_rerun_and_can_be_undone(tmp_path):
    registry = ThemeRegistry(clock=clock)
    res = fit(registry, planted(), "2026Q1")
    areas = assign_areas(registry, "2026Q1", by_direction)
    theme = res.mapping[0]
    target = areas[res.mapping[4]]
    registry.move_theme(theme, target, who="ana")
    registry.rename_area(target, "Mobile app", who="ana")
    set_area_names(registry, {target: ("model's name", ["kw"])})
    path = default_path(tmp_path)
    registry.save(path)
    loaded = ThemeRegistry.load(path, clock=clock)
    fit(loaded, planted(seed=2, jitter=0.02), "2026Q2")
    again = assign_areas(loaded, "2026Q2", by_direction)
    assert again[theme] == target                                  # the move survives the re-run
    assert loaded.areas[target]["name"] == "Mobile app"            # so does the name
    assert loaded.areas[target]["keywords"] == ["kw"]
    assert [e["action"] for e in loaded.history() if e["action"] in ("move_theme", "rename_area")] == \
        ["move_theme", "rename_area"]
    loaded.undo()                                                  # the rename
    assert loaded.areas[target]["name_source"] == "model"
    loaded.undo()                                                  # the move
    assert assign_areas(loaded, "2026Q2", by_direction)[theme] == areas[theme]


def test_moving_into_an_unknown_area_is_refused_naming_the_areas():
    registry = ThemeRegistry(clock=clock)
    res = fit(registry, planted(), "2026Q1")
    before = assign_areas(registry, "2026Q1", by_direction)[res.mapping[0]]
    with pytest.raises(RegistryError, match="no area 'A99'.*A01"):
        registry.move_theme(res.mapping[0], "A99")
    new = registry.add_area("Billing")
    registry.move_theme(res.mapping[0], new)
    assert registry.area_of(res.mapping[0]) == new
    registry.undo()                                                # the move: back where it was
    assert registry.area_of(res.mapping[0]) == before
    registry.undo()                                                # the add: the area goes
    assert new not in registry.areas


def test_centroids_live_beside_the_yaml_and_a_mismatch_is_an_error(tmp_path):
    registry = ThemeRegistry(clock=clock)
    fit(registry, planted(), "2026Q1")
    assign_areas(registry, "2026Q1", by_direction)
    path = default_path(tmp_path)
    registry.save(path)
    raw = yaml.safe_load(path.read_text())
    assert raw["centroids"]["file"] == "theme_registry.centroids.npy"
    assert len(raw["centroids"]["themes"]) == 9 and len(raw["centroids"]["areas"]) == 3
    loaded = ThemeRegistry.load(path)
    ids, vectors = loaded.centroids()
    assert vectors.shape == (9, DIM)
    assert loaded.areas["A01"]["centroid"] is not None
    np.save(ThemeRegistry.centroids_path(path), np.zeros((3, DIM)))
    with pytest.raises(RegistryError, match="3 centroid rows, but theme_registry.yml names 12"):
        ThemeRegistry.load(path)
    ThemeRegistry.centroids_path(path).unlink()
    with pytest.raises(RegistryError, match="centroids file theme_registry.centroids.npy is missing"):
        ThemeRegistry.load(path)


def test_a_registry_with_centroids_inline_still_loads(tmp_path):
    """Registries written before the centroids moved out keep them in the YAML."""
    path = default_path(tmp_path)
    path.write_text(yaml.safe_dump({"version": 1, "next_number": 2, "themes": {
        "T0001": {"label": "old", "status": "active", "centroid": [1.0] + [0.0] * (DIM - 1)}}}))
    loaded = ThemeRegistry.load(path)
    assert loaded.centroids()[1].shape == (1, DIM)
    loaded.save(path)
    assert ThemeRegistry.load(path).themes["T0001"]["centroid"][0] == 1.0
