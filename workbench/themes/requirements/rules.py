"""Requirement rules: normalisation, ask cues and the negative patterns that veto them.

:func:`match_requirement` names the first cue that marks a text as asking for something
(``"wish"``, ``"would_be_great"``, ``"cannot"``, ...); a cue is vetoed when a negative pattern
overlaps it ("I can't praise the team enough", "nothing is missing", "we should have started
sooner"). Text is lower-cased and light typos are corrected first (:func:`normalise`). The rules
are English first, with a few common German, Spanish and French cues. They are hand-written
because no maintained library recognises feedback asks; the intent classifier
(:mod:`.intent`) reads them as features rather than obeying them.
"""
from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from typing import Iterable

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


def cue_hits(text: object) -> tuple[frozenset[str], bool]:
    """Every cue that fires on ``text`` where no negative pattern overlaps it, and whether a
    negative pattern matched at all: the rules as evidence for the intent classifier.

    Remembered per text (feedback repeats itself, and a statement of one mention is read both as
    a statement and as a mention): the rules are the slowest part of reading intents."""
    return _cue_hits(text) if isinstance(text, str) else _cue_hits(normalise(text))


@lru_cache(maxsize=200_000)
def _cue_hits(text: str) -> tuple[frozenset[str], bool]:
    s = normalise(text)
    if not s:
        return frozenset(), False
    negated = _negated_spans(s)
    fired = set()
    for name, cue in _CUE_RES:
        if any(m.start() < m.end() and not _overlaps(m.span(), negated) for m in cue.finditer(s)):
            fired.add(name)
    return frozenset(fired), bool(negated)


def is_requirement(text: object) -> bool:
    """True when the statement asks for something (a feature, a wish, a need, a blocked need)."""
    return match_requirement(text) is not None


def requirement_cues(texts: Iterable[object]) -> pd.Series:
    """The cue that fired for each text (None where the text is not a requirement)."""
    index = texts.index if isinstance(texts, pd.Series) else None
    return pd.Series([match_requirement(t) for t in texts], index=index, dtype="object")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

#: words of an incident report ("export failed with no error"): a feature of the intent classifier
_INCIDENT = re.compile(
    r"\b(?:fail(?:s|ed|ing)?|crash(?:es|ed|ing)?|broke|breaks|broken|stopped|stops|times? out|timed out|"
    r"truncat\w+|duplicat\w+|not working|doesn't work|does not work|don't work|isn't working|won't load|"
    r"error|errors|bug|bugs|glitch\w*|freez\w+|hangs?|spinner|blank|outage|down)\b")

#: the fitted classifier that ships with the package (all-MiniLM-L6-v2 embeddings)
def split_sentences(text: object) -> list[str]:
    """The sentences of ``text`` (split after ``.``, ``!`` or ``?`` and at line breaks); the
    whole text when it has no sentence end."""
    text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    parts = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    return parts or ([text.strip()] if text.strip() else [])



def detect_requirements(texts: Iterable[object], return_cues: bool = False):
    """The rules alone, vectorised: a boolean array in input order (``True`` where a cue fired),
    and with ``return_cues=True`` also the Series of cue names (None where none fired). The
    quarterly job decides with the intent classifier (:mod:`.intent`), which reads these cues as
    features; the rules alone serve where no model is at hand."""
    index = texts.index if isinstance(texts, pd.Series) else None
    cues = pd.Series([match_requirement(t) for t in texts], index=index, dtype="object")
    flags = cues.notna().to_numpy(dtype=bool)
    return (flags, cues) if return_cues else flags
