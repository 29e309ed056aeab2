"""`workbench quarterly`: the scheduled job that regenerates a quarter's reports."""
from __future__ import annotations

import logging
import os
import sys

from ..errors import ClusterError, QuarterlyError, SettingsError
from . import add_cluster_option, add_command


def register(subparsers) -> None:
    p = add_command(
        subparsers, "quarterly",
        help="ingest, theme, compute KPIs and publish the quarter's insight and KPI reports",
        description="Regenerate reports/<quarter>/{insights,kpis}.html and reports/index.html. Idempotent and atomic: "
                    "a failed run leaves the previous report in place.",
        examples=["workbench quarterly --data data/sample --out reports",
                  "workbench quarterly --data data/acme --quarter 2026Q3 --compare 2025Q3 --strict",
                  "workbench quarterly --segment plan=Enterprise",
                  "workbench quarterly --data data/acme --cluster local:4",
                  "workbench quarterly --data data/acme --cluster tcp://scheduler:8786"],
        exit_status=["0  published",
                     "1  failed, with a one-line reason (with --strict: any quarantined row); the previous "
                     "reports stay in place",
                     "2  bad arguments, a broken workbench.yml, or a --cluster that cannot be used"])
    p.add_argument("--quarter", help="quarter to report, e.g. 2026Q3 (default: the last complete one in the data)")
    p.add_argument("--data", default=os.environ.get("WORKBENCH_DATA", "data/sample"), metavar="DIR",
                   help="data folder (default: $WORKBENCH_DATA or data/sample)")
    p.add_argument("--out", default="reports", metavar="DIR", help="reports folder (default: reports)")
    p.add_argument("--compare", metavar="QUARTER", help="quarter to compare with (default: the one before)")
    p.add_argument("--segment", metavar="SEGMENT=VALUE", help="restrict the reports to one segment, e.g. plan=Enterprise")
    p.add_argument("--seed", type=int, default=None, help="theme model seed (default 42, recorded in summary.json)")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 1, nothing stored or published) if any input row is quarantined")
    p.add_argument("--keep-failed", type=int, default=5, metavar="N",
                   help="failed runs' folders kept under OUT/failed/, newest first (default 5)")
    add_cluster_option(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..quarterly import run_quarterly

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s quarterly %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("workbench.quarterly")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # one line per event, not one more from the root logger
    settings = {"seed": args.seed} if args.seed is not None else {}
    try:
        result = run_quarterly(args.data, args.out, quarter=args.quarter, compare=args.compare,
                               segment=args.segment, themes_settings=settings, strict=args.strict,
                               keep_failed=args.keep_failed, cluster=args.cluster)
    except (SettingsError, ClusterError) as exc:  # a broken workbench.yml or cluster: nothing stored, exit 2
        print(f"workbench quarterly: FAILED: {exc}", file=sys.stderr)
        return 2
    except (QuarterlyError, Exception) as exc:  # the operator gets one line; details are in the log
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"workbench quarterly: FAILED: {type(exc).__name__}: {reason}", file=sys.stderr)
        return 1
    finally:
        logger.removeHandler(handler)
    print(f"Reports for {result.quarter}:")
    for path in result.reports.values():
        print(f"  {path}")
    print(f"  {result.out_dir.parent / 'index.html'}")
    print("Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items()))
    return 0
