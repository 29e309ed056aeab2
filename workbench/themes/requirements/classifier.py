"""The request classifier of the rules + classifier hybrid, one sentence at a time."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .rules import _ASK_WORDS, _INCIDENT, _NEG_RES, match_requirement, normalise, split_sentences

#: the fitted classifier that ships with the package (all-MiniLM-L6-v2 embeddings)
PRETRAINED_PATH = Path(__file__).resolve().parents[1] / "data" / "requirement_classifier.npz"
PRETRAINED_MODEL = "all-MiniLM-L6-v2"


class RequirementClassifier:
    """Tells requests from other statements, one sentence at a time: a class-balanced logistic
    regression on the sentence's embedding and the TF-IDF of its word 1-3-grams (scikit-learn
    style; ``estimator`` replaces the logistic regression).

    Used with the rules by :func:`detect_requirements` (``classifier=``): a sentence is a
    request when no negative pattern matches it and either a rule cue fired and the
    classifier's probability is at least ``cue_threshold`` (the classifier can overrule a cue
    only when it is sure), or the probability is at least ``threshold`` and the sentence has
    an ask word and is not an incident report. :meth:`predict` is the classifier on its own.

    ``fit(embeddings, labels, texts)`` trains on labelled sentences embedded with the same
    model as the evidence; :meth:`pretrained` loads the classifier fitted on the project's
    hand-labelled sentences for all-MiniLM-L6-v2 (``bench/requirements_quality.py --refit``
    rebuilds it). :meth:`save` / :meth:`load` store a fitted logistic regression as ``.npz``.
    """

    def __init__(self, C: float = 10.0, threshold: float = 0.8, cue_threshold: float = 0.2,
                 ngrams: bool = True, estimator=None):
        self.C = C
        self.threshold = threshold
        self.cue_threshold = cue_threshold
        self.ngrams = ngrams
        self.estimator = estimator

    # features -----------------------------------------------------------------------------

    def _features(self, embeddings, texts):
        import scipy.sparse as sp

        embeddings = np.asarray(embeddings, dtype=np.float64)
        if embeddings.ndim != 2:
            raise ValueError("embeddings must be a 2-D array, one row per text")
        if hasattr(self, "n_embedding_") and embeddings.shape[1] != self.n_embedding_:
            raise ValueError(f"this classifier was fitted on {self.n_embedding_}-dimensional embeddings "
                             f"({getattr(self, 'embedding_model_', 'unknown model')}), got {embeddings.shape[1]}")
        if not self.ngrams:
            return embeddings
        if texts is None:
            raise ValueError("a classifier with ngrams=True needs the texts as well as their embeddings")
        texts = [normalise(t) for t in texts]
        if len(texts) != len(embeddings):
            raise ValueError("texts and embeddings must have the same length")
        return sp.hstack([sp.csr_matrix(embeddings), self.vectorizer_.transform(texts)]).tocsr()

    def fit(self, embeddings: np.ndarray, labels: Iterable[bool], texts: Iterable[object] | None = None,
            embedding_model: str | None = None) -> "RequirementClassifier":
        from sklearn.base import clone
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        embeddings = np.asarray(embeddings, dtype=np.float64)
        texts = None if texts is None else list(texts)
        if self.ngrams:
            if texts is None:
                raise ValueError("a classifier with ngrams=True needs the texts as well as their embeddings")
            self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True).fit(
                [normalise(t) for t in texts])
        base = self.estimator if self.estimator is not None else LogisticRegression(
            C=self.C, max_iter=3000, class_weight="balanced")
        self.n_embedding_ = embeddings.shape[1]
        self.embedding_model_ = embedding_model
        self.estimator_ = clone(base).fit(self._features(embeddings, texts), np.asarray(list(labels), dtype=bool))
        return self

    def predict_proba(self, embeddings: np.ndarray, texts: Iterable[object] | None = None) -> np.ndarray:
        """Probability that each sentence is a request."""
        if not hasattr(self, "estimator_"):
            raise RuntimeError("RequirementClassifier is not fitted; call fit(embeddings, labels, texts) first")
        embeddings = np.asarray(embeddings, dtype=np.float64)
        if len(embeddings) == 0:
            return np.zeros(0)
        texts = None if texts is None else list(texts)
        column = list(self.estimator_.classes_).index(True)
        return self.estimator_.predict_proba(self._features(embeddings, texts))[:, column]

    def predict(self, embeddings: np.ndarray, texts: Iterable[object] | None = None) -> np.ndarray:
        """The classifier on its own: probability at least ``threshold``."""
        return self.predict_proba(embeddings, texts) >= self.threshold

    # storage -------------------------------------------------------------------------------

    def save(self, path) -> None:
        """Store a fitted logistic regression (coefficients, n-gram vocabulary and weights, settings)."""
        import json

        estimator = getattr(self, "estimator_", None)
        if estimator is None or not hasattr(estimator, "coef_"):
            raise ValueError("only a fitted linear classifier (the default logistic regression) can be saved")
        vocabulary = self.vectorizer_.get_feature_names_out() if self.ngrams else np.array([], dtype=str)
        settings = {"C": self.C, "threshold": self.threshold, "cue_threshold": self.cue_threshold,
                    "ngrams": self.ngrams, "n_embedding": self.n_embedding_, "embedding_model": self.embedding_model_,
                    "classes": [bool(c) for c in estimator.classes_]}
        np.savez_compressed(path, coef=estimator.coef_.astype(np.float64), intercept=estimator.intercept_.astype(np.float64),
                            vocabulary=np.asarray(vocabulary, dtype=str),
                            idf=self.vectorizer_.idf_ if self.ngrams else np.zeros(0), settings=np.array(json.dumps(settings)))

    @classmethod
    def load(cls, path) -> "RequirementClassifier":
        import json

        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        with np.load(path, allow_pickle=False) as data:
            settings = json.loads(str(data["settings"]))
            out = cls(C=settings["C"], threshold=settings["threshold"], cue_threshold=settings["cue_threshold"],
                      ngrams=settings["ngrams"])
            if out.ngrams:
                vocabulary = {str(term): i for i, term in enumerate(data["vocabulary"])}
                out.vectorizer_ = TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, vocabulary=vocabulary)
                out.vectorizer_.idf_ = data["idf"]
            estimator = LogisticRegression(C=out.C)
            estimator.classes_ = np.array(settings["classes"], dtype=bool)
            estimator.coef_ = data["coef"]
            estimator.intercept_ = data["intercept"]
            estimator.n_features_in_ = data["coef"].shape[1]
        out.n_embedding_ = settings["n_embedding"]
        out.embedding_model_ = settings["embedding_model"]
        out.estimator_ = estimator
        return out

    @classmethod
    def pretrained(cls) -> "RequirementClassifier":
        """The classifier that ships with the package, for L2-normalised all-MiniLM-L6-v2 embeddings."""
        return cls.load(PRETRAINED_PATH)


def _hybrid(texts: list, classifier: RequirementClassifier, embeddings, encode) -> pd.DataFrame:
    """One row per text: ``flag``, ``cue`` (rule cue or "classifier p=…") and ``sentence`` (the
    sentence that carries the request)."""
    rows = []      # (text index, sentence, whole text?, cue, needs a probability?, ask word)
    for i, text in enumerate(texts):
        sentences = split_sentences(text)
        for sentence in sentences:
            s = normalise(sentence)
            cue = match_requirement(sentence)
            vetoed = any(r.search(s) for r in _NEG_RES)
            classifier_may = bool(_ASK_WORDS.search(s)) and not _INCIDENT.search(s)
            rows.append((i, sentence, len(sentences) == 1, cue, not vetoed and (cue is not None or classifier_may), classifier_may))
    parts = pd.DataFrame(rows, columns=["text", "sentence", "whole", "cue", "scored", "classifier_may"])
    proba = np.zeros(len(parts))
    scored = np.flatnonzero(parts["scored"].to_numpy(dtype=bool)) if len(parts) else np.zeros(0, dtype=int)
    if len(scored):
        own = parts.loc[scored, "whole"].to_numpy(dtype=bool).copy()
        if embeddings is not None:
            embeddings = np.asarray(embeddings)
            if embeddings.ndim != 2 or len(embeddings) != len(texts):
                raise ValueError("embeddings must have one row per text")
        else:
            own[:] = False
        to_encode = parts.loc[scored[~own], "sentence"].tolist()
        if to_encode and encode is None:
            raise ValueError("the hybrid needs encode= (texts -> L2-normalised embeddings) for "
                             + ("sentences of multi-sentence statements" if embeddings is not None else "the statements"))
        encoded = np.asarray(encode(to_encode), dtype=np.float64) if to_encode else None
        dim = embeddings.shape[1] if embeddings is not None else encoded.shape[1]
        vectors = np.zeros((len(scored), dim))
        if own.any():
            vectors[own] = embeddings[parts.loc[scored[own], "text"].to_numpy()]
        if to_encode:
            vectors[~own] = encoded
        proba[scored] = classifier.predict_proba(vectors, parts.loc[scored, "sentence"].tolist())
    parts["p"] = proba
    out = pd.DataFrame({"flag": np.zeros(len(texts), dtype=bool), "cue": None, "sentence": None})
    if parts.empty:
        return out
    by_cue = parts["scored"] & parts["cue"].notna() & (parts["p"] >= classifier.cue_threshold)
    by_classifier = parts["scored"] & parts["classifier_may"] & (parts["p"] >= classifier.threshold)
    parts["flag"] = by_cue | by_classifier
    parts["why"] = np.where(by_cue, parts["cue"], [f"classifier p={p:.2f}" for p in parts["p"]])
    for i, group in parts[parts["flag"]].groupby("text", sort=False):
        first = group.iloc[0]
        out.loc[i, ["flag", "cue", "sentence"]] = [True, first["why"], first["sentence"]]
    out["flag"] = out["flag"].astype(bool)
    return out


def detect_requirements(texts: Iterable[object], return_cues: bool = False, *,
                        classifier: RequirementClassifier | None = None, embeddings: np.ndarray | None = None,
                        encode=None):
    """Vectorised :func:`is_requirement`: a boolean array in input order.

    With ``return_cues=True`` returns ``(flags, cues)`` where ``cues`` is a Series of cue names
    (None where the text is not a requirement), so every flag can be explained.

    Without ``classifier`` the rules decide. With a fitted ``classifier`` (e.g.
    ``RequirementClassifier.pretrained()``) the rules and the classifier decide together, one
    sentence at a time; a text is a requirement when one of its sentences is (see
    :class:`RequirementClassifier`). Sentences are embedded only where a rule cue or an ask
    word gives them a chance: a single-sentence text takes its row of ``embeddings`` (one
    L2-normalised row per text, same model as the classifier's) when given; other sentences
    are embedded with ``encode`` (a function from a list of strings to an array of
    L2-normalised rows). The cue is the rule that fired, else ``"classifier p=0.87"``.
    """
    index = texts.index if isinstance(texts, pd.Series) else None
    texts = list(texts)
    if classifier is None:
        cues = pd.Series([match_requirement(t) for t in texts], index=index, dtype="object")
        flags = cues.notna().to_numpy(dtype=bool)
        return (flags, cues) if return_cues else flags
    decided = _hybrid(texts, classifier, embeddings, encode)
    flags = decided["flag"].to_numpy(dtype=bool)
    cues = pd.Series(decided["cue"].to_numpy(), index=index, dtype="object")
    return (flags, cues) if return_cues else flags


