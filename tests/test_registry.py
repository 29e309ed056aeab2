"""Theme registry: stable ids across re-fits, emerging/fading, analysts' edits, undo, YAML."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from workbench.themes.registry import MatchResult, RegistryError, ThemeRegistry, default_path

DIM = 24


def unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def make_centers(k, seed=0):
    return unit(np.random.default_rng(seed).normal(size=(k, DIM)))


def blob_statements(centers, blob_ids, n_per, quarter, seed):
    """n_per statements around each listed centre, in one quarter; ids say where they came from."""
    rng = np.random.default_rng(seed)
    rows, vectors = [], []
    for b in blob_ids:
        for j in range(n_per):
            rows.append({"evidence_id": f"ev_{quarter}_{b}_{j:03d}", "quarter": quarter, "blob": b})
            vectors.append(centers[b] + rng.normal(scale=0.12, size=DIM))
    return pd.DataFrame(rows), unit(np.asarray(vectors)).astype(np.float32)


class ShuffledClusterer:
    """A stand-in for BERTopic: finds the blobs (mislabelling a fraction ``noise`` of the
    statements at random), but numbers the clusters differently on every fit and labels them
    after their number, which is what a real topic model does."""

    def __init__(self, k, seed, noise=0.0):
        self.k, self.seed, self.noise = k, seed, noise

    def fit(self, embeddings, blobs):
        rng = np.random.default_rng(self.seed)
        found = np.unique(blobs)
        assert len(found) == self.k
        dense = np.searchsorted(found, blobs)
        wrong = rng.random(len(dense)) < self.noise
        dense = np.where(wrong, rng.integers(0, self.k, len(dense)), dense)
        self.labels_ = rng.permutation(self.k)[dense]
        self.themes_ = pd.DataFrame({
            "theme": range(self.k),
            "label": [f"topic {t} (fit {self.seed})" for t in range(self.k)],
            "keywords": [[f"kw{t}", f"fit{self.seed}"] for t in range(self.k)],
            "size": [int((self.labels_ == t).sum()) for t in range(self.k)],
        })
        self.centroids_ = np.vstack([unit(embeddings[self.labels_ == t].mean(axis=0)) for t in range(self.k)])
        return self


def fit_and_match(registry, evidence, embeddings, quarter, k, seed, noise=0.0, **kw) -> MatchResult:
    model = ShuffledClusterer(k, seed, noise).fit(embeddings, evidence["blob"].to_numpy())
    assignments = evidence[["evidence_id", "quarter"]].assign(theme=model.labels_)
    return registry.match(model.themes_, model.centroids_, assignments, quarter, **kw)


def ids_by_evidence(result: MatchResult) -> pd.Series:
    return result.assignments.set_index("evidence_id")["theme_id"]


def fixed_clock():
    counter = itertools.count(1)
    return lambda: f"2026-11-22T10:{next(counter):02d}:00+00:00"


@pytest.fixture
def two_quarters():
    centers = make_centers(7)
    q1, e1 = blob_statements(centers, range(6), 40, "2026Q1", seed=1)
    q2, e2 = blob_statements(centers, range(6), 40, "2026Q2", seed=2)
    return centers, pd.concat([q1, q2], ignore_index=True), np.vstack([e1, e2])


def test_same_data_fitted_twice_keeps_every_id(two_quarters):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    first = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    second = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=2)
    # the two fits number their clusters differently ...
    assert (first.assignments["cluster"] != second.assignments["cluster"]).any()
    # ... yet every statement keeps its theme id
    assert (ids_by_evidence(first) == ids_by_evidence(second)).all()
    assert len(registry.themes) == 6
    assert second.new_ids == []


def test_fresh_registries_give_the_same_ids_whatever_the_numbering(two_quarters):
    _, evidence, emb = two_quarters
    a = fit_and_match(ThemeRegistry(clock=fixed_clock()), evidence, emb, "2026Q2", k=6, seed=3)
    b = fit_and_match(ThemeRegistry(clock=fixed_clock()), evidence, emb, "2026Q2", k=6, seed=4)
    # numbering really differs between the fits (so this test can fail)
    by_blob_a = evidence.assign(c=a.assignments["cluster"]).groupby("blob")["c"].first()
    by_blob_b = evidence.assign(c=b.assignments["cluster"]).groupby("blob")["c"].first()
    assert (by_blob_a != by_blob_b).any()
    assert (ids_by_evidence(a) == ids_by_evidence(b)).all()


def test_a_new_quarter_keeps_earlier_ids_flags_emerging_and_fading(two_quarters):
    centers, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    before = ids_by_evidence(fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=5, noise=0.01))
    # 2026Q3: blobs 1-5 continue, blob 0 goes quiet, blob 6 appears for the first time
    q3, e3 = blob_statements(centers, [1, 2, 3, 4, 5, 6], 40, "2026Q3", seed=3)
    all_evidence = pd.concat([evidence, q3], ignore_index=True)
    result = fit_and_match(registry, all_evidence, np.vstack([emb, e3]), "2026Q3", k=7, seed=6, noise=0.01)
    after = ids_by_evidence(result)

    kept = (after.loc[before.index] == before).mean()
    assert kept >= 0.95

    blob_theme = all_evidence.assign(t=result.assignments["theme_id"]).groupby("blob")["t"].agg(lambda s: s.mode()[0])
    new_theme = blob_theme[6]
    assert new_theme not in set(before)
    assert result.emerging == [new_theme]
    assert registry.themes[new_theme]["status"] == "emerging"
    assert registry.themes[new_theme]["first_seen"] == "2026Q3"
    quiet_theme = blob_theme[0]
    assert result.fading == [quiet_theme]
    assert registry.themes[quiet_theme]["status"] == "fading"
    assert registry.themes[quiet_theme]["last_seen"] == "2026Q2"
    assert registry.themes[blob_theme[1]]["status"] == "active"
    assert registry.themes[blob_theme[1]]["first_seen"] == "2026Q1"
    assert registry.themes[blob_theme[1]]["last_seen"] == "2026Q3"


def test_low_similarity_cluster_is_not_forced_onto_a_theme(two_quarters):
    centers, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=7)
    # a single cluster far from all six: with 1 cluster vs 6 themes Hungarian would pair it
    # with *something*; the minimum similarity must stop that
    far, far_emb = blob_statements(make_centers(1, seed=99), [0], 20, "2026Q3", seed=9)
    res = registry.match(
        pd.DataFrame({"theme": [0], "label": ["far"], "keywords": [["x"]], "size": [20]}),
        unit(far_emb.mean(axis=0, keepdims=True)), far.assign(theme=0), "2026Q3", threshold=0.7)
    assert res.new_ids == [res.mapping[0]] and res.mapping[0] == "T0007"
    assert np.isnan(res.similarity[0])


def test_outliers_have_no_theme_and_centroids_move_gently(two_quarters):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    model = ShuffledClusterer(6, seed=8).fit(emb, evidence["blob"].to_numpy())
    labels = model.labels_.copy()
    labels[:5] = -1
    res = registry.match(model.themes_, model.centroids_, evidence.assign(theme=labels), "2026Q2")
    assert res.assignments["theme_id"].iloc[:5].isna().all()
    assert res.assignments["theme_id"].iloc[5:].notna().all()
    theme_id = res.mapping[0]
    old = np.asarray(registry.themes[theme_id]["centroid"])
    size = registry.themes[theme_id]["weight"]
    # a fit whose centroid for that cluster moved: the registry moves only part of the way
    moved = model.centroids_.copy()
    moved[0] = unit(moved[0] + 0.3 * make_centers(1, seed=5)[0])
    themes = model.themes_.assign(size=[size] * 6)
    registry.match(themes, moved, evidence.assign(theme=model.labels_), "2026Q2")
    new = np.asarray(registry.themes[theme_id]["centroid"])
    expected = unit(old * size + moved[0] * (model.labels_ == 0).sum())
    assert np.allclose(new, expected, atol=1e-4)
    assert 0 < np.linalg.norm(new - old) < np.linalg.norm(moved[0] - old)


def test_the_outlier_topic_never_takes_a_theme(two_quarters):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry()
    first = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    model = ShuffledClusterer(6, seed=2).fit(emb, evidence["blob"].to_numpy())
    # BERTopic lists its outliers as topic -1; give it the exact centroid of a real theme
    themes = pd.concat([pd.DataFrame({"theme": [-1], "label": ["outliers"], "keywords": [[]], "size": [0]}),
                        model.themes_], ignore_index=True)
    centroids = np.vstack([model.centroids_[0], model.centroids_])
    res = registry.match(themes, centroids, evidence.assign(theme=model.labels_), "2026Q2")
    assert -1 not in res.mapping and res.new_ids == []
    assert (ids_by_evidence(res) == ids_by_evidence(first)).all()


def test_dimension_change_is_a_clear_error(two_quarters):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry()
    fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    with pytest.raises(RegistryError, match="dimensions"):
        registry.match(pd.DataFrame({"theme": [0], "label": ["x"]}), np.ones((1, DIM + 1)),
                       evidence.assign(theme=0), "2026Q2")


def test_a_new_embedding_model_keeps_ids_once_centroids_are_reexpressed(two_quarters, tmp_path):
    centers, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    registry.fitted_with["embedding"] = "model-a"
    first = ids_by_evidence(fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1))
    # another model: the same statements in another space (a rotation plus 8 more dimensions)
    rotation = np.linalg.qr(np.random.default_rng(5).normal(size=(DIM + 8, DIM + 8)))[0]
    other = unit(np.hstack([emb, np.zeros((len(emb), 8))]) @ rotation)
    orphan = registry._allocate_id()
    registry.themes[orphan] = {**registry.themes[first.iloc[0]], "label": "no statements left"}
    held = evidence[["evidence_id"]].assign(theme_id=first.reindex(evidence["evidence_id"]).to_numpy())
    moved = registry.reexpress_centroids(held, other, "model-b")
    assert moved["themes"] == 6 and moved["without_statements"] == [orphan]
    assert registry.themes[orphan]["centroid"] is None
    assert registry.fitted_with["embedding"] == "model-b"
    assert registry.history()[-1]["action"] == "reembed" and registry.history(orphan)[-1]["action"] == "reembed"
    # a fit in the new space (numbered differently) finds the same ids
    again = ids_by_evidence(fit_and_match(registry, evidence, other, "2026Q2", k=6, seed=9))
    assert (again.reindex(first.index) == first).mean() == 1.0
    path = registry.save(default_path(tmp_path))
    assert ThemeRegistry.load(path).fitted_with == {"embedding": "model-b"}
    with pytest.raises(RegistryError, match="vectors"):
        registry.reexpress_centroids(held, other[:5], "model-c")


def test_without_reexpression_a_same_sized_new_space_loses_the_ids(two_quarters):
    """Why re-expression is needed: centroids of another model's space match nothing."""
    _, evidence, emb = two_quarters
    registry = ThemeRegistry()
    first = ids_by_evidence(fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1))
    rotation = np.linalg.qr(np.random.default_rng(5).normal(size=(DIM, DIM)))[0]
    again = ids_by_evidence(fit_and_match(registry, evidence, unit(emb @ rotation), "2026Q2", k=6, seed=9))
    assert (again.reindex(first.index) == first).mean() < 0.5


