"""Which quotes a report shows: distinct statements (no text twice, nor nearly twice), and for a
theme, the analyst's pinned ones first, then the closest, one per account while accounts last."""
from __future__ import annotations

import re
from difflib import SequenceMatcher

import numpy as np
import pandas as pd

from .insight_data import InsightData

#: quotes on a top theme's page
TOP_QUOTES = 5


def _text_key(text) -> str:
    """A statement's words, case, spacing and punctuation aside."""
    return " ".join(re.sub(r"[\W_]+", " ", str(text).casefold()).split())


def same_words(a: str, b: str) -> bool:
    """Whether two statements (as :func:`_text_key` gives them) say the same thing: equal, nearly
    equal ("tbh it is slow" / "It is slow!"), or one holding the other whole (four words or more)."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short.split()) >= 4 and f" {short} " in f" {long_} ":
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.85


def distinct_texts(texts: list[str], n: int) -> list[int]:
    """Positions of the first ``n`` texts that do not repeat an earlier one (:func:`same_words`)."""
    kept: list[int] = []
    for i, text in enumerate(texts):
        key = _text_key(text)
        if len(kept) < n and not any(same_words(key, _text_key(texts[j])) for j in kept):
            kept.append(i)
    return kept


def quote_ids(data: InsightData, theme: pd.Series, n: int = TOP_QUOTES) -> list[str]:
    """The quotes shown for a theme: an analyst's pinned ones first, then the reported quarter's
    statements (in the segment shown) closest to the theme's centre. Without closeness figures
    (folders themed by an earlier version) the theme's stored representatives in view are used.

    No text is shown twice, and each account speaks once while another account has something to
    say; only when the theme's accounts run out does a second quote from one of them follow."""
    ev = data.evidence.drop_duplicates("evidence_id").set_index("evidence_id")
    pinned = [q for q in (theme.get("pinned_quotes") or []) if q in ev.index]
    if "closeness" in data.assignments.columns:
        now = set(data.evidence.loc[data.evidence["quarter"] == data.quarter, "evidence_id"])
        mine = data.assignments[(data.assignments["theme_id"] == theme["theme_id"])
                                & data.assignments["evidence_id"].isin(now)]
        ranked = mine.sort_values(["closeness", "evidence_id"], ascending=[False, True], kind="mergesort")
        others = ranked["evidence_id"].tolist()
    else:
        others = [q for q in theme.get("quote_ids", []) if q in ev.index]
    texts = ev["text"] if "text" in ev else None     # without texts, only ids can repeat
    accounts = ev["account_id"] if "account_id" in ev else pd.Series(np.nan, index=ev.index)
    chosen: list[str] = []
    keys: list[str] = []
    seen_accounts: set = set()

    def repeats(q: str) -> bool:
        return texts is not None and any(same_words(_text_key(texts[q]), k) for k in keys)

    def take(q: str) -> None:
        chosen.append(q)
        if texts is not None:
            keys.append(_text_key(texts[q]))
        if pd.notna(accounts[q]):
            seen_accounts.add(accounts[q])

    for q in dict.fromkeys(pinned):           # the analyst's choice, each text once
        if len(chosen) < n and not repeats(q):
            take(q)
    rest = [q for q in dict.fromkeys(others) if q not in chosen]
    for new_accounts_only in (True, False):
        for q in rest:
            if len(chosen) >= n:
                return chosen
            if q in chosen or (new_accounts_only and pd.notna(accounts[q]) and accounts[q] in seen_accounts):
                continue
            if not repeats(q):
                take(q)
    return chosen


__all__ = ["TOP_QUOTES", "distinct_texts", "quote_ids", "same_words"]
