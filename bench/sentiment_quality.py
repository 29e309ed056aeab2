"""Sentiment quality: does mention sentiment separate unhappy from happy customers?

Measured on
  1. URR app reviews (``../shared/data/urr/golden_dev.csv``; 750 real Google Play reviews with
     their star rating; skipped when absent): ROC AUC of the review score for 1-2 stars (unhappy)
     against 4-5 stars (happy), 3 stars left out. Each method (VADER lexicon, the shipped intent
     classifier's p_praise - p_problem, their mean = the shipped 'combined') is scored two ways:
     the whole review as one text, and the mean over its sentences (the shipped
     :func:`statement_sentiment`). Target: combined, sentence mean, AUC >= 0.80. The reviews'
     labels are only measured here; no setting was fitted to them;
  2. ``tests/data/sentiment_fixture.csv``: 60 hand-written, hand-labelled feedback sentences
     (support tickets, NPS comments, session notes, call transcripts, survey answers), written
     without looking at URR. Targets for the shipped method: negative/positive decisions (gold
     negative or positive sentences given exactly their label) >= 0.80, three-way accuracy >= 0.75;
  3. the sample company's answer key (``workbench sample --seed 7``; informative, no target):
     AUC of statements of only negative themes against those of only positive themes.

Usage: python bench/sentiment_quality.py [--no-key] [--errors N]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from sklearn.metrics import roc_auc_score  # noqa: E402

from workbench.embed import embed_texts  # noqa: E402
from workbench.themes.requirements.intent import IntentClassifier  # noqa: E402
from workbench.themes.requirements.rules import split_sentences  # noqa: E402
from workbench.themes.sentiment import (  # noqa: E402
    NEUTRAL_BAND, SENTIMENTS, classifier_scores, label, lexicon_scores,
)

URR = ROOT.parent / "shared" / "data" / "urr" / "golden_dev.csv"
FIXTURE = ROOT / "tests" / "data" / "sentiment_fixture.csv"
CACHE = ROOT / "bench" / "out" / ".embeddings"
METHODS = ("lexicon", "classifier", "combined")


def encode(texts: list[str]) -> np.ndarray:
    return embed_texts(list(texts), cache_dir=CACHE)


def all_scores(texts: list[str], classifier: IntentClassifier) -> dict[str, np.ndarray]:
    """Each method's score of each text (computing the two readings once)."""
    lex = lexicon_scores(texts)
    clf = classifier_scores(texts, encode=encode, classifier=classifier)
    return {"lexicon": lex, "classifier": clf, "combined": (lex + clf) / 2}


def sentence_means(texts: list[str], classifier: IntentClassifier) -> dict[str, np.ndarray]:
    parts = [(i, s) for i, t in enumerate(texts) for s in split_sentences(t)]
    rows = np.array([i for i, _ in parts], dtype=int)
    scores = all_scores([s for _, s in parts], classifier)
    return {m: pd.Series(v).groupby(rows).mean().reindex(range(len(texts)), fill_value=0.0).to_numpy()
            for m, v in scores.items()}


def shares(labels) -> str:
    counts = pd.Series(labels).value_counts(normalize=True)
    return "  ".join(f"{s} {counts.get(s, 0.0):.2f}" for s in SENTIMENTS)


