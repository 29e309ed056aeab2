"""PII redaction: recall on planted strings, and product words wrongly redacted.

    python bench/pii_recall.py [--seed 11]

1. **Planted**: 260+ strings of the kinds a known-names list cannot catch (names nobody listed,
   lower-case first names of listed staff, IBANs, IP addresses, UK/DE/US national phone numbers,
   UK/EU street addresses, dates of birth, unlabelled SSNs), each in a feedback sentence, mixed
   into 3,000 PII-free statements of the sample company and ingested as a survey export through
   `workbench ingest`. Recall = planted strings absent from the store. Target >= 0.98.
2. **The sample's answer key**: the statements it marks as carrying PII; a statement is a miss
   when it is stored verbatim.
3. **Words wrongly redacted**: PII-free statements (the sample's, and real text: SemEval-2019
   suggestion forum sentences and URR app reviews from ../shared/data when present) in which words
   were replaced by a name or address label. Target <= 1 % of statements. The share with any label
   (numbers in URLs and version strings taken for phones, IDs or IPs too) is printed beside it.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from workbench.ingest import ingest  # noqa: E402
from workbench.sample import generate  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
LABEL_RE = re.compile(r"\[(Person|IBAN|IP|DOB|ADDRESS|ID|PHONE)\]")
WORD_LABEL_RE = re.compile(r"\[(Person|ADDRESS)\]")
FIRST = ["Tom", "Lucía", "Giuseppe", "Aoife", "Priyanka", "Olumide", "Mei", "Sven", "Katarzyna", "Mohammed",
         "Hiroshi", "Chloé", "Mateo", "Ingrid", "Rahul", "Fatima", "Dmitri", "Ana", "Jean-Luc", "Siobhan",
         "Kwame", "Yuki", "Lars", "Beatriz", "Tariq", "Elif", "Niamh", "Arjun", "Zofia", "Henrik"]
LAST = ["Alvarez", "Fernández", "Rossi", "Nakamura", "Okafor", "Kowalski", "Dubois", "Novak", "Schmidt",
        "Haddad", "Lindqvist", "O'Brien", "Papadopoulos", "Nguyen", "Mehta", "García", "Mensah", "Yilmaz",
        "Byrne", "Sato", "Jansen", "Costa", "Moreau", "Petrov", "Adeyemi"]
STAFF = ["Marco Bellini", "Hannah Kowalczyk", "Jonas Lindgren"]  # listed in workbench.yml
NAME_TEMPLATES = [
    "Thanks, {first}. The export works again.",
    "{first} {last} on our team can tell you more about the sync errors.",
    "Please ask {first} {last} to call us back about the renewal.",
    "Our admin {first} {last} spent two days fixing permissions.",
    "Shout out to {first} from your support team for the quick fix.",
    "The dashboard is slow, {first} {last} timed it at 40 seconds.",
    "I spoke with {first} about the billing error last week.",
]
TEMPLATES = {
    "iban": "Please refund to IBAN {v}, the invoice was charged twice.",
    "ip": "Logins from {v} are blocked by the new SSO policy.",
    "phone_gb": "The app crashes on upload, call me on {v}.",
    "phone_de": "Sync is broken again, reach me at {v}.",
    "phone_us": "Reports are wrong since Monday, my cell is {v}.",
    "address": "Ship the replacement scanners to {v} please.",
    "dob": "The form rejects my date of birth: {v}.",
    "dob_born": "I was born {v} and the age field says I'm under 18.",
    "ssn": "Your onboarding form asked for my SSN again, {v}, why?",
}


def _iban(rng: random.Random, country: str, length: int) -> str:
    """A checksum-valid IBAN (ISO 13616 mod-97), grouped in fours as people write it."""
    bban = "".join(str(rng.randint(0, 9)) for _ in range(length - 4))
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(digits) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def planted(rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """(kind, sentence, strings that must not survive)."""
    out = []
    for i in range(120):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        template = NAME_TEMPLATES[i % len(NAME_TEMPLATES)]
        must = [first] + ([last] if "{last}" in template else [])
        out.append(("name", template.format(first=first, last=last), must))
    for staff in STAFF:
        for template in ("thanks to {f} for sorting the import.", "honestly {f} has been great this quarter."):
            out.append(("lower-case staff first name", template.format(f=staff.split()[0].lower()),
                        [staff.split()[0].lower()]))
    d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))  # noqa: E731
    for _ in range(16):
        value = _iban(rng, *rng.choice([("DE", 22), ("GB", 22), ("FR", 27), ("NL", 18), ("ES", 24)]))
        if value.startswith("GB") or value.startswith("NL"):  # letters in the bank code, as real ones have
            value = value[:5] + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + value[9:]
            digits = "".join(str(int(c, 36)) for c in value.replace(" ", "")[4:] + value[:2] + "00")
            value = value[:2] + f"{98 - int(digits) % 97:02d}" + value[4:]
        out.append(("iban", TEMPLATES["iban"].format(v=value), [value]))
    for _ in range(16):
        value = rng.choice([f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                            f"203.0.113.{rng.randint(1, 254)}", f"2001:db8::{rng.randint(1, 9999):x}"])
        out.append(("ip", TEMPLATES["ip"].format(v=value), [value]))
    for _ in range(14):
        value = rng.choice([f"020 7946 {d(4)}", f"07700 900{d(3)}", f"0161 496 {d(4)}"])
        out.append(("phone GB", TEMPLATES["phone_gb"].format(v=value), [value]))
        value = rng.choice([f"030 {d(8)}", f"0151 {d(8)}", f"089 {d(4)} {d(4)}"])
        out.append(("phone DE", TEMPLATES["phone_de"].format(v=value), [value]))
        value = rng.choice([f"(415) 555-{d(4)}", f"212-555-{d(4)}", f"617.555.{d(4)}"])
        out.append(("phone US", TEMPLATES["phone_us"].format(v=value), [value]))
    streets = [
        lambda: f"{rng.randint(2, 240)} Deansgate, Manchester M3 {rng.randint(1, 9)}AB",
        lambda: f"{rng.randint(1, 99)} Baker Street, London NW1 {rng.randint(1, 9)}XE",
        lambda: f"Hauptstraße {rng.randint(1, 180)}, {rng.randint(10115, 14199)} Berlin",
        lambda: f"Lindenallee {rng.randint(1, 80)}, 50968 Köln",
        lambda: f"{rng.randint(1, 120)} rue de la Roquette, 750{rng.randint(10, 20)} Paris",
        lambda: f"Keizersgracht {rng.randint(10, 700)}, 1015 CX Amsterdam",
        lambda: f"Calle Mayor {rng.randint(1, 90)}, 28013 Madrid",
        lambda: f"Via Roma {rng.randint(1, 90)}, 00184 Roma",
    ]
    for i in range(24):
        value = streets[i % len(streets)]()
        out.append(("address UK/EU", TEMPLATES["address"].format(v=value), [value]))
    months = ["January", "March", "June", "September", "November"]
    for i in range(16):
        y, m, day = rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)
        value = [f"{day:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{day:02d}", f"{day} {rng.choice(months)} {y}",
                 f"{rng.choice(months)} {day}, {y}"][i % 4]
        out.append(("date of birth", TEMPLATES["dob" if i % 2 else "dob_born"].format(v=value), [value]))
    for _ in range(14):
        value = f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
        out.append(("SSN (unlabelled)", TEMPLATES["ssn"].format(v=value), [value]))
    return out


def _survey(folder: Path, texts: list[str], staff: list[str]) -> None:
    (folder / "surveys").mkdir(parents=True)
    frame = pd.DataFrame({"response_id": [f"R{i}" for i in range(len(texts))], "date": "2026-08-01",
                          "score": 7, "comment": texts})
    frame.to_csv(folder / "surveys" / "nps.csv", index=False)
    (folder / "workbench.yml").write_text(
        "company:\n  name: Brightloop\n  staff: [" + ", ".join(staff) + "]\nphone_regions: [US, GB, DE]\n",
        encoding="utf-8")


def _redacted(texts: list[str], staff: list[str]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        _survey(Path(tmp), texts, staff)
        result = ingest(tmp, write=False)
        stored = result.tables["evidence"].set_index("locator")["text"]
        return [stored.get(f"row {i + 2}", "") for i in range(len(texts))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "sample", seed=7)
        sample = Path(tmp) / "sample"
        key = pd.read_csv(sample / "answer_key" / "statements.csv", keep_default_na=False)
        result = ingest(sample, write=False)
    stored = result.tables["evidence"].set_index(["source_file", "locator"])["text"]
    clean = key[(key["pii"] == "") & key["text"].str.strip().astype(bool)]
    clean = clean[clean["source"] == "nps"]

    cases = planted(rng)
    bulk = clean["text"].sample(3000, random_state=args.seed).tolist()
    texts = bulk + [sentence for _, sentence, _ in cases]
    out = _redacted(texts, STAFF)
    rows = []
    for (kind, _sentence, must), got in zip(cases, out[len(bulk):]):
        for value in must:
            rows.append({"kind": kind, "value": value, "caught": value not in got, "got": got})
    table = pd.DataFrame(rows)
    print(f"Planted: {len(table)} strings in {len(cases)} sentences, mixed into {len(bulk):,} PII-free statements")
    print(table.groupby("kind")["caught"].agg(["size", "mean"]).rename(columns={"size": "planted", "mean": "recall"})
          .to_string(float_format="%.3f"))
    recall = table["caught"].mean()
    for row in table[~table["caught"]].head(12).itertuples():
        print(f"  missed {row.kind}: {row.value!r} in {row.got!r}")
    print(f"planted recall: {recall:.3f} (target >= 0.98) {'PASS' if recall >= 0.98 else 'MISS'}")

    pii = key[key["pii"] != ""]
    verbatim = sum(stored.get((r.source_file, r.locator), "").strip() == r.text.strip() for r in pii.itertuples())
    print(f"sample answer key: {len(pii)} statements with PII, {verbatim} stored verbatim "
          f"(recall {1 - verbatim / len(pii):.3f})")

    wrong = {"sample (PII-free)": [LABEL_RE.search(t) is not None for t in out[:len(bulk)]]}
    words = {"sample (PII-free)": [WORD_LABEL_RE.search(t) is not None for t in out[:len(bulk)]]}
    for name, path, col in (("SemEval-2019 suggestions", SHARED / "suggestions" / "semeval2019_task9A_train.csv", 1),
                            ("URR app reviews", SHARED / "urr" / "golden_dev.csv", "reviewText")):
        if path.exists():
            frame = pd.read_csv(path, header=None if isinstance(col, int) else "infer")
            real = frame[col].dropna().astype(str).head(3000).tolist()
            got = _redacted(real, [])
            wrong[name] = [LABEL_RE.search(g) is not None and LABEL_RE.search(r) is None for g, r in zip(got, real)]
            words[name] = [WORD_LABEL_RE.search(g) is not None and WORD_LABEL_RE.search(r) is None
                           for g, r in zip(got, real)]
            for g, r in [(g, r) for g, r in zip(got, real) if WORD_LABEL_RE.search(g)][:5]:
                print(f"  {name}: {r[:90]!r} -> {g[:90]!r}")
        else:
            print(f"  {name}: skipped ({path.name} not found)")
    worst = 0.0
    for name, flags in words.items():
        share = sum(flags) / max(1, len(flags))
        worst = max(worst, share)
        anything = sum(wrong[name])
        print(f"words wrongly redacted, {name}: {sum(flags)} of {len(flags):,} statements ({100 * share:.2f} %); "
              f"any label: {anything} ({100 * anything / max(1, len(flags)):.2f} %)")
    print(f"worst share with words wrongly redacted: {100 * worst:.2f} % (target <= 1 %) "
          f"{'PASS' if worst <= 0.01 else 'MISS'}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0 if recall >= 0.98 and worst <= 0.01 else 1


if __name__ == "__main__":
    sys.exit(main())
