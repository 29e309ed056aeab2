"""The short form of a request: the sentence that asks, without boilerplate or fillers."""
from __future__ import annotations

import re
import unicodedata

from ..mentions import LEAD_FILLER as _LEAD_FILLER
from .rules import _SENTENCE_END, match_requirement

_LEAD_REQUEST = re.compile(
    r"^(?:"
    r"(?:i|we) (?:really |still |just |honestly |also |all )*wish(?: that)?(?: (?:we|i|you) could| there (?:was|were|is) (?:a |an )?)?|"
    r"(?:it|that)?(?:'d| would| will)? ?(?:really |also |so |very |super )*be (?:really |so |very |super |extremely )*"
    r"(?:great|nice|helpful|awesome|useful|amazing|cool|good|ideal|handy|fantastic|perfect|valuable)"
    r"(?: (?:if|to have|to see|to be able to|to get|to))?(?: (?:we|you|i) could)?|"
    r"(?:(?:we|i)(?:'d| would)?|would) (?:really |also |definitely )*(?:love|like|appreciate)\b(?: (?:to see|to have|to get|to be able to|it if|if|for|to))?(?: you could)?|"
    r"(?:please|pls|plz|kindly)(?: (?:add|give us|let us|allow us to|make it possible to|support|consider))?|"
    r"(?:we|i|our \w+(?: team)?|they) (?:really |also |still |absolutely |definitely )*(?:needs?|wants?)\b(?: (?:to be able to|a way to|an option to|to))?|"
    r"(?:really |still |sorely )?(?:missing|lacking)\b:?|"
    r"(?:is there|are there) any plans? (?:to|for)(?: (?:support|add|offer))?|any plans? (?:to|for)(?: (?:support|add|offer))?|"
    r"(?:can|could|would) (?:you|we|i) (?:please )?(?:add|get|have|make|support)?|"
    r"(?:is it|would it be) possible to|is there a way to|"
    r"there (?:should|needs to) be|(?:hoping|hope) (?:for|you add|to see)|if only|ideally"
    r")\s*", re.I)
_TRAIL = re.compile(r"(?:[\s,;:.!?]+(?:please|pls|plz|thanks|thank you|asap|soon|at some point|too)?)*[\s,;:.!?]*$", re.I)


def request_sentence(text: object) -> str:
    """The sentence of ``text`` that carries the request (the first one a cue fires on), or the
    whole text when no single sentence does."""
    text = str(text or "")
    for sentence in _SENTENCE_END.split(text):
        if sentence.strip() and match_requirement(sentence) is not None:
            return sentence.strip()
    return text


#: a speaker or role label in front of what was said ("Customer:", "Ops lead (Acme):", "Q:")
_ROLE_LABEL = re.compile(r"^(?:\[[^\]]{1,40}\]|[A-Z][\w'.-]*(?: [\w'.-]+){0,3}(?: \([^)]{0,40}\))?)\s*:\s+")
#: redaction placeholders, read as plain words in a requirement's statement
_PLACEHOLDERS = [(re.compile(r"\[(?:EMAIL)\]"), "an e-mail address"), (re.compile(r"\[PHONE\]"), "a phone number"),
                 (re.compile(r"\[(?:ID|CARD)\]"), "an id"), (re.compile(r"\[ADDRESS\]"), "an address"),
                 (re.compile(r"\[[A-Z][\w ]{0,30}\]"), "our named contact")]


#: past forms that do not end in -ed (simplemma gives their base form, but cannot tell a past
#: tense from a plural or an adjective; these and -ed forms are the verbs a wish puts in the past)
_IRREGULAR_PAST = {"had", "was", "were", "told", "ran", "kept", "gave", "made", "took", "got", "sent", "went",
                   "came", "knew", "saw", "brought", "found", "left", "held", "showed", "shown", "built", "paid"}
_MODALS = {"could", "would", "might"}


def _wish_as_change(s: str) -> str:
    """A wish in the past or conditional ("large dashboards showed the first chart", "the admin
    settings were this simple", "automations could run per site") reads as a statement of fact
    once "I wish / it would be great if" is gone: say it as the change asked for ("... should
    show ...", "... should be ...", "... should run ..."). Only the first verb of the clause, and
    only when a subject comes before it."""
    import simplemma

    words = s.split(" ")
    for i in range(1, min(len(words), 7)):
        word = words[i].lower().strip(",;:")
        if word in _MODALS:
            words[i] = "should"
            return " ".join(words)
        if word in _IRREGULAR_PAST or (word.endswith("ed") and len(word) > 4):
            base = simplemma.lemmatize(word, lang="en")
            if base != word:
                words[i] = f"should {base}"
                return " ".join(words)
    return s


def crisp_statement(text: object, max_chars: int = 120) -> str:
    """A short form of a request: a leading role label ("Customer:"), fillers and "I wish /
    please / we need" boilerplate removed, redaction placeholders read as plain words ("[Company
    staff]" -> "our named contact"), first letter capitalised, trailing punctuation dropped, cut
    at a word boundary."""
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text or ""))).strip().strip('"\u201c\u201d')
    s = s.replace("\u2019", "'")
    s = _ROLE_LABEL.sub("", s, count=1).strip().strip('"\u201c\u201d')
    for pattern, words in _PLACEHOLDERS:
        s = pattern.sub(words, s)
    asked = False
    for _ in range(3):
        before = s
        s = _LEAD_FILLER.sub("", s)
        after_filler = s
        s = _LEAD_REQUEST.sub("", s)
        asked = asked or s != after_filler
        if s == before:
            break
    s = _TRAIL.sub("", s).strip() or re.sub(r"\s+", " ", str(text or "")).strip()
    if asked:
        s = _wish_as_change(s)
    if len(s) > max_chars:
        cut = s[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;:- ")
        s = cut + "\u2026"
    return s[:1].upper() + s[1:]


