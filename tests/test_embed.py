"""Embeddings: the content-hash cache (with a counting fake model) and the int8 arithmetic."""
import numpy as np
import pytest

from workbench import embed
from workbench.embed import EmbeddingCache, SentenceEmbedder, embed_texts


class CountingEmbedder:
    """A fake model: a fixed vector per text (from its hash); records every batch it is asked for."""

    identity = "counting-test-model"

    def __init__(self, fail_on_call: int | None = None):
        self.calls: list[list[str]] = []
        self.fail_on_call = fail_on_call

    def encode(self, texts):
        self.calls.append(list(texts))
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise RuntimeError("interrupted")
        return np.asarray([np.random.default_rng(abs(hash(t)) % 2**32).normal(size=8) * 3 for t in texts])


def test_each_distinct_text_is_embedded_once_and_only_new_texts_later(tmp_path):
    fake = CountingEmbedder()
    first = embed_texts(["a", "b", "a"], cache_dir=tmp_path, embedder=fake)
    assert fake.calls == [["a", "b"]]
    assert first.dtype == np.float32 and first.shape == (3, 8)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(first[0], first[2])

    again = embed_texts(["b", "a"], cache_dir=tmp_path, embedder=fake)  # a new cache object: read from disk
    assert len(fake.calls) == 1
    np.testing.assert_array_equal(again, first[[1, 0]])

    embed_texts(["a", "c", "d"], cache_dir=tmp_path, embedder=fake)
    assert fake.calls[-1] == ["c", "d"]


