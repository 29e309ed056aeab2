"""Requirements: find the statements that ask for something, and group them into requirements.

Two steps, each a public function:

- :func:`detect_requirements` / :func:`is_requirement` / :func:`requirement_cues` tell whether a
  statement is a *requirement* (a feature request, a wish, a stated need, a blocked need) with
  explainable rules: every positive answer names the cue that fired (``"wish"``,
  ``"would_be_great"``, ``"cannot"``, ...). A cue is vetoed when a negative pattern overlaps it
  ("I can't praise the team enough", "nothing is missing", "we should have started sooner").
- :func:`build_requirements` clusters the requirement statements on their embeddings
  (agglomerative clustering, cosine distance threshold, deterministic) and gives each cluster a
  stable id, a short statement, mentions, distinct accounts, ARR at stake, detractor share, its
  theme, quotes with provenance, the quarters it was seen in and its status from the theme
  registry.

The rules are English first, with a few common German, Spanish and French cues.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

#: light typo and shorthand fixes, applied to whole words of the lower-cased text
_TYPOS = {
    r"cant": "can't", r"dont": "don't", r"doesnt": "doesn't", r"wont": "won't", r"isnt": "isn't",
    r"wasnt": "wasn't", r"werent": "weren't", r"arent": "aren't", r"couldnt": "couldn't",
    r"wouldnt": "wouldn't", r"shouldnt": "shouldn't", r"didnt": "didn't", r"theres": "there's",
    r"pls|plz|plse|pleas|pleae|pleeease|pleease": "please",
    r"wud|woud|wolud|woudl|whould|wuold|wouldd": "would",
    r"shoud|shuold|shold|sould|shoudl": "should",
    r"whish|wsh": "wish", r"nead|neeed|ned": "need", r"u": "you", r"ur": "your", r"r": "are",
    r"w/o": "without", r"w/": "with",
    r"gr8": "great", r"thx|thnx": "thanks",
}
_TYPO_RE = re.compile(r"(?<![\w'/])(" + "|".join(f"(?:{k})" for k in _TYPOS) + r")(?![\w'])")
_TYPO_LOOKUP = [(re.compile(rf"^(?:{k})$"), v) for k, v in _TYPOS.items()]


def _fix_word(match: re.Match) -> str:
    word = match.group(1)
    for pattern, replacement in _TYPO_LOOKUP:
        if pattern.match(word):
            return replacement
    return word


def normalise(text: object) -> str:
    """Lower-case, straight apostrophes, single spaces, light typo fixes ("cant" -> "can't")."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = s.replace("\u00b4", "'").replace("`", "'")
    s = re.sub(r"\s+", " ", s.lower()).strip()
    s = _TYPO_RE.sub(_fix_word, s)
    return re.sub(r"\b(would|'d|will|could|should|to|it|must) b\b", r"\1 be", s)


# --------------------------------------------------------------------------------------------
# Cues
# --------------------------------------------------------------------------------------------

_ADV = r"(?:(?:really|just|also|still|so|very|super|truly|honestly|definitely|absolutely|badly|desperately|sorely|urgently|actually|simply|ever|all|most) )*"
_WE = r"(?:we|i|you|they|our (?:\w+ )?(?:team|users|agents|admins|managers|people|staff|customers|execs|ops)|users|agents|admins|customers)"
_GOOD = (r"(?:great|nice|helpful|awesome|useful|amazing|cool|good|ideal|handy|fantastic|brilliant|perfect|"
         r"lovely|valuable|beneficial|fabulous|wonderful|a (?:huge|big|great|real) help|a game[- ]changer|"
         r"a (?:huge|big|great|real|nice) (?:win|improvement|plus|bonus)|better|easier|great help)")
_REQUEST_VERB = (r"(?:add|give|let|make|allow|bring|build|provide|enable|include|offer|support|introduce|"
                 r"consider adding|consider|implement|create|extend|expand|improve|integrate|expose|fix|open up|"
                 r"show|display|sync|update|change|rework|speed up)")

