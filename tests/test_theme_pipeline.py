"""The theme stage on an ingested data folder (fake embedder and theme model): what it stores, and
that analysts' edits in the registry survive the next run."""

import shutil
from pathlib import Path

import numpy as np

import pandas as pd
import pytest

from fakes import HashingEmbedder, KMeansThemes
from workbench import store
from workbench.ingest import ingest
from workbench.sample import generate
from workbench.themes.journey import journey_stage
from workbench.themes.pipeline import themed_statements, update_themes
from workbench.themes.registry import ThemeRegistry, default_path
from workbench.workspace import Workspace


def load(data, name):
    """A stored table as the workbench's readers get it (lists as lists)."""
    return Workspace(data).table(name)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """The sample company ingested, and the same themed once with the fakes: built once for the
    module and never changed; a test that changes a folder works on its own copy (:func:`copy_of`)."""
    root = tmp_path_factory.mktemp("snapshots")
    ingested, themed = root / "ingested", root / "themed"
    generate(ingested, seed=7)
    ingest(ingested)
    shutil.copytree(ingested, themed, symlinks=True)
    run = update_themes(themed, **fakes())
    return {"ingested": ingested, "themed": themed, "run": run}


def copy_of(snapshot: Path, dest: Path) -> Path:
    shutil.copytree(snapshot, dest, symlinks=True)
    return dest


@pytest.fixture(scope="module")
def themed(snapshots, tmp_path_factory):
    return copy_of(snapshots["themed"], tmp_path_factory.mktemp("pipeline") / "sample"), snapshots["run"]


def fakes():
    return {"embedder": HashingEmbedder(), "model": KMeansThemes(10)}


def test_only_customer_voice_is_themed(themed):
    data, run = themed
    evidence = load(data, "evidence")
    statements = themed_statements(evidence)
    assert run.statements == len(statements)
    assert not statements["kind"].eq("action_item").any()
    assert not statements["speaker_role"].eq("company").any()
    company = evidence[evidence["speaker_role"] == "company"]["evidence_id"]
    assignments = load(data, "theme_assignments")
    assert not assignments["evidence_id"].isin(company).any()


def test_stored_tables_are_consistent(themed):
    data, run = themed
    assignments = load(data, "theme_assignments")
    mentions = load(data, "theme_mentions")
    themes = load(data, "themes")
    evidence = load(data, "evidence").set_index("evidence_id")
    # one row per mention, its span inside the stored statement; every statement has one at least
    assert len(mentions) == run.mentions and mentions["mention_key"].is_unique
    assert mentions["evidence_id"].nunique() == run.statements
    for m in mentions.sample(300, random_state=0).itertuples():
        assert evidence.at[m.evidence_id, "text"][m.start:m.end] == m.text
    # one row per (statement, theme) pair: a statement counts once in every theme it mentions
    assert not assignments.duplicated(["evidence_id", "theme_id"]).any()
    assert assignments["evidence_id"].nunique() == run.statements
    pairs = mentions.dropna(subset=["theme_id"]).drop_duplicates(["evidence_id", "theme_id"])
    assert len(pairs) == assignments["theme_id"].notna().sum()
    several = assignments.dropna(subset=["theme_id"]).groupby("evidence_id").size()
    assert (several > 1).any()                               # some statements raise several themes
    assert set(assignments["theme_id"].dropna()) <= set(themes["theme_id"])
    counts = assignments["theme_id"].value_counts()
    assert (themes.set_index("theme_id")["mentions"].reindex(counts.index) == counts).all()
    per_quarter = load(data, "theme_quarters")
    assert per_quarter["mentions"].sum() == assignments["theme_id"].notna().sum()
    quotes = themes.set_index("theme_id")["quote_ids"]
    for theme_id, ids in quotes.items():  # representative quotes belong to their theme
        assert set(ids) <= set(assignments.loc[assignments["theme_id"] == theme_id, "evidence_id"])
    # names in customers' words, distinct; every live theme in an area that exists
    live = themes[themes["status"].ne("merged")]
    assert live["name"].is_unique and live["name"].str.split().str.len().between(1, 6).all()
    areas = load(data, "theme_areas")
    assert set(live["area_id"]) <= set(areas["area_id"]) and run.areas == len(areas)
    assert (areas["mentions"] >= areas["theme_ids"].map(len)).all()
    shares = live[["negative_share", "neutral_share", "positive_share"]].sum(axis=1)
    assert np.allclose(shares[live["mentions"] > 0], 1.0)
    assert set(mentions["sentiment"]) <= {"negative", "neutral", "positive"}
    impact = load(data, "theme_impact")
    assert set(impact["theme_id"]) <= set(themes["theme_id"])
    requirements = load(data, "requirements")
    req_ev = load(data, "requirement_evidence")
    assert len(requirements) == run.requirements and set(req_ev["requirement_id"]) == set(requirements["requirement_id"])
    assert themes["journey_stage"].isin(["onboarding", "adoption", "support", "billing", "renewal"]).all()


