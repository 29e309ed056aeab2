"""Area names: a short label for a group of themes ("Dashboards", "Pricing and renewal"), from the
words that run through the area's themes rather than through one of them. See :func:`area_names`;
theme names are in :mod:`workbench.themes.names`, whose phrase rules (:mod:`workbench.themes.phrases`)
these share."""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Sequence

import numpy as np

from ..contract import unit_rows
from .names import Encoder, _form, _sentence_case, member_samples, theme_names
from .phrases import TRAILING_WORDS, _is_content, clauses


def _lemma(word: str) -> str:
    """A word's dictionary form, lower case ("dashboards" -> "dashboard"); the word itself
    without simplemma."""
    return _LEMMAS(word.lower())


def _lemmatizer():
    from functools import lru_cache

    try:
        import simplemma
    except ImportError:  # pragma: no cover - simplemma is a dependency of the package
        return lambda w: w

    @lru_cache(maxsize=200_000)
    def lemma(word: str) -> str:
        try:
            return str(simplemma.lemmatize(word, lang="en")).lower()
        except Exception:  # noqa: BLE001 - a word simplemma cannot read keeps its form
            return word

    return lemma


_LEMMAS = _lemmatizer()


#: words before a noun ("the dashboard", "our invoices") and after one ("sync is", "app keeps")
#: (not "this"/"that", which as pronouns precede verbs: "this affects", "that means")
DETERMINERS = frozenset("a an the my our your their his her its these those".split())
NOUN_FOLLOWERS = frozenset("is are was were has have had isn't aren't wasn't weren't hasn't haven't keeps "
                           "does doesn't did didn't".split())


def _label_word(word: str) -> bool:
    """A word that may be part of an area label: content, alphabetic, not a verb needing an
    object nor an intensifier, at least 2 letters (acronyms: "UI", "AI")."""
    return _is_content(word) and word.lower() not in TRAILING_WORDS and word.replace("-", "").isalpha()


def area_terms(
    member_texts: Sequence[Sequence[str]],
    theme_words: Sequence[Sequence[set[str]]] | None = None,
    *,
    max_members: int = 2000,
    random_state: int = 42,
) -> list[dict[tuple[str, ...], tuple[float, str]]]:
    """Per area, ``{lemma tuple: (weight, surface form)}`` of its words and two-word terms.

    Terms: content words (lemmatised) and pairs of adjacent content words in one clause.
    Weight: class-based TF-IDF over areas (share of the area's texts with the term, times
    ``log(1 + A / f)``; A: mean texts per area, f: texts with it over all areas) times the
    square root of its spread: the share of the area's themes whose words (``theme_words``:
    per area, per theme, the lemmas of its name and keywords) hold every word of the term, so a
    word one theme repeats loses to one that runs through the area; times how often its last word
    is used as a noun (after a determiner and not before another content word, "the dashboards",
    or before "is"/"has": "sync is failing"), so categories win over verbs and adjectives ("charged",
    "automated"). Surface form: the most
    frequent written form, a clause's first word counting a quarter (so "Dashboards" at a
    sentence start does not capitalise it).
    """
    samples = member_samples([len(m) for m in member_texts], max_members, random_state)
    docs: list[Counter] = []
    forms: list[dict[tuple, Counter]] = []
    sizes = []
    seen_as: Counter = Counter()      # lemma -> occurrences
    as_noun: Counter = Counter()      # lemma -> occurrences after a determiner or before a verb "to be/have"
    for a, texts in enumerate(member_texts):
        df: Counter = Counter()
        form: dict[tuple, Counter] = defaultdict(Counter)
        for i in samples[a]:
            seen: set[tuple] = set()
            for words in clauses(str(texts[i])):
                lemmas = [_lemma(w) if _label_word(w) else None for w in words]
                for k, w in enumerate(words):
                    if lemmas[k] is None:
                        continue
                    seen_as[lemmas[k]] += 1
                    nxt = words[k + 1] if k + 1 < len(words) else ""
                    as_noun[lemmas[k]] += nxt.lower() in NOUN_FOLLOWERS or (
                        k > 0 and words[k - 1].lower() in DETERMINERS and not (nxt and _label_word(nxt)))
                    terms = [((lemmas[k],), w)]
                    if k + 1 < len(words) and lemmas[k + 1] is not None and lemmas[k + 1] != lemmas[k]:
                        terms.append(((lemmas[k], lemmas[k + 1]), f"{w} {words[k + 1]}"))
                    for term, surface in terms:
                        seen.add(term)
                        # a clause's first word is capitalised as a rule: it counts less
                        form[term][surface] += 1.0 if k else 0.25
            df.update(seen)
        docs.append(df)
        forms.append(form)
        sizes.append(max(len(samples[a]), 1))
    totals: Counter = Counter()
    for df in docs:
        totals.update(df)
    mean_size = float(np.mean(sizes)) if sizes else 1.0
    out = []
    for a, df in enumerate(docs):
        themes = list(theme_words[a]) if theme_words is not None and a < len(theme_words) else []
        weights = {}
        for term, c in df.items():
            if c < 2:
                continue
            spread = sum(all(w in words for w in term) for words in themes) / len(themes) if themes else 1.0
            if spread <= 0:
                continue
            tfidf = c / sizes[a] * float(np.log1p(mean_size / totals[term]))
            head = term[-1]
            noun = (as_noun[head] + 1) / (seen_as[head] + 2)
            weights[term] = (tfidf * float(np.sqrt(spread)) * noun, _form(forms[a][term]))
        out.append(weights)
    return out


