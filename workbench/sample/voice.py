"""Composing customer text from the catalog's fragment pools.

Every composer returns an :class:`Utterance`: the text as written plus the truth about it (its
themes with the primary first, whether it asks for something, which kinds of PII it carries).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from . import people
from .catalog import Theme


@dataclass
class Utterance:
    text: str
    themes: list[str] = field(default_factory=list)
    is_requirement: bool = False
    pii: list[str] = field(default_factory=list)


@dataclass
class Speaker:
    """Who is talking, for slots and PII: their name, contact details and their account's CSM."""
    name: str
    email: str
    phone: str
    region: str
    csm: str  # first name of the account's customer success manager
    colleague: str  # another person at the customer


SHORT_ANSWERS = [
    "ok", "OK", "n/a", "N/A", "good", "Good", "fine", "Fine.", "nothing", "no comment", "all good", "meh",
    "great", "Great!", "-", "none", "Good product", "Thanks", "na", "nope", "It's fine.", "Works.", "👍",
    "no", "?", "Not sure.", "As before.", "see previous survey",
]
FILLER_TURNS = [
    "Sure, happy to.", "Yeah.", "Yes, that's right.", "Hi, thanks for having us.", "Mm-hm.", "Sounds good.",
    "Thanks, talk soon.", "Let me think... probably once or twice a week.", "Not really, I think that covers it.",
    "Can you hear me okay?", "Sorry, I was on mute.", "Right.", "Exactly.", "Good question.",
    "Hi everyone.", "Yes, go ahead.", "That would be great, thanks.", "I think so, yes.",
]
_OPENERS_WRITTEN = ["", "", "", "", "Honestly, ", "Overall, ", "To be honest, ", "tbh ", "Main thing: ",
                    "Biggest issue: ", "Well, "]
_OPENERS_SPOKEN = ["", "Yeah, so ", "Honestly, ", "I mean, ", "So ", "Um, ", "Right, so ", "Yeah, ",
                   "The big one for us is that ", "One thing I'd flag is that ", "I'd say ", "Uh, "]
_CONNECTORS = [" But ", " Also, ", " On the other hand, ", " And ", " However, ", " That said, ", " Plus ",
               " Separately, "]
_EMOJI_NEG = ["😡", "🙄", "😤", "😞", "👎", "🤦"]
_EMOJI_POS = ["👍", "🙌", "❤️", "🚀", "💯", "😊"]
#: words that keep their capital letter inside a sentence
_PROPER = {"I", "I'd", "I'm", "I've", "AI", "SSO", "Salesforce", "Slack", "Brightloop", "Excel", "CSV", "SCIM",
           "Okta", "Azure", "Google", "OneLogin", "iOS", "Android", "Power", "Tableau", "Snowflake", "CRM", "UI",
           "BI", "API", "SLA", "S3"}
_MISSPELLINGS = {
    "definitely": "definately", "really": "realy", "because": "becuase", "dashboards": "dashbaords",
    "integration": "intergration", "experience": "experiance", "their": "thier", "until": "untill",
    "which": "wich", "don't": "dont", "can't": "cant", "doesn't": "doesnt", "it's": "its", "the": "teh",
    "separate": "seperate", "annoying": "anoying", "notifications": "notifcations", "Salesforce": "salesforce",
    "support": "suport", "invoice": "invioce", "permissions": "permisions", "automations": "automatons",
}


def cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def decap(text: str) -> str:
    """Lower-case the first letter unless the first word is a name or an acronym."""
    first = text.split(" ", 1)[0].rstrip(",.")
    if first in _PROPER or first.isupper() or first.startswith("{"):
        return text
    return text[:1].lower() + text[1:]


def fill(rng: random.Random, template: str, theme: Theme, who: Speaker) -> tuple[str, list[str]]:
    """Fill ``{slot}`` placeholders; returns the sentence and the PII kinds it now carries."""
    pii: list[str] = []

    def pick(match: re.Match) -> str:
        key = match.group(1)
        if key == "csm":
            pii.append("name")
            return who.csm
        return rng.choice(theme.slots[key])

    return cap(re.sub(r"\{(\w+)\}", pick, template)), pii


