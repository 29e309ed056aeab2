"""PII redaction, applied to every piece of customer text before anything is stored.

What is replaced, and by what:
- e-mail addresses                         -> [EMAIL]
- payment card numbers (13-19 digits, Luhn) -> [CARD]
- values after "order id", "username", ... -> [ID]
- phone numbers (libphonenumber matcher)   -> [PHONE]
- other runs of 7+ digits (order numbers)  -> [ID]
- US social security numbers (123-45-6789) -> [ID]
- dates of birth ("born 12/03/1985", "DOB: 1985-03-12") -> [DOB]
- street addresses ("6821 1st Ave, ...", "44 Deansgate, Manchester M3 8AB",
  "Hauptstraße 5, 10115 Berlin", "12 rue de la Paix, 75002 Paris") -> [ADDRESS]
- names of known people                    -> their role label, e.g. [Sponsor], [Customer]

Phone numbers are looked for in every configured region (``phone_regions``; international +CC
numbers whatever the regions). Names nobody listed, IBANs and IP addresses are the second pass
(``workbench.pii``), which needs the whole batch of texts at once.

Names are "known" when the data names them: session front matter, transcript speakers and
participant lists, survey respondents, company staff in workbench.yml. A full name is replaced
wherever it appears; a single first or last name is replaced when capitalised and not a common
English word (so "Will" at the start of a question survives, "Crystal" as a salutation does not).
The local part of an e-mail address is also treated as an identifier (a user name) in that text,
and in the whole file for transcripts, where it is often said on a line of its own.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping

import phonenumbers

from .pii import replace_patterns, replace_spans

EMAIL_RE = re.compile(r"(?<![\w.+-])([\w.+-]+)@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
CARD_RE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
LABELLED_ID_RE = re.compile(
    r"\b(order\s*(?:id|number|no\.?|#)|user\s*name|username|account\s*(?:number|no\.?)|member\s*id|"
    r"customer\s*id|ssn|social security(?: number)?|iban|passport(?: number)?)(\s*(?:[:#]|is)?\s*)"
    r"((?=[A-Za-z-]*\d)[A-Za-z0-9-]{3,})",
    re.IGNORECASE,
)
LONG_DIGITS_RE = re.compile(r"(?<![\d-])\d{7,}(?![\d-])")
STREET_TYPES = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|ter|"
    "parkway|pkwy|circle|cir|highway|hwy|square|sq|strasse|straße|calle|rue"
)
ADDRESS_RE = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[A-Za-z0-9.'-]+\s+){{0,4}}(?:{STREET_TYPES})\b\.?"
    r"(?:(?:\s*,\s*|\s+)(?:(?:apt|suite|unit|#)\s*[\w-]+))?"
    r"(?:\s*,?\s+[A-Za-z .'-]{2,30},\s*[A-Za-z]{2}\s+\d{5}(?:-\d{4})?)?",
    re.IGNORECASE,
)
SSN_RE = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_DATE = (r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|"
         r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})")
DOB_RE = re.compile(
    rf"\b((?:date\s+of\s+birth|d\.?o\.?b\.?|birth\s*date|birthday|born(?:\s+on)?)\s*(?:is|was|[:=-])?\s*){_DATE}",
    re.IGNORECASE,
)
#: UK postcodes ("M3 8AB", "SW1A 2AA"), and EU "NNNNN City" / Dutch "1015 CJ City" after a street
UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}"
UK_ADDRESS_RE = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'’-]+\s+){{0,4}}[A-Z][\w'’-]+"
    rf"(?:,\s*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){{0,2}})?,?\s+{UK_POSTCODE}\b"
)
EU_STREET_WORDS = (r"stra(?:ß|ss)e|str\.|weg|gasse|platz|allee|ring|damm|ufer|gracht|laan|straat|plein|"
                   r"kade|vej|gatan|gade|veien")
EU_STREET_FIRST = r"rue|avenue|boulevard|bd|place|chemin|allée|quai|calle|c/|avenida|av\.|plaza|paseo|via|viale|piazza|corso|rua|praça"  # noqa: E501 (a regular expression reads best on one line)
#: the city, state and postcode written after a street that was found ("[ADDRESS], Sydney NSW 2000",
#: "[ADDRESS], São Paulo SP 01310-100")
ADDRESS_TAIL_RE = re.compile(r"\[ADDRESS\],?\s+(?:[A-ZÀ-Þ][\w'’-]+\s+){1,3}[A-Z]{2,3}\s+\d{4,5}(?:-\d{3,4})?\b")
EU_CITY = r"(?:,\s*|\s+)(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2})?\s+[A-ZÀ-Þ][\w'’-]+(?:[ -][A-ZÀ-Þ][\w'’-]+)?"
EU_ADDRESS_RE = re.compile(
    rf"(?:\b[A-ZÀ-Þ][\w'’-]*(?:{EU_STREET_WORDS})\s+\d{{1,4}}[a-z]?\b(?:{EU_CITY})?"
    rf"|\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?i:{EU_STREET_FIRST})\s+(?:[\w'’-]+\s+){{0,4}}?[\w'’-]+(?:{EU_CITY})"
    rf"|\b(?i:{EU_STREET_FIRST})\s+(?:[A-ZÀ-Þ\w'’-]+\s+){{0,3}}?[A-ZÀ-Þ][\w'’-]+,?\s+\d{{1,4}}[a-z]?\b(?:{EU_CITY})?)"
)
ZIP_STATE_RE = re.compile(r"\b[A-Za-z]{2}\s+\d{5}(?:-\d{4})?\b")
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
PHONE_HINT_RE = re.compile(r"(?:\d\D{0,3}){7,}")

#: words never treated as a name on their own
FUNCTION_WORDS = frozenset(
    """a i an the and or but if of to in on at by for with from as is it be are was were will may can
    not no yes do does did has have had he she they we you me my our your this that these those""".split()
)

#: first/last names that are also everyday words: redacted alone only for the people of the text
#: at hand, else only as part of a full name
COMMON_WORDS = frozenset(
    """mark bill pat sue rose june april may summer joy faith hope grace dawn ray dean chase hunter
    page rich frank earl guy jack gene art max sky river storm lane drew wade miles bob bud
    crystal ruby amber jade iris lily ivy violet penny sunny honey angel cash king hill wood
    young brown white green black gray grey long short little small north south east west
    ok hi hey thanks team support product sales manager admin customer user agent""".split()
)


def luhn_ok(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == parity:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


@dataclass
class NameBook:
    """People whose names must not be stored, each with the role label that replaces them."""

    full: dict[tuple[str, ...], str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)
    #: parts that are also everyday words ("Crystal", "Hope"): redacted only for the people of the
    #: text at hand (the ``local`` book), never as a name from elsewhere in the data
    common_parts: dict[str, str] = field(default_factory=dict)
    #: other identifiers of these people (user names: e-mail local parts seen with them), lower case
    identifiers: set[str] = field(default_factory=set)

    def add_identifiers_from(self, texts: Iterable[str | None]) -> None:
        for text in texts:
            if isinstance(text, str):
                self.identifiers.update(_identifiers(text))

    def add(self, name: str | None, label: str) -> None:
        if not name or not isinstance(name, str):
            return
        words = tuple(_norm(w) for w in WORD_RE.findall(name))
        if not words:
            return
        if len(words) >= 2:
            self.full.setdefault(words, label)
        for w in words:
            if len(w) < 3 or w in FUNCTION_WORDS:
                continue
            (self.common_parts if w in COMMON_WORDS else self.parts).setdefault(w, label)

    def update(self, names: Mapping[str, str]) -> "NameBook":
        for name, label in names.items():
            self.add(name, label)
        return self

    def merged(self, other: "NameBook | None") -> "NameBook":
        if other is None:
            return self
        book = NameBook(dict(other.full), dict(other.parts), dict(other.common_parts), set(other.identifiers))
        book.identifiers |= self.identifiers
        book.full.update(self.full)
        book.parts.update(self.parts)
        book.common_parts.update(self.common_parts)
        return book

    def __bool__(self) -> bool:
        return bool(self.full or self.parts or self.common_parts or self.identifiers)


def _identifiers(text: str) -> set[str]:
    """The e-mail local parts of a text (lower case), as identifiers of their owners."""
    return {m.group(1).lower() for m in EMAIL_RE.finditer(text) if len(m.group(1)) >= 4}


#: a run of the characters an e-mail local part is made of
IDENT_RUN_RE = re.compile(r"[\w.+-]+", re.UNICODE)
#: no identifier is looked for longer than this (an e-mail address has at most 254 characters)
IDENT_MAX = 254


def _redact_identifiers(text: str, *books: set[str]) -> str:
    r"""Each identifier (lower case, in ``books``) where it stands on its own, in any case: [ID].

    "On its own" as the pattern ``(?<![\w.])IDENT(?!\w)`` says: it starts where a run of
    local-part characters starts or after a '+' or '-' in it, and ends where the run ends or before
    a '.', '+' or '-'. Written by hand as one pass with set look-ups: a pattern per identifier was
    quadratic (a transcript with 16,000 addresses has 16,000 identifiers, each looked for in every
    turn), and the re module has no trie for a 16,000-way alternation.
    """
    books = tuple(b for b in books if b)
    if not books:
        return text
    spans = []
    for run in IDENT_RUN_RE.finditer(text):
        chunk, base = run.group(0), run.start()
        starts = [0] + [k + 1 for k, ch in enumerate(chunk) if ch in "+-"]
        ends = [k for k, ch in enumerate(chunk) if ch in ".+-" and k] + [len(chunk)]
        done = 0
        for start in starts:
            if start < done:
                continue
            lo, hi = bisect.bisect_right(ends, start), bisect.bisect_right(ends, start + IDENT_MAX)
            for end in reversed(ends[lo:hi]):
                piece = chunk[start:end].lower()
                if any(piece in book for book in books):
                    spans.append((base + start, base + end, "[ID]"))
                    done = end
                    break
    return replace_spans(text, spans) if spans else text


def _sub_luhn(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[CARD]" if 13 <= len(digits) <= 19 and luhn_ok(digits) else match.group(0)


def _redact_phones(text: str, regions: tuple[str, ...]) -> str:
    """Numbers libphonenumber finds, read as national numbers of each region in turn."""
    for n, region in enumerate(regions):
        if not PHONE_HINT_RE.search(text):
            return text
        # the first region's numbers need only be possible (people write fictional 555 numbers);
        # further regions' must be valid, or short national plans (DE) would take any digit run
        leniency = phonenumbers.Leniency.POSSIBLE if n == 0 else phonenumbers.Leniency.VALID
        spans = [(m.start, m.end, "[PHONE]") for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency)]
        text = replace_spans(text, spans)
    return text


@lru_cache(maxsize=65536)
def _everyday(word: str) -> bool:
    """Whether a lower-case word is also an English word (simplemma's dictionary), so not surely a name."""
    import simplemma

    return len(word) < 4 or simplemma.is_known(word, lang="en")


def _redact_names(text: str, local: NameBook | None, known: NameBook | None) -> str:
    """Replace known full names anywhere, and known single names when capitalised."""
    books = [b for b in (local, known) if b]
    if not books:
        return text
    words = list(WORD_RE.finditer(text))
    if not words:
        return text
    normed = [_norm(m.group(0)) for m in words]
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        hit = None
        for size in (3, 2):
            if i + size <= len(words):
                key = tuple(normed[i : i + size])
                for book in books:
                    if key in book.full:
                        hit = (size, book.full[key])
                        break
            if hit:
                break
        if hit is None and local and words[i].group(0)[:1].isupper():
            label = local.parts.get(normed[i]) or local.common_parts.get(normed[i])
            if label:
                hit = (1, label)
        if hit is None and known and normed[i] in known.parts and (
            words[i].group(0)[:1].isupper() or not _everyday(normed[i])
        ):
            # a known name that is not an everyday word (those live in common_parts); in lower case
            # too ("thanks to marco") unless the dictionary knows it as a word ("rose", "tom")
            hit = (1, known.parts[normed[i]])
        if hit:
            size, label = hit
            spans.append((words[i].start(), words[i + size - 1].end(), label))
            i += size
        else:
            i += 1
    text = replace_spans(text, [(start, end, f"[{label}]") for start, end, label in spans])
    # "[Sponsor] [Sponsor]" from a first and a last name found separately reads as one person
    return re.sub(r"(\[[^\]]+\])(\s+\1)+", r"\1", text)


@dataclass
class Redactor:
    """Redacts one text at a time. ``known`` names apply everywhere; ``local`` ones per call."""

    known: NameBook | None = None
    phone_regions: tuple[str, ...] = ("US",)

    def __call__(self, text: str | None, local: NameBook | None = None) -> str | None:
        return self.redact(text, local)

    def redact(self, text: str | None, local: NameBook | None = None) -> str | None:
        if text is None or not isinstance(text, str) or not text:
            return text
        own = _identifiers(text)
        text = EMAIL_RE.sub("[EMAIL]", text)
        text = replace_patterns(text)
        text = CARD_RE.sub(_sub_luhn, text)
        text = LABELLED_ID_RE.sub(lambda m: m.group(1) + m.group(2) + "[ID]", text)
        text = DOB_RE.sub(lambda m: m.group(1) + "[DOB]", text)
        text = SSN_RE.sub("[ID]", text)
        text = _redact_phones(text, tuple(self.phone_regions))
        text = LONG_DIGITS_RE.sub("[ID]", text)
        text = UK_ADDRESS_RE.sub("[ADDRESS]", text)
        text = EU_ADDRESS_RE.sub("[ADDRESS]", text)
        text = ADDRESS_RE.sub("[ADDRESS]", text)
        text = ADDRESS_TAIL_RE.sub("[ADDRESS]", text)
        text = _redact_identifiers(text, own, local.identifiers if local is not None else set())
        return _redact_names(text, local, self.known)

    def redact_many(self, texts: Iterable[str | None], local: NameBook | None = None) -> list[str | None]:
        return [self.redact(t, local) for t in texts]