def test_analyst_edits_survive_the_next_run(themed):
    data, _ = themed
    themes = load(data, "themes").sort_values("mentions", ascending=False)
    big, second, third = themes["theme_id"].iloc[:3]
    assignments = load(data, "theme_assignments")
    quote = assignments.loc[assignments["theme_id"] == big, "evidence_id"].iloc[-1]
    registry = ThemeRegistry.load(default_path(data))
    registry.rename(big, "Renamed by an analyst", who="test")
    registry.pin_quote(big, quote, who="test")
    registry.merge(third, into=second, who="test")
    registry.save(default_path(data))

    update_themes(data, **fakes())
    themes = load(data, "themes").set_index("theme_id")
    assert themes.loc[big, "label"] == "Renamed by an analyst"
    assert themes.loc[big, "quote_ids"][0] == quote  # pinned quotes come first
    assert themes.loc[third, "status"] == "merged"
    after = load(data, "theme_assignments")
    assert not after["theme_id"].eq(third).any()  # merged into `second`
    history = ThemeRegistry.load(default_path(data)).history()
    assert {"rename", "pin_quote", "merge"} <= {h["action"] for h in history}


def test_undoing_a_merge_after_a_run_moves_its_statements_back(snapshots, tmp_path):
    from workbench.explore.state import ExplorerState

    data = copy_of(snapshots["themed"], tmp_path / "sample")
    pairs = load(data, "theme_assignments")
    before = pairs.set_index("evidence_id")["theme_id"]            # several rows for a statement of several themes
    source, target = before.value_counts().index[1:3]
    had_source = set(before[before == source].index)
    registry = ThemeRegistry.load(default_path(data))
    registry.merge(source, into=target, who="test")
    registry.split(target, sorted(set(before[before == target].index) - had_source)[:3], "Split off", who="test")
    registry.save(default_path(data))
    update_themes(data, **fakes())                      # the edits are applied and stored
    merged = load(data, "theme_assignments")
    assert not merged["theme_id"].eq(source).any()
    assert had_source <= set(merged.loc[merged["theme_id"] == target, "evidence_id"])
    registry = ThemeRegistry.load(default_path(data))
    registry.undo(who="test")                           # the split
    registry.undo(who="test")                           # the merge
    registry.save(default_path(data))
    # the explorer shows it at once, from the fitted ids under the current registry (each
    # statement under its main theme: the first of its rows)
    state = ExplorerState.from_data_dir(data)
    shown = state.quotes(source, limit=10_000)[0]
    main = pairs.drop_duplicates("evidence_id").set_index("evidence_id")["theme_id"]
    assert set(shown["evidence_id"]) == set(main[main == source].index)
    update_themes(data, **fakes())                      # and the next run stores it
    after = load(data, "theme_assignments")
    key = ["evidence_id", "theme_id"]
    assert after[key].sort_values(key).reset_index(drop=True).equals(pairs[key].sort_values(key).reset_index(drop=True))


