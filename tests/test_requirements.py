"""Requirement detection (rules, measured on hand-labelled sentences) and aggregation."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.themes.registry import ThemeRegistry
from workbench.themes.requirements import (
    carry_ids,
    restrict_requirements,
    REQUIREMENT_COLUMNS, build_requirements, crisp_statement, detect_requirements, is_requirement,
    match_requirement, request_sentence, requirement_id, split_sentences,
)

LABELLED = Path(__file__).parent / "data" / "requirements_labelled.csv"
UNSEEN = Path(__file__).parent / "data" / "requirements_unseen.csv"
MORE = Path(__file__).parent / "data" / "requirements_training_more.csv"


# --- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "I wish the export kept our column order.",
    "It would be great if reports could be scheduled.",
    "We need SAML single sign-on for the enterprise rollout.",
    "Please add a Jira integration.",
    "We can't filter the inbox by region, and our EU team depends on that.",
    "Missing an audit log for admin changes.",
    "Would love a dark mode.",
    "The API should support cursor pagination.",
    "Any plans to support SCIM provisioning?",
    "There is no way to bulk edit tags.",
    "The mobile app needs to work offline.",
    # case and light typos
    "PLEASE ADD A JIRA INTEGRATION",
    "it would b great if reports could be scheduled",
    "plz add a jira integration",
    "we cant filter the inbox by region",
    "i whish the export kept our column order",
    "It’d be nice to have a Gantt view",
    # a few other languages
    "Wir brauchen eine Schnittstelle zu SAP.",
    "Nos gustaría exportar a Excel.",
    "Il manque un export PDF.",
])
def test_requests_are_detected(text):
    assert is_requirement(text), match_requirement(text)


@pytest.mark.parametrize("text", [
    "I can't praise the team enough.",
    "Nothing is missing.",
    "We need nothing else.",
    "I wish more tools were this easy.",
    "We needed a lot of help at the start and got it.",
    "Last year we asked for SSO and you shipped it within a quarter.",
    "We should have switched sooner.",
    "Great product, great people.",
    "The dashboard is slow on Mondays.",
    "Can't fault the support team.",
    "I don't think we need anything else.",
    "",
    None,
    float("nan"),
])
def test_look_alikes_and_plain_statements_are_not(text):
    assert not is_requirement(text), match_requirement(text)


def test_the_cue_that_fired_is_reported():
    assert match_requirement("I wish search understood typos") == "wish"
    assert match_requirement("Please add SSO") == "please_add"
    assert match_requirement("There's no way to filter by owner") == "no_way_to"
    assert match_requirement("Nothing is missing") is None
    texts = pd.Series(["Would love a Slack app", "Love it", None], index=[10, 11, 12])
    flags, cues = detect_requirements(texts, return_cues=True)
    assert flags.dtype == bool and list(flags) == [True, False, False]
    assert list(cues.index) == [10, 11, 12] and cues[10] == "would_love" and cues[11] is None
    assert list(detect_requirements(["we need a HubSpot sync", "fine"])) == [True, False]


def _scores(frame):
    flags = detect_requirements(frame["text"])
    truth = frame["is_requirement"].astype(bool).to_numpy()
    tp = int((flags & truth).sum())
    precision = tp / max(int(flags.sum()), 1)
    recall = tp / max(int(truth.sum()), 1)
    return precision, recall


@pytest.fixture(scope="module")
def labelled():
    frame = pd.read_csv(LABELLED)
    assert list(frame.columns[:2]) == ["text", "is_requirement"]
    return frame


def test_labelled_set_is_big_varied_and_balanced(labelled):
    assert len(labelled) >= 200
    assert labelled["text"].is_unique
    assert 0.3 <= labelled["is_requirement"].mean() <= 0.5
    # the held-out rows are the last rows of the file, about a quarter of it
    holdout = labelled["split"].eq("holdout").to_numpy()
    n = int(holdout.sum())
    assert holdout[-n:].all() and not holdout[:-n].any()
    assert 0.2 <= n / len(labelled) <= 0.3


def test_precision_and_recall_targets_on_the_labelled_set(labelled):
    precision, recall = _scores(labelled)
    assert precision >= 0.85, precision
    assert recall >= 0.80, recall


def test_held_out_sentences(labelled):
    """Sentences written before the patterns were last revised and never used to tune them.

    Measured the first time: precision 0.762, recall 0.533 (149 rows). The rules generalise
    much less well to unseen phrasing than the tuned rows suggest (earlier held-out batches,
    each measured once before it was used: 0.812/0.897, 0.786/0.564, 0.794/0.614); these
    floors only guard against falling below the measured level.
    """
    precision, recall = _scores(labelled[labelled["split"] == "holdout"])
    assert precision >= 0.72, precision
    assert recall >= 0.50, recall


def test_split_sentences():
    assert split_sentences("Great tool! Reports are slow. Could you add caching?") == [
        "Great tool!", "Reports are slow.", "Could you add caching?"]
    assert split_sentences("line one\nline two") == ["line one", "line two"]
    assert split_sentences("v2.1 is fine") == ["v2.1 is fine"]
    assert split_sentences("") == [] and split_sentences(None) == [] and split_sentences(float("nan")) == []


@pytest.fixture(scope="module")
def unseen():
    frame = pd.read_csv(UNSEEN)
    assert list(frame.columns) == ["text", "is_requirement", "split", "form", "intent"]
    return frame


def test_new_held_out_batches_are_big_varied_and_apart(labelled, unseen):
    for split, part in unseen.groupby("split"):
        assert len(part) >= 100, split
        assert 0.35 <= part["is_requirement"].mean() <= 0.45, split
        assert (part["form"] == "comment").sum() >= 40, split     # multi-sentence comments and tickets
    comments = unseen[unseen["form"] == "comment"]["text"]
    assert comments.map(lambda t: len(split_sentences(t)) >= 2).all()
    more = pd.read_csv(MORE)
    texts = pd.concat([labelled["text"], unseen["text"], more["text"]])
    assert texts.is_unique


ASK, OTHER = np.array([1.0, 0.0]), np.array([0.0, 1.0])


def toy_intents():
    """An intent classifier on 2-D embeddings: the first axis asks, the second is praise."""
    from workbench.themes.requirements.intent import IntentClassifier

    train = np.array([ASK] * 10 + [OTHER] * 10) + 0.01 * np.arange(20)[:, None]
    texts = [f"text {i}" for i in range(20)]
    return IntentClassifier(rule_weight=0.0).fit(train, ["request"] * 10 + ["praise"] * 10, texts)


class Encoder:
    """encode(texts) from a table of sentence -> vector; records what it was asked to embed."""

    def __init__(self, table):
        self.table, self.asked = table, []

    def __call__(self, texts):
        self.asked.extend(texts)
        return np.array([self.table[t] for t in texts]).reshape(len(texts), -1)


@pytest.mark.slow
def test_the_shipped_intent_classifier_holds_on_the_held_out_splits(labelled, unseen):
    """Requests by the shipped intent classifier on statements never used to train it or choose
    its settings (bench/intent_quality.py measured precision 0.875, recall 0.850): floors that
    catch a regression, not the targets (those are the bench's)."""
    from workbench.embed import embed_texts
    from workbench.themes.requirements.intent import IntentClassifier, classify_statements

    frame = pd.concat([labelled, unseen])
    frame = frame[frame["split"].isin(["holdout", "holdout6"])]
    decided = classify_statements(frame["text"], IntentClassifier.pretrained(), encode=embed_texts)
    flags = decided["intent"].eq("request").to_numpy()
    truth = frame["intent"].eq("request").to_numpy()
    precision, recall = (flags & truth).sum() / flags.sum(), (flags & truth).sum() / truth.sum()
    assert precision >= 0.82 and recall >= 0.75, (precision, recall)


# --- statements ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("I wish we could export the NPS dashboard straight to PowerPoint.", "Export the NPS dashboard straight to PowerPoint"),
    ("Please add a bulk import for users!", "A bulk import for users"),
    ("Honestly, we'd love to see a native Zendesk integration, please.", "A native Zendesk integration"),
    ("Any plans to support multi-currency invoices?", "Multi-currency invoices"),
    ("Our finance team needs the exports in XLSX.", "The exports in XLSX"),
    ("Missing: a calendar view", "A calendar view"),
    ("The API should return the account owner.", "The API should return the account owner"),
    ("Hi support, we need a migration tool for conditional fields.", "A migration tool for conditional fields"),
    ("Main thing: please add keyboard shortcuts", "Keyboard shortcuts"),
    # role labels go; redaction placeholders read as words
    ("Customer: I wish the export kept our column order.", "The export should keep our column order"),
    ("Keep [Company staff] on our account", "Keep our named contact on our account"),
    # a wish in the past or conditional is said as the change it asks for
    ("It would be great if the admin settings were this simple too.", "The admin settings should be this simple"),
    ("I wish large dashboards showed the first chart while the rest loads.",
     "Large dashboards should show the first chart while the rest loads"),
    ("It would be great if automations could run on a different schedule per site.",
     "Automations should run on a different schedule per site"),
    # a statement of fact is left as it is
    ("The export was slow.", "The export was slow"),
])
def test_crisp_statement(text, expected):
    assert crisp_statement(text) == expected


