"""Requirements: find the statements that ask for something, and group them into requirements.

Two steps, each a public function:

- :func:`detect_requirements` / :func:`is_requirement` / :func:`requirement_cues` tell whether a
  statement is a *requirement* (a feature request, a wish, a stated need, a blocked need) with
  explainable rules: every positive answer names the cue that fired (``"wish"``,
  ``"would_be_great"``, ``"cannot"``, ...). A cue is vetoed when a negative pattern overlaps it
  ("I can't praise the team enough", "nothing is missing", "we should have started sooner").
  Text is lower-cased and light typos are corrected first (``normalise``). The rules alone
  miss much unseen phrasing, so :func:`detect_requirements` can also take a
  :class:`RequirementClassifier` (``RequirementClassifier.pretrained()`` ships with the
  package): the hybrid judges each sentence with both, and a statement is a requirement when
  one of its sentences is.
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
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

#: contractions without apostrophes, shorthand and a few common misspellings, applied to whole
#: words of the lower-cased text (one-slip misspellings of cue words are handled below)
_TYPOS = {
    r"cant": "can't", r"dont": "don't", r"doesnt": "doesn't", r"wont": "won't", r"isnt": "isn't",
    r"wasnt": "wasn't", r"werent": "weren't", r"arent": "aren't", r"couldnt": "couldn't",
    r"wouldnt": "wouldn't", r"shouldnt": "shouldn't", r"didnt": "didn't", r"theres": "there's",
    r"pls|plz|plse|pleeease|pleeeease": "please", r"wud|whould": "would", r"shld": "should", r"whish": "wish",
    r"nead": "need", r"u": "you", r"ur": "your", r"r": "are",
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


#: cue words (and a few words negative patterns need) whose one-slip misspellings are corrected: two letters swapped, one letter dropped
#: (not the first) or one letter doubled. Substitutions are not corrected ("feed" is not "need").
_CUE_WORDS = ("would", "should", "please", "need", "needs", "wish", "missing", "great", "nice",
              "helpful", "support", "awesome", "useful", "possible", "love", "able", "allow",
              # words the negative patterns rely on
              "nothing", "does", "every", "copy", "after")
#: real words one slip away from a cue word, left alone
_REAL_WORDS = {"lease", "wold", "ned", "nee", "gret", "grat", "nic", "lve", "abe", "ale", "allo",
               "ably", "wis", "leas", "mising", "bale", "pease", "abel", "nie", "loe", "dose", "doe", "dos",
               "coy", "ever", "eery", "aftr", "ater", "afer"}


def _one_slip_variants(word: str) -> set[str]:
    out = set()
    for i in range(len(word) - 1):
        out.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])     # swap
    for i in range(1, len(word)):
        out.add(word[:i] + word[i + 1:])                             # drop (not the first letter)
    for i in range(len(word)):
        out.add(word[:i + 1] + word[i] + word[i + 1:])               # double
    return out


_SLIPS = {v: w for w in _CUE_WORDS for v in _one_slip_variants(w)
          if v not in _CUE_WORDS and v not in _REAL_WORDS and len(v) >= 3}
_SLIPS["mising"] = "missing"
_SLIP_RE = re.compile(r"(?<![\w'])(" + "|".join(sorted(map(re.escape, _SLIPS), key=len, reverse=True)) + r")(?![\w'])")


def normalise(text: object) -> str:
    """Lower-case, straight apostrophes, single spaces, light typo fixes ("cant" -> "can't")."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = s.replace("\u00b4", "'").replace("`", "'")
    s = re.sub(r"\s+", " ", s.lower()).strip()
    s = _TYPO_RE.sub(_fix_word, s)
    s = _SLIP_RE.sub(lambda m: _SLIPS[m.group(1)], s)
    s = re.sub(r"\b(we|i|they|you|really|still|also|just) ned\b", r"\1 need", s)  # not the name Ned
    return re.sub(r"\b(would|'d|will|could|should|to|it|must) b\b", r"\1 be", s)


# --------------------------------------------------------------------------------------------
# Cues
# --------------------------------------------------------------------------------------------

_ADV = r"(?:(?:really|just|also|still|so|very|super|truly|honestly|definitely|absolutely|badly|desperately|sorely|urgently|actually|simply|ever|all|most) )*"
_WE = r"(?:we|i|you|they|our (?:\w+ )?(?:team|users|agents|admins|managers|people|staff|customers|execs|ops)|users|agents|admins|customers)"
_GOOD = (r"(?:great|nice|helpful|awesome|useful|amazing|cool|good|ideal|handy|fantastic|brilliant|perfect|"
         r"lovely|valuable|beneficial|fabulous|wonderful|a (?:huge|big|great|real) help|a game[- ]changer|"
         r"a (?:huge|big|great|real|nice) (?:win|improvement|plus|bonus)|better|easier|great help)")
_REQUEST_VERB = (r"(?:keep|add|give|let|make|allow|bring|build|provide|enable|include|offer|support|introduce|"
                 r"consider adding|consider|implement|create|extend|expand|improve|integrate|expose|fix|open up|"
                 r"show|display|sync|update|change|rework|speed up|prioriti[sz]e)")

