"""Mentions: the sentences and clauses of a statement, each with its exact character span.

A comment often raises several things ("love the scheduling, but the mobile app crashes
offline"). The unit that is themed is the **mention**. ``split_mentions`` cuts a statement
into mentions and gives each one's ``(start, end, text)``, with ``text == statement[start:end]``,
so a report can highlight exactly what was said.

Where it cuts:

* at sentence ends (``.``, ``!``, ``?``, ``…``), keeping closing quotes and any emoji that follow
  the mark in the sentence they close; a run of emoji followed by a capitalised word ends a
  sentence too;
* at line breaks and list items (``-``, ``*``, ``•``, ``1.``, ``2)``, ``(3)``, ``a)``), the
  marker left out of the mention; a single line break inside a sentence (a hard wrap: no end mark
  before it, lower case after it) is not a cut; inline numbered items ("1) … 2) …") are cut when
  they count up from 1;
* inside a sentence, before a word that joins two concerns: "but", "however", "although",
  "though", "whereas", ", yet", ", while", ", except", ", unfortunately", "and also", ", plus",
  "other than that", "apart from that", "on the other hand", "that said", … and after ``;``. The
  joining word starts the second mention ("but the mobile app crashes offline").

Where it does not cut: inside URLs and e-mail addresses; after abbreviations ("e.g.", "i.e.",
"Mr.", "Dr.", "vs.", "approx.", and "etc."/"Inc."/month names unless a capital follows); after
initials and dotted acronyms ("J. Smith", "the U.S. store") unless a capital follows; inside
numbers and versions ("v2.1", "3.5 GB"); at an ellipsis followed by a lower-case word ("ten
mins... then it crashed"). Text without any punctuation stays one mention unless a joining word
cuts it.

Each mention is trimmed the same way: surrounding whitespace, list markers and separators
(``, ; : - –``) go; sentence marks (``. ! ? …``), closing quotes and emoji stay. A mention of
fewer than ``MIN_WORDS`` words ("Great!", "Fix it", "👍") is merged into its neighbour (the
previous one, or the next when it is first): on its own it says too little to be themed. A
sentence that leans on the one before it joins it too: its subject points back ("This affects 48
users.", "It makes the tool hard to defend.") or, short, it ends on a pronoun that does ("Can you
look into this?", "Love it!"); on its own it would gather with every other "look into this" into
a theme about nothing. Hand-
written rules rather than a sentence-splitting library: pysbd (the pragmatic rule-based choice)
takes about 0.75 ms a review here, ten times the budget, and cuts after "approx." and inside URLs;
these rules split 10,000 statements in well under a second.
"""
from __future__ import annotations

import re

import pandas as pd

#: a mention needs at least this many words; shorter pieces join a neighbour
MIN_WORDS = 3

_EMOJI = (r"(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\uFE0F\u200D\u20E3]"
          r"|[:;]-?[()\]\[/|\\]|<3)")
_EMOJI_RUN = re.compile(rf"(?:\s*{_EMOJI})+")
_CLOSERS = re.compile(r"[\"'”’»)\]]*")
# candidate ends: punctuation runs, or emoji runs (cut only when a capitalised word follows)
_END = re.compile(rf"[.!?…]+|{_EMOJI}+")
_PROTECTED = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_URL_TAIL = re.compile(r"[.,!?;:)\]'\"]+$")
_BULLET = re.compile(r"(?:[-*•·‣▪◦–—>]+|\(?\d{1,2}[.)]|\(\d{1,2}\)|[a-zA-Z][.)])(?=\s)\s*")
_INLINE_NUMBER = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2})[.)](?=\s)")
_NEWLINES = re.compile(r"\n\s*")
_WORD_BEFORE = re.compile(r"((?:[A-Za-z]\.)+[A-Za-z]?|[\w']+)$")
_WORD = re.compile(r"[^\W_]+")
_LEAD = re.compile(rf"(?:\s|[,;\-–—]|:(?!-?[()\]\[/|\\])|{_BULLET.pattern})+")
_TRAIL = re.compile(r"[\s,;:\-–—]+$")
_INLINE_BULLET = re.compile(r"\s[•▪◦‣]\s")

