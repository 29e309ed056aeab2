"""Theme names: a short phrase in the customers' own words that says what each theme is about.

A theme's keywords ("happening, whats, locations") are evidence for a name, not the name. This
module picks, for every theme, one phrase of ``min_words``..``max_words`` words that its members
actually wrote ("card payment declined", "offline mode in the mobile app"). It is extractive: no
generative model is needed, and every word of a name occurs in the theme's statements.

Method (:func:`theme_names`):

1. Candidates: from a deterministic sample of each theme's statements, every run of 2..6 words
   inside one clause (never across punctuation) that neither starts nor ends in a function word
   (a phrasal verb's particle may end one: "top up", "log in"; a question word may open one:
   "how long"). A whole short statement is a candidate too.
2. A cheap lexical score keeps the best ``max_candidates`` per theme (phrases with the same
   content words count once): coverage (share of sampled members containing the phrase) plus the
   cosine of its words to the theme's c-TF-IDF word weights (with the given keywords' ranks).
3. All kept phrases are embedded in one batch; each scores its cosine to its theme's centroid
   minus half its cosine to the closest *other* centroid (a name should tell its theme apart).
4. Names are handed out best score first, so two themes never share one: the theme with the
   weaker claim takes its next-best phrase.

The phrase rules of step 1 are in :mod:`workbench.themes.phrases`.
Everything is a plain function of its inputs; ``encode`` is injectable (tests pass a fake).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable, Sequence

import numpy as np

from ..contract import unit_rows
from .phrases import (  # noqa: F401 (the word lists, clauses and phrases are this module's API too)
    EDGE_WORDS, MARKERS, NEGATIONS, PARTICLES, QUESTION_WORDS, STOP_WORDS, TRAILING_WORDS, _is_content, _is_marker, _spans,
    clauses, phrases,
)

Encoder = Callable[[list[str]], np.ndarray]


def _sample(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``size`` member positions, the same for the same ``n`` and seed, in order."""
    return np.arange(n) if n <= size else np.sort(rng.choice(n, size, replace=False))


def _word_weights(word_sets: list[list[set[str]]], keywords) -> list[dict[str, float]]:
    """Per theme, how much each content word says about it (largest 1).

    Class-based TF-IDF over members: share of the theme's members with the word, times
    ``log(1 + A / f)`` (A: mean members per theme, f: members with the word over all themes);
    with ``keywords``, each keyword's words add a weight falling linearly with its rank.
    """
    totals: Counter = Counter()
    counts = [Counter(w for s in sets for w in s) for sets in word_sets]
    for count in counts:
        totals.update(count)
    mean_size = float(np.mean([len(s) for s in word_sets])) if word_sets else 1.0
    out = []
    for t, count in enumerate(counts):
        n = max(len(word_sets[t]), 1)
        weights = {w: c / n * float(np.log1p(mean_size / totals[w])) for w, c in count.items()}
        top = max(weights.values(), default=0.0)
        weights = {w: v / top for w, v in weights.items()} if top > 0 else weights
        ranked = list(keywords[t]) if keywords is not None and t < len(keywords) else []
        for rank, keyword in enumerate(ranked):
            for word in {w for w in str(keyword).lower().split() if w in weights}:
                weights[word] += 1.0 - rank / len(ranked)
        out.append(weights)
    return out


def _lexical(words: set[str], weights: dict[str, float], norm: float) -> float:
    """Cosine between the phrase's content words (a bag) and the theme's word weights: high when
    the phrase uses the theme's telling words and few others (0..1)."""
    return sum(weights.get(w, 0.0) for w in words) / (norm * np.sqrt(len(words))) if words and norm else 0.0


def member_samples(sizes: Sequence[int], max_members: int = 300, random_state: int = 42) -> list[np.ndarray]:
    """Per theme, up to ``max_members`` member positions (all of a smaller theme), sorted;
    the same sizes and seed always give the same positions."""
    rng = np.random.default_rng(random_state)
    return [_sample(int(n), max_members, rng) for n in sizes]