#: (cue name, pattern) in the order they are tried; the first surviving cue is reported
CUES: list[tuple[str, str]] = [
    # "I wish we could ...", "wish there was ..."
    ("wish", r"\b(?:i|we|i'd|honestly i|really) " + _ADV + r"wish\b|\bwish (?:there (?:was|were|is)|we|i|you|it|the|they)\b"),
    # "it would be great if ...", "would be nice to ...", "that'd be perfect"
    ("would_be_great", r"(?:\bwould|'d|\bwill|\bcould) " + _ADV + r"be " + _ADV + _GOOD + r"\b"),
    ("would_help", r"(?:\bwould|'d) " + _ADV + r"(?:make (?:our|my|the|everyone's|a) (?:lives?|job|work|day|team|life|\w+ )?|"
                   r"save (?:us|me|our|a lot|hours|time)|help (?:us|me|our|a lot|massively|hugely)|benefit from|pay (?:extra|more) for)"),
    # "we'd love ...", "I would like to be able to ...", "would really appreciate"
    ("would_love", r"(?:\bwould|'d) " + _ADV + r"(?:love|like|appreciate|prefer)\b"),
    # "we need ...", "the API needs to ...", "badly needed"
    ("need", r"\bneeds?\b(?! (?:assessment|analysis)\b)"),
    ("needed", r"\b(?:badly|really|much|sorely|urgently|desperately|definitely|still) needed\b|\bis (?:needed|required) (?:for|to|so|because)\b"),
    ("must", r"\b(?:is|are|would be) (?:a )?(?:must|must[- ]have|requirement|prerequisite|deal[- ]?breaker|blocker)\b|\bmust[- ]have\b|\bwe require\b|\b(?:has|have|needs?) to (?:support|allow|handle|integrate|include|offer|be able|work with)\b|\bmust (?:support|allow|handle|integrate|include|offer|be able|work with)\b|\brequires? (?:an?|the|support|field|full|more)\b"),
    # "please add ...", "add ... please", "let us ...", "bring back ..."
    ("please_add", r"\bplease " + _ADV + _REQUEST_VERB + r"\b"),
    ("imperative", r"(?:^|[.!?;:]\s+|\bplease,?\s+|\bso\s+|\band\s+)(?:just |also |maybe |honestly |simply )?"
                   r"(?:add|give (?:us|me|admins|users|agents|managers|the)|let (?:us|me|admins|users|agents|managers)|allow (?:us|me|admins|users|agents)|"
                   r"bring back|make the|make it|build|provide|enable|include|offer|introduce|support for)\b"),
    # "we can't ...", "unable to ...", "there is no way to ...", "no option to ..."
    ("cannot", r"(?:^|\b" + _WE + r" |, )" + _ADV + r"(?:can't|cannot|can not|are unable to|am unable to|aren't able to|are not able to|have no way to)\b|^unable to\b"),
    ("no_way_to", r"\b(?:there(?:'s| is| are)? )?no (?:easy |simple |good |proper |obvious |real )?(?:way|option|ability|setting|possibility|means|support|button|feature|function|functionality|integration|connector|api|export|filter|view)(?: (?:to|for|of|with)\b|$)|"
                  r"\bthere(?:'s| is) no (?:\w+ )?(?:integration|connector|support|api|export|way|option|view|report)\b"),
    ("does_not_support", r"\b(?:doesn't|does not|don't|do not|won't|will not) (?:yet )?(?:support|allow|let (?:us|me|you)|integrate|offer|provide|work with)\b"),
    ("missing", r"\bmissing\b|\blacks?\b|\blacking\b|\bwe lack\b"),
    # "the platform should support ...", "there should be ..."
    ("should", r"\bshould " + _ADV + r"(?:support|allow|let|include|offer|show|return|integrate|provide|remember|bring|display|sync|keep|build|add|make|work with|"
               r"have|be able|be (?:possible|easier|configurable|available|optional|exportable|editable|faster|simpler|customi[sz]able|visible)|be (?:an? )?(?:\w+ )?(?:option|setting|way|button|toggle|view))\b"),
    # "any plans to ...", "any roadmap for ...", "any chance of ...", "when will ... be available"
    ("any_plans", r"\bany (?:plans?|roadmap|eta|news|update|timeline|chance|hope)\b|\b(?:is|are) there (?:any )?plans?\b|\bplans? to (?:support|add|offer|build|release)\b|"
                  r"\bwhen (?:will|can we expect|are you|is) (?:that|it|this|you|we|the \w+)? ?(?:be )?(?:available|support|add|get|release|ship|launch|coming)\b"),
    # "is it possible to ...", "can you add ...", "could we get ..."
    ("ask_question", r"\b(?:is it|would it be|will it be) possible\b|\bis there (?:a|any) way\b|\b(?:can|could|would) (?:you|we|i|they) (?:guys )?(?:please )?"
                     r"(?:get|have|add|make|build|support|offer|enable|allow|set|see|provide|include|give|let|integrate|consider|export)\b"),
    ("want", r"\b" + _WE + r" " + _ADV + r"(?:want|wants)(?: to)?\b(?! (?:to )?(?:thank|say|stay|keep|continue|renew|recommend)\b)|\bwhat (?:we|i) " + _ADV + r"(?:want|need) is\b"),
    ("hoping", r"\b(?:hoping|hope) (?:for|you|that you|to see|to get|the|we)\b|\blooking forward to (?!(?:next|the|working|our|seeing you|meeting))\w|\blooking for (?:a|an|some) (?:way|option|tool|feature|integration)\b"),
    ("asking_for", r"\b(?:been|keep|kept|are|still|we're|again) asking (?:for|about)\b|\b(?:biggest|main|only|one|top|big|number one|#1) (?:ask|request|wish)\b|\bfeature request\b|\bstill (?:waiting|hoping) (?:on|for)\b"),
    ("if_only", r"\bif only\b|\bideally\b|\bin an ideal world\b|\bhow about\b|\bwhat about (?:adding|a|an|some|letting|making)\b|\bif you could (?:add|make|give|let|support|build|offer|provide|just)\b|"
                r"\b(?:i'd|we'd|i would|we would) change\b|\bit's a shame (?:there's|there is|that|we can't|you can't)\b|\bwould be even better (?:if|with)\b"),
    # German
    ("de_wish", r"\b(?:ich|wir) (?:w[üu]nsche?n?|br[äa]uchen?|h[äa]tten gerne?|m[öo]chten|w[üu]rden gerne?)\b|\bw[äa]re (?:es )?(?:toll|gut|sch[öo]n|super|hilfreich|praktisch|klasse|m[öo]glich|n[üu]tzlich)\b|"
                r"\bes fehlt\b|\bfehlt\b|\bbitte (?:f[üu]gt|f[üu]gen|baut|bauen|erg[äa]nzt|erg[äa]nzen|erm[öo]glicht|erm[öo]glichen)\b|\bk[öo]nnten sie\b|\bkeine m[öo]glichkeit\b"),
    # Spanish
    ("es_wish", r"\b(?:me|nos) (?:gustar[íi]a|encantar[íi]a)\b|\bser[íi]a (?:genial|[úu]til|bueno|ideal|estupendo|fant[áa]stico|interesante)\b|\bnecesit(?:amos|o|an)\b|"
                r"\b(?:nos|me) falta\b|\bfalta(?:n)? (?:un|una|el|la|los|las)\b|\bojal[áa]\b|\bno (?:hay forma|hay manera|podemos|puedo|se puede)\b|\bpor favor (?:a[ñn]adan|agreguen|incluyan|habiliten)\b"),
    # French
    ("fr_wish", r"\bil (?:nous )?manque\b|\bce serait (?:bien|g[ée]nial|top|utile|super|pratique|id[ée]al)\b|\bserait (?:vraiment |tr[èe]s )?(?:utile|pratique|g[ée]nial|bien|top|appr[ée]ci[ée])\b|"
                r"\b(?:nous avons|on a|j'ai) besoin\b|\b(?:j'aimerais|nous aimerions|on aimerait|nous souhaitons|je souhaite)\b|\bpourriez-vous\b|\bimpossible de\b|\bpas (?:de )?possibilit[ée]\b"),
]

