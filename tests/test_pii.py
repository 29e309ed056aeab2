"""The second PII pass: names nobody listed, IBANs, IPs, national phones, UK/EU addresses, DOBs,
unlabelled SSNs, lower-case listed names; product words stay."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.ingest import ingest
from workbench.pii import NameFinder
from workbench.redact import Redactor

FILLER = [
    "The Salesforce sync drops fields every night.", "Drag and drop in the editor is slow.",
    "drag handles are too small on mobile.", "Okta provisioning works now.", "We moved from Okta last year.",
    "The Okta login loops.", "Okta groups do not sync.", "Okta is fine.", "Okta again.", "Okta timeouts.",
    "Okta errors.", "Okta broke twice.", "Exports to Excel lose dates.", "Please add dark mode.",
]
PLANTED = {
    "Thanks, Giuseppe. The export works again.": ["Giuseppe"],
    "Tom Alvarez on our team can tell you more.": ["Tom", "Alvarez"],
    "I spoke with Lucía Fernández about the invoice.": ["Lucía", "Fernández"],
    "Refund to IBAN DE89 3704 0044 0532 0130 00 please.": ["DE89 3704 0044 0532 0130 00"],
    "Logins from 203.0.113.7 are blocked.": ["203.0.113.7"],
    "Call me on 020 7946 0173 about it.": ["020 7946 0173"],
    "Reach me at 030 12345678 about it.": ["030 12345678"],
    "Ship it to 44 Deansgate, Manchester M3 8AB please.": ["Deansgate", "M3 8AB"],
    "Ship it to Hauptstraße 5, 10115 Berlin please.": ["Hauptstraße 5", "10115"],
    "The form rejects my date of birth: 12/03/1985.": ["12/03/1985"],
    "The form asked for my SSN again, 512-44-1234, why?": ["512-44-1234"],
    "thanks to marco for sorting the import.": ["marco"],
}


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pii")
    (folder / "surveys").mkdir()
    texts = FILLER + list(PLANTED)
    pd.DataFrame({"response_id": [f"R{i}" for i in range(len(texts))], "date": "2026-08-01", "score": 8,
                  "comment": texts}).to_csv(folder / "surveys" / "nps.csv", index=False)
    (folder / "workbench.yml").write_text(
        "company:\n  name: Brightloop\n  staff: [Marco Bellini]\nphone_regions: [US, GB, DE]\n", encoding="utf-8")
    result = ingest(folder)
    return result.tables["evidence"].set_index("locator")["text"], texts


def test_planted_strings_do_not_reach_the_store(stored):
    text, texts = stored
    for i, sentence in enumerate(texts):
        got = text[f"row {i + 2}"]
        for value in PLANTED.get(sentence, []):
            assert value not in got, (sentence, got)


def test_product_words_survive(stored):
    text, texts = stored
    for i, sentence in enumerate(FILLER):
        assert text[f"row {i + 2}"] == sentence


def test_labels_say_what_was_removed(stored):
    text, texts = stored
    joined = " ".join(text)
    for label in ("[Person]", "[IBAN]", "[IP]", "[PHONE]", "[ADDRESS]", "[DOB]", "[ID]", "[Company staff]"):
        assert label in joined


def test_keep_words_are_never_names():
    texts = ["Thanks, Ada. The export works again.", "Thanks, Giuseppe. The export works again."]
    assert NameFinder(keep_words=("Ada",)).redact_all(texts) == [texts[0], "Thanks, [Person]. The export works again."]


def test_second_region_numbers_must_be_valid():
    r = Redactor(phone_regions=("US", "DE"))
    assert r("see build 5203-dae1-409e-940e-14e33 today") == "see build 5203-dae1-409e-940e-14e33 today"
    assert "[PHONE]" in r("call 089 1234 5678 today")
