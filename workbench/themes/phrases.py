"""Candidate phrases of a statement for theme and area names: the word lists and rules for where a
name may start and end (never on a function word, discourse marker, preposition or determiner;
never ending on an intensifier or a verb that needs an object; a phrasal verb's particle may end
one, a question word may open one), applied inside one clause at a time.

:mod:`workbench.themes.names` scores these candidates and picks one name per theme.
"""
from __future__ import annotations

import re

#: function words that may sit inside a name but never start or end one
STOP_WORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before being
below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each else ever few for from further had hadn't has hasn't have haven't having he her here hers
herself him himself his how however i i'd i'll i'm i've if in into is isn't it it's its itself just
let's me might more most much must mustn't my myself no nor not now of off on once only or other ought
our ours ourselves out over own same shall she should shouldn't so some such than that that's the their
theirs them themselves then there there's these they they'd they'll they're they've this those through
to too under until up upon us very was wasn't we we'd we'll we're we've were weren't what what's when
where which while who whom whose why will with won't would wouldn't yet you you'd you'll you're you've
your yours yourself yourselves also already still even really actually please thanks thank thx hi hello
hey dear ok okay yes yeah well oh like lot lots get got getting go going want wanted need needs needed
make made way thing things something anything one im ive dont cant wont didnt doesnt isnt whats hows
able possible sure know think tell help let see come use using via etc i'd
""".split())

#: discourse markers, fillers, greetings and sign-offs: never the first or last word of a name
#: ("Plus the export...", "Honestly it's...", "Tbh simple to learn"); typos that only swap letters
#: ("thnaks") count too (:func:`_is_marker`)
MARKERS = frozenset("""
plus also honestly tbh tho though actually thanks thank thankyou thx ty tia hi hello hey dear please
pls plz just really so well ok okay anyway anyways btw fyi imo imho frankly basically overall
personally seriously literally lol haha hmm um uh oh yes yeah yep nope sure cheers regards kindly
sorry again then still now however otherwise additionally moreover furthermore besides meanwhile ps
fwiw alright guys folks everyone hopefully unfortunately fortunately luckily sadly apparently
obviously clearly surely maybe perhaps definitely probably simply
""".split())

#: prepositions, conjunctions, determiners and quantifiers missing from :data:`STOP_WORDS`: like
#: them, never the first or last word of a name ("Dashboards extremely slow since")
EDGE_WORDS = frozenset("""
since every each another either neither several across along around behind beside beyond despite
except inside outside onto toward towards within without among amongst throughout till unless
whether although whereas per versus vs including regarding re whenever wherever whatever whoever
whichever may
""".split())

#: words that may open a name but never end one: intensifying and frequency adverbs, and common
#: verbs that need an object ("AI assistant gives", "Automated reminders mean")
TRAILING_WORDS = frozenset("""
extremely super totally completely quite pretty rather always never often sometimes usually almost
barely hardly finally constantly currently recently literally seriously truly absolutely especially
particularly simply mostly nearly
give gives gave giving make makes making take takes took taking mean means meant put puts bring
brings brought keep keeps kept find finds show shows allow allows lets tell tells told ask asks say
says said love loves hate hates compare compares provide provides offer offers include includes
require requires cause causes saves become becomes became knows picked pick picks wish wishes
expect expects told feels seem seems
""".split())

#: question words: they may open a name ("how long", "which countries") but never sit inside one
QUESTION_WORDS = frozenset("how what which why".split())

#: negations of a verb or adjective: a phrase its writers mostly write right after one of these says
#: the opposite of what they meant ("can't" + "praise the team enough"), so it is never a name ("no"
#: and "without" before a noun are left out: "no offline mode" is still about offline mode)
NEGATIONS = frozenset("""
not never cannot can't cant don't dont doesn't doesnt didn't didnt won't wont wouldn't wouldnt isn't
isnt aren't arent wasn't wasnt weren't werent couldn't couldnt shouldn't shouldnt haven't havent hasn't
hasnt hadn't hadnt hardly barely
""".split())

#: particles that may end a name after a content word ("top up", "log in", "cash back")
PARTICLES = frozenset("up in out off down back over on".split())

_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"“”/|…\n\t]+|\s[-–—]+\s")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’&+-]*[A-Za-z0-9]|[A-Za-z0-9]")
_MARKER_LETTERS = {(w[0], "".join(sorted(w))) for w in MARKERS if len(w) >= 5}


def clauses(text: str) -> list[list[str]]:
    """The words of each clause of ``text`` (split at punctuation), as written."""
    return [words for part in _CLAUSE.split(str(text)) if (words := _WORD.findall(part.replace("’", "'")))]


def _is_marker(word: str) -> bool:
    """A discourse marker, filler or sign-off word, or one with two letters swapped ("thnaks")."""
    w = word.lower()
    return w in MARKERS or (len(w) >= 5 and (w[0], "".join(sorted(w))) in _MARKER_LETTERS)


def _is_content(word: str) -> bool:
    w = word.lower()
    return (w not in STOP_WORDS and w not in EDGE_WORDS and not w.isdigit() and len(w) > 1
            and not _is_marker(w))


def _may_end(words: list[str], lower: list[str], i: int, j: int) -> bool:
    """Whether ``words[i:j]`` may end where it does: on a content word that is not a trailing
    adverb or object-hungry verb, or on a particle after a content word ("top up")."""
    last = lower[j - 1]
    if _is_content(words[j - 1]):
        return last not in TRAILING_WORDS
    return j - i >= 2 and last in PARTICLES and _is_content(words[j - 2])


def _spans(text: str, min_words: int = 2, max_words: int = 6):
    """``(key, surface, next word or None, previous word or None)`` for every candidate phrase of
    one statement (the words around it inside its clause, lower case)."""
    for words in clauses(text):
        lower = [w.lower() for w in words]
        for i, first in enumerate(words):
            after_question = i > 0 and lower[i - 1] in QUESTION_WORDS
            opens = lower[i] in QUESTION_WORDS and i + 1 < len(words) and _is_content(words[i + 1])
            if not opens and (after_question or not _is_content(first)):
                continue
            for j in range(i + 1, min(i + max_words, len(words)) + 1):
                if j > i + 1 and lower[j - 1] in QUESTION_WORDS:
                    break
                if j - i < min_words:
                    continue
                if _may_end(words, lower, i, j):
                    yield (" ".join(lower[i:j]), " ".join(words[i:j]), lower[j] if j < len(words) else None,
                           lower[i - 1] if i > 0 else None)


def phrases(text: str, min_words: int = 2, max_words: int = 6) -> dict[str, str]:
    """Candidate phrases of one statement: ``{lower-case key: surface form}``.

    Runs of ``min_words``..``max_words`` words inside one clause that start with a content word
    and end with one (or with a particle after a content word). Discourse markers ("plus",
    "honestly", "tbh", "thanks"), prepositions and determiners ("since", "every") never start or
    end one; intensifiers and verbs that need an object ("extremely", "gives", "mean") never end
    one. A question word opens a phrase when a content word follows it ("how long", "which
    countries") and never sits inside one (it starts a new clause in unpunctuated text: "money in
    my account how long").
    """
    out: dict[str, str] = {}
    for key, form, _, _ in _spans(text, min_words, max_words):
        out.setdefault(key, form)
    return out


__all__ = ["EDGE_WORDS", "MARKERS", "NEGATIONS", "PARTICLES", "QUESTION_WORDS", "STOP_WORDS", "TRAILING_WORDS", "clauses",
           "phrases"]
