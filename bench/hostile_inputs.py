"""Ingest time on large and hostile inputs: it must grow linearly with the input, never quadratically.

    python bench/hostile_inputs.py [--mb 10] [--kinds txt,vtt,survey,pii,note] [--no-scaling]

For each kind, one file of --mb MB is written into its own data folder (in a temp folder) and
`workbench.ingest.ingest` is timed on it (write=False: the store's write is not what is measured):

- txt:    a plain `Name: text` transcript, turns wrapped over several lines
- vtt:    a WebVTT transcript with <v Name> voices
- survey: a generic survey CSV with comments
- pii:    a transcript dense with e-mail addresses and phone numbers (one of each per turn)
- note:   a Markdown session note with front matter and long statement lists

Each kind is also timed at a quarter and a half of --mb: the time per MB must not grow with the
size (PASS when time(--mb) / time(--mb / 4) <= 4 * 1.6, i.e. at most 60 % worse than linear, and
the throughput is at least 0.15 MB/s). The name finder (spaCy) is on, as in a real run.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workbench.ingest import ingest  # noqa: E402

MB = 1_000_000
SENTENCES = [
    "The dashboards take forever to load when we filter by region",
    "Our Salesforce sync broke again after the last update",
    "Exporting to Excel loses all of the formatting we set up",
    "I wish there was a mobile app for approvals on the road",
    "Support answered quickly and fixed the billing problem",
    "We need single sign-on with Okta before the renewal",
    "The new reporting page is much easier for my team",
]
SPEAKERS = [("Priya Shah", "customer"), ("Dana Whitfield", "company"), ("Tom Reyes", "customer")]
SETTINGS = "company:\n  name: Brightloop\n  staff: [Dana Whitfield]\n"


def _fill(size: int, head: str, chunk) -> str:
    """head, then chunk(i) for i = 0, 1, ... until the text is ``size`` characters long."""
    parts, total, i = [head], len(head), 0
    while total < size:
        piece = chunk(i)
        parts.append(piece)
        total += len(piece)
        i += 1
    return "".join(parts)


def _said(rng: random.Random, n: int = 2) -> str:
    return ". ".join(rng.choice(SENTENCES) for _ in range(n)) + "."


def make_txt(size: int, rng: random.Random) -> tuple[str, str]:
    head = "---\naccount_id: A001\ndate: 2026-08-12\nparticipants: Priya Shah (customer); Tom Reyes (customer)\n---\n"
    return "transcripts/call.txt", _fill(size, head, lambda i: (
        f"{SPEAKERS[i % 3][0]}: {_said(rng)}\n{_said(rng, 1)}\n{_said(rng, 1)}\n\n"))


def make_vtt(size: int, rng: random.Random) -> tuple[str, str]:
    def cue(i: int) -> str:
        s = i * 4
        stamp = f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000"
        end = s + 3
        stop = f"{end // 3600:02d}:{end // 60 % 60:02d}:{end % 60:02d}.000"
        return f"{i + 1}\n{stamp} --> {stop}\n<v {SPEAKERS[i % 3][0]}>{_said(rng)}</v>\n\n"
    head = "WEBVTT\n\nNOTE\naccount_id: A001\ndate: 2026-08-12\nparticipants: Priya Shah (customer); Tom Reyes (customer)\n\n"
    return "transcripts/call.vtt", _fill(size, head, cue)


def make_survey(size: int, rng: random.Random) -> tuple[str, str]:
    return "surveys/nps.csv", _fill(size, "response_id,date,score,comment\n", lambda i: (
        f"R{i:08d},2026-08-{1 + i % 28:02d},{i % 11},\"{_said(rng, 3)}\"\n"))


def make_pii(size: int, rng: random.Random) -> tuple[str, str]:
    head = "---\naccount_id: A001\ndate: 2026-08-12\nparticipants: Priya Shah (customer); Tom Reyes (customer)\n---\n"
    return "transcripts/pii.txt", _fill(size, head, lambda i: (
        f"{SPEAKERS[i % 3][0]}: mail user{i}.name@example{i % 97}.com or call (415) 555-{i % 10000:04d}\n"))


def make_note(size: int, rng: random.Random) -> tuple[str, str]:
    head = ("---\nsession_id: S-1\naccount_id: A001\ndate: 2026-08-12\nduration_minutes: 60\n"
            "moderator: {name: Dana Whitfield, team: Research}\n---\n\n# Check-in\n\n")
    return "sessions/note.md", _fill(size, head, lambda i: (
        f"## Key insights {i}\n" + "".join(f"- {_said(rng, 2)}\n" for _ in range(20)) + "\n"))


MAKERS = {"txt": make_txt, "vtt": make_vtt, "survey": make_survey, "pii": make_pii, "note": make_note}


def run_one(kind: str, size: int, tmp: Path) -> tuple[float, int, int]:
    """Seconds to ingest one ``size``-byte input of ``kind``; rows read and accepted."""
    folder = tmp / f"{kind}-{size}"
    rel, text = MAKERS[kind](size, random.Random(7))
    path = folder / rel
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    (folder / "workbench.yml").write_text(SETTINGS, encoding="utf-8")
    started = time.perf_counter()
    result = ingest(folder, write=False)
    return time.perf_counter() - started, result.rows_read, result.rows_accepted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--kinds", default=",".join(MAKERS))
    parser.add_argument("--no-scaling", action="store_true", help="only the full size, no linearity check")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        run_one("survey", 20_000, Path(tmp))  # warm up: imports and the name finder's model
        for kind in kinds:
            sizes = [args.mb] if args.no_scaling else [args.mb / 4, args.mb / 2, args.mb]
            seconds = {}
            for mb in sizes:
                took, read, accepted = run_one(kind, int(mb * MB), Path(tmp))
                seconds[mb] = took
                print(f"{kind:6} {mb:5.1f} MB: {took:6.1f} s, {mb / took:5.2f} MB/s; "
                      f"{read:,} rows read, {accepted:,} accepted", flush=True)
            speed = args.mb / seconds[args.mb]
            passed = speed >= 0.15
            if not args.no_scaling:
                ratio = seconds[args.mb] / seconds[args.mb / 4]
                passed &= ratio <= 4 * 1.6
                print(f"{kind:6} time({args.mb:g} MB) / time({args.mb / 4:g} MB) = {ratio:.2f} "
                      f"(linear: 4.00, quadratic: 16.00) {'PASS' if passed else 'FAIL'}", flush=True)
            else:
                print(f"{kind:6} {'PASS' if passed else 'FAIL'} (>= 0.15 MB/s)", flush=True)
            ok &= passed
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
