"""The heavy stages on a Dask cluster (``--cluster``, :mod:`workbench.cluster`) give the same
answers as one process: on a LocalCluster of 2 worker processes, the same themes, assignments,
impact and KPIs; a worker killed mid-run has its partitions retried by Dask and the answers do
not change."""
from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

from fakes import HashingEmbedder, KMeansThemes, SlowEmbedder
from workbench import cluster
from workbench.errors import ClusterError, SettingsError, UsageError, WorkbenchError

distributed = pytest.importorskip("distributed", reason="the [cluster] extra (dask, distributed) is not installed")

#: the stage's tables, compared whole (timings and the like are not in them)
THEME_TABLES = ("theme_mentions", "theme_assignments", "themes", "theme_areas", "theme_quarters", "requirements",
                "requirement_evidence", "statement_intents", "theme_impact")


@pytest.fixture(scope="module")
def client():
    with cluster.connect("local:2") as client:
        client.wait_for_workers(2, timeout=60)
        yield client


@pytest.fixture
def small_partitions(monkeypatch):
    """A few texts per partition, so even the mini folder's statements spread over both workers."""
    monkeypatch.setattr(cluster, "PARTITION_SIZE", 4)


def test_addresses_are_parsed_and_bad_ones_refused():
    assert cluster.parse_address("local:3") == ("local", 3)
    assert cluster.parse_address("tcp://10.0.0.5:8786") == ("address", "tcp://10.0.0.5:8786")
    for bad in ("local:0", "local:x", "local:", "", "tcp://a b"):
        with pytest.raises(UsageError):
            cluster.parse_address(bad)
    assert issubclass(ClusterError, WorkbenchError)
    with cluster.connect(None) as nothing:
        assert nothing is None


def test_the_settings_file_names_a_cluster_and_the_flag_wins(tmp_path):
    from workbench.ingest.settings import cluster_address

    assert cluster_address(None, tmp_path) is None
    (tmp_path / "workbench.yml").write_text("cluster: tcp://scheduler:8786\n")
    assert cluster_address(None, tmp_path) == "tcp://scheduler:8786"
    assert cluster_address("local:2", tmp_path) == "local:2"
    (tmp_path / "workbench.yml").write_text("cluster: local:zero\n")
    with pytest.raises(SettingsError, match="cluster"):
        cluster_address(None, tmp_path)


def test_vectors_are_the_local_ones_in_order(client, small_partitions):
    texts = [f"statement {i} about billing and invoices, take {i % 7}" for i in range(41)]
    local = HashingEmbedder().encode(texts)
    remote = cluster.ClusterEmbedder(client, embedder=HashingEmbedder()).encode(texts)
    np.testing.assert_allclose(remote, local, atol=1e-6)


def test_every_statement_is_placed_on_the_workers_as_in_one_process(client, monkeypatch):
    """The layout's placement of the statements outside its sample (a nearest-neighbour search
    that grows with the rows): blocks on the workers, the same neighbours, their similarities to
    float32 rounding (BLAS may sum a product in another order in another process: 1 ulp apart)."""
    from workbench.themes import layout

    monkeypatch.setattr(layout, "block_rows", lambda m, chunk_bytes=0: 7)  # several blocks, in flight a few at a time
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(61, 24)).astype(np.float32)
    anchors = layout._normalise(vectors[::3])
    local = layout.exact_neighbours(vectors, 5, reference=anchors)
    remote = layout.neighbours_among(vectors, anchors, 5, client=client)
    np.testing.assert_array_equal(remote[0], local[0])
    np.testing.assert_allclose(remote[1], local[1], rtol=1e-6, atol=1e-6)


def _themes(data, **settings):
    from workbench.ingest import ingest
    from workbench.kpis import compute_kpis
    from workbench.kpis.inputs import AUDIT_TABLES, KPI_TABLES
    from workbench.themes.pipeline import update_themes

    ingested = ingest(data, write=False)
    tables = {**ingested.tables, "ingest_files": ingested.files, "quarantine": ingested.quarantine}
    run = update_themes(data, tables=tables, save=False, model=KMeansThemes(4), **settings)
    kpis = compute_kpis({n: t for n, t in tables.items() if n in set(KPI_TABLES) | set(AUDIT_TABLES)},
                        by=["all", "plan", "region"], client=settings.get("client"))
    return run, kpis


def _same(a, b):
    run_a, kpis_a = a
    run_b, kpis_b = b
    assert run_a.settings == run_b.settings
    for name in THEME_TABLES:
        pd.testing.assert_frame_equal(run_a.tables[name], run_b.tables[name], check_exact=False, rtol=1e-5,
                                      obj=name)
    assert run_a.registry.themes == run_b.registry.themes
    pd.testing.assert_frame_equal(kpis_a, kpis_b)


