"""Statements with known labels at any size, for the scale benches (``bench/cluster_scale.py``).

    texts, labels = scale_statements(1_000_000)

The base: BANKING77's 10,003 real support messages (../shared/data/banking77/train.csv, labelled by
intent) and the sample company's first-person statements (each theme's ``core``, ``requests`` and
``tickets`` templates from :mod:`workbench.sample.catalog`, slots filled a few ways, labelled
``sample:<theme>``). Beyond the base, copies reworded as ``bench/themes_quality.py`` rewords them
(a word dropped, two swapped, a greeting or sign-off added) with more greetings and sign-offs, so
that a million stay distinct: every text is new, none an exact duplicate of another, and each keeps
its base text's label.
"""
from __future__ import annotations

import string
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77" / "train.csv"
BEFORE = ["Hi,", "Hello,", "Hey,", "Quick question:", "Please help:", "Good morning,", "Sorry,", "Excuse me,",
          "Hi there,", "Hello team,", "Good afternoon,", "Dear support,", "Urgent:", "FYI:", "Question:", "Help:"]
AFTER = ["thanks", "thank you!", "please", "asap", "cheers", "any ideas?", "help me", "regards", "thanks a lot",
         "many thanks", "appreciate it", "please advise", "thx", "kind regards", "best", "ty"]
REGISTERS = ("core", "requests", "tickets")
FILLS_PER_TEMPLATE = 6


def sample_statements(seed: int = 0) -> tuple[list[str], list[str]]:
    """The sample company's statements: each template of each theme filled a few ways."""
    from workbench.sample.catalog import THEMES

    rng = np.random.default_rng(seed)
    texts: dict[str, str] = {}
    for theme in THEMES:
        slots = {**theme.slots, "csm": ["our CSM", "the account manager", "our rep"]}
        for register in REGISTERS:
            for template in getattr(theme, register):
                # in the template's order (a set's order changes from process to process with the hash seed)
                fields = list(dict.fromkeys(f for _, f, _, _ in string.Formatter().parse(template) if f))
                if not set(fields) <= set(slots):
                    continue
                for _ in range(FILLS_PER_TEMPLATE):
                    text = template.format(**{f: slots[f][int(rng.integers(len(slots[f])))] for f in fields})
                    texts.setdefault(" ".join(text.split()), f"sample:{theme.key}")
    return list(texts), list(texts.values())


def base_statements(seed: int = 0) -> tuple[list[str], list[str]]:
    frame = pd.read_csv(DATA)
    texts, labels = sample_statements(seed)
    seen = set(texts)
    for text, label in zip(frame["text"].astype(str), frame["category"].astype(str)):
        if text not in seen:
            seen.add(text)
            texts.append(text)
            labels.append(label)
    return texts, labels


def reworded(text: str, rng: np.random.Generator) -> str:
    words = text.split()
    if len(words) > 4 and rng.random() < 0.5:
        del words[int(rng.integers(len(words)))]
    if len(words) > 3 and rng.random() < 0.5:
        j = int(rng.integers(len(words) - 1))
        words[j], words[j + 1] = words[j + 1], words[j]
    if rng.random() < 0.7:
        words.insert(0, BEFORE[int(rng.integers(len(BEFORE)))])
    if rng.random() < 0.7:
        words.append(AFTER[int(rng.integers(len(AFTER)))])
    return " ".join(words)


def scale_statements(n: int, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """``n`` distinct statements and their labels: the base (see the module docstring), then
    reworded copies of base statements drawn at random."""
    texts, labels = base_statements(seed)
    if n <= len(texts):
        return texts[:n], np.asarray(labels[:n])
    rng = np.random.default_rng(seed)
    seen = set(texts)
    base = len(texts)
    while len(texts) < n:
        i = int(rng.integers(base))
        text = reworded(texts[i], rng)
        if text in seen:
            continue
        seen.add(text)
        texts.append(text)
        labels.append(labels[i])
    return texts, np.asarray(labels)