def theme_candidates(
    member_texts: Sequence[Sequence[str]],
    keywords: Sequence[Sequence[str]] | None = None,
    *,
    min_words: int = 2,
    max_words: int = 6,
    max_candidates: int = 10,
    samples: Sequence[np.ndarray] | None = None,
    min_support: int = 1,
) -> list[list[tuple[str, float, float]]]:
    """Per theme, up to ``max_candidates`` ``(phrase, coverage, lexical)``, best first.

    Coverage: share of the sampled members (``samples``; default all) containing the phrase.
    Lexical: cosine of its content words to the theme's word weights (:func:`_word_weights`).
    Phrases with the same content words ("top up was reverted", "top up has been reverted")
    count as one, written as their most frequent, then shortest form; the cap keeps the best
    by coverage plus lexical. A theme with no phrase of ``min_words`` words (one-word
    statements) offers its content words, one each.
    """
    counts: list[Counter] = []                  # phrase key -> members containing it
    surfaces: list[dict[str, Counter]] = []     # phrase key -> its written forms
    word_sets: list[list[set[str]]] = []        # per sampled member, its content words
    for t, texts in enumerate(member_texts):
        picked = [str(texts[i]) for i in (samples[t] if samples is not None else range(len(texts)))]
        count: Counter = Counter()
        surface: dict[str, Counter] = defaultdict(Counter)
        following: dict[str, Counter] = defaultdict(Counter)   # phrase key -> the word after it
        preceding: dict[str, Counter] = defaultdict(Counter)   # phrase key -> the word before it
        sets = []
        word_count: Counter = Counter()        # word -> members with it
        next_word: dict[str, Counter] = defaultdict(Counter)    # word -> the word after it
        for text in picked:
            lowered = [[w.lower() for w in ws] for ws in clauses(text)]
            word_count.update({w for ws in lowered for w in ws})
            for ws in lowered:
                for k, w in enumerate(ws):
                    next_word[w][ws[k + 1] if k + 1 < len(ws) else None] += 1
            found: dict[str, tuple[str, str | None, str | None]] = {}
            for key, form, after, before in _spans(text, min_words, max_words):
                found.setdefault(key, (form, after, before))
            count.update(found.keys())
            for key, (form, after, before) in found.items():
                surface[key][form] += 1
                following[key][after] += 1
                preceding[key][before] += 1
            sets.append({w.lower() for ws in clauses(text) for w in ws if _is_content(w)})
        if count:
            count = _well_formed(count, following, len(picked), min_support, word_count, next_word, preceding)
        else:  # one-word statements: their content words
            for text in picked:
                for key, form in {w.lower(): w for ws in clauses(text) for w in ws if _is_content(w)}.items():
                    count[key] += 1
                    surface[key][form] += 1
        counts.append(count)
        surfaces.append(surface)
        word_sets.append(sets)
    weights = _word_weights(word_sets, keywords)
    out = []
    for t, count in enumerate(counts):
        n = max(len(word_sets[t]), 1)
        norm = float(np.sqrt(sum(v * v for v in weights[t].values())))
        best: dict[frozenset, tuple] = {}   # content words -> (sort key, phrase key)
        for key, c in count.items():
            words = frozenset(w for w in key.split() if _is_content(w))
            rank = (-c, len(key.split()), key)
            if words not in best or rank < best[words][0]:
                best[words] = (rank, key)
        scored = []
        for words, (_, key) in best.items():
            cov, lex = count[key] / n, _lexical(set(words), weights[t], norm)
            scored.append((-(cov + lex), key, cov, lex))
        scored.sort()
        out.append([(_form(surfaces[t][key]), cov, lex) for _, key, cov, lex in scored[:max_candidates]])
    return out


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))} | {word}


def _typos(word_count: Counter) -> set[str]:
    """Words of a theme that look like a slip of a much more frequent one: written by at most 2
    members, while a word one deleted or swapped letter away is written by 3 times as many
    ("thikn" for "think", "gooes" for "goes"); or, however often, a word no English dictionary
    knows (simplemma's) with the same letters in another order as a word written by 10 times as
    many ("sipmle" for "simple": a slip many writers repeat is still a slip; "form" beside "from"
    is a word); or a dictionary word that is a ten times more frequent one less a letter, not a
    form of it ("automatons" for "automations"; :func:`_dropped_letter`)."""
    by_delete: dict[str, int] = {}
    by_letters: dict[str, int] = {}
    longer: dict[str, list[tuple[str, int]]] = defaultdict(list)   # a word less one letter -> words
    for w, c in word_count.items():
        if c >= 10 and len(w) >= 6:
            for d in _deletes(w) - {w}:
                longer[d].append((w, c))
    for w, c in word_count.items():
        if c >= 3 and len(w) >= 3:
            for d in _deletes(w) | {"".join(sorted(w))}:
                by_delete[d] = max(by_delete.get(d, 0), c)
            by_letters["".join(sorted(w))] = max(by_letters.get("".join(sorted(w)), 0), c)
    return {w for w, c in word_count.items() if len(w) >= 3 and not w.isdigit() and (
        (c <= 2 and any(by_delete.get(d, 0) >= 3 * c for d in _deletes(w) | {"".join(sorted(w))}))
        or (by_letters.get("".join(sorted(w)), 0) >= 10 * c and not _known(w))
        or _dropped_letter(w, c, longer))}