def test_request_sentence_picks_the_ask_out_of_a_longer_comment():
    text = "We moved to the new plan in May. Honestly, it would be great if exports kept our filters! Support was quick."
    assert request_sentence(text) == "Honestly, it would be great if exports kept our filters!"
    # the wish's past tense becomes the change asked for, not a statement of fact
    assert crisp_statement(request_sentence(text)) == "Exports should keep our filters"
    assert request_sentence("No ask here. None at all.") == "No ask here. None at all."


def test_crisp_statement_is_cut_at_a_word():
    out = crisp_statement("Please add " + "very " * 40 + "long things", max_chars=40)
    assert len(out) <= 40 and out.endswith("\u2026") and "  " not in out


# --- aggregation --------------------------------------------------------------------------

DIM = 8


def _vec(*pairs):
    v = np.zeros(DIM)
    for axis, value in pairs:
        v[axis] = value
    return v / np.linalg.norm(v)


@pytest.fixture
def world():
    """Two requirements (PDF export around axis 0, SSO around axis 1) and distractors."""
    evidence = pd.DataFrame([
        # evidence_id, account, date, quarter, role, text
        ("ev_x1", "A1", "2026-02-10", "2026Q1", "customer", "I wish dashboards could be exported to PDF."),
        ("ev_x2", "A2", "2026-04-03", "2026Q2", "customer", "Dashboards look sharp. Please add export to PDF for dashboards."),
        ("ev_x3", "A1", "2026-05-20", "2026Q2", "customer", "We need PDF export of the dashboards."),
        ("ev_y1", "A3", "2026-05-02", "2026Q2", "customer", "We need SSO with Okta."),
        ("ev_y2", "A3", "2026-07-15", "2026Q3", "customer", "Any plans to support single sign-on?"),
        ("ev_n1", "A1", "2026-05-21", "2026Q2", "customer", "Support was great this quarter."),
        ("ev_c1", None, "2026-05-21", "2026Q2", "company", "We need to follow up on the PDF export."),
    ], columns=["evidence_id", "account_id", "date", "quarter", "speaker_role", "text"])
    evidence["date"] = pd.to_datetime(evidence["date"])
    evidence["source_file"] = ["surveys/nps.csv" if i < 3 else "sessions/s1.md" for i in range(len(evidence))]
    evidence["locator"] = [f"row {i + 2}" for i in range(len(evidence))]
    embeddings = np.vstack([
        _vec((0, 1), (2, 0.2)),   # x1
        _vec((0, 1)),             # x2: the centre of the PDF requirement
        _vec((0, 1), (2, -0.2)),  # x3
        _vec((1, 1), (3, 0.1)),   # y1
        _vec((1, 1), (3, -0.1)),  # y2
        _vec((0, 1), (4, 0.1)),   # n1: close to PDF, but not a request
        _vec((0, 1)),             # c1: a request, but company speech
    ]).astype(np.float32)
    assignments = pd.DataFrame({
        "evidence_id": ["ev_x1", "ev_x2", "ev_x3", "ev_y1", "ev_y2", "ev_n1"],
        "theme_id": ["T0005", "T0005", "T0006", "T0007", "T0006", "T0008"],
    })
    arr = pd.DataFrame({
        "account_id": ["A1", "A1", "A2", "A3", "A3"],
        "quarter": ["2026Q1", "2026Q2", "2026Q2", "2026Q1", "2026Q3"],
        "arr": [100.0, 120.0, 50.0, 200.0, 300.0],
    })
    nps = pd.DataFrame({"response_id": ["r1", "r2", "r3"], "score": [9, 3, 10],
                        "evidence_id": ["ev_x1", "ev_x2", None]})
    return evidence, embeddings, assignments, arr, nps


