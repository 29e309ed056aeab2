"""Sentiment of a mention (one sentence or clause of a customer statement): negative, neutral or
positive, with a score in [-1, 1].

The score is the mean of two independent readings of the mention:

- the **lexicon**: VADER's compound score (``vaderSentiment``; a hand-rated word list with rules
  for negation, intensifiers, "but" and capitals; no model, works offline);
- the **classifier**: ``p_praise - p_problem`` from the project's shipped intent classifier
  (:meth:`.requirements.intent.IntentClassifier.pretrained`: all-MiniLM-L6-v2 embedding, TF-IDF
  n-grams and the requirement rules), which knows product feedback ("keeps crashing", "not
  working", "saved us an hour") that a general word list misses.

The two fail differently: VADER misses problems said without emotive words ("The export times
out"), the classifier misreads some negations ("I am not happy with the support" reads as praise).
Their mean separated 1-2 star from 4-5 star app reviews better than either alone (ROC AUC 0.907
against 0.876 each, scoring each sentence and averaging per review; ``bench/sentiment_quality.py``),
and negative from positive sentences of ``tests/data/sentiment_fixture.csv`` (0.989 against 0.971
and 0.944). The weights are equal by design, not fitted.

A mention is **neutral** when ``|score| < NEUTRAL_BAND`` (0.25: one reading at least half sure
with the other silent, or both leaning the same way). On the fixture the three-way accuracy is
flat (0.85) for bands from 0.2 to 0.3, so the choice is not knife-edge. With ``method="lexicon"``
the band is VADER's own convention (0.05). Both readings are English-only.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from .requirements.rules import split_sentences

SENTIMENTS = ("negative", "neutral", "positive")
SENTIMENT_COLUMNS = ["sentiment", "sentiment_score"]
#: ``|score|`` below which a mention is neutral, per method
NEUTRAL_BAND = {"combined": 0.25, "classifier": 0.25, "lexicon": 0.05}
METHODS = tuple(NEUTRAL_BAND)

Encode = Callable[[list[str]], np.ndarray]


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _clean(texts: Iterable[object]) -> list[str]:
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t).strip() for t in texts]


def lexicon_scores(texts: Iterable[object]) -> np.ndarray:
    """VADER's compound score of each text, in [-1, 1] (0 for an empty text)."""
    analyzer = _analyzer()
    return np.array([analyzer.polarity_scores(t)["compound"] if t else 0.0 for t in _clean(texts)], dtype=float)


def classifier_scores(texts: Iterable[object], *, embeddings: np.ndarray | None = None,
                      encode: Encode | None = None, classifier=None) -> np.ndarray:
    """``p_praise - p_problem`` of each text, in [-1, 1] (0 for an empty text).

    ``classifier``: anything with ``predict_proba(embeddings, texts)`` returning a DataFrame with
    columns ``praise`` and ``problem`` (default: the shipped intent classifier). ``embeddings``:
    one row per text from the classifier's model; otherwise ``encode`` (texts -> L2-normalised
    rows; default: the local all-MiniLM-L6-v2 through :func:`workbench.embed.embed_texts`).
    """
    texts = _clean(texts)
    out = np.zeros(len(texts))
    keep = np.array([bool(t) for t in texts], dtype=bool)
    if not keep.any():
        return out
    if classifier is None:
        from .requirements.intent import IntentClassifier

        classifier = IntentClassifier.pretrained()
    kept = [t for t, k in zip(texts, keep) if k]
    if embeddings is not None:
        embeddings = np.asarray(embeddings, dtype=np.float64)
        if embeddings.ndim != 2 or len(embeddings) != len(texts):
            raise ValueError(f"embeddings must have one row per text ({len(texts)}), got shape {embeddings.shape}")
        vectors = embeddings[keep]
    else:
        if encode is None:
            from workbench.embed import embed_texts

            encode = embed_texts
        vectors = np.asarray(encode(kept), dtype=np.float64)
    proba = classifier.predict_proba(vectors, kept)
    out[keep] = proba["praise"].to_numpy(dtype=float) - proba["problem"].to_numpy(dtype=float)
    return np.clip(out, -1.0, 1.0)


def label(scores: Iterable[float], band: float = NEUTRAL_BAND["combined"]) -> np.ndarray:
    """'negative' at or below ``-band``, 'positive' at or above ``band``, else 'neutral' (also NaN)."""
    scores = np.asarray(list(scores) if not isinstance(scores, np.ndarray) else scores, dtype=float)
    return np.where(scores >= band, "positive", np.where(scores <= -band, "negative", "neutral")).astype(object)