def _choose(rng: random.Random, pool: list[str], avoid: set[str] | None) -> str:
    """A template from ``pool``, preferring ones not in ``avoid`` (what this note or call already used)."""
    fresh = [t for t in pool if avoid is None or t not in avoid] or pool
    choice = rng.choice(fresh)
    if avoid is not None:
        avoid.add(choice)
    return choice


def _sentences(rng: random.Random, theme: Theme, who: Speaker, *, requirement: bool,
               p_detail: float, p_impact: float, avoid: set[str] | None = None) -> Utterance:
    templates: list[str] = []
    if requirement and theme.requests:
        if rng.random() < 0.6:
            templates.append(_choose(rng, theme.core, avoid))
        templates.append(_choose(rng, theme.requests, avoid))
    else:
        requirement = False
        if theme.decoys and rng.random() < 0.22:
            templates.append(_choose(rng, theme.decoys, avoid))
            if rng.random() < 0.5:
                templates.insert(0, _choose(rng, theme.core, avoid))
        else:
            templates.append(_choose(rng, theme.core, avoid))
            if theme.details and rng.random() < p_detail:
                templates.append(_choose(rng, theme.details, avoid))
            if theme.impacts and rng.random() < p_impact:
                templates.append(_choose(rng, theme.impacts, avoid))
    parts, pii = [], []
    for template in templates:
        text, kinds = fill(rng, template, theme, who)
        parts.append(text)
        pii += kinds
    return Utterance(" ".join(parts), [theme.key], requirement, pii)


def written(rng: random.Random, themes: list[Theme], who: Speaker, *, p_requirement: float,
            p_detail: float = 0.3, p_impact: float = 0.3, opener: bool = True,
            avoid: set[str] | None = None) -> Utterance:
    """A customer's written comment about one theme, or two joined by a connector (primary first)."""
    first = _sentences(rng, themes[0], who, requirement=rng.random() < p_requirement,
                       p_detail=p_detail, p_impact=p_impact, avoid=avoid)
    if opener:
        lead = rng.choice(_OPENERS_WRITTEN)
        if lead:
            first.text = lead + decap(first.text)
    for extra in themes[1:]:
        second = _sentences(rng, extra, who, requirement=rng.random() < p_requirement / 2, p_detail=0, p_impact=0,
                            avoid=avoid)
        connector = rng.choice(_CONNECTORS)
        first.text = first.text + connector + (decap(second.text) if connector.endswith(" ") else second.text)
        first.themes.append(extra.key)
        first.is_requirement = first.is_requirement or second.is_requirement
        first.pii += second.pii
    return first


def spoken(rng: random.Random, theme: Theme, who: Speaker, *, p_requirement: float,
           avoid: set[str] | None = None) -> Utterance:
    """A customer's turn in a call about one theme, with a conversational opener."""
    said = _sentences(rng, theme, who, requirement=rng.random() < p_requirement, p_detail=0.4, p_impact=0.35,
                      avoid=avoid)
    lead = rng.choice(_OPENERS_SPOKEN)
    if lead:
        said.text = lead + decap(said.text)
    if rng.random() < 0.15:
        words = said.text.split(" ")
        at = rng.randint(1, max(1, len(words) - 1))
        words.insert(at, rng.choice(["uh,", "you know,", "like,", "um,"]))
        said.text = " ".join(words)
    return said


def researcher(rng: random.Random, theme: Theme, who: Speaker, pool: str, avoid: set[str] | None = None) -> Utterance:
    """An insight, need (a requirement) or observation a researcher wrote about one theme."""
    text, pii = fill(rng, _choose(rng, getattr(theme, pool), avoid), theme, who)
    return Utterance(text, [theme.key], pool == "needs", pii)


_TICKET_OPENERS = ["Hi team, ", "Hello, ", "Hi support, ", "Urgent: ", "Hi, ", "Hey - ", "Good morning, "]
_TICKET_CLOSERS = ["Thanks.", "Please advise.", "Can you look into this?", "This affects {n} users.", "Started {when}.",
                   "Screenshot attached.", "Thanks in advance!", "Any update would help.", "Workspace ID in signature."]
_WHEN = ["on Monday", "yesterday", "after the last release", "this morning", "last week"]