def test_an_analysts_journey_stage_wins_over_the_inferred_one(themed):
    data, _ = themed
    themes = load(data, "themes").set_index("theme_id")
    theme = themes.index[0]
    other = next(s for s in ("onboarding", "billing") if s != themes.loc[theme, "journey_stage_auto"])
    registry = ThemeRegistry.load(default_path(data))
    registry.set_journey_stage(theme, other, who="test")
    registry.save(default_path(data))
    update_themes(data, **fakes())
    after = load(data, "themes").set_index("theme_id")
    assert after.loc[theme, "journey_stage"] == other and after.loc[theme, "journey_stage_source"] == "analyst"
    assert after.loc[theme, "journey_stage_auto"] == themes.loc[theme, "journey_stage_auto"]
    assert (after.drop(index=theme)["journey_stage_source"] == "model").all()
    registry = ThemeRegistry.load(default_path(data))
    registry.undo(who="test")
    registry.save(default_path(data))
    update_themes(data, **fakes())
    again = load(data, "themes").set_index("theme_id")
    assert again.loc[theme, "journey_stage"] == themes.loc[theme, "journey_stage_auto"]


@pytest.mark.parametrize("text, stage", [
    ("invoice charged twice, billing is confusing", "billing"),
    ("the setup and onboarding training took weeks", "onboarding"),
    ("support took three days to answer my ticket", "support"),
    ("renewal price went up, we may switch to a competitor", "renewal"),
    ("dashboards are slow", "adoption"),
    ("hello", "adoption"),
])
def test_journey_stage(text, stage):
    assert journey_stage(text) == stage


def test_identical_inputs_reuse_the_fit_and_changed_inputs_refit(tmp_path):
    from workbench.themes.pipeline import fit_cached

    class CountingModel(KMeansThemes):
        fits = 0

        def fit(self, texts, embeddings=None):
            CountingModel.fits += 1
            return super().fit(texts, embeddings)

    statements = pd.DataFrame({"evidence_id": [f"ev{i}" for i in range(40)],
                               "text": [f"invoice charged twice {i}" if i % 2 else f"mobile app crash {i}" for i in range(40)]})
    vectors = HashingEmbedder().encode(statements["text"])
    first = fit_cached(CountingModel(2), statements, vectors, tmp_path, "m")
    again = fit_cached(CountingModel(2), statements, vectors, tmp_path, "m")
    assert CountingModel.fits == 1
    assert (again.labels_ == first.labels_).all() and again.themes_["label"].tolist() == first.themes_["label"].tolist()
    assert np.allclose(again.centroids_, first.centroids_)
    changed = statements.assign(text=statements["text"].str.replace("twice", "again"))
    fit_cached(CountingModel(2), changed, vectors, tmp_path, "m")
    fit_cached(CountingModel(3), statements, vectors, tmp_path, "m")  # other settings
    fit_cached(CountingModel(2), statements, vectors, tmp_path, "other-model")
    assert CountingModel.fits == 4


def test_earlier_statements_keep_their_theme_when_a_quarter_is_added(snapshots, tmp_path):
    data = copy_of(snapshots["ingested"], tmp_path / "sample")
    full = load(data, "evidence")
    store.add_tables(data, {"evidence": full[full["quarter"] < "2026Q3"]})
    update_themes(data, quarter="2026Q2", embedder=HashingEmbedder(), model=KMeansThemes(10, random_state=0))
    before = load(data, "theme_mentions").set_index("mention_key")["theme_id"]
    store.add_tables(data, {"evidence": full})
    # a different fit (other seed): without sticky ids most mentions would move
    update_themes(data, quarter="2026Q3", embedder=HashingEmbedder(), model=KMeansThemes(10, random_state=5))
    after = load(data, "theme_mentions").set_index("mention_key")["theme_id"]
    assert (after.reindex(before.index) == before).mean() == 1.0
    new = after.index.difference(before.index)
    assert len(new) > 500 and after.loc[new].notna().all()
    # --refit re-partitions on purpose
    update_themes(data, quarter="2026Q3", embedder=HashingEmbedder(), model=KMeansThemes(10, random_state=7),
                  refit=True)
    refit = load(data, "theme_mentions").set_index("mention_key")["theme_id"]
    assert (refit.reindex(before.index) == before).mean() < 1.0


