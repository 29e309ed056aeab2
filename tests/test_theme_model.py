"""Embedding cache and the theme model: fakes for the logic, one small real-model check."""
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import normalized_mutual_info_score

from workbench.embed import embed_texts, text_key
from workbench.themes.model import (CountThenWard, NeighbourUMAP, ThemeModel, exact_neighbours, readable_label,
                                    reranked_neighbours, sizes_for)

TOPICS = {
    "billing": ["invoice", "charged", "billing", "refund", "price", "payment"],
    "mobile": ["mobile", "app", "iphone", "android", "offline", "crash"],
    "slack": ["slack", "alerts", "notifications", "channel", "message", "webhook"],
    "export": ["export", "excel", "csv", "download", "columns", "spreadsheet"],
}


class CountingEmbedder:
    identity = "counting-test-model"

    def __init__(self):
        self.seen = []

    def encode(self, texts):
        self.seen.append(list(texts))
        rng = np.random.default_rng(0)
        out = []
        for t in texts:
            v = np.frombuffer(text_key(t).encode()[:32], dtype=np.uint8).astype(np.float32)
            out.append(v + rng.normal(0, 0.01, v.shape))
        return np.asarray(out)


def blobs(n_per=60, seed=0):
    """Statements of four topics with embeddings in four well-separated blobs."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(len(TOPICS), 24)) * 4
    texts, labels, vecs = [], [], []
    for k, (topic, words) in enumerate(TOPICS.items()):
        for i in range(n_per):
            picked = rng.choice(words, size=4, replace=False)
            texts.append(f"the {picked[0]} and {picked[1]} {picked[2]} issue with {picked[3]} number {i}")
            labels.append(topic)
            vecs.append(centers[k] + rng.normal(size=24))
    return texts, np.asarray(labels), np.asarray(vecs, dtype=np.float32)


def test_cache_embeds_only_new_texts(tmp_path):
    fake = CountingEmbedder()
    first = embed_texts(["a", "b", "a"], cache_dir=tmp_path, embedder=fake)
    assert fake.seen == [["a", "b"]]  # each distinct text once
    again = embed_texts(["b", "a"], cache_dir=tmp_path, embedder=fake)
    assert len(fake.seen) == 1  # nothing new: nothing embedded
    np.testing.assert_allclose(again, first[[1, 0]])
    embed_texts(["a", "c"], cache_dir=tmp_path, embedder=fake)
    assert fake.seen[-1] == ["c"]
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    # another model's vectors live apart
    other = CountingEmbedder()
    other.identity = "another-model"
    embed_texts(["a"], cache_dir=tmp_path, embedder=other)
    assert other.seen == [["a"]]


def test_settings_are_stored_untouched_and_clone():
    model = ThemeModel(min_cluster_size=7, random_state=3)
    params = model.get_params()
    assert params["min_cluster_size"] == 7 and params["n_neighbors"] is None
    assert clone(model).get_params() == params


def test_fit_recovers_blobs_labels_every_statement_and_is_deterministic():
    texts, labels, vecs = blobs()
    a = ThemeModel(min_cluster_size=15, random_state=1).fit(texts, vecs)
    b = ThemeModel(min_cluster_size=15, random_state=1).fit(texts, vecs)
    assert (a.labels_ == b.labels_).all()
    assert a.coverage_ == 1.0 and (a.labels_ >= 0).all()
    assert normalized_mutual_info_score(labels, a.labels_) > 0.9
    assert len(a.themes_) == a.centroids_.shape[0] == a.labels_.max() + 1
    assert np.allclose(np.linalg.norm(a.centroids_, axis=1), 1.0)
    # labels are readable words of the theme, no stop words
    for _, row in a.themes_.iterrows():
        words = set(row["label"].replace(",", " ").split())
        assert not words & {"the", "and", "with"}
        topic = pd.Series(labels[a.labels_ == row["theme"]]).mode()[0]
        assert words & set(TOPICS[topic]), (row["label"], topic)
    # transform puts the training statements back where they were
    assert (a.transform(embeddings=vecs) == a.labels_).mean() > 0.95


def test_count_then_ward_uses_the_density_estimate():
    _, _, vecs = blobs(n_per=40)
    c = CountThenWard(min_cluster_size=10).fit(vecs)
    assert c.n_estimated_ == 4 and len(set(c.labels_)) == 4


def test_count_then_ward_on_a_sample_still_places_every_statement():
    _, labels, vecs = blobs(n_per=80)
    full = CountThenWard(min_cluster_size=10).fit(vecs)
    sampled = CountThenWard(min_cluster_size=10, ward_max_points=60).fit(vecs)
    assert len(sampled.labels_) == len(vecs) and set(sampled.labels_) == {0, 1, 2, 3}
    assert normalized_mutual_info_score(labels, sampled.labels_) > 0.95
    assert normalized_mutual_info_score(full.labels_, sampled.labels_) > 0.95
    again = CountThenWard(min_cluster_size=10, ward_max_points=60).fit(vecs)
    assert (again.labels_ == sampled.labels_).all()


def test_neighbour_vote_weighs_each_neighbour_by_its_similarity():
    from workbench.themes.model import neighbour_vote

    indices = np.array([[0, 1, 2], [0, 1, 2], [3, 3, 0], [1, 3, 3]])
    distances = np.array([[0.1, 0.2, 0.3], [0.1, 0.6, 0.7], [0.5, 0.5, 0.0], [1.0, 1.0, 1.0]], dtype=np.float32)
    labels = np.array([1, 0, 0, 2])
    # row 0: label 1 weighs 0.9, label 0 weighs 0.8 + 0.7; row 1: 0.9 against 0.4 + 0.3; row 2: label 2
    # weighs 0.5 + 0.5 against label 1's 1.0, a tie, to the lower label; row 3: neighbours at distance 1
    # still vote (a tiny weight each), two against one
    assert neighbour_vote(indices, distances, labels, 3).tolist() == [0, 1, 1, 2]
    assert neighbour_vote(indices, distances, labels, 3, block=1).tolist() == [0, 1, 1, 2]  # blocks agree


def test_with_a_sampled_layout_the_themes_come_from_the_laid_out_statements():
    _, labels, vecs = blobs(n_per=100)
    reducer = NeighbourUMAP(n_neighbors=10, max_layout_points=150, random_state=0).fit(vecs)
    placed = np.setdiff1d(np.arange(len(vecs)), reducer.sample_)
    indices, distances = reducer.neighbours_
    assert indices.shape == (400, 10) and indices.max() < 150 and (np.diff(distances, axis=1) >= -1e-6).all()
    clusterer = CountThenWard(min_cluster_size=10, layout=reducer).fit(reducer.embedding_)
    assert normalized_mutual_info_score(labels, clusterer.labels_) > 0.95
    # the placed statements' positions play no part: scrambled, the themes are the same
    scrambled = reducer.embedding_.copy()
    scrambled[placed] = np.random.default_rng(1).permutation(scrambled[placed])
    assert (CountThenWard(min_cluster_size=10, layout=reducer).fit(scrambled).labels_ == clusterer.labels_).all()
    # without the layout, k-means over every position follows the scrambled ones
    assert not (CountThenWard(min_cluster_size=10).fit(scrambled).labels_ == clusterer.labels_).all()
    # a layout of every statement (or of other rows) is ignored: the clusterer works as without it
    whole = NeighbourUMAP(n_neighbors=10, random_state=0).fit(vecs)
    assert whole.neighbours_ is None
    alone = CountThenWard(min_cluster_size=10).fit(whole.embedding_).labels_
    assert (CountThenWard(min_cluster_size=10, layout=whole).fit(whole.embedding_).labels_ == alone).all()
    assert len(CountThenWard(min_cluster_size=10, layout=reducer).fit(vecs[:300]).labels_) == 300


def test_exact_neighbours_match_brute_force_and_put_each_row_first():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 16)).astype(np.float32)
    X[7] = X[5]  # a duplicate: each must still list itself first
    # a tiny chunk forces many blocks
    idx, dist = exact_neighbours(X, 6, chunk_bytes=4 * 300 * 7)
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, 2.0)
    expected = np.argsort(-sims, axis=1, kind="stable")[:, :6]
    assert (idx[:, 0] == np.arange(300)).all() and (dist[:, 0] == 0).all()
    assert (np.sort(idx[:, 1:], axis=1) == np.sort(expected[:, 1:], axis=1)).all()
    assert idx[5, 1] == 7 and idx[7, 1] == 5 and dist[5, 1] < 1e-5
    assert (np.diff(dist, axis=1) >= -1e-6).all()  # nearest first


def test_neighbour_umap_is_deterministic_and_places_new_statements():
    _, labels, vecs = blobs(n_per=40)
    a = NeighbourUMAP(n_neighbors=10, random_state=0).fit_transform(vecs)
    reducer = NeighbourUMAP(n_neighbors=10, random_state=0).fit(vecs)
    assert a.shape == (len(vecs), 5) and np.array_equal(a, reducer.transform(vecs))
    assert normalized_mutual_info_score(labels, CountThenWard(min_cluster_size=10).fit_predict(a)) > 0.9
    # a new statement lands among its own topic's statements
    new = reducer.transform(vecs[::40] + 0.05)
    nearest = np.argmin(((new[:, None, :] - a[None, :, :]) ** 2).sum(-1), axis=1)
    assert (labels[nearest] == labels[::40]).all()


def test_large_data_is_laid_out_from_a_sample_and_the_rest_placed():
    _, labels, vecs = blobs(n_per=100)
    reducer = NeighbourUMAP(n_neighbors=10, max_layout_points=150, random_state=0).fit(vecs)
    layout = reducer.embedding_
    assert len(reducer.sample_) == 150 and len(np.unique(reducer.sample_)) == 150 and layout.shape == (400, 5)
    # the sampled statements keep UMAP's positions; the others are placed among their topic
    assert np.array_equal(layout[reducer.sample_], reducer.umap_.embedding_)
    placed = np.setdiff1d(np.arange(400), reducer.sample_)
    centres = {t: layout[reducer.sample_][labels[reducer.sample_] == t].mean(axis=0) for t in np.unique(labels)}
    names = list(centres)
    closest = [names[int(np.argmin([np.linalg.norm(layout[i] - centres[t]) for t in names]))] for i in placed]
    assert (np.asarray(closest) == labels[placed]).mean() > 0.95
    assert normalized_mutual_info_score(labels, CountThenWard(min_cluster_size=10).fit_predict(layout)) > 0.9
    again = NeighbourUMAP(n_neighbors=10, max_layout_points=150, random_state=0).fit_transform(vecs)
    assert np.array_equal(again, layout)


def test_layout_is_reproducible_with_many_copies_of_the_same_statement(tmp_path):
    """The sample company repeats some statements dozens of times; each such group is a graph
    component of its own, whose spectral start differed from fit to fit (other themes each run)."""
    from fakes import HashingEmbedder
    from workbench import store
    from workbench.ingest import ingest
    from workbench.sample import generate
    from workbench.themes.pipeline import themed_statements

    generate(tmp_path / "sample", seed=7)
    ingest(tmp_path / "sample")
    texts = themed_statements(store.load_table(tmp_path / "sample", "evidence"))["text"].tolist()
    assert pd.Series(texts).value_counts().iloc[0] > 15      # copies beyond the 15 neighbours
    vectors = HashingEmbedder().encode(texts)
    layouts = [NeighbourUMAP(n_epochs=20, random_state=0).fit_transform(vectors) for _ in range(3)]
    assert all(np.array_equal(layout, layouts[0]) for layout in layouts[1:])


def test_exact_neighbours_against_a_reference():
    rng = np.random.default_rng(4)
    X, R = rng.normal(size=(50, 8)).astype(np.float32), rng.normal(size=(70, 8)).astype(np.float32)
    idx, dist = exact_neighbours(X, 5, chunk_bytes=4 * 70 * 3, reference=R)
    ux, ur = X / np.linalg.norm(X, axis=1, keepdims=True), R / np.linalg.norm(R, axis=1, keepdims=True)
    sims = ux @ ur.T
    assert (idx == np.argsort(-sims, axis=1, kind="stable")[:, :5]).all()
    np.testing.assert_allclose(dist, 1 - np.sort(sims, axis=1)[:, ::-1][:, :5], atol=1e-5)


def test_sizes_scale_with_data_and_label_words():
    assert sizes_for(10_000)["min_cluster_size"] == 40
    assert sizes_for(500)["min_cluster_size"] < sizes_for(10_000)["min_cluster_size"]
    assert readable_label(["card charged", "charged", "refund", "card"]) == "card charged, refund"


def _table_embedder(monkeypatch, n_per: int):
    """Blob texts whose embedder returns their blob vectors (through the CLI's get_embedder)."""
    from workbench import embed

    texts, labels, vecs = blobs(n_per=n_per)
    table = dict(zip(texts, vecs))

    class TableEmbedder:
        """The blob vector of a known text; for another text (a candidate name, say) the mean
        vector of the known texts containing it."""
        identity = "table"

        def encode(self, batch):
            def vector(t):
                if t in table:
                    return table[t]
                holders = [v for k, v in table.items() if t.lower() in k.lower()]
                return np.mean(holders, axis=0) if holders else np.full(24, 1e-3, dtype=np.float32)

            return np.asarray([vector(t) for t in batch])

    monkeypatch.setattr(embed, "get_embedder", lambda model=None: TableEmbedder())
    return texts, labels


def test_themes_fit_cli(tmp_path, monkeypatch):
    from workbench.cli import main

    texts, labels = _table_embedder(monkeypatch, 30)
    csv = tmp_path / "in.csv"
    pd.DataFrame({"ref": [f"r{i}" for i in range(len(texts))], "body": texts}).to_csv(csv, index=False)
    assert main(["themes", "fit", str(csv), "--text-col", "body", "--id-col", "ref", "--out", str(tmp_path / "o")]) == 0
    assignments = pd.read_csv(tmp_path / "o" / "assignments.csv")
    themes = pd.read_csv(tmp_path / "o" / "themes.csv")
    assert list(assignments.columns) == ["id", "theme_id", "theme_name", "area_id", "area_name", "mention", "start",
                                         "end", "mentions"]
    assert len(assignments) == len(texts)                  # one theme each: every text raises one concern
    assert assignments["theme_name"].notna().all() and themes["name"].is_unique
    assert set(assignments["theme_id"]) == set(themes["theme_id"])
    assert normalized_mutual_info_score(labels, assignments["theme_id"]) > 0.9
    quotes = pd.read_csv(tmp_path / "o" / "quotes.csv")
    assert set(quotes["theme_id"]) == set(themes["theme_id"]) and quotes.groupby("theme_id").size().max() <= 5
    by_id = dict(zip(assignments["id"], assignments["theme_id"]))
    assert all(by_id[i] == t for i, t in zip(quotes["id"], quotes["theme_id"]))   # a quote's id is of its theme
    assert all(texts[r - 2] == text for r, text in zip(quotes["row"], quotes["text"]))  # row 1 is the header
    assert main(["themes", "fit", str(csv), "--text-col", "nope", "--out", str(tmp_path / "o")]) == 2


def test_themes_fit_cli_quarantines_bad_rows_and_reconciles(tmp_path, monkeypatch, capsys):
    from workbench.cli import main

    texts, _ = _table_embedder(monkeypatch, 20)
    lines = ["ref,body"] + [f"r{i},{t}" for i, t in enumerate(texts)]
    lines += ["r-empty,  ", "r3,a second r3", "r-extra,one,two", ",no id"]
    csv = tmp_path / "in.csv"
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["themes", "fit", str(csv), "--text-col", "body", "--id-col", "ref", "--out", str(out)]) == 0
    quarantined = pd.read_csv(out / "quarantined.csv")
    first = len(texts) + 2
    assert quarantined["row"].tolist() == [first, first + 1, first + 2, first + 3]
    assert quarantined["reason"].tolist() == [
        "empty 'body'", "duplicate id 'r3' (first on row 5)", "has 3 fields, the header has 2", "empty 'ref'"]
    assert len(pd.read_csv(out / "assignments.csv")) == len(texts)
    captured = capsys.readouterr()
    assert f"{len(texts) + 4} rows read = {len(texts)} themed + 4 left out" in captured.out
    assert f"row {first}: left out: empty 'body'" in captured.err

    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"ref,body\nr1,fine\nr2,caf\xe9 \x81 broken\n")
    assert main(["themes", "fit", str(latin), "--text-col", "body", "--out", str(out)]) == 2
    assert "latin.csv: undecodable bytes" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("ref,body\nr1,\n", encoding="utf-8")
    assert main(["themes", "fit", str(empty), "--text-col", "body", "--out", str(out)]) == 2
    assert "no texts to theme: 1 rows read, none usable" in capsys.readouterr().err
    assert main(["themes", "fit", str(csv), "--text-col", "body", "--out", str(out), "--model", str(tmp_path / "nope")]) == 2
    assert "no such model folder" in capsys.readouterr().err


