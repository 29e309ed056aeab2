"""`workbench sample --out DIR --seed N`: write the sample company."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from . import add_command


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "sample", help="write the deterministic sample company (Brightloop) into a data folder",
        description="Write a complete example data folder, with an answer_key/ of the planted truth.",
        examples=["workbench sample --out data/sample --seed 7"],
        exit_status=["0  written", "2  --out exists and is not a folder"])
    parser.add_argument("--out", type=Path, default=Path("data/sample"), help="folder to write (default data/sample)")
    parser.add_argument("--seed", type=int, default=7, help="random seed; the same seed writes the same bytes")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..sample import generate

    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} exists and is not a folder")
    summary = generate(args.out, seed=args.seed)
    print(f"wrote the sample company to {args.out} (seed {args.seed})")
    width = max(len(k) for k in summary)
    for name, count in summary.items():
        print(f"  {name:<{width}}  {count:>6}")
    return 0