_CONNECTIVES = (
    r"but|however|although|(?:even\s+)?though|whereas|nevertheless|nonetheless|"
    r"other\s+than\s+that|apart\s+from\s+that|aside\s+from\s+that|besides\s+that|"
    r"on\s+the\s+other\s+hand|that\s+(?:being\s+)?said|on\s+top\s+of\s+that|in\s+addition|"
    r"additionally|and\s+also"
)
_AFTER_COMMA = r"yet|while|except|unfortunately|sadly|plus|also|otherwise"
# matched on lower-cased text; starting at a separator lets the regex engine skip ahead quickly
_CONNECTIVE = re.compile(rf"[\s,;](?P<word>(?P<any>{_CONNECTIVES})|(?P<comma>{_AFTER_COMMA}))\b")
#: "anything but", "as though": not two concerns
_NOT_AFTER = ("anything", "nothing", "all", "as", "last", "everything")
_SEMICOLON = re.compile(r";\s*")

#: words that often open a sentence: after an acronym or initial, they mark a sentence end
_OPENERS = frozenset("i the it its this that these we my you your they he she there but and so also "
                     "please thanks thank however now then if when after a an overall".split())
#: never a sentence end: titles and abbreviations a sentence hardly ends with
_NEVER = frozenset("mr mrs ms dr prof st jr sr vs eg ie cf viz approx incl excl esp ca aprox "
                   "fig figs vol nr pg pp".split())
#: a sentence end only when a capital follows ("etc. The app ..." but "No. 5")
_MAYBE = frozenset("etc no nos inc ltd co corp bros dept est min max avg ref sec hr hrs mins secs "
                   "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs "
                   "fri sat sun ft lb lbs oz sq al ed ext tel govt misc pls plz".split())


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans of URLs and e-mail addresses (trailing punctuation left outside)."""
    spans = []
    for m in _PROTECTED.finditer(text):
        tail = _URL_TAIL.search(m.group())
        spans.append((m.start(), m.end() - (len(tail.group()) if tail else 0)))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _inline_numbers(text: str) -> list[tuple[int, int]]:
    """Inline list markers "1) … 2) …" counting up from 1: their (start, end)."""
    found, expect = [], 1
    if "1." not in text and "1)" not in text:
        return found
    for m in _INLINE_NUMBER.finditer(text):
        if int(m.group(1)) == expect:
            found.append((m.start(), m.end()))
            expect += 1
    return found if len(found) >= 2 else []


def _is_end(text: str, m: re.Match, markers: set[int]) -> int:
    """Where the sentence ending at match ``m`` stops (0 when it is no sentence end)."""
    mark, end = m.group(), m.end()
    if mark[0] not in ".!?…":  # an emoji run: an end only before a capitalised word
        rest = text[end:end + 3].lstrip(" \t")
        return end if rest[:1].isupper() and end < len(text) and text[end].isspace() else 0
    end = _CLOSERS.match(text, end).end()
    following = text[end:end + 1]
    if mark[0] in "!?" and following[:1].isupper():  # "Great!Love it": a missing space
        return end
    if following and not following.isspace() and not _EMOJI_RUN.match(text, end):
        return 0
    after = _EMOJI_RUN.match(text, end)
    if after:  # emoji right after the mark belong to the sentence they close
        end = after.end()
    nxt = text[end:end + 40].lstrip()[:1]
    if not nxt:
        return end
    if mark == ".":
        if m.start() in markers:
            return 0
        before = _WORD_BEFORE.search(text, max(0, m.start() - 24), m.start())
        word = before.group(1) if before else ""
        if word.isdigit() and len(word) <= 2 and not text[:before.start()].rsplit("\n", 1)[-1].strip():
            return 0  # a numbered list item's marker at the start of its line
        key = word.replace(".", "").lower()
        if key in _NEVER:
            return 0
        if key in _MAYBE:
            return end if nxt.isupper() else 0
        if "." in word or (len(word) == 1 and word.isalpha() and word != "I"):
            # "the U.S. Embassy", "J. Smith": a sentence end only before a common opener
            opener = _WORD.match(text, end + len(text[end:end + 40]) - len(text[end:end + 40].lstrip()))
            return end if opener and opener.group().lower() in _OPENERS and nxt.isupper() else 0
        return end
    if mark.startswith("..") or mark[0] == "…":
        return end if not nxt.islower() else 0
    return end


def _sentence_cuts(text: str, protected: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(cut, resume) positions: a sentence stops at ``cut`` and the next starts at ``resume``."""
    inline = _inline_numbers(text)
    markers = {e - 1 for _, e in inline}
    cuts = [(s, s) for s, _ in inline]
    for m in _END.finditer(text):
        if _inside(m.start(), protected):
            continue
        end = _is_end(text, m, markers)
        if end:
            cuts.append((end, end))
    for m in _NEWLINES.finditer(text):
        before = text[max(0, m.start() - 8):m.start()].rstrip(" \t")
        after = text[m.end():m.end() + 1]
        hard_wrap = (m.group().count("\n") == 1 and after.islower() and before[-1:].isalnum()
                     and not _BULLET.match(text, m.end()))
        if not hard_wrap:
            cuts.append((m.start(), m.end()))
    cuts.extend((m.start(), m.start() + 1) for m in _INLINE_BULLET.finditer(text))
    return cuts