#: (cue name, pattern) in the order they are tried; the first surviving cue is reported
CUES: list[tuple[str, str]] = [
    # "I wish we could ...", "wish there was ..."
    ("wish", r"\b(?:i|we|i'd|honestly i|really) " + _ADV + r"wish\b|\bwish (?:there (?:was|were|is)|we|i|you|it|the|they)\b"),
    # "it would be great if ...", "would be nice to ...", "that'd be perfect"
    ("would_be_great", r"(?:\bwould|'d|\bwill|\bcould) " + _ADV + r"be " + _ADV + _GOOD + r"\b"),
    ("would_help", r"(?:\bwould|'d) " + _ADV + r"(?:make (?:our|my|the|everyone's|a) (?:lives?|job|work|day|team|life|\w+ )?|"
                   r"save (?:us|me|my|our|the team|a lot|hours|time)|help (?:us|me|our|a lot|massively|hugely)|benefit from|pay (?:extra|more) for|"
                   r"(?:solve|fix|remove|eliminate) (?:most|a lot|all|half|many|our|the|this)|go a long way)|\bwhat would make (?:this|it|us|me)\b"),
    # "we would upgrade if there were ...", "if the scheduler could ..."
    ("conditional", r"(?:\bwould|'d) [^.?!]{0,60}?\bif (?:there (?:was|were)|you (?:guys )?(?:had|added|supported|offered|built|could)|it (?:had|supported|could))\b|"
                    r"^if (?:the|your|it|this) (?:\w+ ){0,3}(?:could|would|had|supported)\b"),
    # "we'd love ...", "I would like to be able to ...", "would really appreciate"
    ("would_love", r"(?:\bwould|'d) " + _ADV + r"(?:love|like|appreciate|prefer|kill for)\b"),
    ("suggest", r"\b(?:i'd|i would|we'd|we would|i|we|may i|can i|could i) " + _ADV + r"(?:suggest|propose|recommend) (?:adding|that you|you|making|having|building|a|an|some|to)\b|\bmy suggestion\b|\bsuggestion:"),
    # "we need ...", "the API needs to ...", "badly needed"
    ("need", r"\bneeds?\b(?! (?:assessment|analysis)\b)"),
    ("needed", r"\b(?:badly|really|much|sorely|urgently|desperately|definitely|still) needed\b|\bis (?:needed|required) (?:for|to|so|because)\b"),
    ("must", r"\b(?:is|are|would be|'s) (?:a )?(?:must|must[- ]have|requirement|prerequisite|deal[- ]?breaker|blocker)\b|\bmust[- ]have\b|\bwe require\b|\b(?:has|have|needs?) to (?:support|allow|handle|integrate|include|offer|be able|work with|have (?:a|an|the|some|proper|better))\b|\bmust (?:support|allow|handle|integrate|include|offer|be able|work with)\b|\brequires? (?:an?|the|support|field|full|more)\b"),
    # "please add ...", "add ... please", "let us ...", "bring back ..."
    ("please_add", r"\bplease " + _ADV + _REQUEST_VERB + r"\b"),
    ("imperative", r"(?:^|[.!?;:,]\s+|\bplease,?\s+|\bso\s+|\band\s+)(?:just |also |maybe |honestly |simply )?"
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
    ("any_plans", r"\bany (?:plans?|roadmap|timeline|chance|hope)\b|\bany (?:eta|news|update)s? (?:on|for|about) (?:the |a |an |your )?(?:\w+ )?(?:integration|feature|roadmap|connector|api|support|sync|version|app|module|release)\b|\bany (?:way|option|possibility) (?:to|for|of)\b|"
                  r"\b(?:do|does|did) (?:you|your team|the team) (?:guys )?(?:have|got) (?:any )?plans?\b|\bwhere(?:'s| is) (?:the )?(?:option|setting|way|button|toggle) (?:to|for)\b|\b(?:is|are) there (?:any )?plans?\b|\bplans? to (?:support|add|offer|build|release)\b|"
                  r"\bwhen (?:will|can we expect|are you|is) (?:that|it|this|you|we|the \w+)? ?(?:be )?(?:available|support|add|get|release|ship|launch|coming)\b"),
    # "is it possible to ...", "can you add ...", "could we get ..."
    ("ask_question", r"\b(?:is it|would it be|will it be) possible\b|\bis there (?:a|any) way\b|\b(?:can|could|would) (?:you|we|i|they|your (?:\w+ )?team|the team) (?:guys )?(?:please |maybe |possibly |perhaps |just |also )*"
                     r"(?:get|have|add|make|build|support|offer|enable|allow|set|see|provide|include|give|let|integrate|consider|export)\b|"
                     r"^(?:can|could) (?:the|your|this|it) (?:\w+ ){0,3}(?:show|support|handle|export|open|display|send|sync|include|let|allow|filter|remember|have)\b"),
    ("want", r"\b(?:we|i) (?:don't|do not) want to lose\b|\b(?:asked|asking|ask|requested|requesting|begged|pleaded) (?:us )?for\b|"
             r"\b(?:team|leadership|management|sponsor|admins?|users|agents|supervisors|managers|staff|executives|execs|everyone|people|customers|"
             r"practitioners?|analysts?|engineers?|operators?|leads?|clients?|it|finance|legal|security|procurement) "
             r"(?:\w+ )?(?:wants?|would like|needs?|requires?|requested) (?:a|an|the|more|better|to|some|support|our|its|their|\w+ing)\b|\b" + _WE + r" " + _ADV + r"(?:want|wants)(?: to)?\b(?! (?:to )?(?:thank|say|stay|keep|continue|renew|recommend)\b)|\bwhat (?:we|i)(?:'d| would)? " + _ADV + r"(?:want|need|like|love)(?: most)? is\b"),
    ("hoping", r"\b(?:hoping|hope) (?:for|you|that you|to see|to get|the|we)\b|\blooking forward to (?!(?:next|the|working|our|seeing you|meeting))\w|\blooking for (?:a|an|some) (?:way|option|tool|feature|integration)\b"),
    ("asking_for", r"\b(?:been|keep|kept|are|still|we're|again) asking (?:for|about|if|whether|when|us|me)\b|\bpush(?:ing)? (?:hard )?for\b|\bon (?:our|my) (?:\w+ )?list\b|\b(?:biggest|main|only|one|top|big|number one|#1) (?:ask|request|wish)\b|\bfeature request\b|\bstill (?:waiting|hoping) (?:on|for)\b"),
    ("if_only", r"\bif only\b|\bideally\b|\bin an ideal world\b|\bhow about\b|\bwhat about (?:adding|a|an|some|letting|making)\b|\bif you (?:guys )?could (?!see|tell|imagine|believe|know)\w+|"
                r"\b(?:i'd|we'd|i would|we would) change\b|\bit's a shame (?:there's|there is|that|we can't|you can't)\b|\bwould be even better (?:if|with)\b"),
    ("trailing_please", r"^(?:better|more|proper|faster|easier|simpler|an?|some|bulk|custom|native|option to|support for)\b[^.!?]{0,80}\bplease\b"),
    ("difference", r"(?:\bwould|'d|\bwill) " + _ADV + r"(?:move the needle|make a (?:big |huge |real |massive )?difference|be a game[- ]changer|change everything|make (?:my|our) (?:day|week|year|life))"),
    ("lack_of", r"\black of\b|\bnot having (?:a |an |the |any )?[^.!?]{0,50}\b(?:is|was) (?:a |an )?(?:real |big |huge |major |serious )?(?:problem|issue|pain|blocker|deal-?breaker|headache)\b|\bstruggl\w* without\b"),
    ("why_cant", r"\bwhy (?:can't|cannot|can we not|isn't there|is there no|doesn't|don't you|is it not possible)\b"),
    ("wish_list", r"\bwish ?list\b|\b(?:begging|pleading|clamou?ring|screaming|crying out) for\b"),
    ("waiting_for", r"\b(?:been|still|keep|kept) waiting (?:\w+ ){0,4}?(?:for|on)\b"),
    ("should_product", r"\b(?:the|your|this|each|every) (?:[\w-]+ ){0,3}should " + _ADV + r"(?!have been|be noted|be proud|be fine|work fine|be ok|be okay|be live|know|mention)(?:be \w+(?:able|ible)|[a-z]+)\b"),
    # German
    ("de_wish", r"\b(?:ich|wir) (?:w[üu]nsche?n?|br[äa]uchen?|h[äa]tten gerne?|m[öo]chten|w[üu]rden gerne?)\b|\bw[äa]re (?:es )?(?:toll|gut|sch[öo]n|super|hilfreich|praktisch|klasse|m[öo]glich|n[üu]tzlich)\b|"
                r"\bes fehlt\b|\bfehlt\b|\bbitte (?:f[üu]gt|f[üu]gen|baut|bauen|erg[äa]nzt|erg[äa]nzen|erm[öo]glicht|erm[öo]glichen)\b|\bk[öo]nnten sie\b|\bkeine m[öo]glichkeit\b"),
    # Spanish
    ("es_wish", r"\b(?:me|nos) (?:gustar[íi]a|encantar[íi]a)\b|\bser[íi]a (?:genial|[úu]til|bueno|ideal|estupendo|fant[áa]stico|interesante)\b|\bnecesit(?:amos|o|an)\b|"
                r"\b(?:nos|me) falta\b|\bdeber[íi]an? (?:poder|tener|permitir|incluir|mostrar|ser)\b|\bfalta(?:n)? (?:un|una|el|la|los|las)\b|\bojal[áa]\b|\bno (?:hay forma|hay manera|podemos|puedo|se puede)\b|\bpor favor (?:a[ñn]adan|agreguen|incluyan|habiliten)\b"),
    # French
    ("fr_wish", r"\bil (?:nous )?manque\b|\bce serait (?:bien|g[ée]nial|top|utile|super|pratique|id[ée]al)\b|\bserait (?:vraiment |tr[èe]s )?(?:utile|pratique|g[ée]nial|bien|top|appr[ée]ci[ée])\b|"
                r"\b(?:nous avons|on a|j'ai) besoin\b|\b(?:j'aimerais|nous aimerions|on aimerait|nous souhaitons|je souhaite)\b|\bpourriez-vous\b|\bimpossible de\b|\bpas (?:de )?possibilit[ée]\b"),
]

#: patterns that cancel a cue they overlap: idioms, negations, past tense, praise
NEGATIVES: list[str] = [
    # idioms with can't
    r"\bcan't (?:\w+ )?(?:praise|fault|thank|recommend|say enough|speak highly|stress enough|rave)\b",
    r"\bcan't (?:really |honestly |possibly )?(?:remember|think of|believe|wait|get enough|be happier|ask for more|complain|imagine)\b",
    r"\bcannot (?:\w+ )?(?:praise|fault|thank|recommend|remember|believe|think of)\b",
    # nothing is missing / we need nothing
    r"\b(?:nothing|isn't|wasn't|aren't|weren't|not|never|no longer|nothing really|nothing is|nothing was|without) (?:\w+ )?missing\b",
    r"\b(?:was|were|had been|have been) missing\b", r"\bmissing (?:our|the|my|a) (?:target|deadline|call|meeting|session|webinar|goal)s?\b",
    r"\bneeds? nothing\b", r"\bneed (?:anything|no)\b",
    r"\b(?:don't|do not|doesn't|does not|didn't|won't|wouldn't|never|no longer|not) (?:\w+ )?(?:really )?need\b",
    r"\b(?:don't|do not|doesn't) (?:think|believe|feel) (?:that )?(?:we|i|they|anyone) (?:\w+ )?need\b",
    r"\bno need\b",
    r"\bneeds? to (?:do|be) (?:a )?better\b", r"\bneeds? to [^.!?]{0,40}\binternally\b",
    r"\bmissing (?:our|my|the) (?:usual |old |former |previous |regular )?(?:csm|account manager|rep|contact|champion|colleague|team ?mates?)\b",
    r"\b(?:hasn't|haven't|didn't|don't|doesn't|not|no|never) (?:\w+ ){0,3}(?:missing|lacking)\b", r"\bno lack of\b",
    r"\bcan't see (?:us|myself|me|them|anyone|why we'd|a reason)\b",
    r"\b(?:would|'d) be (?:\w+ )?(?:great|nice|good|helpful) if i could (?:say|tell|rate|score|give)\b",
    r"\bwaiting (?:\w+ ){0,4}?(?:for|on) (?:an? |the |your |my )?(?:answer|reply|response|update|call ?back|fix|resolution|refund|credit|invoice|someone|anyone|a human)\b",
    r"\b(?:does|do|did|is|has|covers|gives us|offers|provides|that's|it's) (?:exactly |just |everything |all |precisely )?what (?:we|i|you|they) (?:\w+ )?needs?\b",
    r"\bif you (?:want|need|wish|would like|'d like|like)\b",
    r"\bplease (?:update|change|correct|fix) (?:it|this|that|billing|the (?:address|card|billing|invoice|contact|po)|our (?:address|details|card|billing|contact|records|invoice|po))\b",
    r"\bplease keep \w+ (?:on|as) (?:our|the|my) (?:account|csm|team)\b",
    r"\bwants? (?:a |to )?(?:full |formal |proper )?(?:review|renegotiat\w*|cancel\w*|discount|refund|credit|see the contract|talk)\b",
    r"\b(?:without|before|stop|stopped) asking\b|\bask(?:ed|ing)? for help\b",
    r"\bneeds? (?:a copy|copies|an invoice|invoices|a receipt|a refund|help|assistance|a call|a callback|someone|a quote|a breakdown|an explanation|clarification|an answer|"
    r"a reply|a response|an update|the invoice|our invoice|your w-?9|a w-?9|a contact|access to my|to speak|to talk|to reset|the login)\b",
    r"\bneeds? to [^.?!]{0,80}, how\?",
    r"\bstill waiting (?:for|on) (?:an? |the |your )?(?:answer|reply|response|update|call ?back|fix|resolution|refund|credit|invoice|someone|anyone|a human)\b",
    r"\b(?:asked|asking) for (?:an? |the )?(?:update|answer|reply|refund|callback|call back|escalation|manager|status)\b",
    r"\basked for\b[^.!?]{0,80}\b(?:landed|shipped|delivered|added|built|released|launched|is now live|went live|got it)\b",
    r"\b(?:nobody|no one|noone|never|hasn't|haven't|hasn't ever|not) (?:\w+ ){0,4}asked for\b|\basked for (?:anything|nothing|much)\b",
    r"\bcan't (?:really )?(?:tell|understand|figure out|make sense|work out|follow)\b",
    r"\b(?:anything|nothing) (?:\w+ )?(?:i'd|we'd|i would|we would) change\b",
    r"\bthan (?:they|we|it|he|she|you|i|thye) should\b",
    r"\bmissing (?:\w+ ){0,2}(?:after|since)\b",
    r"\b(?:went|gone|go|goes|are|is|were|was) missing\b",
    r"^(?:oh |ok |okay |yes |yeah )?(?:that|this|which) (?:would|'d|will|could) be (?:\w+ )?(?:great|nice|perfect|helpful|good|awesome|lovely|fantastic|brilliant)[,.! ]*(?:thanks?|thank you|cheers)?[.! ]*$", r"\b(?:our|your|their|my|his|her|specific|business|customer|customers'?|everyone's|all) needs\b",
    r"\b(?:everything|all|anything|whatever|exactly what|just what) (?:that )?(?:we|i|you|they) (?:\w+ )?needs?\b",
    r"\bneeds? to (?:talk|sign off|approve|finish|wrap up|evaluate|refresh|restart|reload|reconnect|re-?login|log in again|check|get our|sort|think|discuss|decide|confirm|figure out|review|wait|ask|align|clean up|train)\b",
    r"\bneeds? (?:a few |some |a couple of |a little |a bit )?(?:more )?(?:time|weeks?|days?|months?|hours?)\b",
    r"\b(?:the way|how) (?:we|i|you|they) (?:\w+ )?need(?: it| them)?(?: to)?\b",
    r"\bno way (?:i|we|i'd|we'd|that|i'm|we're|in hell)\b",
    # wishes about the past or about other vendors
    r"\bwish (?:i|we)(?: had|'d| would have) (?:\w+ed|known|seen|been|done|gone|taken|begun|started|found|heard|bought|chosen|made|met|got|gotten|signed|had|gone)\b",
    r"\bwish (?:i|we)(?: had|'d) [^.!?]{0,40}\b(?:sooner|earlier|years ago|months ago)\b",
    r"\bwish (?:more|other|all|every|our other|some) (?:\w+ ){0,3}(?:were|was|had|would|could)\b",
    # past / regret with should
    r"\bshould (?:have|'ve) (?:\w+ed|been|known|done|gone|taken|begun|started|switched|bought|chosen)\b",
    r"\bshould (?:be noted|be proud|be fine|work fine|be ok|be okay)\b", r"\bit should (?:work|be fine)\b",
    r"\b(?:would|'d|could) have (?:liked|loved|been|wanted)\b",
    r"\b(?:was|were|had been) (?:hoping|looking)\b",
    # wishes that are not product asks
    r"\b(?:great|nice|good) to (?:keep|continue|see you|meet|catch up|have you|hear from)\b",
    r"\blove to (?:thank|say|keep|continue|stay|work with|join|attend|participate|take part|be part|visit|come|host|speak)\b",
    r"\bwould (?:\w+ )?recommend\b",
    # "please keep", "please don't change"
    r"\bplease (?:keep (?:up|it up|doing|going|the good|being|on)|don't|do not|ignore|disregard|note|see|escalate|advise|call|contact|confirm|help)\b",
    # "can you guys" in a thank-you, "support for us has been"
    r"\bsupport for (?:us|our team|me) (?:has|was|is)\b",
    # praise by dependence: "we'd be lost without the automations", "can't imagine working without it"
    r"\b(?:would|'d|could)(?: \w+){0,2} (?:be )?(?:hard|impossible|difficult|tough|lost|stuck|chaos|a nightmare|a mess|"
    r"struggling|nowhere|sunk|in trouble)\b[^.!?]{0,60}\bwithout\b|\b(?:can't|cannot|couldn't) (?:imagine|picture|see)\b[^.!?]{0,40}\bwithout\b",
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


# --------------------------------------------------------------------------------------------
# Hybrid: a classifier on sentence embeddings and word n-grams, with the rules
# --------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

#: words a sentence needs before the classifier alone may call it a request (a rule cue does
#: not need one): asks, wishes, needs, absences, plans, and the same in German, Spanish, French
_ASK_WORDS = re.compile(
    r"\b(?:wish|would|wouldn't|'d|could|should|ought|hope|hoping|ideally|if only|how about|what about|"
    r"need|needs|needed|require[sd]?|requirement|must|has to|have to|essential|please|add|adding|request\w*|"
    r"ask\w*|suggest\w*|want\w*|like|love|appreciate|prefer|missing|lacks?|lacking|without|no|not|can't|"
    r"cannot|unable|isn't|doesn't|don't|won't|plan|plans|planned|roadmap|when|any|eta|coming|option|"
    r"ability|able|support|allow|let|enable|possible|give|make|bring|put|keep|looking for|waiting|begging|crying out|"
    r"fehlt|w[üu]nsch\w*|br[äa]uch\w*|gerne?|bitte|m[öo]glich\w*|w[äa]re|k[öo]nnt\w*|manque|serait|aimer\w*|"
    r"pourri\w*|besoin|souhait\w*|faudrait|necesit\w*|gustar\w*|encantar\w*|ser[íi]a|ojal[áa]|falta\w*|favor|"
    r"podr\w*|deber\w*)\b|\?")
#: words of an incident report ("export failed with no error"); the classifier alone does not
#: flag such a sentence (a rule cue still can)
_INCIDENT = re.compile(
    r"\b(?:fail(?:s|ed|ing)?|crash(?:es|ed|ing)?|broke|breaks|broken|stopped|stops|times? out|timed out|"
    r"truncat\w+|duplicat\w+|not working|doesn't work|does not work|don't work|isn't working|won't load|"
    r"error|errors|bug|bugs|glitch\w*|freez\w+|hangs?|spinner|blank|outage|down)\b")

#: the fitted classifier that ships with the package (all-MiniLM-L6-v2 embeddings)
PRETRAINED_PATH = Path(__file__).with_name("data") / "requirement_classifier.npz"
PRETRAINED_MODEL = "all-MiniLM-L6-v2"


def split_sentences(text: object) -> list[str]:
    """The sentences of ``text`` (split after ``.``, ``!`` or ``?`` and at line breaks); the
    whole text when it has no sentence end."""
    text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    parts = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    return parts or ([text.strip()] if text.strip() else [])


class RequirementClassifier:
    """Tells requests from other statements, one sentence at a time: a class-balanced logistic
    regression on the sentence's embedding and the TF-IDF of its word 1-3-grams (scikit-learn
    style; ``estimator`` replaces the logistic regression).

    Used with the rules by :func:`detect_requirements` (``classifier=``): a sentence is a
    request when no negative pattern matches it and either a rule cue fired and the
    classifier's probability is at least ``cue_threshold`` (the classifier can overrule a cue
    only when it is sure), or the probability is at least ``threshold`` and the sentence has
    an ask word and is not an incident report. :meth:`predict` is the classifier on its own.

    ``fit(embeddings, labels, texts)`` trains on labelled sentences embedded with the same
    model as the evidence; :meth:`pretrained` loads the classifier fitted on the project's
    hand-labelled sentences for all-MiniLM-L6-v2 (``bench/requirements_quality.py --refit``
    rebuilds it). :meth:`save` / :meth:`load` store a fitted logistic regression as ``.npz``.
    """

    def __init__(self, C: float = 10.0, threshold: float = 0.8, cue_threshold: float = 0.2,
                 ngrams: bool = True, estimator=None):
        self.C = C
        self.threshold = threshold
        self.cue_threshold = cue_threshold
        self.ngrams = ngrams
        self.estimator = estimator

    # features -----------------------------------------------------------------------------

    def _features(self, embeddings, texts):
        import scipy.sparse as sp

        embeddings = np.asarray(embeddings, dtype=np.float64)
        if embeddings.ndim != 2:
            raise ValueError("embeddings must be a 2-D array, one row per text")
        if hasattr(self, "n_embedding_") and embeddings.shape[1] != self.n_embedding_:
            raise ValueError(f"this classifier was fitted on {self.n_embedding_}-dimensional embeddings "
                             f"({getattr(self, 'embedding_model_', 'unknown model')}), got {embeddings.shape[1]}")
        if not self.ngrams:
            return embeddings
        if texts is None:
            raise ValueError("a classifier with ngrams=True needs the texts as well as their embeddings")
        texts = [normalise(t) for t in texts]
        if len(texts) != len(embeddings):
            raise ValueError("texts and embeddings must have the same length")
        return sp.hstack([sp.csr_matrix(embeddings), self.vectorizer_.transform(texts)]).tocsr()

    def fit(self, embeddings: np.ndarray, labels: Iterable[bool], texts: Iterable[object] | None = None,
            embedding_model: str | None = None) -> "RequirementClassifier":
        from sklearn.base import clone
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        embeddings = np.asarray(embeddings, dtype=np.float64)
        texts = None if texts is None else list(texts)
        if self.ngrams:
            if texts is None:
                raise ValueError("a classifier with ngrams=True needs the texts as well as their embeddings")
            self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 3), min_df=2, sublinear_tf=True).fit(
                [normalise(t) for t in texts])
        base = self.estimator if self.estimator is not None else LogisticRegression(
            C=self.C, max_iter=3000, class_weight="balanced")
        self.n_embedding_ = embeddings.shape[1]
        self.embedding_model_ = embedding_model
        self.estimator_ = clone(base).fit(self._features(embeddings, texts), np.asarray(list(labels), dtype=bool))
        return self

    def predict_proba(self, embeddings: np.ndarray, texts: Iterable[object] | None = None) -> np.ndarray:
        """Probability that each sentence is a request."""
        if not hasattr(self, "estimator_"):
            raise RuntimeError("RequirementClassifier is not fitted; call fit(embeddings, labels, texts) first")
        embeddings = np.asarray(embeddings, dtype=np.float64)
        if len(embeddings) == 0:
            return np.zeros(0)
        texts = None if texts is None else list(texts)
        column = list(self.estimator_.classes_).index(True)
        return self.estimator_.predict_proba(self._features(embeddings, texts))[:, column]

    def predict(self, embeddings: np.ndarray, texts: Iterable[object] | None = None) -> np.ndarray:
        """The classifier on its own: probability at least ``threshold``."""
        return self.predict_proba(embeddings, texts) >= self.threshold

    # storage -------------------------------------------------------------------------------

    def save(self, path) -> None:
        """Store a fitted logistic regression (coefficients, n-gram vocabulary and weights, settings)."""
        import json

        estimator = getattr(self, "estimator_", None)
        if estimator is None or not hasattr(estimator, "coef_"):
            raise ValueError("only a fitted linear classifier (the default logistic regression) can be saved")
        vocabulary = self.vectorizer_.get_feature_names_out() if self.ngrams else np.array([], dtype=str)
        settings = {"C": self.C, "threshold": self.threshold, "cue_threshold": self.cue_threshold,
                    "ngrams": self.ngrams, "n_embedding": self.n_embedding_, "embedding_model": self.embedding_model_,
                    "classes": [bool(c) for c in estimator.classes_]}
        np.savez_compressed(path, coef=estimator.coef_.astype(np.float64), intercept=estimator.intercept_.astype(np.float64),
                            vocabulary=np.asarray(vocabulary, dtype=str),
                            idf=self.vectorizer_.idf_ if self.ngrams else np.zeros(0), settings=np.array(json.dumps(settings)))

    @classmethod
    def load(cls, path) -> "RequirementClassifier":
        import json

        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        with np.load(path, allow_pickle=False) as data:
            settings = json.loads(str(data["settings"]))
            out = cls(C=settings["C"], threshold=settings["threshold"], cue_threshold=settings["cue_threshold"],
                      ngrams=settings["ngrams"])
            if out.ngrams:
                vocabulary = {str(term): i for i, term in enumerate(data["vocabulary"])}
                out.vectorizer_ = TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, vocabulary=vocabulary)
                out.vectorizer_.idf_ = data["idf"]
            estimator = LogisticRegression(C=out.C)
            estimator.classes_ = np.array(settings["classes"], dtype=bool)
            estimator.coef_ = data["coef"]
            estimator.intercept_ = data["intercept"]
            estimator.n_features_in_ = data["coef"].shape[1]
        out.n_embedding_ = settings["n_embedding"]
        out.embedding_model_ = settings["embedding_model"]
        out.estimator_ = estimator
        return out

    @classmethod
    def pretrained(cls) -> "RequirementClassifier":
        """The classifier that ships with the package, for L2-normalised all-MiniLM-L6-v2 embeddings."""
        return cls.load(PRETRAINED_PATH)


