"""What each themed statement does and what customers ask for: a stage from tables to tables.

:func:`intents_and_requirements` takes the themed statements (with their vectors and theme
assignments) and returns ``statement_intents`` (each statement's language, feedback intent,
confidence and the sentence that decided it) and the prioritised requirements. It reads and
writes nothing; the theme job passes it the tables and stores what it returns.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from .language import detect_languages
from .requirements import build_requirements
from .requirements.intent import IntentClassifier, classify_statements, rule_intents
from .requirements.priority import prioritise

STATEMENT_INTENT_COLUMNS = ["evidence_id", "language", "intent", "confidence", "sentence"]


def problem_shares(assignments: pd.DataFrame, statement_intents: pd.DataFrame) -> dict:
    """Theme id -> share of the theme's statements whose intent is a problem."""
    joined = assignments.dropna(subset=["theme_id"])[["evidence_id", "theme_id"]].merge(
        statement_intents[["evidence_id", "intent"]], on="evidence_id")
    return joined.assign(problem=joined["intent"].eq("problem")).groupby("theme_id")["problem"].mean().to_dict()


def intents_and_requirements(
    statements: pd.DataFrame, vectors: np.ndarray, assignments: pd.DataFrame, themes: pd.DataFrame, *,
    quarter: str, registry=None, accounts: pd.DataFrame | None = None, arr: pd.DataFrame | None = None,
    nps: pd.DataFrame | None = None, previous: pd.DataFrame | None = None,
    classifier: IntentClassifier | None = None, encode: Callable[[list[str]], np.ndarray] | None = None,
    classifier_space: bool = True, languages: pd.Series | None = None, client=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(statement_intents, requirements)`` for the themed ``statements``.

    With a ``classifier`` (and ``encode``, texts -> L2-normalised rows of the classifier's model)
    every statement gets its intent from it, statements not in English from the rules; without
    one, from the rules alone (:func:`.requirements.intent.rule_intents`). ``vectors`` are the
    statements' embeddings, the classifier's own when ``classifier_space``. Requirements are the
    requests grouped by what they ask (:func:`.requirements.build_requirements`; ``previous``
    keeps their ids) and ranked by :func:`.requirements.priority.prioritise` over the responses
    of ``quarter`` and each theme's share of problems. ``languages``: each statement's, when
    already detected. ``client``: a Dask client; the requirements' figures are then Dask
    reductions on its cluster (:mod:`.requirements.figures`), with the same answers.
    """
    languages = detect_languages(statements["text"]) if languages is None else pd.Series(languages).reset_index(drop=True)
    if classifier is not None:
        intents = classify_statements(statements["text"], classifier, embeddings=vectors if classifier_space else None,
                                      encode=encode, languages=languages)
    else:
        intents = rule_intents(statements["text"])
    statement_intents = pd.DataFrame({
        "evidence_id": statements["evidence_id"].to_numpy(), "language": languages.to_numpy(),
        "intent": intents["intent"].to_numpy(), "confidence": intents["confidence"].to_numpy(dtype=float),
        "sentence": intents["sentence"].to_numpy(),
    })[STATEMENT_INTENT_COLUMNS]
    requirements = build_requirements(
        statements, assignments, vectors, accounts, arr, nps, registry=registry,
        themes=themes[["theme_id", "label"]], as_of=quarter, intents=intents, encode=encode, previous=previous,
        client=client)
    requirements = prioritise(requirements, responses=int(statements["quarter"].eq(quarter).sum()),
                              problem_share=problem_shares(assignments, statement_intents))
    return statement_intents, requirements