def test_the_cluster_gives_the_single_process_answers(client, small_partitions, mini_dir, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(mini_dir, other)
    single = _themes(mini_dir, embedder=HashingEmbedder())
    on_cluster = _themes(other, embedder=HashingEmbedder(), client=client)
    assert single[0].mentions > 8
    _same(single, on_cluster)


def test_a_worker_killed_mid_run_is_retried_and_the_answers_stand(client, small_partitions, mini_dir, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(mini_dir, other)
    single = _themes(mini_dir, embedder=HashingEmbedder())
    killed: list[str] = []
    pids = client.run(os.getpid)

    def kill_a_busy_worker():  # SIGKILL, as the kernel's OOM killer would
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            busy = [w for w, keys in client.processing().items() if any(str(k).startswith("embed-") for k in keys)]
            if busy:
                time.sleep(0.1)  # inside its (slow) partition
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])
            time.sleep(0.02)

    killer = threading.Thread(target=kill_a_busy_worker, daemon=True)
    killer.start()
    on_cluster = _themes(other, embedder=SlowEmbedder(delay=0.5), client=client)
    killer.join(timeout=5)
    assert killed, "no worker was busy with a partition to kill"
    _same(single, on_cluster)
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


@pytest.mark.slow
def test_the_real_model_on_the_workers_gives_the_local_vectors(client, tmp_path, monkeypatch):
    """all-MiniLM-L6-v2 loaded on each worker gives the single-process vectors bit for bit (a
    partition is one of the cache's shards, batched as the local path batches it); they land in the
    shared cache, which the local path then reads."""
    import workbench.embed as embed
    from workbench.embed import EmbeddingCache, embed_texts, get_embedder

    monkeypatch.setattr(embed, "SHARD_SIZE", 8)  # 4 partitions, over both workers
    texts = [f"The invoice for order {i} was wrong and support took {i % 5 + 1} days to answer." for i in range(30)]
    texts += ["thanks!", "Exporting reports to Excel still breaks after the update."]
    local = embed_texts(texts, cache_dir=tmp_path / "local")
    vectors = embed_texts(texts, cache_dir=tmp_path / "cluster", embedder=cluster.ClusterEmbedder(client))
    np.testing.assert_array_equal(vectors, local)
    assert len(EmbeddingCache(tmp_path / "cluster", get_embedder().identity)) == len(texts)
    np.testing.assert_array_equal(embed_texts(texts, cache_dir=tmp_path / "cluster"), vectors)  # read, not embedded


def test_every_worker_embeds_in_one_precision_chosen_by_the_workers_cpus(tmp_path):
    """A mixed fleet embeds in float32; a fleet whose every CPU has int8 instructions in int8, even
    when the job's machine has none; the cache is named by that precision; another model is refused."""
    from workbench.embed import SentenceEmbedder

    assert cluster.shared_precision(["int8", "int8"]) == "int8"
    assert cluster.shared_precision(["int8", "float32", "int8"]) == "float32"
    assert cluster.shared_precision([]) == "float32"

    (tmp_path / "config.json").write_text("{}")
    name = SentenceEmbedder(str(tmp_path), precision="float32").identity

    class Fleet:  # stands in for a dask Client: what each worker answers about its model
        def __init__(self, answers):
            self.answers = answers

        def run(self, function, *args):
            assert function is cluster._worker_model
            return self.answers

        def scheduler_info(self):
            return {"workers": dict.fromkeys(self.answers)}

    for precisions, expected in ((["int8", "int8"], "int8"), (["int8", "float32"], "float32"),
                                 (["float32", "float32"], "float32")):
        fleet = Fleet({f"tcp://w{i}": (name, p) for i, p in enumerate(precisions)})
        embedder = cluster.ClusterEmbedder(fleet, model_path=str(tmp_path))
        assert embedder.precision == expected
        assert embedder.identity == SentenceEmbedder(str(tmp_path), precision=expected).identity
    assert (cluster.ClusterEmbedder(Fleet({"a": (name, "int8")}), model_path=str(tmp_path)).identity
            != cluster.ClusterEmbedder(Fleet({"a": (name, "float32")}), model_path=str(tmp_path)).identity)
    with pytest.raises(ClusterError, match="differs"):
        cluster.ClusterEmbedder(Fleet({"a": (name, "int8"), "b": ("other-model", "int8")}), model_path=str(tmp_path))


# --- ingestion: one task per file -------------------------------------------------------------

def _same_ingest(a, b):
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], obj=name)
    for name in ("files", "quarantine", "warnings"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)


