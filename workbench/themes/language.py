"""The language of each statement, with lingua (a maintained detector that works offline).

Short texts are where detectors guess ("meh", "Mm-hm", "Password reset request"), so a statement
is given a language only when it has at least :data:`MIN_WORDS` words and lingua is sure
(``minimum_relative_distance``); otherwise it is ``None``, which the stages read as "treat as
the default language" (English, the language of the shipped models).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

import pandas as pd

#: the languages told apart (the more languages, the more memory and the more short-text confusion)
LANGUAGES = ("ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "DANISH", "SWEDISH",
             "BOKMAL", "FINNISH", "POLISH", "CZECH", "TURKISH", "RUSSIAN", "JAPANESE", "CHINESE", "KOREAN",
             "ARABIC", "HINDI")
MIN_WORDS = 4
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return (LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in LANGUAGES))
            .with_minimum_relative_distance(0.25).build())


def detect_languages(texts: Iterable[object]) -> pd.Series:
    """ISO 639-1 code of each text's language (``"en"``, ``"de"``, ...), or None when unsure."""
    texts = ["" if t is None or (isinstance(t, float) and t != t) else str(t) for t in texts]
    todo = list(dict.fromkeys(t for t in texts if t not in _SEEN
                              and (len(_WORD.findall(t)) >= MIN_WORDS or bool(_CJK.search(t)))))
    if len(_SEEN) + len(todo) > _SEEN_MAX:
        _SEEN.clear()
    for text, language in zip(todo, _detector().detect_languages_in_parallel_of(todo) if todo else []):
        _SEEN[text] = language.iso_code_639_1.name.lower() if language is not None else None
    return pd.Series([_SEEN.get(t) for t in texts], dtype="object")


#: languages already detected in this process, by text (a job reads the same statements for its
#: themes and its intents, and a re-run reads last quarter's again); cleared when it grows too big
_SEEN: dict[str, str | None] = {}
_SEEN_MAX = 500_000


#: a text of at least :data:`ROUTE_MIN_WORDS` words whose English confidence is below this is
#: taken as not English even when lingua will not name its language for sure (on the xSID file
#: this finds most short Danish, German, Italian and Dutch requests and 1 of 300 English ones;
#: on BANKING77 and the project's own English sets no text falls below it)
ROUTE_MAX_ENGLISH = 0.05
ROUTE_MIN_WORDS = 3


def foreign_languages(texts: Iterable[object], known: Iterable[object] | None = None,
                      model_languages: tuple[str, ...] = ("en",)) -> pd.Series:
    """The language of each text that is surely not one the embedding model reads, else None.

    ``known``: :func:`detect_languages`' answers when already computed. A text lingua names for
    sure keeps that language; one it is unsure of is not English when lingua gives English a
    confidence under :data:`ROUTE_MAX_ENGLISH`, and is then given its most likely language.
    """
    from lingua import Language

    texts = ["" if t is None or (isinstance(t, float) and t != t) else str(t) for t in texts]
    known = detect_languages(texts) if known is None else pd.Series(list(known), dtype="object")
    out = [k if k is not None and k == k and k not in model_languages else None for k in known]
    unsure = [i for i, (t, k) in enumerate(zip(texts, known))
              if (k is None or k != k) and len(_WORD.findall(t)) >= ROUTE_MIN_WORDS]
    if unsure and "en" in model_languages:
        values = _detector().compute_language_confidence_values_in_parallel([texts[i] for i in unsure])
        for i, ranked in zip(unsure, values):
            english = next((v.value for v in ranked if v.language == Language.ENGLISH), 0.0)
            if not ranked or ranked[0].language == Language.ENGLISH:
                continue
            # lingua gives English next to nothing, or its best guess is another language and most
            # words are not English ones (simplemma's English vocabulary: short texts whose few
            # words lingua finds ambiguous, "Nella mia playlist acoustic")
            if english < ROUTE_MAX_ENGLISH or (english < ROUTE_DOUBT_ENGLISH
                                               and _english_share(texts[i]) < ROUTE_MIN_ENGLISH_WORDS):
                out[i] = ranked[0].language.iso_code_639_1.name.lower()
    return pd.Series(out, dtype="object")


#: below this share of words known to simplemma's English vocabulary, lingua's best guess not
#: English and its English confidence under ROUTE_DOUBT_ENGLISH, an unsure text is taken as not
#: English too: on xSID this finds 178 more of its short other-language requests and 1 English
#: one; on 3,000 BANKING77 and CLINC150 requests and the URR reviews, "i am camile" and one
#: Croatian review ("Great Just greaaaat. :)" stays English: lingua gives it 0.2-0.3)
ROUTE_MIN_ENGLISH_WORDS = 0.5
ROUTE_DOUBT_ENGLISH = 0.2


def _english_share(text: str) -> float:
    import simplemma

    return float(simplemma.in_target_language(text, lang="en"))