def _dropped_letter(word: str, c: int, longer: dict[str, list[tuple[str, int]]]) -> bool:
    """Whether ``word`` is a longer word of the theme with one letter dropped, that word written by
    10 times as many members and not a form of the same lemma: "automatons" beside "automations"
    is a slip even though both are in the dictionary ("user" beside "users" is not). Words of 5
    letters or more: shorter ones ("use" in "user") are too often words in their own right.
    ``longer``: each one-letter deletion of the theme's words written by 10 or more members."""
    if len(word) < 5 or word not in longer:
        return False
    import simplemma

    lemma = simplemma.lemmatize(word, lang="en")
    return any(n >= 10 * c and simplemma.lemmatize(v, lang="en") != lemma for v, n in longer[word])


def _known(word: str) -> bool:
    """Whether simplemma's English dictionary knows the word (or its lemma)."""
    import simplemma

    return bool(simplemma.is_known(word, lang="en"))


def _well_formed(count: Counter, following: dict[str, Counter], members: int, min_support: int = 1,
                 word_count: Counter | None = None, next_word: dict[str, Counter] | None = None,
                 preceding: dict[str, Counter] | None = None) -> Counter:
    """The phrases of one theme that are whole, correctly spelt and shared, when it has any.

    Cut short: a phrase that its writers mostly continue with the same content word or particle
    ("logs people out every" + "day"), or that ends on a word the theme's members mostly continue
    with the same content word or particle ("bought it years" + "ago", "in the wrong" + "order",
    "reverted my top" + "up"), is a fragment; so is one its writers mostly write right after a
    negation ("can't" + "praise the team enough"), which would say the opposite of what they meant.
    Misspelt: a phrase with a word that looks like a slip of a much more frequent one
    (:func:`_typos`). A number is one customer's detail: with 10 or more members read, a phrase
    with a digit must be written by a tenth of them, and at least 2 ("Affects 39 users").
    One-off: with at least ``5 * min_support`` members read, a phrase written by fewer than
    ``min_support`` of them gives way to shared ones (off by default: on BANKING77
    ``min_support=2`` cost 0.05 of names right, as short distinct requests rarely repeat a
    phrase word for word). Each test applies only when some phrase passes it, so a theme always
    keeps candidates.
    """
    word_count = word_count or Counter()
    next_word = next_word or {}
    preceding = preceding or {}
    typos = _typos(word_count)

    def continued(counter: Counter | None, total: int, by_any: bool = False) -> bool:
        if not counter:
            return False
        (after, c), = counter.most_common(1)
        return (after is not None and (by_any or _is_content(after) or after in PARTICLES)
                and c >= max(2, 0.5 * total))

    def negated(key: str) -> bool:
        before = preceding.get(key)
        if not before:
            return False
        word, c = max(((w, n) for w, n in before.items() if w in NEGATIONS), key=lambda x: x[1], default=(None, 0))
        return word is not None and c >= max(2, 0.5 * count[key])

    def whole(key: str) -> bool:
        last = key.rsplit(" ", 1)[-1]
        # ending on a particle, any word its writers mostly add makes it a preposition cut from its
        # object ("renders sections in" + "the")
        by_any = last in PARTICLES
        return not negated(key) and not continued(following[key], count[key], by_any) and not continued(
            next_word.get(last), sum(next_word[last].values()) if last in next_word else 0, by_any)

    def spelt(key: str) -> bool:
        return not any(w in typos for w in key.split())

    def no_detail(key: str) -> bool:
        return not any(ch.isdigit() for ch in key) or count[key] >= max(2, 0.1 * members)

    def shared(key: str) -> bool:
        return count[key] >= min_support

    tests = [whole, spelt] + ([no_detail] if members >= 10 else []) + (
        [shared] if members >= 5 * min_support else [])
    for test in tests:
        count = Counter({k: c for k, c in count.items() if test(k)}) or count
    return count