def _hybrid(texts: list, classifier: RequirementClassifier, embeddings, encode) -> pd.DataFrame:
    """One row per text: ``flag``, ``cue`` (rule cue or "classifier p=…") and ``sentence`` (the
    sentence that carries the request)."""
    rows = []      # (text index, sentence, whole text?, cue, needs a probability?, ask word)
    for i, text in enumerate(texts):
        sentences = split_sentences(text)
        for sentence in sentences:
            s = normalise(sentence)
            cue = match_requirement(sentence)
            vetoed = any(r.search(s) for r in _NEG_RES)
            classifier_may = bool(_ASK_WORDS.search(s)) and not _INCIDENT.search(s)
            rows.append((i, sentence, len(sentences) == 1, cue, not vetoed and (cue is not None or classifier_may), classifier_may))
    parts = pd.DataFrame(rows, columns=["text", "sentence", "whole", "cue", "scored", "classifier_may"])
    proba = np.zeros(len(parts))
    scored = np.flatnonzero(parts["scored"].to_numpy(dtype=bool)) if len(parts) else np.zeros(0, dtype=int)
    if len(scored):
        own = parts.loc[scored, "whole"].to_numpy(dtype=bool).copy()
        if embeddings is not None:
            embeddings = np.asarray(embeddings)
            if embeddings.ndim != 2 or len(embeddings) != len(texts):
                raise ValueError("embeddings must have one row per text")
        else:
            own[:] = False
        to_encode = parts.loc[scored[~own], "sentence"].tolist()
        if to_encode and encode is None:
            raise ValueError("the hybrid needs encode= (texts -> L2-normalised embeddings) for "
                             + ("sentences of multi-sentence statements" if embeddings is not None else "the statements"))
        encoded = np.asarray(encode(to_encode), dtype=np.float64) if to_encode else None
        dim = embeddings.shape[1] if embeddings is not None else encoded.shape[1]
        vectors = np.zeros((len(scored), dim))
        if own.any():
            vectors[own] = embeddings[parts.loc[scored[own], "text"].to_numpy()]
        if to_encode:
            vectors[~own] = encoded
        proba[scored] = classifier.predict_proba(vectors, parts.loc[scored, "sentence"].tolist())
    parts["p"] = proba
    out = pd.DataFrame({"flag": np.zeros(len(texts), dtype=bool), "cue": None, "sentence": None})
    if parts.empty:
        return out
    by_cue = parts["scored"] & parts["cue"].notna() & (parts["p"] >= classifier.cue_threshold)
    by_classifier = parts["scored"] & parts["classifier_may"] & (parts["p"] >= classifier.threshold)
    parts["flag"] = by_cue | by_classifier
    parts["why"] = np.where(by_cue, parts["cue"], [f"classifier p={p:.2f}" for p in parts["p"]])
    for i, group in parts[parts["flag"]].groupby("text", sort=False):
        first = group.iloc[0]
        out.loc[i, ["flag", "cue", "sentence"]] = [True, first["why"], first["sentence"]]
    out["flag"] = out["flag"].astype(bool)
    return out


