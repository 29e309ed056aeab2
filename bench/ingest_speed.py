"""Ingestion speed and memory.

    python bench/ingest_speed.py [--rows 200000] [--skip-sample]

1. the sample company (`workbench sample --seed 7`): target <= 10 s;
2. one survey CSV of --rows rows (generic layout, realistic comments with PII to redact):
   target <= 60 s and peak memory < 2 GB.
Each ingest runs in a fresh subprocess so its peak RSS is its own.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
t = time.perf_counter()
from workbench.ingest import ingest
r = ingest(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "rows_read": r.rows_read, "accepted": r.rows_accepted,
                  "quarantined": r.rows_quarantined, "evidence": len(r.tables["evidence"]),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PHRASES = [
    "Dashboards take forever to load when we filter by region",
    "The Salesforce sync broke again after the update",
    "Our CSM is fantastic, always quick to help",
    "Billing was a surprise this quarter, the invoice doubled",
    "I wish there was a mobile app for approvals",
    "Please add SSO with Okta, it's a blocker for IT",
    "Support took three days to answer, call me at (415) 555-{:04d}",
    "Exporting to Excel loses the formatting",
    "Easy to use, the team adopted it in a week",
    "ok",
    "",
    "Reach me at user{}@example.com about the renewal",
]


def write_survey(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["response_id", "account_id", "respondent_name", "respondent_email", "persona", "date", "score", "comment"])
        for i in range(rows):
            text = rng.choice(PHRASES)
            if "{" in text:
                text = text.format(rng.randrange(10000))
            if rng.random() < 0.3:
                text = text + ". " + rng.choice(PHRASES).format(rng.randrange(10000))
            w.writerow([
                f"R{i:07d}", f"A{rng.randrange(3000):05d}", f"Person{rng.randrange(5000)} Surname{rng.randrange(900)}",
                f"p{i}@example.com", rng.choice(["practitioner", "sponsor", "admin"]),
                f"2026-{rng.randint(1, 9):02d}-{rng.randint(1, 28):02d}", rng.randint(0, 10), text,
            ])


def run_child(data_dir: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(data_dir)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--skip-sample", action="store_true")
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_sample:
            from workbench.sample import generate

            generate(tmp / "sample", seed=7)
            r = run_child(tmp / "sample")
            passed = r["seconds"] <= 10
            ok &= passed
            print(f"sample company: {r['seconds']:.1f} s (target <= 10 s) {'PASS' if passed else 'FAIL'}; "
                  f"{r['rows_read']:,} rows read = {r['accepted']:,} accepted + {r['quarantined']:,} quarantined; "
                  f"{r['evidence']:,} evidence rows; peak {r['peak_mb']:.0f} MB")
        big = tmp / "big"
        (big / "surveys").mkdir(parents=True)
        t = time.perf_counter()
        write_survey(big / "surveys" / "nps.csv", args.rows)
        size_mb = (big / "surveys" / "nps.csv").stat().st_size / 1e6
        print(f"wrote {args.rows:,}-row survey CSV ({size_mb:.1f} MB) in {time.perf_counter() - t:.1f} s")
        r = run_child(big)
        passed = r["seconds"] <= 60 and r["peak_mb"] < 2048
        ok &= passed
        print(f"{args.rows:,}-row survey: {r['seconds']:.1f} s (target <= 60 s), peak {r['peak_mb']:.0f} MB "
              f"(target < 2048 MB) {'PASS' if passed else 'FAIL'}; {r['accepted']:,} accepted, "
              f"{r['evidence']:,} evidence rows")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