def by_statement(out, word):
    rows = out[out["statement"].str.contains(word)]
    assert len(rows) == 1, list(out["statement"])
    return rows.iloc[0]


def test_build_requirements_by_hand(world):
    evidence, emb, assignments, arr, nps = world
    out = build_requirements(evidence, assignments, emb, None, arr, nps)
    assert list(out.columns) == REQUIREMENT_COLUMNS
    assert len(out) == 2                               # n1 (no ask) and c1 (company) left out
    pdf, sso = by_statement(out, "PDF"), by_statement(out, "SSO")

    # PDF: x1 x2 x3 from A1, A2, A1 -> 3 mentions, 2 accounts; latest ARR A1 120 + A2 50 = 170
    assert pdf["mentions"] == 3 and pdf["accounts"] == 2 and pdf["account_ids"] == ["A1", "A2"]
    assert pdf["arr_at_stake"] == 170
    # linked NPS: x1 scored 9, x2 scored 3 -> 1 detractor of 2
    assert pdf["nps_responses"] == 2 and pdf["detractor_share"] == 0.5
    # themes: T0005 twice, T0006 once
    assert pdf["theme_id"] == "T0005"
    # x2 is the most central statement: its request sentence gives the statement, and the
    # whole comment is the first quote
    assert pdf["statement"] == "Export to PDF for dashboards"
    assert pdf["quotes"][0] == {"evidence_id": "ev_x2", "source_file": "surveys/nps.csv", "locator": "row 3",
                                "text": "Dashboards look sharp. Please add export to PDF for dashboards."}
    assert set(pdf["evidence_ids"]) == {"ev_x1", "ev_x2", "ev_x3"}
    assert (pdf["first_quarter"], pdf["last_quarter"]) == ("2026Q1", "2026Q2")
    assert pdf["requirement_id"] == requirement_id("ev_x1")  # anchored on the earliest statement
    assert pdf["status"] == "open" and pdf["status_date"] is None
    assert pdf["cues"] == ["need", "please_add", "wish"]

    # SSO: one account, latest ARR 300; no linked NPS; themes T0007 vs T0006 tie -> T0006
    assert sso["mentions"] == 2 and sso["accounts"] == 1 and sso["arr_at_stake"] == 300
    assert sso["nps_responses"] == 0 and np.isnan(sso["detractor_share"])
    assert sso["theme_id"] == "T0006"
    assert (sso["first_quarter"], sso["last_quarter"]) == ("2026Q2", "2026Q3")
    # sorted by ARR at stake
    assert list(out["requirement_id"]) == [sso["requirement_id"], pdf["requirement_id"]]


