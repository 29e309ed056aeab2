"""Publishing a quarter's reports: swap a finished folder into place, keep the index up to date."""
from __future__ import annotations

import html
import json
import shutil
import time
from pathlib import Path

SUMMARY = "summary.json"


def swap_into_place(staging: Path, final: Path) -> None:
    """Replace ``final`` with the complete ``staging`` folder (same parent, so renames are atomic).

    There is no moment at which a reader finds a half-written folder; if the process dies between
    the two renames, ``recover`` on the next run puts the previous report back.
    """
    previous = final.with_name(f".{final.name}.previous")
    if previous.exists():
        shutil.rmtree(previous)
    if final.exists():
        final.rename(previous)
    staging.rename(final)
    if previous.exists():
        shutil.rmtree(previous)


def recover(out_dir: Path) -> list[str]:
    """Put back reports whose swap was interrupted; remove stale staging folders. Returns what it did."""
    done = []
    if not out_dir.exists():
        return done
    for previous in out_dir.glob(".*.previous"):
        final = out_dir / previous.name[1 : -len(".previous")]
        if not final.exists():
            previous.rename(final)
            done.append(f"restored {final.name} from an interrupted run")
        else:
            shutil.rmtree(previous)
    for staging in out_dir.glob(".staging-*"):
        shutil.rmtree(staging, ignore_errors=True)
        done.append(f"removed stale {staging.name}")
    return done


def keep_failed(staging: Path, out_dir: Path, quarter: str) -> Path:
    """Move a failed run's folder (with its partially executed notebooks) under reports/failed/."""
    dest = out_dir / "failed" / f"{quarter}-{time.strftime('%Y%m%dT%H%M%S')}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(staging), dest)
    return dest


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