def test_files_are_read_on_the_workers_with_the_single_process_answers(client, mini_dir, monkeypatch):
    """One task per file, the workers reading the folder (a shared file system) or sent each file's
    bytes; bad files, bad rows and ids repeated across files quarantined as one process does; rows
    read = accepted + quarantined for every file and in total."""
    from distributed import get_task_stream

    from workbench.ingest import ingest, parallel

    (mini_dir / "surveys" / "zz_more.csv").write_text(  # R1 is in generic.csv: quarantined as a duplicate
        "response_id,account_id,date,score,comment\nR1,A001,2025-07-09,4,again\n"
        "R100,A002,2025-07-10,twelve,a bad score\nR101,A002,2025-07-11,10,Love the new exports from Maya Okafor\n")
    (mini_dir / "sessions" / "zz_binary.md").write_bytes(b"\x00\x01\x02 not a note \x00" * 20)
    single = ingest(mini_dir, write=False)
    monkeypatch.setattr(parallel, "SHARED_FOLDER", False)
    _same_ingest(single, ingest(mini_dir, write=False, client=client))
    monkeypatch.setattr(parallel, "SHARED_FOLDER", None)  # the workers are asked: they see it
    with get_task_stream(client) as stream:
        on_cluster = ingest(mini_dir, write=False, client=client)
    _same_ingest(single, on_cluster)
    remote = {t["key"] for t in stream.data if str(t["key"]).startswith("ingest-")}
    assert len(remote) == 4 + 3 + 5 + 2  # surveys, notes, transcripts, tickets and eNPS: one task each
    files = on_cluster.files.set_index("source_file")
    assert (files["rows_read"] == files["rows_accepted"] + files["rows_quarantined"]).all()
    assert on_cluster.rows_read == on_cluster.rows_accepted + on_cluster.rows_quarantined
    quarantine = on_cluster.quarantine.set_index(["source_file", "locator"])["reason"]
    assert "first at surveys/generic.csv" in quarantine.loc[("surveys/zz_more.csv", "row 2")]
    assert "not a number" in quarantine.loc[("surveys/zz_more.csv", "row 3")]
    assert "binary" in quarantine.loc["sessions/zz_binary.md"].iloc[0]
    assert "Maya" not in " ".join(on_cluster.tables["evidence"]["text"])  # names from other files redacted


class DyingEmbedder:
    """Kills the worker process that runs it, as the kernel's OOM killer would."""

    identity = "dying"

    def encode(self, texts):
        os._exit(1)


def test_a_job_whose_workers_keep_dying_fails_and_leaves_the_previous_report(client, mini_dir, tmp_path):
    """Dask reruns a task whose worker died (here allowed no rerun, to be quick); when it cannot
    finish, the quarterly job fails in one line and neither the store nor the reports change."""
    from workbench.quarterly import run_quarterly
    from workbench.workspace import Workspace

    def allow(dask_scheduler, failures):
        before, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, failures
        return before

    out = tmp_path / "reports"
    (out / "2025Q3").mkdir(parents=True)
    (out / "2025Q3" / "insights.html").write_text("the previous report")
    before = client.run_on_scheduler(allow, failures=0)
    try:
        with pytest.raises(ClusterError, match="died"):
            run_quarterly(mini_dir, out, cluster=client.scheduler.address,
                          themes_settings={"embedder": DyingEmbedder(), "model": KMeansThemes(4)})
    finally:
        client.run_on_scheduler(allow, failures=before)
    assert (out / "2025Q3" / "insights.html").read_text() == "the previous report"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["2025Q3"]
    assert not Workspace(mini_dir).exists()
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


def test_requirement_figures_are_dask_reductions_with_the_single_process_answers(client, monkeypatch):
    from workbench.themes.requirements.figures import figures_by_group

    rng = np.random.default_rng(3)
    n = 900
    members = pd.DataFrame({
        "evidence_id": [f"e{i}" for i in range(n)],
        "requirement": rng.integers(0, 60, n),
        "account_id": rng.choice(np.array([*(f"A{i}" for i in range(30)), None], dtype=object), n),
        "quarter": rng.choice(np.array(["2026Q1", "2026Q2", "2026Q3", None], dtype=object), n),
    })
    scores = {f"e{i}": float(rng.integers(0, 11)) for i in range(0, n, 3)}
    arr_now = {f"A{i}": float(rng.integers(1, 100)) * 1000 for i in range(25)}       # 5 accounts without ARR
    computed = []
    real = cluster.compute
    monkeypatch.setattr(cluster, "compute", lambda c, *xs: computed.append(len(xs)) or real(c, *xs))
    monkeypatch.setattr(cluster, "PARTITION_ROWS", 70)                               # 13 partitions
    single = figures_by_group(members, "requirement", arr_now, scores, "2026Q3")
    assert not computed
    on_cluster = figures_by_group(members, "requirement", arr_now, scores, "2026Q3", client=client)
    assert computed == [3]                                   # counts, accounts and quarters reduced there
    pd.testing.assert_frame_equal(single, on_cluster)
    assert len(single) == 60 and single["mentions"].sum() == n
    assert single["nps_responses"].sum() == len(scores)
    assert single["detractor_share"].dropna().between(0, 1).all() and single["accounts"].le(30).all()
    without_arr = figures_by_group(members, "requirement", None, scores, "2026Q3", client=client)
    assert without_arr["arr_at_stake"].isna().all()