def detect_requirements(texts: Iterable[object], return_cues: bool = False, *,
                        classifier: RequirementClassifier | None = None, embeddings: np.ndarray | None = None,
                        encode=None):
    """Vectorised :func:`is_requirement`: a boolean array in input order.

    With ``return_cues=True`` returns ``(flags, cues)`` where ``cues`` is a Series of cue names
    (None where the text is not a requirement), so every flag can be explained.

    Without ``classifier`` the rules decide. With a fitted ``classifier`` (e.g.
    ``RequirementClassifier.pretrained()``) the rules and the classifier decide together, one
    sentence at a time; a text is a requirement when one of its sentences is (see
    :class:`RequirementClassifier`). Sentences are embedded only where a rule cue or an ask
    word gives them a chance: a single-sentence text takes its row of ``embeddings`` (one
    L2-normalised row per text, same model as the classifier's) when given; other sentences
    are embedded with ``encode`` (a function from a list of strings to an array of
    L2-normalised rows). The cue is the rule that fired, else ``"classifier p=0.87"``.
    """
    index = texts.index if isinstance(texts, pd.Series) else None
    texts = list(texts)
    if classifier is None:
        cues = pd.Series([match_requirement(t) for t in texts], index=index, dtype="object")
        flags = cues.notna().to_numpy(dtype=bool)
        return (flags, cues) if return_cues else flags
    decided = _hybrid(texts, classifier, embeddings, encode)
    flags = decided["flag"].to_numpy(dtype=bool)
    cues = pd.Series(decided["cue"].to_numpy(), index=index, dtype="object")
    return (flags, cues) if return_cues else flags