# --- analysts' edits ---------------------------------------------------------------------


def test_rename_survives_a_refit_and_is_in_history(two_quarters):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    res = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    theme_id = res.mapping[2]
    registry.rename(theme_id, "Exports to Excel", who="maya")
    untouched = res.mapping[3]
    res2 = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=2)
    assert registry.label(theme_id) == "Exports to Excel"
    # a theme nobody renamed takes the new fit's label
    new_cluster = {v: k for k, v in res2.mapping.items()}[untouched]
    assert registry.label(untouched) == f"topic {new_cluster} (fit 2)"
    entry = [e for e in registry.history() if e["action"] == "rename"][0]
    assert entry["who"] == "maya" and entry["args"] == {"theme_id": theme_id, "label": "Exports to Excel"}
    assert entry["at"].startswith("2026-11-22T10:")


def test_merge_resolves_assignments_now_and_after_refit(two_quarters):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    res = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    a, b = res.mapping[0], res.mapping[1]
    members_a = res.assignments.loc[res.assignments["theme_id"] == a, "evidence_id"]
    registry.merge(a, into=b, at="2026-11-22T09:00:00+00:00")
    assert registry.themes[a]["status"] == "merged"
    res2 = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=2)
    ids = ids_by_evidence(res2)
    assert (ids.loc[members_a] == b).all()
    assert a not in set(ids)
    assert registry.themes[a]["status"] == "merged"      # a re-fit does not un-merge
    with pytest.raises(RegistryError):
        registry.merge(b, into=a)                          # would merge b into itself