def _clause_cuts(text: str, protected) -> list[int]:
    """Positions in ``text`` where a second concern begins (sentence ends aside)."""
    cuts = []
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two: keep the offsets right
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for m in _CONNECTIVE.finditer(low):
        start = m.start("word")
        before = text[max(0, start - 12):start]
        stripped = before.rstrip()
        if not stripped or stripped == before:  # at the very start, or glued to the word before
            continue
        if m.group("comma") and stripped[-1] not in ",;":
            continue
        if stripped[-1] not in ",;" and stripped.rsplit(None, 1)[-1].lower() in _NOT_AFTER:
            continue
        cuts.append(start)
    if ";" in text:
        cuts += [m.end() for m in _SEMICOLON.finditer(text)]
    return sorted(c for c in cuts if not _inside(c, protected))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace, list markers and separators."""
    lead = _LEAD.match(text, start, end)
    if lead:
        start = lead.end()
    trail = _TRAIL.search(text, start, end)
    if trail:
        end = trail.start()
    return start, max(start, end)


def _words(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text, start, end))


def split_mentions(text: str, min_words: int = MIN_WORDS) -> list[tuple[int, int, str]]:
    """The mentions of ``text`` as ``(start, end, mention)`` with ``text[start:end] == mention``.

    Empty or blank text has none; any other text at least one. See the module docstring for the
    rules.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    protected = _protected(text) if ("/" in text or "@" in text or "www" in text) else []
    bounds = sorted(set(_sentence_cuts(text, protected)))
    pieces, pos = [], 0
    for cut, resume in bounds + [(len(text), len(text))]:
        if cut >= pos:
            pieces.append((pos, cut))
            pos = max(pos, resume)
    clause_cuts = _clause_cuts(text, protected)
    spans = []  # [start, end, words, sentence]
    for n, (s, e) in enumerate(pieces):
        s, e = _trim(text, s, e)
        if e <= s:
            continue
        inner = [c for c in clause_cuts if s < c < e]
        for a, b in zip([s] + inner, inner + [e]):
            a, b = _trim(text, a, b)
            if b > a:
                spans.append([a, b, _words(text, a, b), n])
    if not spans:
        s, e = len(text) - len(text.lstrip()), len(text.rstrip())  # only separators: the text itself
        return [(s, e, text[s:e])]
    i = 0
    while len(spans) > 1 and i < len(spans):
        if spans[i][2] >= min_words:
            i += 1
            continue
        # a short piece joins a neighbour from its own sentence if it has one, else the previous
        # mention (the first: the next)
        same = [j for j in (i - 1, i + 1) if 0 <= j < len(spans) and spans[j][3] == spans[i][3]]
        j = same[0] if same else (i - 1 if i > 0 else i + 1)
        a, b = min(i, j), max(i, j)
        spans[a] = [spans[a][0], spans[b][1], spans[a][2] + spans[b][2], spans[j][3]]
        del spans[b]
        i = a
    # a sentence whose subject points back ("It makes the tool hard to defend.", "This happens
    # daily.", "This affects 48 users.") or a short one that ends on a pronoun pointing back ("Can
    # you look into this?", "Please fix it!") goes on about the sentence before it: one mention
    # with it, not a concern of its own
    i = 1
    while i < len(spans):
        if spans[i][3] != spans[i - 1][3] and _points_back(text, spans[i][0], spans[i][1], spans[i][2]):
            spans[i - 1] = [spans[i - 1][0], spans[i][1], spans[i - 1][2] + spans[i][2], spans[i][3]]
            del spans[i]
        else:
            i += 1
    return [(s, e, text[s:e]) for s, e, _, _ in spans]


