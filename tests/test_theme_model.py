"""The theme model and its parts: fakes (Gaussian blobs with words per blob) for the logic, one
small real-model check on BANKING77."""
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.metrics import normalized_mutual_info_score

from workbench.themes.clustering import SilhouetteWard
from workbench.themes.labels import readable_label, representative_quotes
from workbench.themes.model import ThemeModel, sizes_for
from workbench.themes.neighbours import hybrid_neighbours, vote

TOPICS = {
    "billing": ["invoice", "charged", "billing", "refund", "price", "payment"],
    "mobile": ["mobile", "app", "iphone", "android", "offline", "crash"],
    "slack": ["slack", "alerts", "notifications", "channel", "message", "webhook"],
    "export": ["export", "excel", "csv", "download", "columns", "spreadsheet"],
}


def blobs(n_per=60, seed=0, dim=24):
    """Statements of four topics, embeddings in four well-separated Gaussian blobs."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(len(TOPICS), dim)) * 4
    texts, labels, vecs = [], [], []
    for k, (topic, words) in enumerate(TOPICS.items()):
        for i in range(n_per):
            picked = rng.choice(words, size=4, replace=False)
            texts.append(f"the {picked[0]} and {picked[1]} {picked[2]} issue with {picked[3]} number {i}")
            labels.append(topic)
            vecs.append(centers[k] + rng.normal(size=dim))
    return texts, np.asarray(labels), np.asarray(vecs, dtype=np.float32), centers


@pytest.fixture(scope="module")
def fitted():
    texts, labels, vecs, centers = blobs()
    return texts, labels, vecs, centers, ThemeModel(random_state=1).fit(texts, vecs)


def test_settings_are_stored_untouched_and_clone():
    model = ThemeModel(n_neighbors=12, lexical_weight=0.2, ngram_range=(1, 1), random_state=3)
    params = model.get_params()
    assert params["n_neighbors"] == 12 and params["lexical_weight"] == 0.2 and params["ngram_range"] == (1, 1)
    assert params["min_theme_size"] is None and params["clusterer"] is None  # chosen at fit time, not here
    assert clone(model).get_params() == params


def test_fit_recovers_the_blobs_and_themes_every_statement(fitted):
    texts, labels, vecs, _, model = fitted
    assert len(model.themes_) == 4  # the count comes from the data
    assert model.coverage_ == 1.0 and (model.labels_ >= 0).all()
    assert normalized_mutual_info_score(labels, model.labels_) > 0.95
    assert list(model.themes_.columns) == ["theme", "label", "keywords", "size", "quotes"]
    assert model.themes_["theme"].tolist() == list(range(4))
    assert model.themes_["size"].tolist() == np.bincount(model.labels_).tolist()
    assert model.centroids_.shape == (4, vecs.shape[1])
    np.testing.assert_allclose(np.linalg.norm(model.centroids_, axis=1), 1.0, rtol=1e-5)
    # a centroid is the normalised mean of its theme's normalised embeddings
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    mean = unit[model.labels_ == 2].mean(axis=0)
    np.testing.assert_allclose(model.centroids_[2], mean / np.linalg.norm(mean), rtol=1e-4, atol=1e-5)
    assert model.settings_["n_neighbors"] == sizes_for(len(texts))["n_neighbors"]


def test_fit_is_deterministic(fitted):
    texts, _, vecs, _, model = fitted
    again = ThemeModel(random_state=1).fit(texts, vecs)
    np.testing.assert_array_equal(again.labels_, model.labels_)
    assert again.themes_["label"].tolist() == model.themes_["label"].tolist()


def test_labels_are_readable_words_of_their_theme(fitted):
    _, labels, vecs, _, model = fitted
    for _, row in model.themes_.iterrows():
        words = set(row["label"].replace(",", " ").split())
        assert not words & {"the", "and", "with"}, row["label"]
        assert not any(w.isdigit() for w in words), row["label"]
        topic = pd.Series(labels[model.labels_ == row["theme"]]).mode()[0]
        assert words <= set(TOPICS[topic]) | {"issue", "number"}, (row["label"], topic)
        assert words & set(TOPICS[topic]), (row["label"], topic)


def test_quotes_are_the_members_nearest_the_centroid(fitted):
    texts, _, vecs, _, model = fitted
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    for theme, quotes in zip(model.themes_["theme"], model.themes_["quotes"]):
        members = np.flatnonzero(model.labels_ == theme)
        nearest = members[np.argsort(-(unit[members] @ model.centroids_[theme]))[:5]]
        assert quotes == [texts[i] for i in nearest]


def test_transform_puts_statements_back_and_new_ones_near_their_blob(fitted):
    texts, _, vecs, centers, model = fitted
    assert (model.transform(texts, vecs) == model.labels_).all()
    assert (model.transform(embeddings=vecs) == model.labels_).mean() > 0.98
    rng = np.random.default_rng(9)
    new = centers + rng.normal(size=centers.shape) * 0.5
    expected = [np.bincount(model.labels_[i * 60:(i + 1) * 60]).argmax() for i in range(4)]
    assert model.transform(embeddings=new).tolist() == expected
    with pytest.raises(ValueError):
        model.transform()


def test_a_statement_unlike_every_theme_stays_unthemed():
    texts, labels, vecs, centers = blobs(n_per=50)
    # one statement pointing away from every blob: not similar enough to any theme
    away = -centers.sum(axis=0)
    model = ThemeModel(random_state=0, outlier_similarity=0.25).fit(texts + ["something else entirely"],
                                                                     np.vstack([vecs, away]))
    assert model.labels_[-1] == -1
    assert 0.95 <= model.coverage_ < 1.0
    assert model.transform(embeddings=away[None, :]).tolist() == [-1]


def test_tiny_clusters_are_dissolved_into_the_nearest_theme():
    texts, labels, vecs, centers = blobs(n_per=50)
    # three statements forming their own pocket close to blob 0
    rng = np.random.default_rng(4)
    pocket = centers[0] + 2.5 + rng.normal(size=(3, vecs.shape[1])) * 0.05
    model = ThemeModel(random_state=0, min_theme_size=5).fit(
        texts + ["invoice charged pocket"] * 3, np.vstack([vecs, pocket]))
    assert len(model.themes_) == 4 and model.themes_["size"].min() >= 5
    assert (model.labels_[-3:] == np.bincount(model.labels_[:50]).argmax()).all()


def test_large_inputs_fit_on_a_sample_and_vote_for_the_rest():
    texts, labels, vecs, _ = blobs(n_per=60)
    model = ThemeModel(random_state=2, max_fit_size=100).fit(texts, vecs)
    assert len(model.fit_rows_) == 100 and len(model.labels_) == len(texts)
    assert model.coverage_ == 1.0
    assert normalized_mutual_info_score(labels, model.labels_) > 0.95


def test_silhouette_ward_finds_the_count_and_respects_a_fixed_one():
    rng = np.random.default_rng(0)
    centers = np.array([[0, 0], [10, 0], [0, 10], [10, 10], [5, 20]], dtype=float)
    X = np.vstack([c + rng.normal(size=(40, 2)) for c in centers])
    found = SilhouetteWard(random_state=0).fit(X)
    assert found.n_clusters_ == 5 and len(set(found.labels_)) == 5
    assert max(found.smoothed_silhouettes_, key=found.smoothed_silhouettes_.get) <= 5
    assert SilhouetteWard(n_clusters=3).fit(X).n_clusters_ == 3
    small = SilhouetteWard(n_clusters=5, min_cluster_size=41).fit(X)
    assert (small.labels_ == -1).all()  # every cluster has 40 members: all dissolved
    assert list(SilhouetteWard().candidates(200))[-1] == 20  # up to a tenth of the points


def test_hybrid_neighbours_blend_meaning_and_wording_as_computed_by_hand():
    emb = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]], dtype=np.float32)
    lex = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]], dtype=np.float32))
    # blended similarity with weight 0.5: s(0,1) = .5*.8 + .5*0 = .4 ; s(0,2) = .5*0 + .5*1 = .5
    idx, dist = hybrid_neighbours(emb, lex, k=3, weight=0.5)
    assert idx[0].tolist() == [0, 2, 1]
    np.testing.assert_allclose(dist[0], [0.0, 0.5, 0.6], atol=1e-6)
    # meaning only: 1 is nearer to 0 than 2 is
    idx, dist = hybrid_neighbours(emb, None, k=2, weight=0.5)
    assert idx[0].tolist() == [0, 1] and dist[0, 1] == pytest.approx(0.2)


def test_vote_weighs_neighbours_by_similarity():
    base = np.array([[1.0, 0.0], [0.9, 0.436], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    base_labels = np.array([0, 0, 1, -1])  # the unlabelled one never votes
    query = np.array([[0.8, 0.6]], dtype=np.float32)
    # similarities 0.8 (theme 0), 0.98 (theme 0), 0.6 (theme 1): theme 0 with share 1.78 / 2.38
    labels, share = vote(query, None, base, None, base_labels, k=3, weight=0.0)
    assert labels.tolist() == [0]
    assert share[0] == pytest.approx((0.8 + 0.9816) / (0.8 + 0.9816 + 0.6), abs=1e-3)


def test_sizes_scale_with_the_data():
    assert sizes_for(400)["n_neighbors"] == 10
    assert sizes_for(10_000)["n_neighbors"] == 25
    assert sizes_for(1_000_000)["n_neighbors"] == 30
    assert sizes_for(10_000)["min_theme_size"] == 5 and sizes_for(300)["min_theme_size"] == 2
    assert sizes_for(10_000)["n_epochs"] == 100 and sizes_for(1_000)["n_epochs"] == 500


def test_readable_label_and_quotes():
    assert readable_label(["card charged", "charged", "refund", "card"]) == "card charged, refund"
    assert readable_label(["a" * 30, "b" * 30]) == "a" * 30  # short: the second would exceed 48 characters
    assert readable_label([]) == "(unlabelled)"
    vecs = np.array([[1.0, 0.0], [0.6, 0.8], [1.0, 0.0], [0.0, 1.0]])
    assert representative_quotes(["x", "y", "X ", "z"], vecs, np.array([1.0, 0.0]), n=3) == ["x", "y", "z"]


def test_themes_fit_cli(tmp_path, monkeypatch):
    from workbench import embed
    from workbench.cli import main

    texts, labels, vecs, _ = blobs(n_per=30)
    table = dict(zip(texts, vecs))

    class TableEmbedder:
        identity = "table"

        def encode(self, batch):
            return np.asarray([table[t] for t in batch])

    monkeypatch.setattr(embed, "get_embedder", lambda model=None: TableEmbedder())
    csv = tmp_path / "in.csv"
    pd.DataFrame({"ref": [f"r{i}" for i in range(len(texts))], "body": texts}).to_csv(csv, index=False)
    out = tmp_path / "o"
    assert main(["themes", "fit", str(csv), "--text-col", "body", "--id-col", "ref", "--out", str(out),
                 "--seed", "5"]) == 0
    assignments = pd.read_csv(out / "assignments.csv")
    themes = pd.read_csv(out / "themes.csv")
    assert list(assignments.columns) == ["id", "theme_id", "theme_label"] and len(assignments) == len(texts)
    assert assignments["id"].tolist() == [f"r{i}" for i in range(len(texts))]
    assert list(themes.columns) == ["theme_id", "label", "keywords", "size", "representative_quotes"]
    assert set(assignments["theme_id"]) == set(themes["theme_id"])
    assert themes["size"].sum() == len(texts)
    assert all(q.split(" | ")[0] in texts for q in themes["representative_quotes"])
    assert normalized_mutual_info_score(labels, assignments["theme_id"]) > 0.9
    assert main(["themes", "fit", str(csv), "--text-col", "nope", "--out", str(out)]) == 2
    assert main(["themes", "fit", str(csv), "--out", str(out)]) == 2


@pytest.mark.slow
def test_real_model_on_banking77_sample(shared_data, tmp_path):
    from workbench.embed import embed_texts

    frame = pd.read_csv(shared_data / "banking77" / "train.csv")
    top = frame["category"].value_counts().index[:8]
    frame = frame[frame["category"].isin(top)].groupby("category").head(40)
    vectors = embed_texts(frame["text"].tolist(), cache_dir=tmp_path)
    model = ThemeModel().fit(frame["text"].tolist(), vectors)
    assert normalized_mutual_info_score(frame["category"], model.labels_) > 0.7
    assert model.coverage_ >= 0.95 and 4 <= len(model.themes_) <= 24