#: patterns that cancel a cue they overlap: idioms, negations, past tense, praise
NEGATIVES: list[str] = [
    # idioms with can't
    r"\bcan't (?:\w+ )?(?:praise|fault|thank|recommend|say enough|speak highly|stress enough|rave)\b",
    r"\bcan't (?:remember|think of|believe|wait|get enough|be happier|ask for more|complain|imagine)\b",
    r"\bcannot (?:\w+ )?(?:praise|fault|thank|recommend|remember|believe|think of)\b",
    # nothing is missing / we need nothing
    r"\b(?:nothing|isn't|wasn't|aren't|weren't|not|never|no longer|nothing really|nothing is|nothing was|without) (?:\w+ )?missing\b",
    r"\b(?:was|were|had been|have been) missing\b", r"\bmissing (?:our|the|my|a) (?:target|deadline|call|meeting|session|webinar|goal)s?\b",
    r"\bneeds? nothing\b", r"\bneed (?:anything|no)\b",
    r"\b(?:don't|do not|doesn't|does not|didn't|won't|wouldn't|never|no longer|not) (?:\w+ )?(?:really )?need\b",
    r"\b(?:don't|do not|doesn't) (?:think|believe|feel) (?:that )?(?:we|i|they|anyone) (?:\w+ )?need\b",
    r"\bno need\b", r"\b(?:our|your|their|my|his|her|specific|business|customer|customers'?|everyone's|all) needs\b",
    r"\b(?:everything|all|anything|whatever|exactly what|just what) (?:that )?(?:we|i|you|they) (?:\w+ )?needs?\b",
    r"\bneed to (?:talk|check|get our|sort|think|discuss|decide|confirm|figure out|review|wait|ask|align|clean up|train)\b",
    r"\bneeds? (?:some )?(?:time|more time)\b",
    # wishes about the past or about other vendors
    r"\bwish (?:i|we) (?:had|would have) (?:\w+ed|known|seen|been|done|gone|taken|begun|started|found|heard)\b",
    r"\bwish (?:more|other|all|every|our other|some) (?:\w+ ){0,3}(?:were|was|had|would|could)\b",
    # past / regret with should
    r"\bshould (?:have|'ve) (?:\w+ed|been|known|done|gone|taken|begun|started|switched|bought|chosen)\b",
    r"\bshould (?:be noted|be proud|be fine|work fine|be ok|be okay)\b", r"\bit should (?:work|be fine)\b",
    r"\b(?:would|'d|could) have (?:liked|loved|been|wanted)\b",
    r"\b(?:was|were|had been) (?:hoping|looking)\b",
    # wishes that are not product asks
    r"\b(?:great|nice|good) to (?:keep|continue|see you|meet|catch up|have you|hear from)\b",
    r"\blove to (?:thank|say|keep|continue|stay|work with)\b",
    r"\bwould (?:\w+ )?recommend\b",
    # "please keep", "please don't change"
    r"\bplease (?:keep|don't|do not|ignore|disregard|note|see)\b",
    # "can you guys" in a thank-you, "support for us has been"
    r"\bsupport for (?:us|our team|me) (?:has|was|is)\b",
]