# --------------------------------------------------------------------------------------------
# Statements: the short form of a request
# --------------------------------------------------------------------------------------------

_LEAD_FILLER = re.compile(
    r"^(?:(?:(?:hi|hello|hey) (?:support|team|there|all|everyone|folks)|"
    r"yeah|yes|ok|okay|so|and|also|but|well|honestly|really|just|um|uh|look|i mean|the thing is|"
    r"for us|for me|personally|to be honest|tbh|one thing|and then|overall|main thing|biggest issue|"
    r"one more thing|plus|however|that said|on the other hand|separately|in short|hi|hello|hey|dear|"
    r"good (?:morning|afternoon|evening))[,:;!-]?\s+)+", re.I)
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


def crisp_statement(text: object, max_chars: int = 120) -> str:
    """A short form of a request: leading fillers and "I wish / please / we need" boilerplate
    removed, first letter capitalised, trailing punctuation dropped, cut at a word boundary."""
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text or ""))).strip().strip('"\u201c\u201d')
    s = s.replace("\u2019", "'")
    for _ in range(3):
        before = s
        s = _LEAD_FILLER.sub("", s)
        s = _LEAD_REQUEST.sub("", s)
        if s == before:
            break
    s = _TRAIL.sub("", s).strip() or re.sub(r"\s+", " ", str(text or "")).strip()
    if len(s) > max_chars:
        cut = s[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;:- ")
        s = cut + "\u2026"
    return s[:1].upper() + s[1:]


# --------------------------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------------------------

REQUIREMENT_COLUMNS = [
    "requirement_id", "statement", "theme_id", "theme_label", "mentions", "accounts", "account_ids",
    "arr_at_stake", "nps_responses", "detractor_share", "first_quarter", "last_quarter", "status",
    "status_date", "cues", "quotes", "evidence_ids",
]


def requirement_id(anchor_evidence_id: str) -> str:
    """Stable id of a requirement: a hash of its earliest statement's evidence id, so later
    mentions joining the requirement do not change it."""
    return "R" + hashlib.sha1(str(anchor_evidence_id).encode("utf-8")).hexdigest()[:10]


def _latest_arr(arr: pd.DataFrame | None, accounts: pd.DataFrame | None, as_of: str | None) -> dict[str, float]:
    """Latest ARR per account (at or before ``as_of``); accounts that ended count 0."""
    if arr is None or arr.empty:
        return {}
    frame = arr[["account_id", "quarter", "arr"]].dropna(subset=["account_id", "quarter"])
    if as_of is not None:
        frame = frame[frame["quarter"].astype(str) <= str(as_of)]
    latest = frame.sort_values(["account_id", "quarter"]).groupby("account_id")["arr"].last()
    values = {str(k): float(v) for k, v in latest.fillna(0.0).items()}
    if accounts is not None and "end_date" in accounts.columns:
        cutoff = pd.Period(as_of, "Q").end_time if as_of else pd.Timestamp.max
        ended = accounts[pd.to_datetime(accounts["end_date"]).le(cutoff)]["account_id"].astype(str)
        for account in ended:
            if account in values:
                values[account] = 0.0
    return values


def _statuses(registry, ids: Iterable[str]) -> dict[str, dict]:
    if registry is None:
        return {}
    if hasattr(registry, "requirement_status"):
        return {i: registry.requirement_status(i) for i in ids}
    if isinstance(registry, Mapping):
        return {i: dict(registry[i]) for i in ids if i in registry}
    raise TypeError("registry must be a ThemeRegistry or a mapping of requirement id -> status")


def _unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, n, out=np.zeros_like(x), where=n > 0)


