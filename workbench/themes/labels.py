"""What a theme is called and which statements show it: c-TF-IDF keywords, a short label, quotes.

* ``keyword_vectoriser()``: the words BERTopic's c-TF-IDF may pick: English stop words removed,
  words and bigrams of letters only (no numbers, ids or single letters).
* ``readable_label(keywords)``: the first few keywords that each add a new word, e.g.
  ``["card charged", "charged", "refund"] -> "card charged, refund"``.
* ``representative_quotes(texts, embeddings, centroid)``: the distinct statements nearest the
  theme's centroid.

No language model and no network: labels come from the statements' own words.
"""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

#: words of two or more letters (ASCII and accented); numbers, ids and stray letters never label a theme
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"


def keyword_vectoriser(ngram_range: tuple[int, int] = (1, 2)) -> CountVectorizer:
    # min_df stays 1: BERTopic fits the vectoriser on one joined document per theme, so a higher
    # min_df would drop exactly the words that belong to a single theme
    return CountVectorizer(stop_words="english", ngram_range=tuple(ngram_range), min_df=1,
                           token_pattern=TOKEN_PATTERN)


def readable_label(keywords: list[str], n: int = 3, max_chars: int = 48) -> str:
    """A short label from c-TF-IDF keywords: the first ``n`` that add a new word, within ``max_chars``."""
    chosen: list[str] = []
    seen: set[str] = set()
    for keyword in keywords:
        words = set(keyword.split())
        if not words or words <= seen:
            continue
        if chosen and len(", ".join(chosen + [keyword])) > max_chars:
            break
        chosen.append(keyword)
        seen |= words
        if len(chosen) == n:
            break
    return ", ".join(chosen) if chosen else "(unlabelled)"


def representative_quotes(texts: list[str], embeddings: np.ndarray, centroid: np.ndarray, n: int = 5) -> list[str]:
    """Up to ``n`` distinct texts nearest ``centroid`` (cosine), nearest first; ties keep input order."""
    if not len(texts):
        return []
    order = np.argsort(-(np.asarray(embeddings) @ np.asarray(centroid)), kind="stable")
    quotes: list[str] = []
    seen: set[str] = set()
    for i in order:
        key = " ".join(str(texts[i]).lower().split())
        if key in seen:
            continue
        seen.add(key)
        quotes.append(texts[i])
        if len(quotes) == n:
            break
    return quotes