_CUE_RES = [(name, re.compile(p)) for name, p in CUES]
_NEG_RES = [re.compile(p) for p in NEGATIVES]


def _negated_spans(s: str) -> list[tuple[int, int]]:
    return [m.span() for r in _NEG_RES for m in r.finditer(s)]


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    a, b = span
    return any(a < d and c < b for c, d in spans)


def match_requirement(text: object) -> str | None:
    """The name of the first cue that marks ``text`` as a requirement, or None.

    A cue counts only where no negative pattern overlaps the words it matched.
    """
    s = normalise(text)
    if not s:
        return None
    negated = _negated_spans(s)
    for name, cue in _CUE_RES:
        for m in cue.finditer(s):
            span = m.span()
            if span[0] == span[1]:
                continue
            if not _overlaps(span, negated):
                return name
    return None


def is_requirement(text: object) -> bool:
    """True when the statement asks for something (a feature, a wish, a need, a blocked need)."""
    return match_requirement(text) is not None


def requirement_cues(texts: Iterable[object]) -> pd.Series:
    """The cue that fired for each text (None where the text is not a requirement)."""
    index = texts.index if isinstance(texts, pd.Series) else None
    return pd.Series([match_requirement(t) for t in texts], index=index, dtype="object")


def detect_requirements(texts: Iterable[object], return_cues: bool = False):
    """Vectorised :func:`is_requirement`: a boolean array in input order.

    With ``return_cues=True`` returns ``(flags, cues)`` where ``cues`` is a Series of cue names
    (None where no cue fired), so every flag can be explained.
    """
    cues = requirement_cues(texts)
    flags = cues.notna().to_numpy(dtype=bool)
    return (flags, cues) if return_cues else flags