def test_split_moves_evidence_and_undo_restores(two_quarters):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    res = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    source = res.mapping[4]
    moved = list(res.assignments.loc[res.assignments["theme_id"] == source, "evidence_id"][:3])
    new_id = registry.split(source, moved, "Export to PDF", who="leo")
    assert new_id == "T0007"
    ids = ids_by_evidence(fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=2))
    assert (ids.loc[moved] == new_id).all()
    assert (ids == source).sum() == 40 * 2 - 3
    assert registry.label(new_id) == "Export to PDF"
    undone = registry.undo()
    assert undone["action"] == "split"
    assert new_id not in registry.themes and not registry.overrides
    ids = ids_by_evidence(fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=3))
    assert (ids.loc[moved] == source).all()


def test_undo_reverts_the_last_edit_first_and_is_recorded():
    registry = ThemeRegistry(clock=fixed_clock())
    registry.match(pd.DataFrame({"theme": [0], "label": ["auto"]}), make_centers(1),
                   pd.DataFrame({"evidence_id": ["ev_1"], "theme": [0]}), "2026Q1")
    registry.rename("T0001", "Billing")
    registry.pin_quote("T0001", "ev_1")
    registry.mark_requirement("T0001")
    registry.undo()
    assert registry.themes["T0001"]["requirement"] is False
    assert registry.themes["T0001"]["pinned_quotes"] == ["ev_1"]
    registry.undo()
    assert registry.themes["T0001"]["pinned_quotes"] == []
    assert registry.label("T0001") == "Billing"
    registry.undo()
    assert registry.label("T0001") == "auto" and registry.themes["T0001"]["label_source"] == "model"
    with pytest.raises(RegistryError, match="nothing to undo"):
        registry.undo()
    actions = [e["action"] for e in registry.history()]
    assert actions == ["match", "rename", "pin_quote", "mark_requirement", "undo", "undo", "undo"]
    assert all(e.get("undone") for e in registry.history()[1:4])
    assert [e["at"] for e in registry.history("T0001")][:2] == ["2026-11-22T10:01:00+00:00", "2026-11-22T10:02:00+00:00"]


