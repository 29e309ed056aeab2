"""A statement counts once in every theme it mentions; statements not in English are kept apart."""
import numpy as np
import pandas as pd
import pytest
from fakes import HashingEmbedder, KMeansThemes

from workbench import store
from workbench.ingest import ingest
from workbench.themes.impact import theme_impact
from workbench.themes.language import foreign_languages
from workbench.themes.pipeline import update_themes
from workbench.themes.summaries import statement_themes
from workbench.themes.texts import language_groups


def mention_rows(rows):
    return pd.DataFrame(rows, columns=["evidence_id", "mention", "start", "end", "theme_id", "closeness"]).assign(
        fitted_theme_id=lambda f: f["theme_id"], cluster=0)


def test_a_response_counts_once_per_theme_it_mentions():
    # e1 (detractor) mentions A twice and B once; e2 (promoter) mentions A; e3 (passive) mentions B;
    # e4 (detractor) has a mention with no theme only; r5 (promoter) left no comment
    mentions = mention_rows([
        ("e1", 0, 0, 20, "A", 0.9), ("e1", 1, 21, 40, "B", 0.8), ("e1", 2, 41, 60, "A", 0.95),
        ("e2", 0, 0, 30, "A", 0.7),
        ("e3", 0, 0, 25, "B", 0.6),
        ("e4", 0, 0, 10, None, np.nan),
    ])
    pairs = statement_themes(mentions, areas={"A": "X", "B": "X"})
    key = pairs[["evidence_id", "theme_id", "mentions", "mention", "start"]].fillna({"theme_id": "-"})
    assert key.values.tolist() == [
        ["e1", "A", 2, 2, 41],      # main theme first: two of its mentions; the closest one is kept
        ["e1", "B", 1, 1, 21],
        ["e2", "A", 1, 0, 0],
        ["e3", "B", 1, 0, 0],
        ["e4", "-", 1, 0, 0],       # no theme: one row, counted nowhere
    ]
    nps = pd.DataFrame({"response_id": ["r1", "r2", "r3", "r4", "r5"], "score": [2, 10, 8, 0, 9],
                        "evidence_id": ["e1", "e2", "e3", "e4", None], "quarter": "2026Q3"})
    impact = theme_impact(nps, pairs.dropna(subset=["theme_id"]), by="quarter").set_index("theme_id")
    # all five: 2 promoters, 2 detractors -> NPS 0. A: r1, r2 (once each, though r1 mentions A twice)
    assert impact.loc["A", "n_mentioning"] == 2 and impact.loc["B", "n_mentioning"] == 2
    assert impact.loc["A", "detractor_share"] == pytest.approx(0.5)
    assert impact.loc["A", "promoter_share"] == pytest.approx(0.5)
    # without A: r3 passive, r4 detractor, r5 promoter -> NPS 0, impact 0; without B: r2, r4, r5 -> +33.3
    assert impact.loc["A", "impact"] == pytest.approx(0.0)
    assert impact.loc["B", "impact"] == pytest.approx(100 / 3)
    # an area counts a statement once however many of its themes the statement mentions
    assert pairs.dropna(subset=["area_id"]).drop_duplicates(["evidence_id", "area_id"]).shape[0] == 3


def test_foreign_statements_are_recognised_and_grouped():
    texts = ["The dashboard export keeps failing on large files",
             "La aplicación se cierra cada vez que abro un informe",
             "Die Rechnung war viel höher als erwartet",
             "ok",                                                    # too short to say
             "Please add dark mode to the mobile app"]
    codes = foreign_languages(texts)
    assert codes.tolist() == [None, "es", "de", None, None]
    groups = language_groups(["a", "b", "c", "d", "e"], codes)
    assert groups.values.tolist() == [["b", "LANG-es", "Spanish statements, not themed"],
                                      ["c", "LANG-de", "German statements, not themed"]]
    assert foreign_languages(texts, model_languages=("en", "es")).tolist() == [None, None, "de", None, None]
    # short requests lingua will not name for sure: most words not English ones, English unlikely
    short = ["Aggiungi questa canzone alla mia playlist", "Sæt en alarm til klokken syv",
             "Great Just greaaaat. :)", "Set an alarm for seven tomorrow"]
    assert foreign_languages(short).tolist() == ["it", "da", None, None]


SPANISH = ["La aplicación se cierra cada vez que abro un informe grande",
           "No puedo exportar los datos a Excel desde el panel",
           "El soporte tardó tres días en responder a mi pregunta",
           "Me encanta la nueva función de programación de informes"]


def test_the_job_keeps_other_languages_apart_with_their_quotes_and_counts(mini_dir):
    survey = mini_dir / "surveys" / "spanish.csv"
    rows = ["response_id,account_id,respondent_name,respondent_email,persona,date,score,comment"]
    rows += [f"ES{i},A002,,,practitioner,2025-08-{10 + i:02d},{4 + i},\"{t}\"" for i, t in enumerate(SPANISH)]
    survey.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ingest(mini_dir)
    run = update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(3), model_languages=("en",))
    assert run.languages == ["LANG-es"]
    themes = store.load_table(mini_dir, "themes").set_index("theme_id")
    assert themes.loc["LANG-es", "name"] == "Spanish statements, not themed"
    # the four above and the Spanish verbatim of the fixture's Qualtrics export
    expected = sorted(SPANISH + ["Soporte excelente, gracias"])
    assert themes.loc["LANG-es", "mentions"] == len(expected) and themes.loc["LANG-es", "status"] == "language"
    evidence = store.load_table(mini_dir, "evidence").set_index("evidence_id")
    pairs = store.load_table(mini_dir, "theme_assignments")
    spanish = pairs[pairs["theme_id"] == "LANG-es"]
    assert sorted(evidence.loc[spanish["evidence_id"], "text"]) == expected
    # none of them is in a theme of the model, and none of them was split or embedded as a mention
    assert not pairs[pairs["evidence_id"].isin(spanish["evidence_id"]) & (pairs["theme_id"] != "LANG-es")].shape[0]
    assert not store.load_table(mini_dir, "theme_mentions")["evidence_id"].isin(spanish["evidence_id"]).any()
    areas = store.load_table(mini_dir, "theme_areas").set_index("area_id")
    assert areas.loc["LANG", "mentions"] == len(expected)
    # with a model that reads every language (the default for an injected embedder) they are themed
    run = update_themes(mini_dir, embedder=HashingEmbedder(), model=KMeansThemes(3), refit=True)
    assert run.languages == [] and "LANG-es" not in set(store.load_table(mini_dir, "themes")["theme_id"])