def _words_of(texts: Sequence[str]) -> set[str]:
    return {_lemma(w) for t in texts for ws in clauses(str(t)) for w in ws if _is_content(w)}


def area_names(
    member_texts: Sequence[Sequence[str]],
    centroids: np.ndarray,
    encode: Encoder,
    keywords: Sequence[Sequence[str]] | None = None,
    theme_names: Sequence[Sequence[str]] | None = None,
    theme_keywords: Sequence[Sequence[Sequence[str]]] | None = None,
    *,
    max_words: int = 4,
    max_terms: int = 6,
    separation: float = 0.5,
    max_members: int = 2000,
    random_state: int = 42,
) -> list[str]:
    """A short, distinct label per area (a group of themes): "Dashboards", "Pricing and renewal".

    ``member_texts``: per area, the texts of its themes' mentions; ``centroids``: one
    L2-normalised embedding per area in ``encode``'s space; ``keywords``: per area, ranked
    keywords (its largest themes' first keywords); ``theme_names`` and ``theme_keywords``: per
    area, its themes' names and keyword lists (largest theme first), which tell which words run
    through the area rather than through one of its themes. ``encode`` is called once.

    Candidates (:func:`area_terms`): each area's ``max_terms`` best words and two-word terms by
    c-TF-IDF across areas times spread over its themes (a word inside a kept two-word term drops
    out), and "A and B" for two of its three best terms that share no word; at most ``max_words``
    words. Each scores its cosine to the area's centroid minus ``separation`` times its cosine to
    the closest other area's, plus its weight relative to the area's best term (0..1); labels go
    out best score first, never two with the same words (lemmas). An area without a term falls
    back to :func:`theme_names` on its texts.
    """
    centroids = np.asarray(centroids, dtype=np.float32)
    if len(member_texts) != len(centroids):
        raise ValueError(f"{len(member_texts)} areas of texts but {len(centroids)} centroids")
    if not len(member_texts):
        return []
    theme_words = None
    if theme_names is not None or theme_keywords is not None:
        theme_words = []
        for a in range(len(member_texts)):
            names_a = list(theme_names[a]) if theme_names is not None and a < len(theme_names) else []
            kws_a = list(theme_keywords[a]) if theme_keywords is not None and a < len(theme_keywords) else []
            theme_words.append([_words_of([n, *map(str, kws_a[i] if i < len(kws_a) else [])])
                                for i, n in enumerate(names_a + [""] * max(0, len(kws_a) - len(names_a)))])
    terms = area_terms(member_texts, theme_words, max_members=max_members, random_state=random_state)
    flat: list[tuple[int, str, frozenset, float]] = []   # area, label, lemmas, lexical share
    for a, weights in enumerate(terms):
        ranked = sorted(weights.items(), key=lambda x: (-x[1][0], x[0]))
        top = ranked[0][1][0] if ranked else 0.0
        kept: list[tuple[tuple, float, str]] = []
        for term, (w, form) in ranked:
            if len(kept) >= max_terms:
                break
            if len(term) > max_words:
                continue
            # one word of a kept two-word term says less on its own ("app" after "mobile app");
            # a two-word term at least half as strong as a kept word of it takes its place
            inside = [i for i, (k, _, _) in enumerate(kept) if set(term) <= set(k) or set(k) <= set(term)]
            if inside:
                i = inside[0]
                if len(inside) == 1 and len(term) > len(kept[i][0]) and w >= 0.5 * kept[i][1] * top:
                    kept[i] = (term, w / top, form)
                continue
            kept.append((term, w / top if top else 0.0, form))
        options = [(form, frozenset(term), share) for term, share, form in kept]
        for (t1, s1, f1), (t2, s2, f2) in [(x, y) for i, x in enumerate(kept[:3]) for y in kept[i + 1:3]]:
            if not set(t1) & set(t2) and len(t1) + len(t2) + 1 <= max_words:
                options.append((f"{f1} and {f2}", frozenset(t1) | frozenset(t2), (s1 + s2) / 2))
        flat += [(a, label, lemmas, share) for label, lemmas, share in options]
    claims = []
    if flat:
        vectors = np.asarray(encode([label for _, label, _, _ in flat]), dtype=np.float32)
        vectors = unit_rows(vectors)
        areas = np.array([a for a, _, _, _ in flat])
        sims = vectors @ centroids.T
        own = sims[np.arange(len(flat)), areas].copy()
        sims[np.arange(len(flat)), areas] = -np.inf
        other = sims.max(axis=1) if centroids.shape[0] > 1 else np.zeros(len(flat), dtype=np.float32)
        scores = own - separation * other + np.array([share for _, _, _, share in flat])
        claims = [(round(float(s), 6), a, label, lemmas) for s, (a, label, lemmas, _) in zip(scores, flat)]
    claims.sort(key=lambda c: (-c[0], c[1], c[2]))
    names: dict[int, str] = {}
    used: set[frozenset] = set()
    for _, a, label, lemmas in claims:
        if a not in names and lemmas not in used:
            names[a] = label
            used.add(lemmas)
    missing = [a for a in range(len(member_texts)) if a not in names]
    if missing:
        fallback = _theme_names([member_texts[a] for a in missing], centroids[missing], encode,
                                [keywords[a] for a in missing] if keywords is not None else None,
                                max_words=max_words, random_state=random_state)
        taken = {n.lower() for n in names.values()}
        for a, name in zip(missing, fallback):
            names[a] = name if name.lower() not in taken else f"{name} ({a + 1})"
            taken.add(names[a].lower())
    return [_sentence_case(names[a]) for a in range(len(member_texts))]


_theme_names = theme_names