def test_a_batch_of_edits_is_undone_as_one(tmp_path):
    registry = ThemeRegistry(clock=fixed_clock())
    registry.match(pd.DataFrame({"theme": [0], "label": ["auto"]}), make_centers(1),
                   pd.DataFrame({"evidence_id": ["ev_1", "ev_2", "ev_3"], "theme": [0, 0, 0]}), "2026Q1")
    registry.rename("T0001", "Billing")
    with registry.batch() as first:
        for evidence_id in ("ev_1", "ev_2", "ev_3"):
            registry.pin_quote("T0001", evidence_id)
    with registry.batch() as second:
        registry.mark_requirement("T0001")
    assert first != second
    assert [e.get("batch") for e in registry.history()] == [None, None, first, first, first, second]
    path = registry.save(tmp_path / "theme_registry.yml")
    loaded = ThemeRegistry.load(path, clock=fixed_clock())             # the batch ids are in the file
    assert loaded.undo()["action"] == "mark_requirement"               # a batch of one
    undone = loaded.undo()                                             # the three pins at once
    assert undone["action"] == "pin_quote" and undone["edits"] == 3
    assert loaded.themes["T0001"]["pinned_quotes"] == [] and loaded.label("T0001") == "Billing"
    assert loaded.history()[-1]["args"]["edits"] == 3
    assert loaded.undo()["action"] == "rename" and loaded.label("T0001") == "auto"
    with pytest.raises(RegistryError):                                 # a batch left by an error is closed
        with registry.batch():
            registry.unpin_quote("T0001", "ev_9")
    registry.rename("T0001", "Invoices")
    assert "batch" not in registry.history()[-1]


def test_journey_stage_is_an_undoable_edit(two_quarters, tmp_path):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=fixed_clock())
    theme = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1).mapping[0]
    assert registry.themes[theme]["journey_stage"] is None
    registry.set_journey_stage(theme, "Billing", who="ana")
    assert registry.themes[theme]["journey_stage"] == "billing"
    with pytest.raises(RegistryError, match="journey stage must be one of"):
        registry.set_journey_stage(theme, "checkout")
    fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=2)     # a refit keeps it
    assert registry.themes_frame().set_index("theme_id").loc[theme, "journey_stage"] == "billing"
    loaded = ThemeRegistry.load(registry.save(default_path(tmp_path)))
    assert loaded.themes[theme]["journey_stage"] == "billing"
    assert loaded.undo()["action"] == "set_journey_stage" and loaded.themes[theme]["journey_stage"] is None
    registry.set_journey_stage(theme, "")
    assert registry.themes[theme]["journey_stage"] is None


def test_requirement_status_defaults_open_and_shipped_gets_a_date():
    registry = ThemeRegistry(clock=lambda: "2026-11-22T08:30:00+00:00")
    assert registry.requirement_status("R-1")["status"] == "open"
    registry.set_requirement_status("R-1", "planned", "2027-01-15")
    assert registry.requirement_status("R-1") == {"status": "planned", "date": "2027-01-15", "note": None}
    registry.set_requirement_status("R-1", "shipped")
    assert registry.requirement_status("R-1")["date"] == "2026-11-22"
    with pytest.raises(RegistryError):
        registry.set_requirement_status("R-1", "done")
    registry.undo()
    assert registry.requirement_status("R-1")["status"] == "planned"
    registry.undo()
    assert registry.requirement_status("R-1") == {"status": "open", "date": None, "note": None}