def ticket_text(rng: random.Random, theme: Theme, who: Speaker, *, requirement: bool) -> Utterance:
    """A ticket description: the problem (or a feature request), with the greetings and sign-offs people add."""
    if requirement:
        text, pii = fill(rng, rng.choice(theme.requests), theme, who)
    else:
        text, pii = fill(rng, rng.choice(theme.tickets), theme, who)
        if theme.details and rng.random() < 0.3:
            more, kinds = fill(rng, rng.choice(theme.details), theme, who)
            text, pii = f"{text} {more}", pii + kinds
    if rng.random() < 0.35:
        lead = rng.choice(_TICKET_OPENERS)
        text = lead + (text if lead.endswith(": ") else decap(text))
    if rng.random() < 0.45:
        closer = rng.choice(_TICKET_CLOSERS).format(n=rng.randint(2, 60), when=rng.choice(_WHEN))
        text = f"{text} {closer}"
    return Utterance(text, [theme.key], requirement, pii)


def foreign(rng: random.Random, theme: Theme, who: Speaker) -> Utterance | None:
    if not theme.foreign:
        return None
    _language, template, is_requirement = rng.choice(theme.foreign)
    text, pii = fill(rng, template, theme, who)
    return Utterance(text, [theme.key], bool(is_requirement), pii)


def add_typos(rng: random.Random, text: str) -> str:
    """One or two human slips: a misspelling, swapped or dropped letters, or an all-lowercase rush."""
    for _ in range(rng.randint(1, 2)):
        roll = rng.random()
        words = list(re.finditer(r"[A-Za-z']{4,}", text))
        if not words:
            break
        if roll < 0.4:
            known = [m for m in words if m.group(0) in _MISSPELLINGS]
            if known:
                m = rng.choice(known)
                text = text[:m.start()] + _MISSPELLINGS[m.group(0)] + text[m.end():]
                continue
        m = rng.choice(words)
        word, i = m.group(0), rng.randint(1, len(m.group(0)) - 2)
        if roll < 0.6:
            word = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif roll < 0.75:
            word = word[:i] + word[i + 1:]
        elif roll < 0.9:
            text = text.lower().rstrip(".!")
            continue
        else:
            word = word[:i] + word[i] + word[i:]
        text = text[:m.start()] + word + text[m.end():]
    return text


def add_emoji(rng: random.Random, text: str, negative: bool) -> str:
    return f"{text} {rng.choice(_EMOJI_NEG if negative else _EMOJI_POS)}"


def add_pii(rng: random.Random, said: Utterance, who: Speaker, kind: str) -> None:
    """Append a sentence carrying one kind of PII: email, phone, name, address or card."""
    if kind == "email":
        line = rng.choice(["You can reach me at {v}.", "Email me at {v} if you want details.", "Contact: {v}",
                           "happy to talk more, {v}"]).format(v=who.email)
    elif kind == "phone":
        line = rng.choice(["Call me on {v} if you want to discuss.", "My direct line is {v}.",
                           "Reach me at {v}."]).format(v=who.phone)
    elif kind == "name":
        line = rng.choice([f"- {who.name}", f"Ask my colleague {who.colleague} for the details.",
                           f"{who.colleague} on our team can tell you more.", f"Thanks, {who.name}"])
    elif kind == "address":
        money = {"billing_surprises", "renewal_pricing"} & set(said.themes)
        line = rng.choice(["Please send the corrected invoice to {v}.", "Our billing address is now {v}."] if money
                          else ["Our site at {v} is the worst affected.", "Our office moved to {v}, please update it.",
                                "We're based at {v} if you want to visit."]).format(
            v=people.street_address(rng, who.region))
    else:
        line = rng.choice(["You charged card {v} twice.", "Please refund the card {v}.",
                           "The card on file is {v}, please update billing."]).format(v=people.card_number(rng))
    said.text = f"{said.text} {line}"
    said.pii.append(kind)


def fit_encoding(text: str, encoding: str) -> str:
    """Drop what ``encoding`` cannot hold (emoji in cp1252) and tidy the spaces left behind."""
    if encoding.startswith("utf"):
        return text
    kept = text.encode(encoding, errors="ignore").decode(encoding)
    return re.sub(r"[ \t]{2,}", " ", kept).strip()