def sentiment_scores(texts: Sequence[object], *, embeddings: np.ndarray | None = None, encode: Encode | None = None,
                     classifier=None, method: str = "combined", band: float | None = None,
                     probabilities: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sentiment of each mention: columns ``sentiment`` ('negative' | 'neutral' | 'positive')
    and ``sentiment_score`` (float in [-1, 1]), one row per text in input order (index 0..n-1).

    ``method``: 'combined' (default: mean of the lexicon and classifier scores), 'lexicon' (VADER
    alone: no model needed) or 'classifier'. ``band``: the neutral band (default
    :data:`NEUTRAL_BAND` of the method). ``embeddings``/``encode``/``classifier``: as in
    :func:`classifier_scores`. An empty or missing text is neutral with score 0.
    ``probabilities``: the classifier's ``p_praise`` and ``p_problem`` per text when already
    computed (e.g. by ``classify_statements``), so the classifier is not run twice.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    texts = _clean(texts)
    if method == "lexicon":
        score = lexicon_scores(texts)
    else:
        if probabilities is not None:
            if len(probabilities) != len(texts):
                raise ValueError(f"probabilities must have one row per text ({len(texts)}), got {len(probabilities)}")
            score = np.clip(probabilities["p_praise"].to_numpy(dtype=float)
                            - probabilities["p_problem"].to_numpy(dtype=float), -1.0, 1.0)
            score[[not t for t in texts]] = 0.0
        else:
            score = classifier_scores(texts, embeddings=embeddings, encode=encode, classifier=classifier)
        if method == "combined":
            score = (score + lexicon_scores(texts)) / 2
    band = NEUTRAL_BAND[method] if band is None else band
    return pd.DataFrame({"sentiment": label(score, band), "sentiment_score": score})


def statement_sentiment(texts: Sequence[object], *, encode: Encode | None = None, classifier=None,
                        method: str = "combined", band: float | None = None) -> pd.DataFrame:
    """The sentiment of each statement as the mean score of its sentences' (mentions'), split with
    :func:`.requirements.rules.split_sentences`; one row per text in input order, columns
    :data:`SENTIMENT_COLUMNS` plus ``n_mentions``. Every sentence is embedded with ``encode``.

    On the app reviews the sentence mean separated ratings a little better than scoring the whole
    text at once (ROC AUC 0.907 against 0.904), and one long rant cannot hide a short praise.
    """
    texts = _clean(texts)
    parts = [(i, s) for i, t in enumerate(texts) for s in split_sentences(t)]
    rows = np.array([i for i, _ in parts], dtype=int)
    mentions = sentiment_scores([s for _, s in parts], encode=encode, classifier=classifier, method=method, band=band)
    return review_sentiment(mentions["sentiment_score"], rows, n=len(texts), method=method, band=band)


def review_sentiment(mention_scores: Iterable[float], statement: Iterable[object], *, n: int | None = None,
                     method: str = "combined", band: float | None = None) -> pd.DataFrame:
    """Aggregates mention scores to their statements: the mean score per value of ``statement``
    (one per mention, e.g. a statement id or row number), labelled with the method's band.

    Indexed by statement (with ``n``: by 0..n-1, statements without mentions neutral at 0);
    columns :data:`SENTIMENT_COLUMNS` plus ``n_mentions``.
    """
    frame = pd.DataFrame({"score": np.asarray(list(mention_scores), dtype=float),
                          "statement": list(statement)})
    if len(frame["score"]) != len(frame["statement"]):
        raise ValueError("mention_scores and statement must have the same length")
    grouped = frame.groupby("statement", sort=True)["score"]
    mean, count = grouped.mean(), grouped.size()
    if n is not None:
        mean, count = mean.reindex(range(n), fill_value=0.0), count.reindex(range(n), fill_value=0)
        mean.index.name = None
    band = NEUTRAL_BAND[method] if band is None else band
    return pd.DataFrame({"sentiment": label(mean.to_numpy(), band), "sentiment_score": mean.to_numpy(),
                         "n_mentions": count.to_numpy()}, index=mean.index)


def sentiment_shares(frame: pd.DataFrame, by, *, column: str = "sentiment") -> pd.DataFrame:
    """Share of negative, neutral and positive mentions per group (e.g. per theme or area).

    ``by``: a column name (or list of names) of ``frame``. One row per group, columns
    ``negative``, ``neutral``, ``positive`` (shares summing to 1), ``net`` (positive - negative)
    and ``n`` (mentions); groups sorted by ``n`` descending, then by name.
    """
    if column not in frame:
        raise KeyError(f"frame has no {column!r} column; score it with sentiment_scores first")
    unknown = set(frame[column].dropna()) - set(SENTIMENTS)
    if unknown:
        raise ValueError(f"unknown sentiments {sorted(unknown)}; expected some of {SENTIMENTS}")
    keys = [by] if isinstance(by, str) else list(by)
    counts = pd.crosstab([frame[k] for k in keys], frame[column])
    counts = counts.reindex(columns=list(SENTIMENTS), fill_value=0)
    n = counts.sum(axis=1)
    out = counts.div(n, axis=0)
    out["net"] = out["positive"] - out["negative"]
    out["n"] = n
    out.columns.name = None
    return out.reset_index().sort_values(["n", *keys], ascending=[False] + [True] * len(keys),
                                         kind="mergesort").reset_index(drop=True)
