"""Theme names: short phrases from the members' own words, distinct, deterministic (fake encoder)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from workbench.themes.names import clauses, phrases, theme_candidates, theme_names

DIM = 256


def fake_encode(texts: list[str]) -> np.ndarray:
    """Hashed bag of lower-case words, L2-normalised: texts sharing words land close."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z0-9']+", str(text).lower()):
            out[i, sum(map(ord, word)) * 2654435761 % DIM] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def centroids_of(themes: list[list[str]]) -> np.ndarray:
    rows = []
    for texts in themes:
        mean = fake_encode(texts).mean(axis=0) if texts else np.zeros(DIM, dtype=np.float32)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
    return np.asarray(rows, dtype=np.float32)


OFFLINE = ["The app crashes when offline", "the app crashes when I am offline", "App crashes offline again",
           "Why does the app crash when offline?", "the app crashes when offline on my phone"]
BILLING = ["I was charged twice for my invoice", "Invoice charged twice this month", "charged twice on the invoice",
           "My invoice shows I was charged twice", "Why was I charged twice?"]
EXPORT = ["Export to Excel is broken", "The Excel export is broken", "excel export broken since the update",
          "Please fix the broken Excel export", "exporting to excel is broken"]
THEMES = [OFFLINE, BILLING, EXPORT]


def name_all(themes, **kwargs):
    return theme_names(themes, centroids_of(themes), fake_encode, **kwargs)


def words_of(texts) -> set[str]:
    return {w.lower() for t in texts for ws in clauses(t) for w in ws}


def test_names_are_short_phrases_made_of_member_words():
    names = name_all(THEMES)
    assert len(names) == 3
    for name, texts in zip(names, THEMES):
        words = name.split()
        assert 2 <= len(words) <= 6, name
        assert {w.lower() for w in words} <= words_of(texts), (name, texts)


def test_offline_crash_theme_is_named_after_crashing_offline_not_stop_words():
    name = name_all(THEMES)[0].lower()
    assert "crash" in name or "offline" in name, name
    first, last = name.split()[0], name.split()[-1]
    assert first not in {"the", "when", "i", "a", "my", "does"} and last not in {"the", "when", "i", "am", "my"}


def test_each_theme_gets_its_own_subject():
    names = [n.lower() for n in name_all(THEMES)]
    assert "twice" in names[1] or "charged" in names[1] or "invoice" in names[1], names
    assert "export" in names[2] or "excel" in names[2] or "broken" in names[2], names


def test_names_are_distinct_even_for_identical_themes():
    names = name_all([OFFLINE, list(OFFLINE), BILLING])
    assert len({n.lower() for n in names}) == 3, names


def test_same_inputs_and_seed_give_the_same_names():
    many = [[f"{t} number {i} is slow" for i in range(500)] for t in ("report", "dashboard", "search")]
    first = name_all(many, max_members=50, random_state=7)
    assert first == name_all(many, max_members=50, random_state=7)
    assert len(set(first)) == 3


def test_empty_and_one_word_themes_get_a_name():
    themes = [[], ["Refund", "refund", "refunds!"], OFFLINE]
    names = theme_names(themes, centroids_of(themes), fake_encode, keywords=[["login", "password"], [], []])
    assert all(isinstance(n, str) and n.strip() for n in names)
    assert len({n.lower() for n in names}) == 3
    assert names[1].lower() in {"refund", "refunds"}
    assert names[0].lower() == "login password"


def test_no_themes_and_mismatched_centroids():
    assert theme_names([], np.zeros((0, DIM)), fake_encode) == []
    with pytest.raises(ValueError):
        theme_names([OFFLINE], np.zeros((2, DIM)), fake_encode)


def test_encoder_called_once_with_a_capped_batch():
    calls = []

    def counting(texts):
        calls.append(len(texts))
        return fake_encode(texts)

    theme_names(THEMES, centroids_of(THEMES), counting, max_candidates=4)
    assert len(calls) == 1 and calls[0] <= 3 * 4


def test_phrases_respect_clauses_and_function_words():
    found = phrases("The app crashes when offline, I need to top up my card")
    assert "app crashes when offline" in found and "top up" in found
    assert not any(k.split()[0] in {"the", "i", "my"} for k in found)
    assert "offline i" not in found and not any("offline i need" in k for k in found)  # no crossing the comma
    assert all(2 <= len(k.split()) <= 6 for k in found)


def test_candidates_prefer_the_theme_words():
    cands = theme_candidates(THEMES, max_candidates=3)
    assert all(len(c) <= 3 for c in cands)
    top = cands[0][0][0].lower()
    assert "crash" in top or "offline" in top, cands[0]
