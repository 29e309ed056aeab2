"""Feedback intent: the shipped classifier on real-style sentences, statement-level decisions,
the rules as features, storage, and `workbench classify` on a CSV with bad rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.cli import main
from workbench.themes.requirements.intent import (
    INTENT_COLUMNS, INTENTS, RULE_FEATURES, IntentClassifier, classify_statements, rule_features, rule_intents,
)


@pytest.fixture(scope="module")
def encode():
    from workbench.embed import embed_texts

    return lambda texts: embed_texts(list(texts))


@pytest.fixture(scope="module")
def shipped():
    return IntentClassifier.pretrained()


# --- the shipped classifier on sentences it was not trained on ----------------------------

@pytest.mark.slow
@pytest.mark.parametrize("text, expected", [
    # questions that are asks
    ("Can you guys add a way to mute a single channel until tomorrow?", "request"),
    ("Is there any chance we could get recurring invoices in the next release?", "request"),
    # asks phrased many ways
    ("It would be really handy if the calendar showed public holidays per country.", "request"),
    ("Let team leads approve timesheets from their phone.", "request"),
    ("The reporting API should return amounts in the account's currency.", "request"),
    ("Would love an option to hide archived projects from search results.", "request"),
    # negated asks are not asks
    ("Honestly we don't need yet another chart type, the current ones are plenty.", "other"),
    # complaints phrased as wishes are problems
    ("I wish the app would stop logging me out every single hour.", "problem"),
    ("The sync keeps failing overnight and we lose the morning's orders.", "problem"),
    # praise, with "please keep"
    ("Please keep the compact list view exactly as it is, it's perfect for our agents.", "praise"),
    ("Our support rep sorted everything out in ten minutes, brilliant service.", "praise"),
    # questions
    ("How do I change the billing e-mail on our account?", "question"),
])
def test_the_shipped_classifier_reads_real_style_sentences(shipped, encode, text, expected):
    decided = classify_statements([text], shipped, encode=encode)
    assert decided["intent"].iloc[0] == expected, decided.iloc[0].to_dict()


@pytest.mark.slow
def test_a_comment_that_asks_anywhere_is_a_request_and_names_the_sentence(shipped, encode):
    text = "We use the scheduler every day. Please add a Gantt view for the planners."
    decided = classify_statements([text], shipped, encode=encode)
    assert decided["intent"].iloc[0] == "request"
    assert decided["sentence"].iloc[0] == "Please add a Gantt view for the planners."
    assert 0.0 < decided["confidence"].iloc[0] <= 1.0
    assert np.isclose(decided[[f"p_{i}" for i in INTENTS]].iloc[0].sum(), 1.0)


# --- statement decisions with a tiny classifier --------------------------------------------

def _toy() -> IntentClassifier:
    """Fitted on four directions: request along axis 0, problem 1, praise 2, other 3."""
    vectors = np.repeat(np.eye(4), 6, axis=0) + 0.01 * np.arange(24)[:, None]
    intents = np.repeat(["request", "problem", "praise", "other"], 6)
    texts = [f"sentence {i} about {k}" for i, k in enumerate(intents)]
    return IntentClassifier(rule_weight=0.0).fit(vectors, intents, texts)


def test_statement_takes_its_strongest_sentence_and_reuses_single_sentence_vectors():
    toy = _toy()
    asked = []
    table = {"Love the board.": np.eye(4)[2], "It crashes offline.": np.eye(4)[1], "Add a Gantt view.": np.eye(4)[0]}

    def encode(texts):
        asked.extend(texts)
        return np.array([table[t] for t in texts])

    texts = ["Love the board. It crashes offline.", "Love the board. Add a Gantt view.", "single"]
    embeddings = np.vstack([np.eye(4)[3], np.eye(4)[3], np.eye(4)[2]])
    out = classify_statements(texts, toy, embeddings=embeddings, encode=encode)
    assert list(out.columns) == INTENT_COLUMNS
    assert out["intent"].tolist() == ["problem", "request", "praise"]
    assert out["sentence"].tolist() == ["It crashes offline.", "Add a Gantt view.", "single"]
    assert "single" not in asked and sorted(set(asked)) == sorted(table)
    with pytest.raises(ValueError, match="one row per text"):
        classify_statements(texts, toy, embeddings=embeddings[:2], encode=encode)
    with pytest.raises(ValueError, match="encode"):
        classify_statements(["One. Two."], toy, embeddings=np.eye(4)[:1])


def test_request_threshold_decides_requests_only():
    toy = _toy()
    proba = pd.DataFrame([[0.40, 0.35, 0.05, 0.1, 0.1], [0.2, 0.5, 0.1, 0.1, 0.1]], columns=list(INTENTS))
    assert toy.decide(proba).tolist() == ["request", "problem"]
    toy.request_threshold = 0.45
    assert toy.decide(proba).tolist() == ["problem", "problem"]


def test_save_and_load_give_the_same_probabilities(tmp_path):
    toy = _toy()
    toy.save(tmp_path / "intent.npz")
    back = IntentClassifier.load(tmp_path / "intent.npz")
    vectors, texts = np.eye(4), ["sentence 1 about request", "a problem", "praise it", "other words"]
    pd.testing.assert_frame_equal(toy.predict_proba(vectors, texts), back.predict_proba(vectors, texts))
    with pytest.raises(ValueError, match="dimensional"):
        back.predict_proba(np.eye(5), ["a"] * 5)
    with pytest.raises(ValueError, match="unknown intents"):
        IntentClassifier().fit(np.eye(2), ["request", "wish"], ["a b", "a b"])


def test_rules_are_features_not_gates():
    rows = rule_features(["Please add SSO.", "We can't export to Excel", "How do I log in?",
                          "Love it, thanks!", "I can't praise the team enough."])
    f = {name: rows[:, i] for i, name in enumerate(RULE_FEATURES)}
    assert f["cue:please_add"][0] == 1 and f["imperative_opening"][0] == 1
    assert f["cue:cannot"][1] == 1 and f["no_cue"][1] == 0
    assert f["question_mark"][2] == 1 and f["question_opening"][2] == 1
    assert f["praise_words"][3] == 1 and f["no_cue"][3] == 1
    # a vetoed cue does not fire, and the veto itself is a feature
    assert f["cue:cannot"][4] == 0 and f["negative_pattern"][4] == 1


def test_rule_intents_without_a_model():
    out = rule_intents(["Please add dark mode.", "The export fails every night.", "How do I export?",
                        "Love the new board!", "We have 40 agents.", "Love it. We can't bulk edit tags."])
    assert out["intent"].tolist() == ["request", "problem", "question", "praise", "other", "problem"]
    assert out["confidence"].isna().all()


# --- the classify command ------------------------------------------------------------------

@pytest.mark.slow
def test_classify_cli_writes_intents_and_reconciles_bad_rows(tmp_path, capsys):
    src = tmp_path / "forum.csv"
    src.write_text(
        "id,comment\n"
        "a1,Please add an export to PDF for dashboards.\n"
        "a2,The app crashes every time I open a report.\n"
        "a3,\n"                                   # empty text
        "a1,duplicate id\n"                       # duplicate id
        "a4,How do I add a user?,extra\n"          # wrong field count
        "a5,Love the new timeline view!\n",
        encoding="utf-8")
    out = tmp_path / "out"
    assert main(["classify", str(src), "--text-col", "comment", "--id-col", "id", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    classified = pd.read_csv(out / "classified.csv")
    quarantined = pd.read_csv(out / "quarantined.csv")
    assert list(classified.columns[:7]) == ["id", "row", "text", "language", "intent", "confidence", "is_requirement"]
    assert classified["id"].tolist() == ["a1", "a2", "a5"]
    assert classified["intent"].tolist() == ["request", "problem", "praise"]
    assert classified["is_requirement"].tolist() == [True, False, False]
    assert quarantined["row"].tolist() == [4, 5, 6]
    assert any("duplicate id" in r for r in quarantined["reason"])
    assert "6 rows read = 3 classified + 3 left out" in printed.out
    assert "row 4: left out: empty 'comment'" in printed.err
    # a missing column or no usable row is a usage error (exit 2), not a traceback
    assert main(["classify", str(src), "--text-col", "nope", "--out", str(out)]) == 2
    empty = tmp_path / "empty.csv"
    empty.write_text("id,comment\nx,\n", encoding="utf-8")
    assert main(["classify", str(empty), "--text-col", "comment", "--out", str(out)]) == 2


# --- languages -------------------------------------------------------------------------------

def test_languages_are_detected_only_when_the_detector_is_sure():
    from workbench.themes.language import detect_languages

    got = detect_languages([
        "Die Dashboards laden extrem langsam, besonders montags.",
        "La aplicación móvil se cierra sola todo el tiempo.",
        "The dashboards take forever to load on Monday mornings.",
        "meh", "Password reset request.", None,
    ]).tolist()
    assert got == ["de", "es", "en", None, None, None]


def test_statements_in_other_languages_get_the_rules_not_a_guess():
    toy = _toy()
    texts = ["Wir brauchen einen Export nach Excel.", "Sehr einfach zu bedienen und intuitiv.", "Add a Gantt view."]
    out = classify_statements(texts, toy, embeddings=np.vstack([np.eye(4)[2], np.eye(4)[0], np.eye(4)[0]]),
                              languages=["de", "de", None])
    assert out["intent"].tolist() == ["request", "other", "request"]
    assert out["confidence"].isna().tolist() == [True, True, False]
    assert out["cues"].iloc[0] == "de_wish"
    with pytest.raises(ValueError, match="one entry per text"):
        classify_statements(texts, toy, embeddings=np.eye(4)[:3], languages=["de"])


def test_an_unclosed_quote_refuses_the_file_instead_of_swallowing_rows(tmp_path):
    """The csv module reads everything after a quote that is never closed as one field, rows and
    all; the shared CSV reader refuses such a file and names the line, for classify, themes fit
    and ingestion alike."""
    from workbench.ingest.reading import FileProblem, read_csv_records

    with pytest.raises(FileProblem, match="quote opened on line 3 is never closed") as caught:
        read_csv_records('id,comment\n1,ok fine\n2,"Please add dark mode\n3,ok\n4,more\n')
    assert caught.value.locator == "line 3"
    with pytest.raises(FileProblem, match="line 5"):
        read_csv_records('id,comment\r\n1,"multi\r\nline ok"\r\n\r\n2,"open\r\n3,x\r\n')
    # quotes that close, doubled quotes, and a stray inch mark in an unquoted field are fine
    ok = read_csv_records('id,comment\n1,"a ""quoted"" word, and\na newline"\n2,24" monitor\n')
    assert ok.rows == [["1", 'a "quoted" word, and\na newline'], ["2", '24" monitor']]
    src = tmp_path / "unclosed.csv"
    src.write_text('id,comment\n1,ok fine\n2,"Please add dark mode\n3,ok\n', encoding="utf-8")
    assert main(["classify", str(src), "--text-col", "comment", "--out", str(tmp_path / "out")]) == 2