def build_requirements(
    evidence: pd.DataFrame,
    theme_assignments: pd.DataFrame | None,
    embeddings: np.ndarray,
    accounts: pd.DataFrame | None = None,
    arr: pd.DataFrame | None = None,
    nps: pd.DataFrame | None = None,
    *,
    registry=None,
    themes: pd.DataFrame | None = None,
    distance_threshold: float = 0.4,
    is_requirement: np.ndarray | pd.Series | None = None,
    classifier: RequirementClassifier | None = None,
    encode=None,
    as_of: str | None = None,
    max_quotes: int = 5,
    theme_column: str = "theme_id",
    previous: pd.DataFrame | None = None,
    classifier_space: bool = True,
) -> pd.DataFrame:
    """Group the requirement statements of ``evidence`` into requirements.

    ``evidence`` follows the evidence contract; ``embeddings`` has one L2-normalised row per
    evidence row, in the same order. Requirement statements are those :func:`detect_requirements`
    flags: with the rules alone, or with the rules and a fitted ``classifier`` sentence by sentence
    (``encode`` embeds the sentences of multi-sentence statements that need it; single-sentence
    statements use their row of ``embeddings`` unless ``classifier_space`` is false, i.e. the
    embeddings come from another model than the classifier's: then ``encode`` embeds every
    sentence the classifier reads), or those ``is_requirement`` (a boolean mask
    aligned with ``evidence``) says, plus every statement
    of a theme the registry marks as a requirement; company speech is left out. They are
    clustered with average-linkage agglomerative clustering on cosine distance
    (``distance_threshold``), which is deterministic.

    Each requirement gets: ``requirement_id`` (:func:`requirement_id` of its earliest
    statement), ``statement`` (:func:`crisp_statement` of the request sentence of its most
    central statement),
    ``theme_id`` (majority theme of its statements in ``theme_assignments``, ``evidence_id`` and
    ``theme_column``; ties to the smallest id) and ``theme_label`` (from ``themes`` or the
    registry), ``mentions``, ``accounts`` (distinct), ``account_ids``, ``arr_at_stake`` (sum of
    the latest ARR at or before ``as_of`` of those accounts; ended accounts count 0),
    ``nps_responses`` and ``detractor_share`` (of the NPS responses whose comment is one of its
    statements; NaN when none), ``first_quarter``/``last_quarter``, ``status``/``status_date``
    (from ``registry``: a ThemeRegistry or a mapping id -> {status, date}; default open),
    ``cues``, ``quotes`` (up to ``max_quotes`` dicts with evidence_id, source_file, locator,
    text; most central first) and ``evidence_ids``. Sorted by ARR at stake, then mentions.

    ``previous`` (the last run's ``requirement_id``/``evidence_id`` pairs) keeps ids, and so the
    statuses analysts set, stable: a requirement takes the id of the earlier requirement whose
    statements it shares most (:func:`carry_ids`). When earlier requirements join, the one with a
    status set wins, then the one sharing most; ``out.attrs["absorbed"]`` lists the others.
    """
    from sklearn.cluster import AgglomerativeClustering

    embeddings = np.asarray(embeddings)
    if embeddings.ndim != 2 or embeddings.shape[0] != len(evidence):
        raise ValueError(f"embeddings must have one row per evidence row ({len(evidence)}), "
                         f"got shape {embeddings.shape}")
    frame = evidence.reset_index(drop=True).copy()
    frame["_sentence"] = None
    if is_requirement is None and classifier is not None:
        decided = _hybrid(frame["text"].tolist(), classifier, embeddings if classifier_space else None, encode)
        flags = decided["flag"].to_numpy(dtype=bool)
        frame["_cue"] = decided["cue"].to_numpy()
        frame["_sentence"] = decided["sentence"].to_numpy()
    elif is_requirement is None:
        flags, cues = detect_requirements(frame["text"], return_cues=True)
        frame["_cue"] = cues.to_numpy()
    else:
        flags = np.asarray(is_requirement, dtype=bool)
        if flags.shape != (len(frame),):
            raise ValueError("is_requirement must have one flag per evidence row")
        frame["_cue"] = [match_requirement(t) if f else None for t, f in zip(frame["text"], flags)]
        frame["_cue"] = frame["_cue"].where(~flags | frame["_cue"].notna(), "given")

    assigned = None
    if theme_assignments is not None and len(theme_assignments):
        assigned = theme_assignments[["evidence_id", theme_column]].dropna(subset=[theme_column])
        assigned = assigned.rename(columns={theme_column: "_theme"})
    flags = flags.copy()
    if registry is not None and hasattr(registry, "themes") and assigned is not None:
        marked = {t for t, d in registry.themes.items() if d.get("requirement")}
        if marked:
            in_marked = frame["evidence_id"].isin(assigned.loc[assigned["_theme"].isin(marked), "evidence_id"])
            frame.loc[in_marked & ~pd.Series(flags), "_cue"] = "theme marked as requirement"
            flags |= in_marked.to_numpy()
    if "speaker_role" in frame.columns:
        flags &= (frame["speaker_role"].astype(object) != "company").to_numpy()

    candidates = frame[flags].copy()
    candidates["_row"] = np.flatnonzero(flags)
    if candidates.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in REQUIREMENT_COLUMNS})
    candidates = candidates.sort_values("evidence_id", kind="mergesort").reset_index(drop=True)
    vectors = _unit_rows(embeddings[candidates["_row"].to_numpy()])

    if len(candidates) == 1:
        clusters = np.zeros(1, dtype=int)
    else:
        clusters = AgglomerativeClustering(
            n_clusters=None, distance_threshold=distance_threshold, metric="cosine", linkage="average",
        ).fit_predict(vectors)
    candidates["_cluster"] = clusters

    arr_now = _latest_arr(arr, accounts, as_of)
    scores = {}
    if nps is not None and len(nps):
        linked = nps.dropna(subset=["evidence_id"])
        scores = dict(zip(linked["evidence_id"].astype(str), pd.to_numeric(linked["score"], errors="coerce")))
    theme_of = {}
    if assigned is not None:
        for evidence_id, group in assigned.groupby("evidence_id", sort=False):
            theme_of[evidence_id] = list(group["_theme"])
    labels = {}
    if themes is not None and {"theme_id", "label"} <= set(themes.columns):
        labels = dict(zip(themes["theme_id"], themes["label"]))

    rows = []
    for _, members in candidates.groupby("_cluster", sort=False):
        idx = members.index.to_numpy()
        centre = vectors[idx].mean(axis=0)
        norm = np.linalg.norm(centre)
        centre = centre / norm if norm > 0 else centre
        closeness = vectors[idx] @ centre
        order = sorted(range(len(idx)), key=lambda i: (-round(float(closeness[i]), 9), members["evidence_id"].iloc[i]))
        ranked = members.iloc[order]
        dates = pd.to_datetime(members["date"], errors="coerce") if "date" in members.columns else None
        anchor_order = members.assign(_d=dates if dates is not None else pd.NaT).sort_values(
            ["_d", "evidence_id"], na_position="last", kind="mergesort")
        account_ids = sorted({str(a) for a in members.get("account_id", pd.Series(dtype=object)).dropna()})
        votes: dict = {}
        for evidence_id in members["evidence_id"]:
            for theme in theme_of.get(evidence_id, []):
                votes[theme] = votes.get(theme, 0) + 1
        theme = min(votes, key=lambda t: (-votes[t], str(t))) if votes else None
        if theme is not None and theme not in labels and registry is not None and hasattr(registry, "label"):
            try:
                labels[theme] = registry.label(theme)
            except (KeyError, ValueError):
                pass
        member_scores = pd.Series([scores[e] for e in members["evidence_id"] if e in scores], dtype="float64").dropna()
        quarters = members["quarter"].dropna().astype(str) if "quarter" in members.columns else pd.Series([], dtype=str)
        rows.append({
            "requirement_id": requirement_id(anchor_order["evidence_id"].iloc[0]),
            "statement": crisp_statement(ranked["_sentence"].iloc[0] or request_sentence(ranked["text"].iloc[0])),
            "theme_id": theme,
            "theme_label": labels.get(theme) if theme is not None else None,
            "mentions": int(len(members)),
            "accounts": len(account_ids),
            "account_ids": account_ids,
            "arr_at_stake": float(sum(arr_now.get(a, 0.0) for a in account_ids)),
            "nps_responses": int(len(member_scores)),
            "detractor_share": float((member_scores <= 6).mean()) if len(member_scores) else float("nan"),
            "first_quarter": quarters.min() if len(quarters) else None,
            "last_quarter": quarters.max() if len(quarters) else None,
            "cues": sorted({str(c) for c in members["_cue"].dropna()}),
            "quotes": [
                {"evidence_id": r.evidence_id, "source_file": getattr(r, "source_file", None),
                 "locator": getattr(r, "locator", None), "text": r.text}
                for r in ranked.head(max_quotes).itertuples()
            ],
            "evidence_ids": list(ranked["evidence_id"]),
        })

    out = pd.DataFrame(rows)
    absorbed: list[dict] = []
    if previous is not None and len(previous):
        set_before = {i for i in previous["requirement_id"].unique()
                      if _statuses(registry, [i]).get(i, {}).get("status", "open") != "open"}
        out["requirement_id"], absorbed = carry_ids(out["requirement_id"].tolist(), out["evidence_ids"].tolist(),
                                                    previous, set_before)
    status = _statuses(registry, out["requirement_id"])
    out["status"] = [status.get(i, {}).get("status") or "open" for i in out["requirement_id"]]
    out["status_date"] = [status.get(i, {}).get("date") for i in out["requirement_id"]]
    out = out.sort_values(["arr_at_stake", "mentions", "requirement_id"], ascending=[False, False, True],
                          kind="mergesort").reset_index(drop=True)
    out = out[REQUIREMENT_COLUMNS]
    out.attrs["absorbed"] = absorbed
    return out