def test_arr_as_of_a_quarter_and_ended_accounts(world):
    evidence, emb, assignments, arr, nps = world
    out = build_requirements(evidence, assignments, emb, None, arr, nps, as_of="2026Q2")
    assert by_statement(out, "SSO")["arr_at_stake"] == 200      # A3's ARR at 2026Q2 end
    accounts = pd.DataFrame({"account_id": ["A1", "A2", "A3"], "end_date": [None, "2026-06-30", None]})
    out = build_requirements(evidence, assignments, emb, accounts, arr, nps)
    assert by_statement(out, "PDF")["arr_at_stake"] == 120      # A2 has left: its ARR is not at stake


def test_status_comes_from_the_registry_and_ids_are_stable(world):
    evidence, emb, assignments, arr, nps = world
    first = build_requirements(evidence, assignments, emb, None, arr, nps)
    pdf_id = by_statement(first, "PDF")["requirement_id"]
    registry = ThemeRegistry(clock=lambda: "2026-11-22T09:00:00+00:00")
    registry.set_requirement_status(pdf_id, "shipped", "2026-10-01")
    # a later mention joins, and the input comes in another order: same ids, same numbers
    later = pd.DataFrame([{"evidence_id": "ev_x4", "account_id": "A2", "date": pd.Timestamp("2026-08-01"),
                           "quarter": "2026Q3", "speaker_role": "customer", "source_file": "t.vtt",
                           "locator": "cue 3 (00:01:02)", "text": "Any chance of PDF export for dashboards?"}])
    evidence2 = pd.concat([later, evidence], ignore_index=True)
    emb2 = np.vstack([_vec((0, 1), (5, 0.1)), emb])
    order = np.random.default_rng(0).permutation(len(evidence2))
    out = build_requirements(evidence2.iloc[order], assignments, emb2[order], None, arr, nps, registry=registry)
    pdf = by_statement(out, "PDF")
    assert pdf["requirement_id"] == pdf_id and pdf["mentions"] == 4 and pdf["last_quarter"] == "2026Q3"
    assert (pdf["status"], pdf["status_date"]) == ("shipped", "2026-10-01")
    assert by_statement(out, "SSO")["status"] == "open"
    # a plain mapping works too
    out = build_requirements(evidence, assignments, emb, registry={pdf_id: {"status": "planned", "date": None}})
    assert by_statement(out, "PDF")["status"] == "planned"


