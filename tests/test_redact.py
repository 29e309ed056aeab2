"""PII redaction: unit cases, and the real ABCD transcripts end to end through ingestion."""
import json
import re

import duckdb
import pytest

from workbench import store
from workbench.ingest import ingest
from workbench.redact import NameBook, Redactor, luhn_ok


@pytest.mark.parametrize(
    "text, expected",
    [
        ("write to jane.doe+cx@acme.co.uk today", "write to [EMAIL] today"),
        ("card 4111 1111 1111 1111 was charged", "card [CARD] was charged"),
        ("card 4111-1111-1111-1112 is not valid", "card 4111-1111-1111-1112 is not valid"),  # fails Luhn, no phone shape
        ("call (415) 555-0134 or +44 20 7946 0958", "call [PHONE] or [PHONE]"),
        ("Order ID: 3348917502", "Order ID: [ID]"),
        ("my username is jdoe77", "my username is [ID]"),
        ("ship to 6821 1st Ave, San Mateo, NY 75227 please", "ship to [ADDRESS] please"),
        ("we paid $120,000 for 45 seats on 2026-08-14", "we paid $120,000 for 45 seats on 2026-08-14"),
        ("Dashboards are slow in Q3", "Dashboards are slow in Q3"),
    ],
)
def test_patterns(text, expected):
    assert Redactor()(text) == expected


def test_names_become_role_labels():
    local = NameBook()
    local.add("Maya Okafor", "Practitioner")
    local.add("Crystal Minh", "Customer")
    known = NameBook()
    known.add("Tom Reyes", "Sponsor")
    r = Redactor(known=known)
    assert r("Maya Okafor said Tom Reyes agrees", local) == "[Practitioner] said [Sponsor] agrees"
    assert r("Thanks Maya!", local) == "Thanks [Practitioner]!"
    assert r("What is your level Crystal?", local) == "What is your level [Customer]?"
    assert r("crystal clear", local) == "crystal clear"  # lower case everyday word
    assert r("Ask Reyes first") == "Ask [Sponsor] first"  # known surname mid-sentence
    assert r("Maya said hi") == "Maya said hi"  # a first name only from another file: not known here
    assert r("Reyes said hi") == "[Sponsor] said hi"  # a known surname, even at the start of a sentence


def test_email_local_part_is_an_identifier():
    assert Redactor()("I'm cminh730, email cminh730@email.com") == "I'm [ID], email [EMAIL]"


def test_luhn():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def _abcd_scenario_strings(convo: dict) -> list[str]:
    personal, order = convo["scenario"]["personal"], convo["scenario"]["order"]
    values = [personal.get("customer_name"), personal.get("email"), personal.get("phone"), order.get("order_id"),
              order.get("street_address")]
    name = personal.get("customer_name") or ""
    values += name.split()  # first and last name on their own too
    return [v for v in values if v]


def test_abcd_transcripts_leave_no_pii_in_store_or_export(shared_data, tmp_path):
    conversations = json.loads((shared_data / "abcd" / "abcd_sample.json").read_text())
    data = tmp_path / "abcd"
    (data / "transcripts").mkdir(parents=True)
    manifest = ["file,account_id,date"]
    for convo in conversations:
        name = convo["scenario"]["personal"]["customer_name"].title()
        lines = []
        for speaker, text in convo["original"]:
            who = {"customer": name, "agent": "Agent"}.get(speaker, "System")
            lines.append(f"{who}: {text}")
        fname = f"abcd_{convo['convo_id']}.txt"
        (data / "transcripts" / fname).write_text("\n".join(lines) + "\n", encoding="utf-8")
        manifest.append(f"{fname},ABCD,2026-08-01")
    (data / "transcripts" / "manifest.csv").write_text("\n".join(manifest) + "\n")
    (data / "workbench.yml").write_text("company:\n  name: ABCD\n  staff: [Agent, System]\n")

    result = ingest(data, export_csv=tmp_path / "export")
    assert result.rows_accepted > 50 and result.rows_quarantined == 0
    ev = result.tables["evidence"]
    assert (ev[ev["text"].str.contains("wrong size")]["speaker_role"] == "customer").all()
    assert (ev[ev["text"].str.startswith("How can I help")]["speaker_role"] == "company").all()

    # everything the store and the export hold, as one lower-cased text
    con = duckdb.connect(str(store.store_path(data)), read_only=True)
    dumps = []
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        dumps.append(con.execute(f'SELECT * FROM "{table}"').df().astype(str).to_csv(index=False))
    con.close()
    for f in (tmp_path / "export").iterdir():
        dumps.append(f.read_text())
    everything = "\n".join(dumps).lower()
    digits_only = re.sub(r"\D", "", everything)
    for convo in conversations:
        for value in _abcd_scenario_strings(convo):
            assert value.lower() not in everything, value
            digits = re.sub(r"\D", "", value)
            if len(digits) >= 7:
                assert digits not in digits_only, value
    # the text survives around the redactions
    assert ev["text"].str.contains(r"\[PHONE\]").any() and ev["text"].str.contains(r"\[EMAIL\]").any()
    assert ev["text"].str.contains(r"\[Customer\]").any()