class RotatedEmbedder(HashingEmbedder):
    """Another model: the same geometry as ``HashingEmbedder`` in a rotated space (so the same
    partition), which the registry's old centroids know nothing of."""

    def __init__(self):
        super().__init__()
        self.identity = "rotated"
        self._rotation = np.linalg.qr(np.random.default_rng(3).standard_normal((self.dim, self.dim)))[0]

    def encode(self, texts):
        return super().encode(texts) @ self._rotation


def test_a_new_embedding_model_carries_theme_ids_over(snapshots, tmp_path):
    data = copy_of(snapshots["themed"], tmp_path / "sample")
    before = load(data, "theme_assignments").set_index("evidence_id")["theme_id"]
    assert ThemeRegistry.load(default_path(data)).fitted_with["embedding"] == "hashing-64d-seed0"
    run = update_themes(data, embedder=RotatedEmbedder(), model=KMeansThemes(10), refit=True)
    after = load(data, "theme_assignments").set_index("evidence_id")["theme_id"]
    registry = ThemeRegistry.load(default_path(data))
    assert registry.fitted_with["embedding"] == "rotated"
    assert any("embedding model changed" in note for note in run.notes)
    assert "reembed" in [entry["action"] for entry in registry.history()]
    # the same partition in the new space keeps every id, re-partitioned on purpose or not
    assert (after.reindex(before.index) == before).mean() == 1.0
    assert update_themes(data, embedder=RotatedEmbedder(), model=KMeansThemes(10), refit=True).notes == []
    # without re-expression the old space's centroids match nothing and every theme is new
    other = copy_of(snapshots["themed"], tmp_path / "other")
    stale = ThemeRegistry.load(default_path(other))
    stale.fitted_with["embedding"] = "rotated"          # pretend nothing changed
    stale.save(default_path(other))
    update_themes(other, embedder=RotatedEmbedder(), model=KMeansThemes(10), refit=True)
    unmoved = load(other, "theme_assignments").set_index("evidence_id")["theme_id"]
    assert (unmoved.reindex(before.index) == before).mean() < 0.5


def test_a_changed_theme_model_is_noted_until_a_refit(snapshots, tmp_path):
    data = copy_of(snapshots["themed"], tmp_path / "sample")
    assert snapshots["run"].notes == []
    assert '"n_themes": 10' in ThemeRegistry.load(default_path(data)).fitted_with["partitioned_by"]
    for _ in range(2):   # said on every run while earlier statements keep the old partition
        changed = update_themes(data, embedder=HashingEmbedder(), model=KMeansThemes(12))
        assert len(changed.notes) == 1 and "--refit" in changed.notes[0] and '"n_themes": 10' in changed.notes[0]
    refit = update_themes(data, embedder=HashingEmbedder(), model=KMeansThemes(12), refit=True)
    assert refit.notes == []
    assert '"n_themes": 12' in ThemeRegistry.load(default_path(data)).fitted_with["partitioned_by"]
    assert update_themes(data, embedder=HashingEmbedder(), model=KMeansThemes(12)).notes == []


def test_a_new_algorithm_version_is_not_served_from_the_fit_cache(tmp_path, monkeypatch):
    from workbench.themes.pipeline import fit_cached

    class Versioned(KMeansThemes):
        VERSION = 1
        fits = 0

        def fit(self, texts, embeddings=None):
            Versioned.fits += 1
            return super().fit(texts, embeddings)

    statements = pd.DataFrame({"evidence_id": [f"ev{i}" for i in range(20)],
                               "text": [f"export to excel fails {i}" for i in range(20)]})
    vectors = HashingEmbedder().encode(statements["text"])
    fit_cached(Versioned(2), statements, vectors, tmp_path, "m")
    fit_cached(Versioned(2), statements, vectors, tmp_path, "m")
    monkeypatch.setattr(Versioned, "VERSION", 2)
    fit_cached(Versioned(2), statements, vectors, tmp_path, "m")
    assert Versioned.fits == 2