def carry_ids(fresh_ids: list[str], evidence_ids: list[list[str]], previous: pd.DataFrame,
              preferred: set[str] = frozenset()) -> tuple[list[str], list[dict]]:
    """Ids for this run's requirements that keep the last run's where the statements say so.

    ``fresh_ids[i]`` is requirement i's own id and ``evidence_ids[i]`` its statements;
    ``previous`` holds the last run's (``requirement_id``, ``evidence_id``) pairs. Each earlier id
    goes to at most one requirement: pairs are taken by whether the earlier id is ``preferred``
    (an analyst set its status), then by statements shared, then by id, so the result does not
    depend on order. A requirement no earlier one shares statements with keeps its own id (or,
    if that is taken, the id of its next statement). Returns the ids and the earlier
    requirements that joined another one: ``{"requirement_id", "now"}``.
    """
    owner = previous.dropna().drop_duplicates("evidence_id").set_index("evidence_id")["requirement_id"].to_dict()
    shared: dict[tuple[int, str], int] = {}
    for i, members in enumerate(evidence_ids):
        for evidence_id in members:
            before = owner.get(evidence_id)
            if before is not None:
                shared[(i, before)] = shared.get((i, before), 0) + 1
    ids: list[str | None] = [None] * len(fresh_ids)
    taken: set[str] = set()
    for (i, before), n in sorted(shared.items(), key=lambda kv: (kv[0][1] not in preferred, -kv[1], kv[0][1], kv[0][0])):
        if ids[i] is None and before not in taken:
            ids[i] = before
            taken.add(before)
    earlier = set(owner.values())
    for i, own in enumerate(fresh_ids):
        if ids[i] is None:
            candidates = [own] + [requirement_id(e) for e in sorted(evidence_ids[i])]
            ids[i] = next((c for c in candidates if c not in taken and c not in earlier), own)
            taken.add(ids[i])
    joined: dict[str, tuple[int, int]] = {}
    for (i, before), n in shared.items():
        if before not in taken and (before not in joined or (-n, i) < (-joined[before][1], joined[before][0])):
            joined[before] = (i, n)
    absorbed = [{"requirement_id": k, "now": str(ids[i])} for k, (i, _) in sorted(joined.items())]
    return [str(i) for i in ids], absorbed


