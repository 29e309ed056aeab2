"""Feedback intent: is a sentence a request, a problem, a question, praise or something else?

:class:`IntentClassifier` is a multinomial logistic regression (scikit-learn) on three kinds of
evidence about one sentence:

- its sentence embedding (what it is about, and how it is said);
- the TF-IDF of its word 1-3-grams ("please add", "would be great", "keeps crashing");
- the rules of :mod:`.rules` and a few shape signals (:func:`rule_features`): which ask cues
  fired, whether a negative pattern matched, a question mark, an imperative opening, incident
  words. The rules are features the model weighs, never gates that override it.

A statement of several sentences takes the intent of its strongest sentence in the order
request > problem > question > praise > other (a comment that asks for something anywhere is a
request; one that reports something broken anywhere is a problem), with that sentence's
probability as its confidence. :func:`classify_statements` returns one row per statement.

The shipped classifier (:meth:`IntentClassifier.pretrained`) was fitted on the project's own
hand-written and hand-labelled sentences (``workbench/themes/data/intent_sentences*.csv`` and the
training splits of ``tests/data/requirements_*.csv``) with all-MiniLM-L6-v2 embeddings, C=16
(chosen by leave-styles-out folds on those sentences) and ``request_threshold`` 0.5 (a sentence
is a request only when that is more likely than all other intents together: a false requirement
costs a product manager more than a missed one); ``bench/intent_quality.py --refit`` rebuilds it.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from .rules import _INCIDENT, CUES, cue_hits, normalise, split_sentences

INTENTS = ("request", "problem", "question", "praise", "other")
#: the order in which a sentence's intent decides its statement's
PRECEDENCE = INTENTS
PRETRAINED_PATH = Path(__file__).resolve().parents[1] / "data" / "intent_classifier.npz"
PRETRAINED_MODEL = "all-MiniLM-L6-v2"

Encode = Callable[[list[str]], np.ndarray]

# Shape signals no library gives for feedback sentences, so written here: an opening verb in the
# imperative ("Add an export", "Let admins ..."), an opening question word, praise and incident words.
_OPENING = re.compile(r"^(?:[-*\u2022>#\d.)\s]+)?(?:(?:please|pls|also|just|and|so|maybe|simply|kindly|ok|oh),?\s+)*")
_IMPERATIVE = re.compile(
    r"(?:add|allow|let|make|provide|support|enable|give|bring|show|remove|change|include|implement|create|"
    r"expose|improve|consider|offer|update|integrate|extend|expand|open|publish|release|port|fix|increase|"
    r"reduce|raise|lower|stop|start|use|put|keep|display|rename|move|hide|unlock|disable|introduce|build|"
    r"deliver|restore|return|send|sync|set|treat|rethink|revise|drop|get|have)\b")
_QUESTION_OPENING = re.compile(
    r"(?:how|what|where|why|when|which|who|is|are|does|do|did|can|could|will|would|should|has|have|any)\b")
_PRAISE = re.compile(
    r"\b(?:love|loved|loving|great|awesome|excellent|amazing|fantastic|brilliant|perfect|wonderful|"
    r"thanks?|thank you|helpful|easy|intuitive|best|superb|smooth|nice|happy|pleased|impressed|recommend)\b")

RULE_FEATURES = ([f"cue:{name}" for name, _ in CUES]
                 + ["negative_pattern", "question_mark", "imperative_opening", "question_opening",
                    "incident_words", "praise_words", "no_cue"])


def rule_features(texts: Iterable[object]) -> np.ndarray:
    """One row of 0/1 rule and shape signals per text (columns: :data:`RULE_FEATURES`)."""
    texts = list(texts)
    out = np.zeros((len(texts), len(RULE_FEATURES)))
    for row, text in enumerate(texts):
        out[row] = _rule_row(text if isinstance(text, str) else normalise(text))
    return out


_FEATURE_INDEX = {name: i for i, name in enumerate(RULE_FEATURES)}


@lru_cache(maxsize=200_000)
def _rule_row(text: str) -> np.ndarray:
    """The rule and shape signals of one text (remembered: texts repeat, and sentences are read
    again as mentions). Read-only: callers copy it into their own array."""
    index = _FEATURE_INDEX
    out = np.zeros(len(RULE_FEATURES))
    s = normalise(text)
    fired, negated = cue_hits(s)
    for name in fired:
        out[index[f"cue:{name}"]] = 1.0
    body = _OPENING.sub("", s, count=1)
    out[index["negative_pattern"]] = float(negated)
    out[index["question_mark"]] = float(s.rstrip(" .!)\"'").endswith("?"))
    out[index["imperative_opening"]] = float(bool(_IMPERATIVE.match(body)))
    out[index["question_opening"]] = float(bool(_QUESTION_OPENING.match(body)))
    out[index["incident_words"]] = float(bool(_INCIDENT.search(s)))
    out[index["praise_words"]] = float(bool(_PRAISE.search(s)))
    out[index["no_cue"]] = float(not fired)
    out.setflags(write=False)
    return out


class IntentClassifier:
    """Tells the feedback intent of a sentence (scikit-learn style: settings in ``__init__``,
    learned state ending in ``_``).

    ``C``: inverse regularisation of the logistic regression. ``rule_weight`` and
    ``embedding_weight`` scale those feature blocks against the n-grams (``ngrams=False`` leaves the
    n-grams out; ``balanced=False`` weighs the intents as often as they occur in the training
    sentences instead of equally). ``request_threshold``:
    a sentence is a request when its request probability reaches it (``None``: the most
    probable intent wins).
    """

    def __init__(self, C: float = 4.0, rule_weight: float = 1.0, embedding_weight: float = 1.0,
                 request_threshold: float | None = None, ngrams: bool = True, balanced: bool = True):
        self.C = C
        self.balanced = balanced
        self.ngrams = ngrams
        self.rule_weight = rule_weight
        self.embedding_weight = embedding_weight
        self.request_threshold = request_threshold

    def _features(self, embeddings, texts):
        import scipy.sparse as sp

        embeddings = np.asarray(embeddings, dtype=np.float64)
        texts = list(texts)
        if embeddings.ndim != 2 or len(embeddings) != len(texts):
            raise ValueError("embeddings must be a 2-D array with one row per text")
        if hasattr(self, "n_embedding_") and embeddings.shape[1] != self.n_embedding_:
            raise ValueError(f"this classifier was fitted on {self.n_embedding_}-dimensional embeddings "
                             f"({self.embedding_model_ or 'unknown model'}), got {embeddings.shape[1]}")
        blocks = [sp.csr_matrix(embeddings * self.embedding_weight)]
        if self.ngrams:
            blocks.append(self.vectorizer_.transform([normalise(t) for t in texts]))
        blocks.append(sp.csr_matrix(rule_features(texts) * self.rule_weight))
        return sp.hstack(blocks).tocsr()

    def fit(self, embeddings: np.ndarray, intents: Iterable[str], texts: Iterable[object],
            embedding_model: str | None = None) -> "IntentClassifier":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = list(texts)
        intents = np.asarray(list(intents), dtype=object)
        unknown = sorted(set(intents) - set(INTENTS))
        if unknown:
            raise ValueError(f"unknown intents {unknown}; expected some of {INTENTS}")
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True).fit(
            [normalise(t) for t in texts])
        self.n_embedding_ = np.asarray(embeddings).shape[1]
        self.embedding_model_ = embedding_model
        self.estimator_ = LogisticRegression(C=self.C, max_iter=5000,
                                             class_weight="balanced" if self.balanced else None).fit(
            self._features(embeddings, texts), intents)
        return self

    def predict_proba(self, embeddings: np.ndarray, texts: Iterable[object]) -> pd.DataFrame:
        """One row per sentence, one column per intent (in :data:`INTENTS` order)."""
        if not hasattr(self, "estimator_"):
            raise RuntimeError("IntentClassifier is not fitted; call fit(embeddings, intents, texts) first")
        texts = list(texts)
        out = pd.DataFrame(0.0, index=range(len(texts)), columns=list(INTENTS))
        if texts:
            proba = self.estimator_.predict_proba(self._features(embeddings, texts))
            for j, intent in enumerate(self.estimator_.classes_):
                out[intent] = proba[:, j]
        return out

    def decide(self, proba: pd.DataFrame) -> pd.Series:
        """The intent of each row of :meth:`predict_proba`."""
        intent = proba.idxmax(axis=1)
        if self.request_threshold is not None:
            others = proba.drop(columns="request").idxmax(axis=1)
            intent = pd.Series(np.where(proba["request"] >= self.request_threshold, "request", others),
                               index=proba.index)
        return intent.astype(object)

    def predict(self, embeddings: np.ndarray, texts: Iterable[object]) -> pd.Series:
        return self.decide(self.predict_proba(embeddings, texts))

    # storage ------------------------------------------------------------------------------

    def save(self, path) -> None:
        """Store the fitted model: coefficients, n-gram vocabulary and weights, settings (.npz)."""
        settings = {"C": self.C, "rule_weight": self.rule_weight, "embedding_weight": self.embedding_weight,
                    "request_threshold": self.request_threshold, "ngrams": self.ngrams, "balanced": self.balanced,
                    "n_embedding": self.n_embedding_,
                    "embedding_model": self.embedding_model_, "classes": [str(c) for c in self.estimator_.classes_],
                    "rule_features": RULE_FEATURES}
        np.savez_compressed(path, coef=self.estimator_.coef_, intercept=self.estimator_.intercept_,
                            vocabulary=np.asarray(self.vectorizer_.get_feature_names_out(), dtype=str),
                            idf=self.vectorizer_.idf_, settings=np.array(json.dumps(settings)))

    @classmethod
    def load(cls, path) -> "IntentClassifier":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        with np.load(path, allow_pickle=False) as data:
            settings = json.loads(str(data["settings"]))
            if settings["rule_features"] != RULE_FEATURES:
                raise ValueError(f"{path}: fitted with other rule features than this version's; refit it")
            out = cls(C=settings["C"], rule_weight=settings["rule_weight"],
                      embedding_weight=settings["embedding_weight"], request_threshold=settings["request_threshold"],
                      ngrams=settings.get("ngrams", True), balanced=settings.get("balanced", True))
            vocabulary = {str(term): i for i, term in enumerate(data["vocabulary"])}
            out.vectorizer_ = TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, vocabulary=vocabulary)
            out.vectorizer_.idf_ = data["idf"]
            estimator = LogisticRegression(C=out.C)
            estimator.classes_ = np.array(settings["classes"], dtype=object)
            estimator.coef_ = data["coef"]
            estimator.intercept_ = data["intercept"]
            estimator.n_features_in_ = data["coef"].shape[1]
        out.n_embedding_ = settings["n_embedding"]
        out.embedding_model_ = settings["embedding_model"]
        out.estimator_ = estimator
        return out

    @classmethod
    def pretrained(cls) -> "IntentClassifier":
        """The classifier that ships with the package, for L2-normalised all-MiniLM-L6-v2 embeddings."""
        return cls.load(PRETRAINED_PATH)


INTENT_COLUMNS = ["intent", "confidence", "sentence", "cues", *[f"p_{i}" for i in INTENTS]]


def classify_statements(texts: Iterable[object], classifier: IntentClassifier, *,
                        embeddings: np.ndarray | None = None, encode: Encode | None = None,
                        languages: Iterable[object] | None = None) -> pd.DataFrame:
    """The intent of each statement, one row per text in input order (:data:`INTENT_COLUMNS`).

    ``languages`` (ISO codes, None where unknown; see :mod:`workbench.themes.language`): a
    statement in a language other than English, which the shipped classifier was not trained on,
    gets :func:`rule_intents` (whose ask cues include German, Spanish and French) instead of a guess.

    Statements are split into sentences (:func:`.rules.split_sentences`); a single-sentence
    statement takes its row of ``embeddings`` when given (L2-normalised, the classifier's model),
    every other sentence is embedded with ``encode``. ``sentence`` is the sentence that decided
    the intent; ``cues`` the rule cues that fired on it; ``p_*`` its probabilities.
    """
    texts = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]
    if languages is not None:
        foreign = np.array([lang is not None and lang == lang and lang != "en" for lang in languages], dtype=bool)
        if len(foreign) != len(texts):
            raise ValueError("languages must have one entry per text")
        if foreign.any():
            out = pd.DataFrame(index=range(len(texts)), columns=INTENT_COLUMNS)
            out.loc[foreign] = rule_intents([t for t, f in zip(texts, foreign) if f]).to_numpy()
            if (~foreign).any():
                rest = embeddings[~foreign] if embeddings is not None else None
                out.loc[~foreign] = classify_statements([t for t, f in zip(texts, foreign) if not f], classifier,
                                                        embeddings=rest, encode=encode).to_numpy()
            return out.astype({c: float for c in INTENT_COLUMNS if c == "confidence" or c.startswith("p_")})
    parts = [(i, s, len(ss) == 1) for i, t in enumerate(texts) for ss in [split_sentences(t)] for s in ss]
    out = pd.DataFrame({"intent": ["other"] * len(texts), "confidence": 0.0, "sentence": None, "cues": None})
    for intent in INTENTS:
        out[f"p_{intent}"] = 0.0
    if not parts:
        return out[INTENT_COLUMNS]
    frame = pd.DataFrame(parts, columns=["text", "sentence", "whole"])
    if embeddings is not None:
        embeddings = np.asarray(embeddings, dtype=np.float64)
        if embeddings.ndim != 2 or len(embeddings) != len(texts):
            raise ValueError(f"embeddings must have one row per text ({len(texts)}), got shape {embeddings.shape}")
    own = frame["whole"].to_numpy(dtype=bool) & (embeddings is not None)
    to_encode = frame.loc[~own, "sentence"].tolist()
    if to_encode and encode is None:
        raise ValueError("classify_statements needs encode= (texts -> L2-normalised rows) for the sentences "
                         "it has no embedding of")
    encoded = np.asarray(encode(to_encode), dtype=np.float64) if to_encode else None
    dim = embeddings.shape[1] if embeddings is not None else encoded.shape[1]
    vectors = np.zeros((len(frame), dim))
    if own.any():
        vectors[own] = embeddings[frame.loc[own, "text"].to_numpy()]
    if to_encode:
        vectors[~own] = encoded
    proba = classifier.predict_proba(vectors, frame["sentence"].tolist())
    frame["intent"] = classifier.decide(proba).to_numpy()
    frame["rank"] = frame["intent"].map({k: i for i, k in enumerate(PRECEDENCE)})
    frame["confidence"] = proba.to_numpy()[np.arange(len(frame)), [INTENTS.index(i) for i in frame["intent"]]]
    frame = pd.concat([frame, proba.add_prefix("p_")], axis=1)
    best = frame.sort_values(["text", "rank", "confidence"], ascending=[True, True, False],
                             kind="mergesort").drop_duplicates("text")
    rows = best["text"].to_numpy()
    out.loc[rows, "intent"] = best["intent"].to_numpy()
    out.loc[rows, "confidence"] = best["confidence"].to_numpy()
    out.loc[rows, "sentence"] = best["sentence"].to_numpy()
    out.loc[rows, "cues"] = [",".join(sorted(cue_hits(s)[0])) or None for s in best["sentence"]]
    for intent in INTENTS:
        out.loc[rows, f"p_{intent}"] = best[f"p_{intent}"].to_numpy()
    return out[INTENT_COLUMNS]


#: cues that report a limitation rather than ask for a change
LIMITATION_CUES = {"cannot", "no_way_to", "does_not_support", "missing", "lack_of", "why_cant"}


def rule_intents(texts: Iterable[object]) -> pd.DataFrame:
    """The rules' own guess at each statement's intent, for when no embedding of the classifier's
    model is at hand (an injected embedder): request when an ask cue fires, problem on a
    limitation cue or incident words, question on a question, praise on praise words, else other.
    ``confidence`` is NaN: nothing was weighed. Same columns as :func:`classify_statements`."""
    rows = []
    for text in texts:
        sentences = split_sentences(text) or [""]
        found = []
        for sentence in sentences:
            fired, _ = cue_hits(sentence)
            shape = dict(zip(RULE_FEATURES, rule_features([sentence])[0]))
            if fired - LIMITATION_CUES:
                intent = "request"
            elif fired & LIMITATION_CUES or shape["incident_words"]:
                intent = "problem"
            elif shape["question_mark"]:
                intent = "question"
            elif shape["praise_words"]:
                intent = "praise"
            else:
                intent = "other"
            found.append((PRECEDENCE.index(intent), intent, sentence, ",".join(sorted(fired)) or None))
        _, intent, sentence, cues = min(found, key=lambda f: f[0])
        rows.append({"intent": intent, "confidence": float("nan"), "sentence": sentence, "cues": cues,
                     **{f"p_{i}": float("nan") for i in INTENTS}})
    return pd.DataFrame(rows, columns=INTENT_COLUMNS)