def test_every_plain_setting_names_the_fit():
    """A changed n-gram range must not reuse the cached fit (or its labels) of the old one."""
    from workbench.themes.model import ThemeModel
    from workbench.themes.pipeline import fit_key, theme_model_identity

    statements = pd.DataFrame({"evidence_id": ["E1", "E2"], "text": ["slow export", "missing audit log"]})
    default, trigrams = ThemeModel(), ThemeModel(ngram_range=(1, 3))
    assert fit_key(default, statements, "m") != fit_key(trigrams, statements, "m")
    assert fit_key(default, statements, "m") == fit_key(ThemeModel(), statements, "m")
    assert "[1, 3]" in theme_model_identity(trigrams) and "[1, 2]" in theme_model_identity(default)


def test_requirement_status_from_the_cli_reaches_the_next_run(themed, tmp_path, capsys):
    import shutil

    from workbench.cli import main

    data = tmp_path / "copy"
    shutil.copytree(themed[0], data)
    requirements = load(data, "requirements")
    assert len(requirements)
    rid = requirements["requirement_id"].iloc[0]
    assert main(["themes", "requirement", str(data), rid, "--status", "shipped", "--date", "2026-10-01",
                 "--who", "pm"]) == 0
    assert main(["themes", "requirement", str(data), "R-nope", "--status", "shipped"]) == 2
    assert "no requirement R-nope" in capsys.readouterr().err
    assert main(["themes", "requirement", str(data), rid, "--status", "done"]) == 2
    assert "must be one of open, planned, shipped" in capsys.readouterr().err
    update_themes(data, **fakes())
    after = load(data, "requirements").set_index("requirement_id")
    assert (after.loc[rid, "status"], after.loc[rid, "status_date"]) == ("shipped", "2026-10-01")
    history = ThemeRegistry.load(default_path(data)).history()
    assert [h["action"] for h in history if h.get("who") == "pm"] == ["set_requirement_status"]


def test_a_segment_report_counts_only_the_segment(themed):
    from workbench.kpis import compute_kpis, load_kpi_tables
    from workbench.report import insights
    from workbench.themes.impact import nps

    data, run = themed
    store.add_tables(data, {"kpis": compute_kpis(load_kpi_tables(data))})
    quarter = run.quarter
    everyone = insights.load(data, quarter)
    enterprise = insights.load(data, quarter, segment_filter="plan=Enterprise")
    ent_nps = enterprise.nps[enterprise.nps["quarter"] == quarter]
    assert set(enterprise.nps["plan"]) == {"Enterprise"} and len(ent_nps) < len(everyone.nps[everyone.nps["quarter"] == quarter])
    # the NPS card: the segment's own score
    card = insights._kpi(enterprise, "nps")
    assert card is not None and card["value"] == pytest.approx(nps(ent_nps["score"]))
    # impact: within the segment's responses
    impact = enterprise.impact[enterprise.impact["quarter"] == quarter]
    assert (impact["n_responses"] == len(ent_nps)).all() and len(impact)
    # requirements: only the segment's statements, accounts and ARR
    ent_evidence = set(enterprise.evidence["evidence_id"])
    pairs = load(data, "requirement_evidence")
    for _, req in enterprise.requirements.iterrows():
        mine = pairs[(pairs["requirement_id"] == req["requirement_id"]) & pairs["evidence_id"].isin(ent_evidence)]
        assert req["mentions"] == len(mine) > 0
        assert set(req["account_ids"]) <= set(enterprise.evidence["account_id"].dropna())
    assert enterprise.requirements["mentions"].sum() < everyone.requirements["mentions"].sum()
    with pytest.raises(ValueError, match="segment filter 'tier=Gold'"):
        insights.load(data, quarter, segment_filter="tier=Gold")