def test_theme_marked_as_requirement_and_given_flags(world):
    evidence, emb, assignments, arr, nps = world
    registry = ThemeRegistry()
    registry.match(pd.DataFrame({"theme": [0], "label": ["Support quality"]}), _vec((4, 1))[None, :],
                   pd.DataFrame({"evidence_id": ["ev_n1"], "theme": [0]}), "2026Q2")
    registry.mark_requirement("T0001")
    out = build_requirements(evidence, assignments.replace({"T0008": "T0001"}), emb, registry=registry)
    marked = out[out["evidence_ids"].apply(lambda ids: "ev_n1" in ids)].iloc[0]
    assert "theme marked as requirement" in marked["cues"]
    # with flags given, detection is not run: only x1 and y1
    flags = evidence["evidence_id"].isin(["ev_x1", "ev_y1"]).to_numpy()
    out = build_requirements(evidence, assignments, emb, is_requirement=flags)
    assert sorted(i for ids in out["evidence_ids"] for i in ids) == ["ev_x1", "ev_y1"]


def test_threshold_controls_grouping_and_edge_cases(world):
    evidence, emb, assignments, arr, nps = world
    # a threshold of 0 keeps every statement apart (x1..x3 differ): 5 requirements
    assert len(build_requirements(evidence, assignments, emb, distance_threshold=1e-6)) == 5
    none = build_requirements(evidence.iloc[[5]], None, emb[[5]])
    assert none.empty and list(none.columns) == REQUIREMENT_COLUMNS
    one = build_requirements(evidence.iloc[[0]], None, emb[[0]])
    assert len(one) == 1 and one["theme_id"].iloc[0] is None
    with pytest.raises(ValueError, match="one row per evidence row"):
        build_requirements(evidence, assignments, emb[:3])


def test_build_requirements_with_intents_takes_the_request_sentence():
    evidence = pd.DataFrame({
        "evidence_id": ["ev_1", "ev_2"], "account_id": ["A1", "A2"], "quarter": ["2026Q3", "2026Q3"],
        "speaker_role": ["customer", "customer"],
        "text": ["Dashboards look sharp. Our planners keep asking around for a Gantt view.", "Setup took an hour."],
    })
    encode = Encoder({"Dashboards look sharp.": OTHER, "Our planners keep asking around for a Gantt view.": ASK})
    out = build_requirements(evidence, None, np.vstack([OTHER, OTHER]), classifier=toy_intents(), encode=encode,
                             group_on_statements=False)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["evidence_ids"] == ["ev_1"] and row["cues"][0].startswith("request p=0.9")
    assert row["statement"] == "Our planners keep asking around for a Gantt view"


def test_the_intent_classifier_reads_its_own_models_vectors_when_themes_use_another():
    """Themes on another model's vectors (here 3-D): the classifier is fed vectors from its own
    model through ``encode``, never the other model's."""
    evidence = pd.DataFrame({
        "evidence_id": ["ev_1", "ev_2"], "account_id": ["A1", "A2"], "quarter": ["2026Q3", "2026Q3"],
        "speaker_role": ["customer", "customer"],
        "text": ["Our planners keep asking around for a Gantt view.", "Lovely invoices."],
    })
    other_model = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    encode = Encoder({"Our planners keep asking around for a Gantt view.": ASK, "Lovely invoices.": OTHER})
    out = build_requirements(evidence, None, other_model, classifier=toy_intents(), encode=encode,
                             classifier_space=False, group_on_statements=False)
    assert out["evidence_ids"].tolist() == [["ev_1"]]
    assert sorted(encode.asked) == sorted(evidence["text"])
    with pytest.raises(ValueError):   # the other model's vectors do not fit the classifier
        build_requirements(evidence, None, other_model, classifier=toy_intents(), encode=encode)


