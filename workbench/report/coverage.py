"""The data-coverage box both reports open with: what was read, what was left out, and why.

A report that says "NPS -30 (n=97)" must also say when a whole export could not be read: the box
lists, per source, the files and rows read, accepted and quarantined, then every file that gave
nothing (with its reason) and the ingest warnings (a note with no statements, a transcript with
no recognised speaker).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import catalog
from ..workspace import Workspace
from .html import HTML, esc, table

MAX_LISTED = 25


def coverage_tables(data_dir: "str | Path | Workspace") -> dict[str, pd.DataFrame] | None:
    """ingest_files, quarantine and ingest_warnings from the store; None when it has no ingest record."""
    ws = Workspace.of(data_dir)
    if not ws.has("ingest_files"):
        return None
    return {name: ws.table(name) if ws.has(name) else pd.DataFrame(columns=catalog.columns(name))
            for name in ("ingest_files", "quarantine", "ingest_warnings")}


def by_source(files: pd.DataFrame) -> pd.DataFrame:
    """Files, rows read, accepted, quarantined and warnings per source (settings files left out)."""
    files = files[files["source"] != "config"]
    grouped = files.groupby("source", sort=True)
    return pd.DataFrame({
        "files": grouped.size(),
        "rows_read": grouped["rows_read"].sum(),
        "rows_accepted": grouped["rows_accepted"].sum(),
        "rows_quarantined": grouped["rows_quarantined"].sum(),
        "warnings": grouped["warnings"].sum(),
    }).reset_index()


def files_not_read(files: pd.DataFrame, quarantine: pd.DataFrame) -> pd.DataFrame:
    """Files that gave no accepted row, each with the first reason recorded for it."""
    empty = files[(files["rows_accepted"] == 0) & (files["source"] != "config")]
    first = quarantine.drop_duplicates("source_file").set_index("source_file")["reason"] if len(quarantine) else {}
    reasons = [first.get(f, "nothing accepted") if len(quarantine) else "nothing accepted" for f in empty["source_file"]]
    return pd.DataFrame({"source_file": empty["source_file"].to_numpy(), "source": empty["source"].to_numpy(),
                         "rows_quarantined": empty["rows_quarantined"].to_numpy(), "reason": reasons})


def coverage_counts(files: pd.DataFrame, quarantine: pd.DataFrame, warnings: int) -> dict:
    """The box's figures as plain data (summary.json, the job's log): rows read, accepted,
    quarantined and warnings (settings files left out), and every file not read with its reason."""
    files = files[files["source"] != "config"]
    missing = files_not_read(files, quarantine)
    return {
        "rows_read": int(files["rows_read"].sum()), "rows_accepted": int(files["rows_accepted"].sum()),
        "rows_quarantined": int(files["rows_quarantined"].sum()), "warnings": int(warnings),
        "files_not_read": dict(zip(missing["source_file"], missing["reason"].astype(str))),
    }


def summary_line(files: pd.DataFrame) -> str:
    files = files[files["source"] != "config"]
    left_out = int(((files["rows_accepted"] == 0)).sum())
    text = (f"Read {int(files['rows_read'].sum()):,} rows from {len(files):,} files: "
            f"{int(files['rows_accepted'].sum()):,} accepted, {int(files['rows_quarantined'].sum()):,} quarantined")
    if left_out:
        text += f"; {left_out} file{'s' if left_out != 1 else ''} gave nothing (listed below)"
    warnings = int(files["warnings"].sum())
    if warnings:
        text += f"; {warnings} warning{'s' if warnings != 1 else ''}"
    return text + "."


def coverage_box(data_dir: str | Path) -> HTML:
    """The box, as escaped HTML. Every file name and reason comes from the data: all escaped."""
    tables = coverage_tables(data_dir)
    if tables is None:
        return HTML('<div class="wb-coverage"><p><strong>Data coverage unknown:</strong> this store has no '
                    "ingest record (run <code>workbench ingest</code>).</p></div>")
    files, quarantine, warnings = tables["ingest_files"], tables["quarantine"], tables["ingest_warnings"]
    parts = [f'<div class="wb-coverage"><p><strong>Data coverage.</strong> {esc(summary_line(files))}</p>']
    parts.append(str(table(by_source(files), columns={
        "source": "source", "files": "files", "rows_read": "rows read", "rows_accepted": "accepted",
        "rows_quarantined": "quarantined", "warnings": "warnings"},
        numeric=("files", "rows_read", "rows_accepted", "rows_quarantined", "warnings"), download="coverage.csv")))
    missing = files_not_read(files, quarantine)
    if len(missing):
        parts.append("<p><strong>Files not read</strong> (nothing from them is in this report):</p>")
        parts.append(str(table(missing.head(MAX_LISTED), columns={
            "source_file": "file", "source": "source", "rows_quarantined": "rows quarantined", "reason": "why"},
            numeric=("rows_quarantined",), download="files_not_read.csv")))
        if len(missing) > MAX_LISTED:
            parts.append(f"<p>… and {len(missing) - MAX_LISTED} more files.</p>")
    if len(warnings):
        parts.append("<p><strong>Warnings:</strong></p><ul>")
        for row in warnings.head(MAX_LISTED).itertuples():
            parts.append(f"<li>{esc(row.source_file)} {esc(row.locator)}: {esc(row.reason)}</li>")
        parts.append("</ul>")
        if len(warnings) > MAX_LISTED:
            parts.append(f"<p>… and {len(warnings) - MAX_LISTED} more warnings.</p>")
    parts.append("</div>")
    return HTML("".join(parts))
