"""Publishing reports: the swap never leaves a quarter without a report, whatever step it dies at;
interrupted runs are repaired; failed runs' folders are pruned; a killed job leaves no process."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from workbench.report import publish


class Killed(BaseException):
    """Stands for SIGKILL at one step: not an Exception, so nothing on the way catches it."""


def build(out: Path, name: str, text: str) -> Path:
    staging = out / f".staging-{name}-{text}"
    staging.mkdir(parents=True)
    (staging / "insights.html").write_text(text, encoding="utf-8")
    return staging


def report(out: Path) -> str:
    return (out / "2026Q3" / "insights.html").read_text(encoding="utf-8")


FILE_STEPS = (("os", "replace"), ("os", "symlink"), ("os", "rename"), ("shutil", "rmtree"))


def kill_at(monkeypatch, step: int) -> list[str]:
    """Make the ``step``-th file-system change raise Killed (before it happens)."""
    calls: list[str] = []
    for module_name, attr in FILE_STEPS:
        module = {"os": os, "shutil": shutil}[module_name]
        original = getattr(module, attr)

        def wrapper(*args, _original=original, _name=attr, **kwargs):
            calls.append(_name)
            if len(calls) == step:
                raise Killed(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, attr, wrapper)
    return calls


def count_steps(tmp_path: Path, legacy: bool) -> int:
    out = tmp_path / "count"
    first(out, legacy)
    with pytest.MonkeyPatch.context() as mp:
        calls = kill_at(mp, 10**6)
        publish.swap_into_place(build(out, "2026Q3", "new"), out / "2026Q3")
    return len(calls)


def first(out: Path, legacy: bool) -> None:
    """The quarter already published: by this version (a link) or by an earlier one (a folder)."""
    if legacy:
        (out / "2026Q3").mkdir(parents=True)
        (out / "2026Q3" / "insights.html").write_text("old", encoding="utf-8")
    else:
        out.mkdir(parents=True)
        publish.swap_into_place(build(out, "2026Q3", "old"), out / "2026Q3")


@pytest.mark.parametrize("legacy", [False, True], ids=["link", "earlier-version-folder"])
def test_a_kill_at_any_step_of_the_swap_leaves_a_report_and_the_next_run_repairs(tmp_path, monkeypatch, legacy):
    steps = count_steps(tmp_path, legacy)
    assert steps >= 3  # rename into .builds, the link's rename over the old one, pruning
    for step in range(1, steps + 1):
        out = tmp_path / f"kill-{step}"
        first(out, legacy)
        staging = build(out, "2026Q3", "new")
        with monkeypatch.context() as mp:
            calls = kill_at(mp, step)
            with pytest.raises(Killed):
                publish.swap_into_place(staging, out / "2026Q3")
        if not (legacy and calls[-2:] == ["rename", "replace"]):
            # at the moment of the kill a reader still finds a whole report (the one gap that cannot be
            # closed is between moving an earlier version's real folder aside and linking the new
            # build, once per quarter: the next run's recover covers it)
            assert report(out) in ("old", "new"), step
        publish.recover(out)
        assert report(out) in ("old", "new"), step
        assert not list(out.glob(".staging-*")) and not list(out.glob(".*.link-*"))
        publish.swap_into_place(build(out, "2026Q3", "again"), out / "2026Q3")
        assert report(out) == "again"
        assert [p.name.split("-")[0] for p in (out / publish.BUILDS).iterdir()] == ["2026Q3"]


def test_readers_never_miss_the_report_while_it_is_replaced(tmp_path):
    out = tmp_path / "reports"
    first(out, legacy=False)
    misses, reads, stop = [], [0], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                report(out)
                reads[0] += 1
            except OSError as exc:
                misses.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(40):
            publish.swap_into_place(build(out, "2026Q3", f"v{i}"), out / "2026Q3")
    finally:
        stop.set()
        thread.join()
    assert reads[0] > 0
    assert misses == []
    assert report(out) == "v39"


def test_recover_links_a_quarter_whose_link_was_lost_to_its_newest_build(tmp_path):
    out = tmp_path / "reports"
    first(out, legacy=False)
    publish.swap_into_place(build(out, "2026Q3", "second"), out / "2026Q3")
    (out / "2026Q3").unlink()
    notes = publish.recover(out)
    assert report(out) == "second"
    assert any("2026Q3" in n for n in notes)
    assert (out / "index.html").exists() is False  # recover does not invent an index
    publish.write_index(out)
    assert 'href="2026Q3/insights.html"' in (out / "index.html").read_text()


def test_only_the_newest_failed_folders_are_kept(tmp_path):
    out = tmp_path / "reports"
    for i in range(7):
        staging = build(out, "2026Q3", f"f{i}")
        publish.keep_failed(staging, out, "2026Q3", keep=3)
    kept = sorted((out / "failed").iterdir())
    assert len(kept) == 3
    assert [(p / "insights.html").read_text() for p in kept] == ["f4", "f5", "f6"]


JOB = textwrap.dedent("""
    import os, sys, time
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from workbench.quarterly import _end_with_parent

    def work(pids_file):
        from jupyter_client import KernelManager
        km = KernelManager(kernel_name="python3")
        km.start_kernel()
        with open(pids_file, "a") as f:
            f.write(f"{os.getpid()} {km.provisioner.process.pid}\\n")
        time.sleep(600)

    if __name__ == "__main__":
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(2, mp_context=ctx, initializer=_end_with_parent, initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(work, sys.argv[1]) for _ in range(2)]
            [f.result() for f in futures]
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the workers' end with the job relies on Linux prctl")
def test_a_killed_job_leaves_no_worker_or_kernel_running(tmp_path):
    # the quarterly job renders its notebooks in worker processes, each running a kernel: SIGKILL
    # the job (no handler runs) and every one of them must end soon after
    script, pids_file = tmp_path / "job.py", tmp_path / "pids.txt"
    script.write_text(JOB, encoding="utf-8")
    job = subprocess.Popen([sys.executable, str(script), str(pids_file)], cwd=Path(__file__).parents[1])
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            lines = pids_file.read_text().splitlines() if pids_file.exists() else []
            if len(lines) == 2:
                break
            assert job.poll() is None, "the job ended before its kernels started"
            time.sleep(0.2)
        else:
            pytest.fail("kernels did not start")
        children = [int(p) for line in lines for p in line.split()]
        assert all(psutil.pid_exists(p) for p in children)
        job.send_signal(signal.SIGKILL)
        job.wait()
        deadline = time.monotonic() + 30
        alive = children
        while alive and time.monotonic() < deadline:
            alive = [p for p in alive if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
            time.sleep(0.5)
        assert alive == [], f"still running after the job was killed: {alive}"
    finally:
        if job.poll() is None:
            job.kill()


RUN = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[4])
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook
    from conftest import fakes
    from workbench.report import render
    from workbench.quarterly import run_quarterly

    def notebook(name):
        path = sys.argv[3]
        nb = new_notebook(cells=[new_code_cell("quarter = ''", metadata={"tags": ["parameters"]}),
                                 new_code_cell(sys.argv[5])])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, path)
        return path

    if __name__ == "__main__":  # the notebook workers are spawned: they import this file too
        render.notebook_path = notebook
        run_quarterly(sys.argv[1], sys.argv[2], quarter="2025Q3", themes_settings=fakes(3))