@pytest.mark.slow
def test_real_model_on_banking77_sample(shared_data, tmp_path):
    frame = pd.read_csv(shared_data / "banking77" / "train.csv")
    top = frame["category"].value_counts().index[:8]
    frame = frame[frame["category"].isin(top)].groupby("category").head(40)
    vectors = embed_texts(frame["text"].tolist(), cache_dir=tmp_path)
    model = ThemeModel().fit(frame["text"].tolist(), vectors)
    assert normalized_mutual_info_score(frame["category"], model.labels_) > 0.6
    assert model.coverage_ == 1.0


def test_reranked_neighbours_let_wording_order_close_statements_only():
    # row 0's nearest by embedding is row 1, then row 2; row 2 shares its rare words; row 3 has the
    # very same words but an unrelated embedding, outside the candidates
    X = np.array([[1.0, 0.0, 0.0], [0.95, 0.31, 0.0], [0.93, 0.0, 0.37], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    texts = ["why was my card declined", "how do I order a card", "why was my card declined abroad",
             "why was my card declined", "unrelated words entirely"]
    by_embedding, dist_embedding = exact_neighbours(X, 3)
    assert list(by_embedding[0]) == [0, 1, 2]
    idx, dist = reranked_neighbours(X, texts, 3, lexical_weight=0.3, candidates=3)
    assert list(idx[0]) == [0, 2, 1] and 3 not in idx[0]
    assert (idx[:, 0] == np.arange(5)).all() and (dist[:, 0] == 0).all()
    assert (np.diff(dist, axis=1) >= 0).all() and (dist >= 0).all() and (dist <= 2).all()
    # no weight on the wording: exactly the embedding's neighbours
    plain_idx, plain_dist = reranked_neighbours(X, texts, 3, lexical_weight=0.0, candidates=3)
    assert np.array_equal(plain_idx, by_embedding) and np.allclose(plain_dist, dist_embedding)
    # texts without a single word leave the embedding order as it is
    blank_idx, _ = reranked_neighbours(X, ["?", "!", "-", ".", "?"], 3, lexical_weight=0.3, candidates=3)
    assert np.array_equal(blank_idx, by_embedding)
    with pytest.raises(ValueError, match="4 texts for 5 embeddings"):
        reranked_neighbours(X, texts[:4], 3)
    with pytest.raises(ValueError, match="between 0 and 1"):
        reranked_neighbours(X, texts, 3, lexical_weight=1.5)


def test_wording_separates_requests_the_embedding_places_together():
    """Two requests an embedding cannot tell apart (one cloud of vectors) but whose words differ:
    with the wording weighed, the layout and the clusterer find both; without it, they cannot."""
    rng = np.random.default_rng(0)
    fillers = ["please", "today", "again", "now", "quickly", "still", "urgently", "thanks"]
    texts, labels = [], []
    for i in range(240):
        kind = i % 2
        words = (["why", "must", "verify", "identity", "reason"] if kind else ["how", "can", "verify", "identity", "steps"])
        texts.append(" ".join(words + list(rng.choice(fillers, 2, replace=False))))
        labels.append(kind)
    vecs = rng.normal(size=(240, 24)).astype(np.float32) * 0.1 + 1.0
    found = {}
    for weight in (0.0, 0.3):
        layout = NeighbourUMAP(n_neighbors=10, lexical_weight=weight, random_state=0).fit_transform(vecs, texts=texts)
        found[weight] = normalized_mutual_info_score(labels, CountThenWard(min_cluster_size=20).fit_predict(layout))
    assert found[0.3] > 0.9 and found[0.0] < 0.3, found


def test_theme_model_hands_the_texts_to_its_reducer():
    texts, _, vecs = blobs(n_per=40)

    class Recording(NeighbourUMAP):
        def fit(self, X, y=None, texts=None):
            self.seen = getattr(self, "_texts", None) if texts is None else texts
            return super().fit(X, y=y, texts=texts)

    reducer = Recording(n_neighbors=10, random_state=0)
    ThemeModel(umap_model=reducer, random_state=0).fit(texts, vecs)
    assert reducer.seen == texts
    assert ThemeModel().get_params()["lexical_weight"] == 0.3


def test_themes_fit_cli_redacts_before_writing(tmp_path, monkeypatch):
    from workbench.cli import main

    texts, _ = _table_embedder(monkeypatch, 20)
    planted = ["Thanks, Giuseppe.", "mail me at ana.lopez@example.com", "call 020 7946 0173"]
    texts = [f"{t} {planted[i % 3]}" if i < 6 else t for i, t in enumerate(texts)]
    csv = tmp_path / "in.csv"
    pd.DataFrame({"body": texts}).to_csv(csv, index=False)
    assert main(["themes", "fit", str(csv), "--text-col", "body", "--out", str(tmp_path / "o"),
                 "--phone-regions", "US,GB"]) == 0
    written = " ".join((tmp_path / "o" / name).read_text(encoding="utf-8")
                       for name in ("mentions.csv", "quotes.csv", "themes.csv"))
    for secret in ("Giuseppe", "ana.lopez", "7946"):
        assert secret not in written
    assert main(["themes", "fit", str(csv), "--text-col", "body", "--out", str(tmp_path / "o"),
                 "--phone-regions", "XX"]) == 2


def test_themes_fit_cli_writes_no_formula(tmp_path, monkeypatch):
    from workbench.cli import main

    texts, _ = _table_embedder(monkeypatch, 20)
    texts = [("=HYPERLINK(\"http://x\") " + t) if i < 3 else t for i, t in enumerate(texts)]
    csv = tmp_path / "in.csv"
    pd.DataFrame({"body": texts}).to_csv(csv, index=False)
    assert main(["themes", "fit", str(csv), "--text-col", "body", "--out", str(tmp_path / "o")]) == 0
    for name in ("mentions.csv", "quotes.csv", "assignments.csv", "themes.csv"):
        frame = pd.read_csv(tmp_path / "o" / name, keep_default_na=False, dtype=str)
        assert not any(v.startswith(("=", "+", "-", "@")) for v in frame.to_numpy().ravel()), name