def _pairs(out):
    return out[["requirement_id", "evidence_ids"]].explode("evidence_ids").rename(columns={"evidence_ids": "evidence_id"})


def test_ids_and_statuses_survive_a_join_and_a_backfill(world):
    """Requirements are re-clustered every run: ids follow the statements, not the earliest one,
    so a status an analyst set is not lost when requirements join or older statements arrive."""
    evidence, emb, assignments, arr, nps = world
    first = build_requirements(evidence, assignments, emb, None, arr, nps, distance_threshold=0.01)
    assert len(first) == 5                                  # tight threshold: x1, x2, x3, y1, y2 apart
    x3_id = first.loc[first["evidence_ids"].map(lambda e: e == ["ev_x3"]), "requirement_id"].iloc[0]
    registry = ThemeRegistry(clock=lambda: "2026-11-22T09:00:00+00:00")
    registry.set_requirement_status(x3_id, "shipped", "2026-10-01")
    # a looser threshold joins x1, x2, x3: the shipped one's id wins over the earliest statement's
    joined = build_requirements(evidence, assignments, emb, None, arr, nps, registry=registry, previous=_pairs(first))
    pdf = by_statement(joined, "PDF")
    assert pdf["requirement_id"] == x3_id != requirement_id("ev_x1")
    assert (pdf["status"], pdf["status_date"]) == ("shipped", "2026-10-01")
    absorbed = {a["requirement_id"] for a in joined.attrs["absorbed"]}
    assert absorbed == set(first["requirement_id"]) - set(joined["requirement_id"])
    assert all(a["now"] in set(joined["requirement_id"]) for a in joined.attrs["absorbed"])
    # a backfilled statement older than any before joins the PDF requirement: same id
    old = pd.DataFrame([{"evidence_id": "ev_x0", "account_id": "A2", "date": pd.Timestamp("2025-11-01"),
                         "quarter": "2025Q4", "speaker_role": "customer", "source_file": "t.vtt",
                         "locator": "cue 1 (00:00:10)", "text": "We need PDF export for dashboards."}])
    backfilled = build_requirements(pd.concat([evidence, old], ignore_index=True), assignments,
                                    np.vstack([emb, _vec((0, 1), (5, 0.1))]), None, arr, nps,
                                    registry=registry, previous=_pairs(joined))
    assert by_statement(backfilled, "PDF")["requirement_id"] == x3_id
    assert by_statement(backfilled, "SSO")["requirement_id"] == by_statement(joined, "SSO")["requirement_id"]
    # without the previous run the id is the earliest statement's again
    assert by_statement(build_requirements(evidence, assignments, emb, registry=registry), "PDF")["requirement_id"] \
        == requirement_id("ev_x1")


def test_carry_ids_is_one_to_one_and_order_free():
    previous = pd.DataFrame({"requirement_id": ["Ra", "Ra", "Rb", "Rb", "Rb"],
                             "evidence_id": ["e1", "e2", "e3", "e4", "e5"]})
    # requirement 0 holds e1 and e3 (one of each), requirement 1 holds e4 and e5 (two of Rb)
    ids, absorbed = carry_ids(["Rnew0", "Rnew1"], [["e1", "e3"], ["e4", "e5"]], previous)
    assert ids == ["Ra", "Rb"] and absorbed == []
    ids2, _ = carry_ids(["Rnew1", "Rnew0"], [["e4", "e5"], ["e1", "e3"]], previous)
    assert ids2 == ["Rb", "Ra"]
    # both earlier ones joined into one requirement: the one sharing more keeps its id
    ids, absorbed = carry_ids(["Rnew"], [["e1", "e3", "e4", "e5"]], previous)
    assert ids == ["Rb"] and absorbed == [{"requirement_id": "Ra", "now": "Rb"}]
    # ... unless the other has a status an analyst set
    ids, absorbed = carry_ids(["Rnew"], [["e1", "e3", "e4", "e5"]], previous, preferred={"Ra"})
    assert ids == ["Ra"] and absorbed == [{"requirement_id": "Rb", "now": "Ra"}]
    # a new requirement never takes an earlier id that went elsewhere
    ids, _ = carry_ids(["Ra", "Rx"], [["e9"], ["e1"]], previous)
    assert ids[1] == "Ra" and ids[0] not in {"Ra", "Rb"}