def test_a_folder_remembers_its_embedding_model(mini_dir, tmp_path, monkeypatch):
    """Themed once with --model X, later runs (the quarterly job, the explorer) stay in X's space
    until told `--model default`; the requirement classifier always reads the shipped model."""
    import workbench.themes.pipeline as pipeline
    from workbench.themes.analyst import AnalystActions

    data = mini_dir
    ingest(data)
    model_dir = tmp_path / "cx-model"
    model_dir.mkdir()
    (model_dir / "config.json").write_text("{}")
    asked = []
    fake = HashingEmbedder(dim=384)

    def embed(texts, data_dir, model_path=None, embedder=None):
        asked.append(model_path)
        return fake.encode(texts)

    monkeypatch.setattr(pipeline, "embed_statements", embed)
    model = KMeansThemes(3)
    pipeline.update_themes(data, model_path=str(model_dir), model=model)
    # the mentions and the candidate names in X's space, then the classifier's own model
    assert asked[0] == str(model_dir) and set(asked) == {str(model_dir), None}
    assert asked.index(None) > max(i for i, m in enumerate(asked) if m is not None)
    assert ThemeRegistry.load(default_path(data)).fitted_with["model_path"] == str(model_dir)
    asked.clear()
    pipeline.update_themes(data, model=model)                          # e.g. the quarterly job
    assert asked[0] == str(model_dir)
    asked.clear()
    theme = ThemeRegistry.load(default_path(data)).themes_frame()["theme_id"].iloc[0]
    evidence_id = load(data, "theme_assignments").query("theme_id == @theme")["evidence_id"].iloc[0]
    AnalystActions(data).split(theme, [evidence_id], "split off", texts=["some text"])
    assert asked == [str(model_dir)]                                   # the explorer's split centroid too
    asked.clear()
    pipeline.update_themes(data, model_path="default", model=model)
    assert asked[0] is None and "model_path" not in ThemeRegistry.load(default_path(data)).fitted_with


def test_each_statement_knows_how_close_it_is_to_its_theme(themed):
    data, _ = themed
    assignments = load(data, "theme_assignments")
    themed_rows = assignments[assignments["theme_id"].notna()]
    assert themed_rows["closeness"].between(-1.0, 1.0 + 1e-6).all()
    # the closest statement of a theme is its stored representative unless an analyst pinned one
    themes = load(data, "themes")
    row = themes[themes["mentions"] > 20].iloc[0]
    best = themed_rows[themed_rows["theme_id"] == row["theme_id"]].sort_values("closeness").iloc[-1]["evidence_id"]
    assert best in row["quote_ids"]


class _NgramThemes(KMeansThemes):
    def __init__(self, n_themes: int = 3, random_state: int = 0, ngram_range: tuple = (1, 2)):
        super().__init__(n_themes, random_state)
        self.ngram_range = ngram_range


def test_a_registry_named_before_tuple_settings_counted_gets_no_false_note(mini_dir):
    from workbench.themes.pipeline import embedding_identity, theme_model_identity

    ingest(mini_dir)
    embedder, model = HashingEmbedder(), _NgramThemes()
    update_themes(mini_dir, embedder=embedder, model=model)
    registry = ThemeRegistry.load(default_path(mini_dir))
    current = registry.fitted_with["partitioned_by"]
    assert '"ngram_range": [1, 2]' in current
    # as an earlier version recorded it: the same settings, without the n-gram range
    registry.fitted_with["partitioned_by"] = (f"{theme_model_identity(model, with_sequences=False)} on "
                                              f"{embedding_identity(None, embedder)}")
    registry.save(default_path(mini_dir))
    assert update_themes(mini_dir, embedder=embedder, model=model).notes == []
    assert ThemeRegistry.load(default_path(mini_dir)).fitted_with["partitioned_by"] == current
    # a really different n-gram range is still noted
    notes = update_themes(mini_dir, embedder=embedder, model=_NgramThemes(ngram_range=(1, 3))).notes
    assert len(notes) == 1 and "--refit" in notes[0]