def test_models_are_cached_apart(tmp_path):
    one, other = CountingEmbedder(), CountingEmbedder()
    other.identity = "another-model"
    embed_texts(["a"], cache_dir=tmp_path, embedder=one)
    embed_texts(["a"], cache_dir=tmp_path, embedder=other)
    assert other.calls == [["a"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["another-model", "counting-test-model"]


def test_without_cache_every_call_embeds(tmp_path):
    fake = CountingEmbedder()
    embed_texts(["a"], embedder=fake)
    embed_texts(["a"], embedder=fake)
    assert len(fake.calls) == 2


def test_an_interrupted_run_keeps_the_shards_it_finished(tmp_path, monkeypatch):
    monkeypatch.setattr(embed, "SHARD_SIZE", 2)
    texts = ["t1", "t2", "t3", "t4", "t5"]
    broken = CountingEmbedder(fail_on_call=2)
    with pytest.raises(RuntimeError):
        embed_texts(texts, cache_dir=tmp_path, embedder=broken)
    assert len(EmbeddingCache(tmp_path, broken.identity)) == 2  # the first shard of two survived
    fake = CountingEmbedder()
    embed_texts(texts, cache_dir=tmp_path, embedder=fake)
    assert fake.calls == [["t3", "t4"], ["t5"]]
    assert len(list((tmp_path / fake.identity).glob("shard-*.npz"))) == 3


def test_an_unreadable_shard_is_skipped(tmp_path):
    fake = CountingEmbedder()
    embed_texts(["a", "b"], cache_dir=tmp_path, embedder=fake)
    (tmp_path / fake.identity / "shard-99999-broken.npz").write_bytes(b"not a numpy file")
    embed_texts(["a", "b"], cache_dir=tmp_path, embedder=fake)
    assert len(fake.calls) == 1


def test_sentence_embedder_settings_and_identity(tmp_path):
    with pytest.raises(ValueError):
        SentenceEmbedder(str(tmp_path), precision="fp16")
    (tmp_path / "config.json").write_text("{}")
    int8 = SentenceEmbedder(str(tmp_path), precision="int8")
    fp32 = SentenceEmbedder(str(tmp_path), precision="float32")
    assert int8.identity != fp32.identity  # their vectors differ, so their caches must
    assert int8.identity == SentenceEmbedder(str(tmp_path), precision="int8").identity
    with pytest.raises(FileNotFoundError):
        SentenceEmbedder(str(tmp_path / "missing")).encode(["x"])


@pytest.mark.parametrize("pays", [True, False])
def test_auto_precision_is_int8_only_where_the_cpu_has_int8_instructions(tmp_path, monkeypatch, pays):
    from workbench.embed import int8 as int8_module
    from workbench.embed import model as model_module

    monkeypatch.setattr(model_module, "int8_pays", lambda: pays)
    (tmp_path / "config.json").write_text("{}")
    auto = SentenceEmbedder(str(tmp_path))
    chosen = "int8" if pays else "float32"
    assert auto.chosen_precision == chosen
    assert auto.identity == SentenceEmbedder(str(tmp_path), precision=chosen).identity  # one cache per real precision
    assert int8_module.int8_pays() in (True, False)


def test_int8_is_chosen_by_the_cpus_int8_instructions_the_same_every_time():
    from workbench.embed import int8 as int8_module

    assert int8_module.int8_pays({"avx2": True, "avx512f": True, "avx512vnni": False}) is False  # AVX-512 alone
    assert int8_module.int8_pays({"avx2": True, "avxvnni": True}) is True
    assert int8_module.int8_pays({"avx512vnni": True}) is True
    assert int8_module.int8_pays({"amx-int8": True, "avx512vnni": False}) is True
    assert int8_module.int8_pays({"neon": True, "dotprod": True}) is False  # not measured: float32
    assert int8_module.int8_pays({}) is False
    # this CPU: the same answer each time, whatever else runs (no timing involved)
    host = int8_module._host_features()
    assert {int8_module.int8_pays() for _ in range(3)} == {int8_module.int8_pays(host)}


def test_a_model_retrained_into_the_same_folder_gets_its_own_cache(tmp_path):
    from workbench.themes.pipeline import embedding_identity

    def model(folder, weights: bytes, pooling: str):
        folder.mkdir(parents=True)
        (folder / "config.json").write_text('{"hidden_size": 4}')
        (folder / "model.safetensors").write_bytes(weights)
        (folder / "1_Pooling").mkdir()
        (folder / "1_Pooling" / "config.json").write_text(pooling)
        return folder

    a = model(tmp_path / "a" / "cx-minilm", b"\x01" * 64, '{"mean": true}')
    b = model(tmp_path / "b" / "cx-minilm", b"\x02" * 64, '{"mean": true}')     # same sizes, other weights
    c = model(tmp_path / "c" / "cx-minilm", b"\x01" * 64, '{"mean": true}')     # a copy of a
    d = model(tmp_path / "d" / "cx-minilm", b"\x01" * 64, '{"cls": true}')      # other pooling only
    ids = {name: SentenceEmbedder(str(p), precision="int8").identity for name, p in zip("abcd", (a, b, c, d))}
    assert ids["a"] != ids["b"] and ids["a"] == ids["c"] and ids["a"] != ids["d"]
    assert ids["a"].startswith("cx-minilm-int8")
    assert embedding_identity(str(a)) != embedding_identity(str(b))
    (a / "model.safetensors").write_bytes(b"\x03" * 64)                         # retrained in place
    assert SentenceEmbedder(str(a), precision="int8").identity != ids["a"]


def test_row_quantisation_covers_each_row_and_dequantises_within_half_a_step():
    quantise, _ = embed._int8_kernels()
    x = np.array([[-1.0, 0.0, 0.5, 3.0], [2.0, 2.0, 2.0, 2.0], [-0.3, -0.2, -0.1, -0.05]], dtype=np.float32)
    q = np.empty(x.shape, dtype=np.int8)
    scale, zero = np.empty(3, np.float32), np.empty(3, np.float32)
    quantise(x, x.min(axis=1), x.max(axis=1), q, scale, zero)
    # row 0 spans 4.0 over 254 steps
    assert scale[0] == pytest.approx(4.0 / 254)
    assert q.min() >= -128 and q.max() <= 126
    assert q[0, 0] in (-128, -127) and q[0, 3] in (125, 126)
    restored = scale[:, None] * (q.astype(np.float32) + zero[:, None])
    assert np.all(np.abs(restored - x) <= scale[:, None] / 2 + 1e-6)


def test_int8_linear_matches_float32_and_is_independent_of_the_batch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    linear = torch.nn.Linear(96, 80)
    fast = embed._int8_module(embed._Int8Matmul([linear]), 0, 80)
    x = torch.randn(6, 5, 96)
    x[:, :, 3] += 8.0  # an outlier channel, as transformer activations have
    with torch.no_grad():
        exact, approx = linear(x), fast(x)
    cosine = torch.nn.functional.cosine_similarity(exact.reshape(-1, 80), approx.reshape(-1, 80))
    assert cosine.min() > 0.999
    with torch.no_grad():
        alone = fast(x[2:3])
    assert torch.equal(alone, approx[2:3])  # a text's vector does not depend on the texts batched with it


def test_layers_sharing_an_input_share_one_product():
    torch = pytest.importorskip("torch")
    torch.manual_seed(1)
    block = torch.nn.Module()
    block.query, block.key, block.value = (torch.nn.Linear(64, 64) for _ in range(3))
    block.other = torch.nn.Linear(64, 96)
    exact = {name: getattr(block, name) for name in ("query", "key", "value", "other")}
    originals = embed._quantise_linear_layers(block)
    assert set(originals) == {".query", ".key", ".value", ".other"}
    assert block.query.matmul is block.key.matmul is block.value.matmul is not block.other.matmul
    x = torch.randn(7, 64)
    with torch.no_grad():
        for name, layer in exact.items():
            cosine = torch.nn.functional.cosine_similarity(layer(x), getattr(block, name)(x))
            assert cosine.min() > 0.999, name
    embed._restore_linear_layers(originals)
    assert block.query is exact["query"]


@pytest.mark.slow
def test_real_model_int8_stays_close_to_float32():
    texts = ["I am still waiting on my card?", "How do I top up with a bank transfer?",
             "Why was my transfer declined?", "The app charged me a fee for cash withdrawal"]
    fast, exact = SentenceEmbedder(progress=False, precision="int8"), SentenceEmbedder(progress=False, precision="float32")
    a, b = fast.encode(texts), exact.encode(texts)
    assert fast.active_precision == "int8"
    assert np.sum(a * b, axis=1).min() > 0.99
    assert np.sum(a[0] * a[1]) < 0.9  # different texts stay apart
