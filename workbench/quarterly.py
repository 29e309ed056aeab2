"""The scheduled job: ingest -> themes -> KPIs -> report notebooks -> HTML, published atomically.

    run_quarterly("data/sample", "reports", quarter="2026Q3")

Idempotent (same inputs, same numbers), atomic (a new report replaces the old one only when every
step succeeded; a failed run leaves the previous report in place and keeps its partially executed
notebook under reports/failed/), and locked (two runs cannot write the same reports folder).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from .contract import quarter_bounds
from .errors import QuarterlyError

log = logging.getLogger("workbench.quarterly")

REPORTS = (("quarterly_insights.ipynb", "insights"), ("kpi_report.ipynb", "kpis"))


@dataclass
class QuarterlyResult:
    quarter: str
    out_dir: Path
    reports: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def last_complete_quarter(quarters: list[str], today: dt.date | None = None) -> str:
    """The latest quarter in the data that has ended by ``today``."""
    today = pd.Timestamp(today or dt.date.today())
    done = [q for q in sorted(set(quarters)) if quarter_bounds(q)[1] < today]
    if not done:
        raise QuarterlyError("no complete quarter in the data yet")
    return done[-1]


def previous_quarter(quarter: str) -> str:
    return str(pd.Period(quarter, "Q") - 1)


class _Stages:
    """Times each stage and logs it, to stderr and to the run log."""

    def __init__(self, log_lines: list[str]):
        self.timings: dict[str, float] = {}
        self.lines = log_lines

    def run(self, name: str, fn, *args, **kwargs):
        started = time.perf_counter()
        self._log(f"{name}: started")
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:
            self.timings[name] = time.perf_counter() - started
            self._log(f"{name}: FAILED after {self.timings[name]:.1f} s: {type(exc).__name__}: {exc}")
            raise
        self.timings[name] = time.perf_counter() - started
        self._log(f"{name}: done in {self.timings[name]:.1f} s")
        return value

    def _log(self, message: str) -> None:
        line = f"{dt.datetime.now().isoformat(timespec='seconds')} {message}"
        self.lines.append(line)
        log.info(message)


def run_quarterly(
    data_dir: str | os.PathLike,
    out_dir: str | os.PathLike = "reports",
    quarter: str | None = None,
    compare: str | None = None,
    segment: str | None = None,
    today: dt.date | None = None,
    themes_settings: dict | None = None,
    strict: bool = False,
    keep_failed: int = 5,
    cluster: str | None = None,
) -> QuarterlyResult:
    """Ingest, theme, compute KPIs and publish the quarter's reports. ``strict``: any quarantined
    row stops the run before anything is stored or published (the previous report stays).
    ``keep_failed``: how many failed runs' folders stay under ``out_dir/failed/`` (newest first).
    ``cluster``: a Dask cluster for the heavy stages (``local:N`` or a scheduler address; default:
    ``cluster:`` in the folder's workbench.yml, else one process), see :mod:`workbench.cluster`."""
    from .cluster import connect
    from .ingest.settings import cluster_address

    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out_dir / ".quarterly.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise QuarterlyError(f"another run holds the lock {out_dir / '.quarterly.lock'}; not started") from None
    lines: list[str] = []
    stages = _Stages(lines)
    try:
        address = cluster_address(cluster, data_dir)
        if address:
            stages._log(f"cluster: {address}")
        with connect(address) as client:
            return _run(stages, data_dir, out_dir, quarter, compare, segment, today,
                        {**(themes_settings or {}), **({"client": client} if client is not None else {})},
                        strict, keep_failed)
    finally:
        lock.release()


def _run(stages: _Stages, data_dir: Path, out_dir: Path, quarter: str | None, compare: str | None,
         segment: str | None, today: dt.date | None, themes_settings: dict, strict: bool,
         keep_failed: int) -> QuarterlyResult:
    """The stages of :func:`run_quarterly`, under its lock (and on its cluster, if any)."""
    from .ingest import ingest
    from .kpis import compute_kpis
    from .kpis.inputs import AUDIT_TABLES, KPI_TABLES
    from .report import publish, render
    from .ingest.settings import storage_of
    from .themes.pipeline import update_themes
    from .workspace import Workspace

    kpi_inputs = set(KPI_TABLES) | set(AUDIT_TABLES)
    lines = stages.lines
    for note in publish.recover(out_dir):
        stages._log(note)
    # the stages hand their tables on in memory; the store is written once, when all have run
    ws = Workspace(data_dir, **storage_of(data_dir))  # the format workbench.yml asks for (storage:)
    result = stages.run("ingest", ingest, data_dir, strict=strict, write=False, client=themes_settings.get("client"))
    seen = _coverage(result)  # the same figures as the reports' coverage box (settings file left out)
    stages._log(f"ingest: {seen['rows_read']:,} rows read = {seen['rows_accepted']:,} accepted + "
                f"{seen['rows_quarantined']:,} quarantined; {seen['warnings']} warnings; "
                f"{len(seen['files_not_read'])} files gave nothing")
    ingested = {**result.tables, "ingest_files": result.files, "quarantine": result.quarantine,
                "ingest_warnings": result.warnings}
    quarters = sorted(result.tables["evidence"]["quarter"].dropna().unique().tolist()
                      + result.tables["nps_responses"]["quarter"].dropna().unique().tolist())
    quarter = quarter or last_complete_quarter(quarters, today)
    if quarter not in set(quarters):
        raise QuarterlyError(f"no data for {quarter}; the data covers {quarters[0]}..{quarters[-1]}")
    compare = compare or previous_quarter(quarter)
    # the themes' statuses (emerging, fading) and requirements' ARR are for the reported quarter,
    # not for the newest statements in the export (a run early in a quarter sees a few of them)
    themes = stages.run("themes", update_themes, data_dir, workspace=ws, tables=ingested, save=False,
                        **{"quarter": quarter, **themes_settings})
    for note in getattr(themes, "notes", []):
        stages._log(f"themes: note: {note}")
    kpis = stages.run("kpis", compute_kpis, {n: t for n, t in ingested.items() if n in kpi_inputs},
                      client=themes_settings.get("client"))
    tables = {**ingested, **themes.tables, "kpis": kpis}
    # the statements' 2-D map (the insight report's voice map, the explorer's map): made once, then
    # only new statements are placed; saved with the rest so no report has to compute it
    voice_map = stages.run("map", _statement_map, ws, ingested["evidence"], themes_settings)
    if voice_map is not None:
        tables["statement_map"] = voice_map
    stages.run("store", ws.save, tables)
    themes.registry.save(ws.registry_path)

    staging = out_dir / f".staging-{quarter}-{os.getpid()}"
    staging.mkdir(parents=True)
    params = {"quarter": quarter, "compare_quarter": compare, "data_dir": str(data_dir),
              "reports_dir": str(staging), "segment_filter": segment or ""}
    try:
        stages.run("notebooks", _render_reports, render, staging, params, quarter)
    except Exception:
        failed = publish.keep_failed(staging, out_dir, quarter, keep=keep_failed)
        (failed / "run.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
        raise
    summary = {
        "quarter": quarter, "compare_quarter": compare,
        "generated": dt.datetime.now().isoformat(timespec="seconds"),
        "headline": _headline(kpis, quarter),
        "settings": {"themes": getattr(themes, "settings", {}), "segment_filter": segment or ""},
        "notes": list(getattr(themes, "notes", [])),
        "coverage": _coverage(result),
        "timings_s": {k: round(v, 2) for k, v in stages.timings.items()},
    }
    (staging / publish.SUMMARY).write_text(json.dumps(summary, indent=2, sort_keys=True), encoding="utf-8")
    (staging / "run.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    final = out_dir / quarter
    publish.swap_into_place(staging, final)
    publish.write_index(out_dir)
    return QuarterlyResult(
        quarter, final, {name: final / f"{name}.html" for _, name in REPORTS}, dict(stages.timings)
    )


def _render_one(notebook: Path, staging: Path, name: str, params: dict, title: str) -> tuple[str, float]:
    """Execute one report notebook and render it to HTML (runs in a worker process)."""
    from .report import render

    started = time.perf_counter()
    executed = staging / f"{name}.ipynb"
    render.execute(notebook, executed, params, cwd=staging)
    render.to_html(executed, staging / f"{name}.html", title=title)
    return name, time.perf_counter() - started


def _render_reports(render, staging: Path, params: dict, quarter: str) -> dict[str, float]:
    """Both report notebooks at once, one process each (each runs its own kernel)."""
    jobs = [(render.notebook_path(nb), staging, name, params,
             f"{'CX insights' if name == 'insights' else 'CX KPIs'} {quarter}") for nb, name in REPORTS]
    if os.cpu_count() and os.cpu_count() > 1 and len(jobs) > 1:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=len(jobs), mp_context=ctx, initializer=_end_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            futures = [pool.submit(_render_one, *job) for job in jobs]
            results = [f.result() for f in futures]
    else:
        results = [_render_one(*job) for job in jobs]
    for name, seconds in results:
        log.info("notebook %s: %.1f s", name, seconds)
    return dict(results)


def _end_with_parent(parent: int) -> None:
    """Worker initializer: the worker ends when the job's process does, even when the job is killed
    with SIGKILL (which no handler of ours sees); the notebook kernel a worker starts polls its parent
    (ipykernel's parent poller) and ends after it, so a killed job leaves no process behind.

    Linux's prctl(PR_SET_PDEATHSIG) does this; no maintained package exposes it without a compiled
    extension, hence ctypes. Elsewhere the workers end when they next read their closed queue.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the job died before the request took effect
        os._exit(1)


def _statement_map(ws, evidence: pd.DataFrame, settings: dict) -> pd.DataFrame | None:
    """The ``statement_map`` table for the folder's themed statements, in the themes' embedding
    space; None (the reports say the map is missing) when it cannot be made."""
    from .themes.pipeline import themed_statements
    from .themes.statement_map import map_table

    try:
        frame, _ = map_table(ws, themed_statements(evidence), embedder=settings.get("embedder"),
                             model_path=settings.get("model_path"))
    except Exception as exc:  # noqa: BLE001 - the reports stand without the map
        log.warning("statement map: not made (%s: %s)", type(exc).__name__, exc)
        return None
    return frame


def _coverage(result) -> dict:
    """What the reports are built from, for summary.json and the log (the coverage box's figures)."""
    from .report.coverage import coverage_counts

    return coverage_counts(result.files, result.quarantine, len(result.warnings))


def _headline(kpis: pd.DataFrame, quarter: str) -> str:
    from .kpis import kpi_row

    try:
        row = kpi_row(kpis, quarter, "nps")
    except KeyError:
        return ""
    if row is not None and pd.notna(row["value"]):
        return f"NPS {row['value']:+.0f} (n={int(row['n'])})"
    return ""