def _form(forms: Counter) -> str:
    """The surface form written most often (ties: the first in sorted order)."""
    return min(forms.items(), key=lambda x: (-x[1], x[0]))[0]


def _sentence_case(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] if phrase[:1].islower() else phrase


def theme_names(
    member_texts: Sequence[Sequence[str]],
    centroids: np.ndarray,
    encode: Encoder,
    keywords: Sequence[Sequence[str]] | None = None,
    *,
    min_words: int = 2,
    max_words: int = 6,
    max_members: int = 300,
    max_candidates: int = 10,
    separation: float = 0.5,
    coverage_weight: float = 0.0,
    lexical_weight: float = 0.0,
    min_support: int = 1,
    random_state: int = 42,
) -> list[str]:
    """A distinct name per theme, in the customers' words (one per row of ``centroids``).

    ``member_texts``: each theme's statements; ``centroids``: one L2-normalised embedding per
    theme, in ``encode``'s space; ``encode``: texts -> embeddings, called once, with every kept
    candidate of every theme; ``keywords``: optional ranked keywords per theme (c-TF-IDF), which
    add to the module's own word weights. Up to ``max_members`` statements per theme are read
    (a sample drawn with ``random_state``) and ``max_candidates`` phrases per theme embedded.

    A phrase scores its cosine to its centroid, minus ``separation`` times its cosine to the
    closest other centroid, plus ``coverage_weight`` x coverage and ``lexical_weight`` x lexical
    (:func:`theme_candidates`; both 0 by default: they choose which phrases are embedded, and on
    the bench adding them to the score did not help). Names go out best score first, each at most once, so a theme
    whose best phrase is taken gets its next best; a theme left with none gets its first
    statement trimmed to ``max_words`` words (or its keywords, or "Unnamed theme N").
    """
    centroids = np.asarray(centroids, dtype=np.float32)
    if len(member_texts) != len(centroids):
        raise ValueError(f"{len(member_texts)} themes of texts but {len(centroids)} centroids")
    if not len(member_texts):
        return []
    samples = member_samples([len(m) for m in member_texts], max_members, random_state)
    candidates = theme_candidates(member_texts, keywords, min_words=min_words, max_words=max_words,
                                  max_candidates=max_candidates, samples=samples, min_support=min_support)
    flat = [(t, phrase, coverage_weight * cov + lexical_weight * lex)
            for t, cands in enumerate(candidates) for phrase, cov, lex in cands]
    claims: list[tuple[float, int, str]] = []
    if flat:
        vectors = np.asarray(encode([phrase for _, phrase, _ in flat]), dtype=np.float32)
        vectors = unit_rows(vectors)
        themes = np.array([t for t, _, _ in flat])
        sims = vectors @ centroids.T
        own = sims[np.arange(len(flat)), themes].copy()
        sims[np.arange(len(flat)), themes] = -np.inf
        other = sims.max(axis=1) if centroids.shape[0] > 1 else np.zeros(len(flat), dtype=np.float32)
        scores = own - separation * other + np.array([bonus for _, _, bonus in flat])
        claims = [(round(float(s), 6), t, phrase) for s, (t, phrase, _) in zip(scores, flat)]
    # best claims first; ties by theme, then phrase: the result never depends on the order of work
    claims.sort(key=lambda c: (-c[0], c[1], c[2]))
    names: dict[int, str] = {}
    used: set[str] = set()
    for _, t, phrase in claims:
        if t not in names and phrase.lower() not in used:
            names[t] = phrase
            used.add(phrase.lower())
    out = []
    for t in range(len(member_texts)):
        name = names.get(t) or _fallback(t, member_texts[t], keywords[t] if keywords is not None else (),
                                         used, max_words)
        used.add(name.lower())
        out.append(_sentence_case(name))
    return out


def _fallback(theme: int, texts: Sequence[str], keywords: Sequence[str], used: set[str], max_words: int) -> str:
    """A name for a theme without a free phrase: a statement trimmed, else its keywords."""
    options = [" ".join(w for ws in clauses(t) for w in ws) for t in texts]
    options.append(" ".join(str(k) for k in list(keywords)[:3]))
    options = [" ".join(o.split()[:max_words]) for o in options if o.strip()]
    for option in options:
        if option.lower() not in used:
            return option
    base = options[0] if options else f"Unnamed theme {theme}"
    name, i = base, 2
    while name.lower() in used:
        name, i = f"{base} ({i})", i + 1
    return name