def test_restrict_requirements_recounts_a_segment(world):
    evidence, emb, assignments, arr, nps = world
    out = build_requirements(evidence, assignments, emb, None, arr, nps)
    pairs = _pairs(out)
    a1 = evidence[evidence["account_id"] == "A1"]
    part = restrict_requirements(out.drop(columns=["evidence_ids"]), pairs, a1, nps, arr)
    assert len(part) == 1                                   # SSO is A3's only
    pdf = part.iloc[0]
    assert pdf["mentions"] == 2 and pdf["account_ids"] == ["A1"] and pdf["arr_at_stake"] == 120
    assert pdf["nps_responses"] == 1 and pdf["detractor_share"] == 0.0   # x1 scored 9
    assert {q["evidence_id"] for q in pdf["quotes"]} == {"ev_x1", "ev_x3"}
    assert (pdf["first_quarter"], pdf["last_quarter"]) == ("2026Q1", "2026Q2")


# --- grouping in bounded blocks ------------------------------------------------------------


def _reworded_groups(n_groups: int, copies: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n_groups`` far-apart asks, each in ``copies`` rewordings (vectors within a small
    cosine distance of their ask), shuffled: the gold group of every row."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, 64))
    gold = np.repeat(np.arange(n_groups), copies)
    x = centres[gold] + rng.normal(scale=0.08, size=(len(gold), 64))
    order = rng.permutation(len(gold))
    x, gold = x[order], gold[order]
    return x / np.linalg.norm(x, axis=1, keepdims=True), gold


def test_grouping_above_the_block_bound_finds_the_same_requirements_in_blocks():
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import adjusted_rand_score

    from workbench.themes.requirements.grouping import group_requests

    x, gold = _reworded_groups(40, 12)                       # 480 requests, bound 100
    whole = AgglomerativeClustering(n_clusters=None, distance_threshold=0.4, metric="cosine",
                                    linkage="average").fit_predict(x)
    assert adjusted_rand_score(gold, whole) == 1.0           # the fixture: one step finds the 40 asks
    blocked = group_requests(x, 0.4, max_block=100)
    assert adjusted_rand_score(gold, blocked) == 1.0         # blocks of at most 100 find them too
    assert np.array_equal(blocked, group_requests(x, 0.4, max_block=100))   # and the same again
    one_step = AgglomerativeClustering(n_clusters=None, distance_threshold=0.4, metric="cosine",
                                       linkage="average").fit_predict(x[:90])
    assert np.array_equal(group_requests(x[:90], 0.4, max_block=100), one_step)   # under it: one step


def test_grouping_in_blocks_never_clusters_more_rows_at_once_than_the_bound(monkeypatch):
    from sklearn import cluster

    from workbench.themes.requirements.grouping import group_requests

    sizes = []
    real = cluster.AgglomerativeClustering.fit_predict

    def counting(self, X, y=None):
        sizes.append(len(X))
        return real(self, X)

    monkeypatch.setattr(cluster.AgglomerativeClustering, "fit_predict", counting)
    x, gold = _reworded_groups(60, 10, seed=1)
    labels = group_requests(x, 0.4, max_block=80)
    assert sizes and max(sizes) <= 80 and sum(sizes) == len(x)
    assert len(np.unique(labels)) >= 60


def test_identical_requests_above_the_bound_are_one_requirement():
    from workbench.themes.requirements.grouping import group_requests

    x, _ = _reworded_groups(3, 1, seed=2)
    same = np.tile(x, (150, 1))                              # 450 copies of 3 asks, bound 100
    labels = group_requests(same, 0.4, max_block=100)
    assert len(np.unique(labels)) == 3
    assert all(len(np.unique(labels[i::3])) == 1 for i in range(3))