def restrict_requirements(requirements: pd.DataFrame, requirement_evidence: pd.DataFrame, evidence: pd.DataFrame,
                          nps: pd.DataFrame | None = None, arr: pd.DataFrame | None = None,
                          accounts: pd.DataFrame | None = None, as_of: str | None = None) -> pd.DataFrame:
    """The requirements as seen in part of the evidence (a segment): figures recounted from the
    statements in ``evidence`` only, as :func:`build_requirements` counts them; requirements
    with none of their statements there are left out. ``quotes`` keep those in ``evidence``."""
    if requirements.empty:
        return requirements.copy()
    kept = evidence.drop_duplicates("evidence_id").set_index("evidence_id")
    members = requirement_evidence[requirement_evidence["evidence_id"].isin(kept.index)]
    arr_now = _latest_arr(arr, accounts, as_of)
    scores = {}
    if nps is not None and len(nps):
        linked = nps.dropna(subset=["evidence_id"])
        scores = dict(zip(linked["evidence_id"].astype(str), pd.to_numeric(linked["score"], errors="coerce")))
    rows = []
    for _, req in requirements.iterrows():
        ids = members.loc[members["requirement_id"] == req["requirement_id"], "evidence_id"].tolist()
        if not ids:
            continue
        part = kept.loc[ids]
        account_ids = sorted({str(a) for a in part["account_id"].dropna()}) if "account_id" in part else []
        member_scores = pd.Series([scores[e] for e in ids if e in scores], dtype="float64").dropna()
        quarters = part["quarter"].dropna().astype(str) if "quarter" in part else pd.Series([], dtype=str)
        quotes = req.get("quotes")
        row = req.to_dict()
        row.update({
            "mentions": len(ids), "accounts": len(account_ids), "account_ids": account_ids,
            "arr_at_stake": float(sum(arr_now.get(a, 0.0) for a in account_ids)),
            "nps_responses": int(len(member_scores)),
            "detractor_share": float((member_scores <= 6).mean()) if len(member_scores) else float("nan"),
            "first_quarter": quarters.min() if len(quarters) else None,
            "last_quarter": quarters.max() if len(quarters) else None,
            "quotes": [q for q in quotes if q.get("evidence_id") in kept.index] if isinstance(quotes, list) else quotes,
        })
        rows.append(row)
    out = pd.DataFrame(rows, columns=requirements.columns)
    return out.sort_values(["arr_at_stake", "mentions", "requirement_id"], ascending=[False, False, True],
                           kind="mergesort").reset_index(drop=True)