def urr(classifier: IntentClassifier, errors: int) -> float | None:
    if not URR.exists():
        print(f"  {URR.relative_to(ROOT.parent)} not found: skipped")
        return None
    frame = pd.read_csv(URR)
    frame["reviewText"] = frame["reviewText"].fillna("").astype(str)
    texts = frame["reviewText"].tolist()
    whole, mean = all_scores(texts, classifier), sentence_means(texts, classifier)
    polar = frame["ratingStars"].ne(3).to_numpy()
    happy = frame["ratingStars"].ge(4).to_numpy()[polar]
    print(f"  {len(frame)} reviews, {polar.sum()} with 1-2 or 4-5 stars ({happy.mean():.0%} happy)")
    print(f"  {'method':<11} {'AUC whole':>9} {'AUC mean':>9}   shares of all reviews (sentence mean)")
    for method in METHODS:
        print(f"  {method:<11} {roc_auc_score(happy, whole[method][polar]):9.3f} "
              f"{roc_auc_score(happy, mean[method][polar]):9.3f}   "
              f"{shares(label(mean[method], NEUTRAL_BAND[method]))}")
    decided = label(mean["combined"], NEUTRAL_BAND["combined"])
    for stars in sorted(frame["ratingStars"].unique()):
        at = frame["ratingStars"].eq(stars).to_numpy()
        print(f"    {stars} stars ({at.sum():>3}): {shares(decided[at])}")
    if errors:
        stars = frame["ratingStars"].to_numpy()
        wrong = np.flatnonzero(polar & ((decided == "positive") & (stars < 4) | (decided == "negative") & (stars > 3)))
        for i in wrong[:errors]:
            print(f"    {stars[i]} stars, got {decided[i]} ({mean['combined'][i]:+.2f}): {texts[i][:130]}")
    return float(roc_auc_score(happy, mean["combined"][polar]))


def fixture(classifier: IntentClassifier, errors: int) -> tuple[float, float]:
    frame = pd.read_csv(FIXTURE)
    scores = all_scores(frame["text"].tolist(), classifier)
    gold = frame["sentiment"].to_numpy()
    polar = gold != "neutral"
    print(f"  {len(frame)} sentences ({frame['sentiment'].value_counts().to_dict()})")
    print(f"  {'method':<11} {'neg/pos':>8} {'3-way':>6} {'AUC':>6}")
    result = (0.0, 0.0)
    for method in METHODS:
        decided = label(scores[method], NEUTRAL_BAND[method])
        polar_acc = float((decided[polar] == gold[polar]).mean())
        three = float((decided == gold).mean())
        auc = roc_auc_score(gold[polar] == "positive", scores[method][polar])
        print(f"  {method:<11} {polar_acc:8.3f} {three:6.3f} {auc:6.3f}")
        if method == "combined":
            result = (polar_acc, three)
            for i in np.flatnonzero(decided != gold)[:errors]:
                print(f"    gold {gold[i]:<8} got {decided[i]:<8} ({scores[method][i]:+.2f}) {frame['text'][i]}")
    return result


def answer_key(classifier: IntentClassifier, seed: int) -> None:
    from answer_key import sample_statements

    key = sample_statements(seed)
    if key is None:
        return
    from workbench.sample.catalog import THEMES
    sentiment = {t.key: t.sentiment for t in THEMES}
    kinds = key["themes"].map(lambda s: frozenset(sentiment.get(k) for k in s.split("|") if k))
    pure = kinds.isin([frozenset({"positive"}), frozenset({"negative"})]).to_numpy()
    key, happy = key[pure].reset_index(drop=True), (kinds[pure] == frozenset({"positive"})).to_numpy()
    score = sentence_means(key["text"].tolist(), classifier)["combined"]
    print(f"  sample answer key (seed {seed}): {len(key)} statements of only positive ({happy.sum()}) or only "
          f"negative themes: combined AUC {roc_auc_score(happy, score):.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-key", action="store_true", help="skip the sample company's answer key")
    parser.add_argument("--errors", type=int, default=0, help="print N wrong decisions per data set")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    classifier = IntentClassifier.pretrained()
    print("URR app reviews (1-2 vs 4-5 stars):")
    auc = urr(classifier, args.errors)
    print("hand-labelled fixture:")
    polar_acc, three = fixture(classifier, args.errors)
    if not args.no_key:
        print("sample company:")
        answer_key(classifier, args.seed)
    checks = [(f"fixture negative/positive decisions {polar_acc:.3f} (target >= 0.80)", polar_acc >= 0.80),
              (f"fixture three-way accuracy {three:.3f} (target >= 0.75)", three >= 0.75)]
    if auc is not None:
        checks.append((f"URR review AUC, combined sentence mean {auc:.3f} (target >= 0.80)", auc >= 0.80))
    for text, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