""")


def _command(process: psutil.Process) -> str:
    """The process's command line; empty for a child that ended (or became a zombie) meanwhile."""
    try:
        return " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):  # ZombieProcess is a NoSuchProcess
        return ""


def test_a_job_killed_while_rendering_leaves_the_report_and_no_process(tmp_path, mini_dir):
    from workbench.workspace import Workspace

    script, out = tmp_path / "run.py", tmp_path / "reports"
    script.write_text(RUN, encoding="utf-8")
    tests = str(Path(__file__).parent)

    def job(body: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, str(script), str(mini_dir), str(out), str(tmp_path / "nb.ipynb"),
                                 tests, body], cwd=Path(__file__).parents[1])

    assert job("print('first', quarter)").wait(timeout=300) == 0
    published = (out / "2025Q3" / "insights.html").read_text()
    kpis = Workspace(mini_dir).table("kpis")

    slow = job("import time; time.sleep(600)")
    kernels: list[psutil.Process] = []
    deadline = time.monotonic() + 300
    while not kernels and time.monotonic() < deadline:
        assert slow.poll() is None, "the job ended before its notebooks ran"
        kernels = [p for p in psutil.Process(slow.pid).children(recursive=True) if "ipykernel" in _command(p)]
        time.sleep(0.5)
    assert kernels, "no notebook kernel started"
    children = psutil.Process(slow.pid).children(recursive=True)
    slow.send_signal(signal.SIGKILL)
    slow.wait()
    _, alive = psutil.wait_procs(children, timeout=30)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
    assert (out / "2025Q3" / "insights.html").read_text() == published  # the previous report stays

    assert job("print('again', quarter)").wait(timeout=300) == 0
    assert "again" in (out / "2025Q3" / "insights.html").read_text()
    pd.testing.assert_frame_equal(Workspace(mini_dir).table("kpis"), kpis)  # same inputs, same numbers
    assert not list(out.glob(".staging-*")) and len(list((out / publish.BUILDS).iterdir())) == 1