def test_unknown_theme_is_an_error():
    with pytest.raises(RegistryError, match="T0042"):
        ThemeRegistry().rename("T0042", "x")


# --- the YAML file -----------------------------------------------------------------------


def test_yaml_round_trip_is_byte_stable_and_atomic(tmp_path, two_quarters):
    _, evidence, emb = two_quarters
    path = default_path(tmp_path)
    assert path.name == "theme_registry.yml"
    empty = ThemeRegistry.load(path)                       # missing file: empty registry
    assert empty.themes == {} and empty.history() == []
    registry = ThemeRegistry(clock=fixed_clock())
    res = fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    registry.rename(res.mapping[0], "Onboarding — «first week»")
    registry.merge(res.mapping[1], into=res.mapping[2])
    registry.split(res.mapping[3], ["ev_2026Q1_0_000"], "Split off")
    registry.set_requirement_status("R-abc", "shipped", "2026-10-01", note="in 4.2")
    registry.save(path)
    first = path.read_bytes()
    sidecar = ThemeRegistry.centroids_path(path)
    first_centroids = sidecar.read_bytes()
    loaded = ThemeRegistry.load(path)
    loaded.save(path)
    assert path.read_bytes() == first and sidecar.read_bytes() == first_centroids
    # no temp file left behind; the centroids sit beside the YAML, not in it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theme_registry.centroids.npy", "theme_registry.yml"]
    assert "centroid:" not in first.decode("utf-8")
    assert loaded.label(res.mapping[0]) == "Onboarding — «first week»"
    assert loaded.resolve(res.mapping[1]) == res.mapping[2]
    assert loaded.next_number == registry.next_number
    # undo works on a loaded registry: the file carries what each edit changed
    loaded.undo()
    assert loaded.requirement_status("R-abc")["status"] == "open"
    # the file is reviewable: ids in order, fields in a fixed order, centroids rounded
    text = first.decode("utf-8")
    assert text.index("T0001:") < text.index("T0002:") < text.index("T0006:")
    centroid = loaded.themes["T0001"]["centroid"]
    assert len(centroid) == DIM and all(round(x, 5) == x for x in centroid)


def test_themes_frame_lists_the_registry(two_quarters):
    _, evidence, emb = two_quarters
    registry = ThemeRegistry()
    fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    frame = registry.themes_frame()
    assert list(frame["theme_id"]) == [f"T000{i}" for i in range(1, 7)]
    assert set(frame["status"]) == {"active"}
    assert frame["size"].sum() == len(evidence)


def test_lifecycle_ignores_stray_mentions():
    from workbench.themes.registry import lifecycle

    # a new theme with two stray statements in earlier quarters is still emerging
    assert lifecycle({"2026Q1": 1, "2026Q2": 2, "2026Q3": 60}, "2026Q3") == "emerging"
    # a theme that used to be big and now has a couple of stray mentions is fading
    assert lifecycle({"2025Q3": 80, "2025Q4": 50, "2026Q3": 2}, "2026Q3") == "fading"
    assert lifecycle({"2025Q3": 80, "2026Q3": 40}, "2026Q3") == "active"
    assert lifecycle({"2025Q3": 80}, "2026Q3") == "fading"
    assert lifecycle({"2026Q3": 2}, "2026Q3") == "emerging"  # tiny, but only ever seen now


def test_a_rerun_with_the_same_fit_leaves_the_registry_file_byte_identical(two_quarters, tmp_path):
    # each run refits the whole store, so a re-run on unchanged data must not change the file
    # (a weight that summed every run's size grew on each re-run)
    _, evidence, emb = two_quarters
    registry = ThemeRegistry(clock=lambda: "2026-11-22T10:00:00+00:00")
    fit_and_match(registry, evidence, emb, "2026Q2", k=6, seed=1)
    first = registry.save(tmp_path / "theme_registry.yml")
    before = first.read_bytes(), first.with_name("theme_registry.centroids.npy").read_bytes()
    again = ThemeRegistry.load(first, clock=lambda: "2026-11-22T10:00:00+00:00")
    fit_and_match(again, evidence, emb, "2026Q2", k=6, seed=1)
    again.save(first)
    after = first.read_bytes(), first.with_name("theme_registry.centroids.npy").read_bytes()
    assert after[0].decode().splitlines() == before[0].decode().splitlines()
    assert after[1] == before[1]
