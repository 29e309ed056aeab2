"""Malformed inputs, one at a time, on top of a tiny valid folder: ingest never crashes, every row is
accounted for, the bad file (or row) is named with a reason, the good rows are kept, and no stored
text holds a control character or mojibake.

Each case (tests/fuzz_cases.py) writes its files (or links, FIFOs) into a copy of ``BASE``; ``bad`` is the file that must be
named in the quarantine or the warnings (with ``reason`` in what is said), ``kept`` the statements of
the bad file that must still be stored. Cases where the whole run must stop name the error instead.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from fuzz_cases import BASE, BASE_TEXTS, CASES, CONTROL, HEAD, JUNK, MOJIBAKE, Case
from workbench.errors import IngestError
from workbench.ingest import ingest

def _build(tmp_path: Path, case: Case) -> Path:
    data = tmp_path / "data"
    for rel, content in {**BASE, **case.files}.items():
        path = data / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
    if case.setup:
        case.setup(data)
    return data


def _said(result, name: str) -> list[str]:
    """Everything the run says about a file: 'locator: reason' of its quarantined rows and warnings."""
    frames = [result.quarantine, result.warnings]
    return [f"{loc}: {r}" for f in frames for loc, r in f.loc[f["source_file"] == name, ["locator", "reason"]]
            .itertuples(index=False, name=None)]


def check_invariants(result, case: Case) -> None:
    files = result.files
    assert (files["rows_read"] == files["rows_accepted"] + files["rows_quarantined"]).all(), files
    assert result.rows_read == result.rows_accepted + result.rows_quarantined
    per_file = result.quarantine.groupby("source_file").size()
    for row in files.itertuples():
        assert per_file.get(row.source_file, 0) == row.rows_quarantined, row.source_file
    assert result.quarantine["reason"].str.len().gt(0).all()
    texts = set(result.tables["evidence"]["text"])
    if case.base:
        assert BASE_TEXTS <= texts, BASE_TEXTS - texts
    assert set(case.kept) <= texts, set(case.kept) - texts
    if case.bad:
        said = _said(result, case.bad)
        assert said, f"{case.bad} is not named in the quarantine or the warnings"
        assert any(case.reason in s for s in said), said
    stored = (list(result.tables["evidence"]["text"]) + list(result.tables["action_items"]["action"])
              + list(result.quarantine["raw"]) + list(result.quarantine["reason"]) + list(result.warnings["reason"]))
    for text in stored:
        assert not pd.Series([text]).astype(str).str.contains(CONTROL).any(), repr(text[:80])
    for text in result.tables["evidence"]["text"]:
        assert not any(m in text for m in MOJIBAKE), repr(text[:80])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input(tmp_path, case):
    if case.id == "unreadable-file" and os.geteuid() == 0:
        pytest.skip("running as root: chmod 0 does not stop reading")
    data = _build(tmp_path, case)
    if case.error:
        with pytest.raises(case.error, match=None) as raised:
            ingest(data, write=False)
        assert case.reason in str(raised.value) and "workbench.yml" in str(raised.value)
        return
    result = ingest(data, write=False)
    check_invariants(result, case)


def test_there_are_at_least_80_cases():
    assert len(CASES) >= 80 and len({c.id for c in CASES}) == len(CASES)


def test_a_folder_with_no_readable_row_is_a_clear_error(tmp_path):
    data = tmp_path / "data"
    (data / "surveys").mkdir(parents=True)
    with pytest.raises(IngestError, match="no input files found"):
        ingest(data, write=False)
    (data / "surveys" / "junk.csv").write_bytes(JUNK)
    (data / "surveys" / "empty.csv").write_bytes(b"")
    # every file refused: each is named, nothing is accepted, and the command line says so (exit 1)
    result = ingest(data, write=False)
    assert result.rows_accepted == 0 and set(result.quarantine["source_file"]) == {"surveys/junk.csv",
                                                                                    "surveys/empty.csv"}
    done = _cli(data)
    assert done.returncode == 1 and "nothing could be ingested" in done.stderr and "Traceback" not in done.stderr


def test_a_csv_parse_error_quarantines_its_row_and_the_next_rows_are_read(tmp_path, monkeypatch):
    """The csv module's own errors (here its field-size cap, lowered for the test) cost one row."""
    import csv

    data = _build(tmp_path, Case("x", {"surveys/s.csv": HEAD + "E1,2026-08-01,9,short\nE2,2026-08-01,9,"
                                       + "q" * 300 + "\nE3,2026-08-01,9,after\n"}))
    old = csv.field_size_limit(200)
    try:
        result = ingest(data, write=False)
    finally:
        csv.field_size_limit(old)
    q = result.quarantine[result.quarantine["source_file"] == "surveys/s.csv"]
    assert list(q["locator"]) == ["row 3"] and "malformed CSV near line 3" in q.iloc[0]["reason"]
    assert {"short", "after"} <= set(result.tables["evidence"]["text"])
    entry = result.files.set_index("source_file").loc["surveys/s.csv"]
    assert (entry["rows_read"], entry["rows_accepted"], entry["rows_quarantined"]) == (3, 2, 1)


def test_one_50_mb_field_keeps_the_other_rows(tmp_path):
    data = tmp_path / "data"
    (data / "surveys").mkdir(parents=True)
    with (data / "surveys" / "s.csv").open("w", encoding="utf-8") as f:
        f.write(HEAD + "A1,2026-08-01,9,Before the big one\n")
        f.write("A2,2026-08-01,9,")
        f.write("x" * 50_000_000)
        f.write("\nA3,2026-08-01,9,After the big one\n")
    result = ingest(data, write=False)
    assert set(result.tables["evidence"]["text"]) == {"Before the big one", "After the big one"}
    (row,) = result.quarantine.itertuples()
    assert row.locator == "row 3" and "field 'comment' has 50,000,000 characters" in row.reason
    assert len(row.raw) <= 300


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "workbench.cli", "ingest", str(data), *args], capture_output=True,
                          text=True, env=env, timeout=300)


CLI_CASES = ["nul-byte-late", "json-turn-text-an-object", "note-yaml-bomb", "binary-junk-csv"]


def test_cli_exit_status_and_messages(tmp_path, capsys):
    """Exit 0 with quarantine (the file named in the summary), 1 for --strict, 2 for broken settings;
    never a traceback (the command line's own ``main``, in this process: an exception would fail the test)."""
    from workbench.cli import main

    for n, name in enumerate(CLI_CASES):
        case = next(c for c in CASES if c.id == name)
        data = _build(tmp_path / f"c{n}", case)
        assert main(["ingest", str(data)]) == 0
        out = capsys.readouterr()
        assert case.bad in out.out and "Traceback" not in out.out + out.err
        assert main(["ingest", str(data), "--strict"]) == 1
        out = capsys.readouterr()
        assert "--strict" in out.err and case.bad in out.err and "Traceback" not in out.err
    bomb = next(c for c in CASES if c.id == "settings-yaml-bomb")
    assert main(["ingest", str(_build(tmp_path / "bomb", bomb))]) == 2
    out = capsys.readouterr()
    assert "workbench.yml" in out.err and "alias" in out.err and "Traceback" not in out.out + out.err


def test_cli_as_a_process(tmp_path):
    """`python -m workbench.cli ingest` on a folder with a bad file: exit 0, the file named, no traceback."""
    case = next(c for c in CASES if c.id == "vtt-nul-in-cue")
    done = _cli(_build(tmp_path, case))
    assert done.returncode == 0 and case.bad in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
