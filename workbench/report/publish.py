"""Publishing a quarter's reports: swap a finished folder into place, keep the index up to date.

A quarter's report folder (``reports/2026Q3``) is a symbolic link to a complete build under
``reports/.builds/``. A new build is published by renaming a new link over the old one: rename(2)
replaces a link atomically, so a reader (or a kill) never finds the quarter without a report, not
even for an instant. Folders from an earlier version of the workbench are real directories; they
are moved under ``.builds`` the first time (the one step that cannot be atomic: ``recover`` links
the newest build back if a run dies right there).
"""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
from pathlib import Path

SUMMARY = "summary.json"
BUILDS = ".builds"
#: failed runs' folders kept under reports/failed/ (the newest ones; older ones are deleted)
KEEP_FAILED = 5


def _fresh(folder: Path, name: str) -> Path:
    """``folder/name-STAMP``: a new path whose names sort by creation time."""
    while True:
        path = folder / f"{name}-{dt.datetime.now():%Y%m%dT%H%M%S%f}-{os.getpid()}"
        if not path.exists():
            return path


def _builds_of(builds: Path, name: str) -> list[Path]:
    """A quarter's builds, oldest first (their names end in a sortable time stamp)."""
    if not builds.is_dir():
        return []
    return sorted(p for p in builds.iterdir() if p.is_dir() and p.name.startswith(f"{name}-"))


def _link_target(final: Path) -> Path | None:
    """The build a quarter's link points to, or None (no link, or a real directory)."""
    if not final.is_symlink():
        return None
    return (final.parent / os.readlink(final)).resolve()


def _new_link(final: Path, build: Path) -> Path:
    """A temporary link to ``build`` beside ``final``, ready to be renamed over it."""
    tmp = final.with_name(f".{final.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(Path(BUILDS) / build.name, tmp)  # relative: the reports folder can be moved or copied whole
    return tmp


def _point(final: Path, build: Path) -> None:
    """Make ``final`` a link to ``build`` in one atomic rename."""
    os.replace(_new_link(final, build), final)


def swap_into_place(staging: Path, final: Path) -> None:
    """Publish the complete ``staging`` folder as ``final``; the previous build is deleted after."""
    builds = final.parent / BUILDS
    builds.mkdir(exist_ok=True)
    build = _fresh(builds, final.name)
    staging.rename(build)
    link = _new_link(final, build)
    if final.exists() and not final.is_symlink():  # a report folder written by an earlier version
        final.rename(builds / f"{final.name}-00000000T000000000000-earlier")
    os.replace(link, final)
    _prune_builds(builds, final)


def _prune_builds(builds: Path, final: Path) -> None:
    current = _link_target(final)
    for old in _builds_of(builds, final.name):
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def recover(out_dir: Path) -> list[str]:
    """Repair what an interrupted run left: a quarter whose link is missing or broken is linked to its
    newest complete build; stale staging folders, temporary links and unpublished builds are removed.
    Returns what it did."""
    done = []
    if not out_dir.exists():
        return done
    for previous in out_dir.glob(".*.previous"):  # left by an earlier version's two-rename swap
        final = out_dir / previous.name[1 : -len(".previous")]
        if not final.exists():
            previous.rename(final)
            done.append(f"restored {final.name} from an interrupted run")
        else:
            shutil.rmtree(previous)
    for link in out_dir.glob(".*.link-*"):
        link.unlink(missing_ok=True)
    builds = out_dir / BUILDS
    names = {p.name.split("-", 1)[0] for p in builds.iterdir() if p.is_dir()} if builds.is_dir() else set()
    for name in sorted(names):
        final = out_dir / name
        if not final.exists():  # missing, or a link whose build is gone
            _point(final, _builds_of(builds, name)[-1])
            done.append(f"linked {name} to its newest complete build after an interrupted run")
        elif final.is_symlink():
            _prune_builds(builds, final)
    for staging in out_dir.glob(".staging-*"):
        shutil.rmtree(staging, ignore_errors=True)
        done.append(f"removed stale {staging.name}")
    return done


def keep_failed(staging: Path, out_dir: Path, quarter: str, keep: int = KEEP_FAILED) -> Path:
    """Move a failed run's folder (with its partially executed notebooks) under reports/failed/,
    keeping the ``keep`` newest failed folders."""
    (out_dir / "failed").mkdir(parents=True, exist_ok=True)
    dest = _fresh(out_dir / "failed", quarter)
    shutil.move(str(staging), dest)
    prune_failed(out_dir, keep)
    return dest


def prune_failed(out_dir: Path, keep: int = KEEP_FAILED) -> list[Path]:
    """Delete all but the ``keep`` newest folders under reports/failed/ (their names end in the time
    they failed)."""
    failed = out_dir / "failed"
    if not failed.is_dir():
        return []
    folders = sorted((p for p in failed.iterdir() if p.is_dir()), key=lambda p: p.name.split("-", 1)[-1])
    gone = folders[: max(len(folders) - keep, 0)]
    for folder in gone:
        shutil.rmtree(folder, ignore_errors=True)
    return gone


def write_index(out_dir: Path) -> Path:
    """reports/index.html: every published quarter, newest first, with its headline figures."""
    rows = []
    for folder in sorted((p for p in out_dir.iterdir() if p.is_dir() and p.name[:4].isdigit()), reverse=True):
        summary = {}
        if (folder / SUMMARY).exists():
            summary = json.loads((folder / SUMMARY).read_text(encoding="utf-8"))
        links = " · ".join(
            f'<a href="{html.escape(folder.name)}/{name}">{label}</a>'
            for name, label in (("insights.html", "Insights"), ("kpis.html", "KPIs"))
            if (folder / name).exists()
        )
        facts = html.escape(summary.get("headline", ""))
        when = html.escape(summary.get("generated", ""))
        rows.append(f"<tr><td><b>{html.escape(folder.name)}</b></td><td>{links}</td><td>{facts}</td><td>{when}</td></tr>")
    body = "\n".join(rows) or '<tr><td colspan="4">No reports yet.</td></tr>'
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>CX insight reports</title>
<style>body{{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left}}
th{{background:#f5f5f5}}</style></head>
<body><h1>CX insight reports</h1>
<p>One row per quarter: the insight report (themes, requirements, quotes) and the KPI report.</p>
<table><tr><th>Quarter</th><th>Reports</th><th>Headline</th><th>Generated</th></tr>
{body}
</table></body></html>
"""
    path = out_dir / "index.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    return path