_ANAPHORA = re.compile(
    r"(?:it|this|that|these|those|they|which)(?:'s|'re|'ll|'d| is| are| was| were| has| have| had| does| do"
    r"| did| will| would| should| could| can| must| might| isn't| aren't| wasn't| weren't| doesn't| don't"
    r"| didn't| won't| wouldn't| can't| cannot| makes?| made| keeps?| kept| takes?| took| means?| happens?"
    r"| happened| gets?| got| causes?| caused| costs?| leaves| left| just| also| still| really| then)\b"
    # "this"/"that" as a determiner takes a singular noun ("this report", "this status"): a word
    # after it that ends in a plural or verb -s ("affects", "sounds", "blocks") makes it the subject
    r"|(?:this|that)\s+[a-z]*[^\Wsui]s\b", re.I)
#: a short sentence ending on a pronoun that points back ("Can you look into this?", "Love it!")
_ENDS_BACK = re.compile(r"\b(?:it|this|that|these|those|them)[\s.!?…)\]\"'”’]*$", re.I)
#: the most words such a sentence has: a longer one says enough of its own ("The app crashes
#: whenever I open it.")
_SHORT_BACK = 6


def _points_back(text: str, start: int, end: int, words: int) -> bool:
    """Whether the sentence ``text[start:end]`` leans on the one before it (see above)."""
    if _ANAPHORA.match(text, start):
        return True
    if words > _SHORT_BACK:
        return False
    tail = _EMOJI_RUN.sub("", text[start:end]).rstrip()
    return bool(_ENDS_BACK.search(tail))


#: words and phrases that open a spoken or written sentence without saying what it is about
#: ("Honestly, ...", "Biggest issue: ...", "But ...", "Hi team, ..."); the one list of them (the
#: requirements' crisp statements use it too)
LEAD_FILLER = re.compile(
    r"^(?:(?:(?:hi|hello|hey) (?:support|team|there|all|everyone|folks)|"
    r"yeah|yes|ok|okay|so|and|also|but|well|honestly|really|just|um|uh|look|i mean|the thing is|"
    r"for us|for me|personally|to be honest|tbh|one thing|and then|overall|main thing|biggest issue|"
    r"one more thing|plus|however|that said|on the other hand|separately|in short|hi|hello|hey|dear|"
    r"good (?:morning|afternoon|evening)|although|though|whereas|yet|while|except that|unfortunately|"
    r"other than that|apart from that|besides|anyway|actually|frankly|basically)[,:;!-]?\s+)+", re.I)


def mention_core(text: str) -> str:
    """What a mention is about: its text without the fillers and joining words it opens with
    ("Biggest issue: the export fails" -> "the export fails"; "but the app crashes" -> "the app
    crashes"). Themes are fitted and named on the cores, so two mentions of one concern are not
    told apart, or a theme named, by how the speaker opened the sentence. The mention itself (its
    span, quote and intent) keeps every word. A mention that is all filler keeps its text."""
    core = LEAD_FILLER.sub("", str(text)).strip()
    return core if len(re.findall(r"\w+", core)) >= 2 else str(text)


def mention_table(statements: pd.DataFrame, text_col: str = "text", id_col: str = "evidence_id") -> pd.DataFrame:
    """One row per mention: ``evidence_id``, ``mention`` (0-based within its statement), ``start``,
    ``end``, ``text`` and ``core`` (:func:`mention_core`: what is embedded and themed).

    A statement that is not split is one mention spanning its (trimmed) text; blank text gives no
    row. The id column keeps the statements' name and values.
    """
    ids, numbers, starts, ends, texts = [], [], [], [], []
    for sid, text in zip(statements[id_col].tolist(), statements[text_col].tolist()):
        for k, (s, e, t) in enumerate(split_mentions(text if isinstance(text, str) else "")):
            ids.append(sid)
            numbers.append(k)
            starts.append(s)
            ends.append(e)
            texts.append(t)
    return pd.DataFrame({id_col: pd.Series(ids, dtype=statements[id_col].dtype if len(ids) else object),
                         "mention": pd.Series(numbers, dtype="int64"),
                         "start": pd.Series(starts, dtype="int64"), "end": pd.Series(ends, dtype="int64"),
                         "text": pd.Series(texts, dtype=object),
                         "core": pd.Series([mention_core(t) for t in texts], dtype=object)})
