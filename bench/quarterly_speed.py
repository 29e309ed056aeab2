"""`workbench quarterly` on the sample company: cold (no embedding cache) and warm (cached).

    python bench/quarterly_speed.py

Targets on the 2-core reference machine: cold <= 180 s, warm <= 60 s. Also checks the size of
each HTML report (<= 5 MB). Each run is the real CLI in a subprocess, as cron would start it.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(data: Path, out: Path) -> tuple[float, dict]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "workbench.cli", "quarterly", "--data", str(data), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stderr[-3000:])
        raise SystemExit(f"quarterly failed with exit status {proc.returncode}")
    summary = json.loads((out / "2026Q3" / "summary.json").read_text())
    return seconds, summary


def main() -> int:
    from workbench.sample import generate

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "sample", Path(tmp) / "reports"
        generate(data, seed=7)
        for label, target in (("cold", 180), ("warm", 60)):
            seconds, summary = run(data, out)
            passed = seconds <= target
            ok &= passed
            stages = ", ".join(f"{k} {v:.1f}" for k, v in summary["timings_s"].items())
            print(f"{label}: {seconds:.1f} s (target <= {target} s) {'PASS' if passed else 'FAIL'}  [{stages}]")
        for name in ("insights.html", "kpis.html"):
            size = (out / "2026Q3" / name).stat().st_size / 1e6
            ok &= size <= 5
            print(f"{name}: {size:.2f} MB (target <= 5 MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
