"""Session notes as a list of blocks under recognised headings, whatever wrote the Markdown.

Notes come from Obsidian (front matter, `## Key insights`), Notion (`# Title`, property lines,
`- [ ]` to-dos) and Google Docs exports (`**Date:** ...`, bold lines as headings). The Markdown is
parsed by markdown-it-py; this module walks its token stream into ``Block``s, each tagged with the
kind of section it sits in (see ``SECTION_SYNONYMS``) and the 1-based file line it starts on.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

#: heading text -> the kind of row the section's items become. One place for every synonym; a
#: heading matches when it starts with one of these (plural 's' optional), after filler words such
#: as "top" or "key" and any emoji. "people" sections list attendees, not statements.
SECTION_SYNONYMS: dict[str, tuple[str, ...]] = {
    "quote": ("customer quote", "quote", "verbatim", "what they said", "in their own words", "in their words"),
    "insight": ("key insight", "insight", "learning", "takeaway", "feedback", "feature request", "request",
                "wishlist", "wish list", "highlight"),
    "observation": ("watch party observation", "watch party", "observation", "what we saw", "pain point",
                    "problem", "frustration", "issue"),
    "action_item": ("action item", "follow up", "followup", "next step", "to do", "todo", "task", "action"),
    "people": ("attendee", "participant", "people", "present", "who was there"),
}
FILLER = r"(?:(?:top|key|main|other|notable|new|open|customer|biggest|our|the|their|general|more)\s+)*"
_SECTION_RES = [
    (kind, re.compile(rf"^{FILLER}(?:{'|'.join(re.escape(s) for s in sorted(words, key=len, reverse=True))})s?\b"))
    for kind, words in SECTION_SYNONYMS.items()
]
STATEMENT_KINDS = ("quote", "insight", "observation")
#: a task-list marker at the start of a list item: markdown-it-py's core has no tasklist rule and
#: mdit-py-plugins is not a dependency, so "[ ]" / "[x]" is read off the item's inline text here
TASK_RE = re.compile(r"^\[(?P<mark>[ xX✓✔])\]\s*")
#: "— Priya", "-- Priya, Ops lead", "~ Priya (Acme)": who said the quote just above
ATTRIBUTION_RE = re.compile(r"^\s*(?:—|–|--|-|~)\s*(?P<who>[^\"“”].{0,60})$")
#: a bare "Priya, Ops lead" / "Tom Reyes (VP Ops)" list item right after a blockquote
NAME_ROLE_RE = re.compile(r"^(?P<who>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}(?:\s*,\s*[^.!?\"“”]{1,40}|\s*\([^)]{1,40}\))?)$")
#: '"We need SSO." — Priya' at the end of a line
TRAILING_ATTRIBUTION_RE = re.compile(r"^(?P<text>[\"“].+[\"”])\s*(?:—|–|--|-|~)\s*(?P<who>[^\"“”]{1,60})$")

_md = MarkdownIt("commonmark").enable("table")


def section_kind(title: str) -> str | None:
    """The section kind a heading names, or None for headings the notes do not use (agenda, title)."""
    text = normalise_heading(title)
    return next((kind for kind, rx in _SECTION_RES if rx.search(text)), None)


def normalise_heading(title: str) -> str:
    """Lower case words only: emoji, punctuation and Markdown marks dropped, hyphens become spaces."""
    text = "".join(ch if unicodedata.category(ch)[0] in "LNZ" else " " for ch in title.replace("-", " "))
    return " ".join(text.lower().split())


@dataclass
class Block:
    """One unit of a note: a list item, paragraph, blockquote or table row."""

    form: str  # "item" | "paragraph" | "quote" | "row"
    line: int  # 1-based line of the file it starts on
    section: str | None  # section kind (see SECTION_SYNONYMS) or None
    heading: str  # the heading it sits under, as written
    text: str = ""  # plain text (Markdown marks removed, lines joined)
    raw: str = ""  # the source text, for quarantine
    bold_label: str | None = None  # "**Practitioner:** ..." -> "Practitioner"
    checked: bool | None = None  # task-list state: True [x], False [ ], None not a task
    ordered: bool = False
    depth: int = 0
    speaker: str | None = None  # attribution of a quote ("Priya, Ops lead")
    cells: dict[str, str] | None = None  # table row keyed by the header's lower-case names
    lines: list[str] = field(default_factory=list)  # plain text lines as written (for "Key: value" lines)
    locator: str = ""  # where it is, when not "line N" / "paragraph N"


@dataclass
class NoteDoc:
    blocks: list[Block] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # every heading seen, as written
    title: str | None = None
    unit: str = "line"  # what block.line counts: "line" (Markdown) or "paragraph" (Word)

    @property
    def head(self) -> str:
        """Where problems of the whole note are reported."""
        return "line 1" if self.unit == "line" else "file"

    def locator(self, block: Block) -> str:
        return block.locator or f"{self.unit} {block.line}"


def plain(token: Token) -> str:
    """The text of an inline token without Markdown marks; line breaks become spaces."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _bold_only(token: Token) -> str | None:
    """The text of a paragraph that is nothing but bold text ("**Observations**"), else None."""
    kids = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(kids) >= 3 and kids[0].type in ("strong_open", "em_open") and kids[-1].type in ("strong_close", "em_close"):
        inner = kids[1:-1]
        if all(c.type in ("text", "code_inline", "strong_open", "strong_close", "em_open", "em_close") for c in inner):
            text = "".join(c.content for c in inner).strip().rstrip(":").strip()
            return text or None
    return None


def _bold_label(token: Token) -> tuple[str | None, str]:
    """'**Practitioner:** "text"' -> ('Practitioner', '"text"'); else (None, plain text)."""
    kids = token.children or []
    if len(kids) >= 3 and kids[0].type == "text" and not kids[0].content.strip() and kids[1].type == "strong_open":
        kids = kids[1:]
    if len(kids) >= 3 and kids[0].type == "strong_open" and kids[2].type == "strong_close" and kids[1].type == "text":
        label, rest = kids[1].content.strip(), _join(kids[3:])
        if label.endswith(":") or rest.lstrip().startswith(":"):
            return label.rstrip(":").strip(), rest.lstrip().lstrip(":").strip()
    return None, plain(token)


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _join(children: list[Token]) -> str:
    fake = Token("inline", "", 0, children=children)
    return plain(fake)


def parse_markdown(text: str, first_line: int = 1) -> NoteDoc:
    """Blocks of a Markdown body whose first line is line ``first_line`` of the file."""
    doc = NoteDoc()
    section, heading = None, ""
    lists: list[bool] = []  # ordered? per open list
    item: Block | None = None  # the list item whose first paragraph is still to come
    in_quote: Block | None = None
    header: list[str] | None = None
    row: list[str] = []
    tokens = _md.parse(text)
    source = text.splitlines()
    offset = first_line
    for i, tok in enumerate(tokens):
        line = tok.map[0] + offset if tok.map else None
        if tok.type == "heading_open":
            title = plain(tokens[i + 1]).strip()
            doc.headings.append(title)
            if tok.tag == "h1" and doc.title is None:
                doc.title = title
            section, heading = section_kind(title), title
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(tok.type == "ordered_list_open")
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "list_item_open" and in_quote is not None:
            in_quote.text += "\n- "  # a list inside a quote: keep "- Priya" readable as an attribution
        elif tok.type == "list_item_open":
            item = Block("item", line, section, heading, ordered=lists[-1], depth=len(lists) - 1)
            doc.blocks.append(item)
        elif tok.type == "list_item_close":
            item = None
        elif tok.type == "blockquote_open":
            in_quote = Block("quote", line, section, heading)
            doc.blocks.append(in_quote)
        elif tok.type == "blockquote_close":
            in_quote = None
        elif tok.type == "inline" and in_quote is not None:
            sep = "" if in_quote.text.endswith("- ") else "\n"
            in_quote.text = (in_quote.text + sep + plain(tok)).strip()
            in_quote.raw = (in_quote.raw + "\n" + tok.content).strip()
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open" and item is not None:
            item.raw, item.lines = tok.content, _lines(plain(tok))
            item.bold_label, item.text = _bold_label(tok)
            task = TASK_RE.match(item.text)
            if task:
                item.checked = task.group("mark") != " "
                item.text = item.text[task.end():]
            item = None
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open" and not lists:
            bold = _bold_only(tok)
            if bold is not None:  # Google Docs and Notion write section titles as bold lines
                doc.headings.append(bold)
                section, heading = section_kind(bold), bold
                continue
            label, body = _bold_label(tok)
            doc.blocks.append(Block("paragraph", tokens[i - 1].map[0] + offset, section, heading, body,
                                    tok.content, bold_label=label, lines=_lines(plain(tok))))
        elif tok.type == "tr_open":
            row, row_line, row_raw = [], line, source[tok.map[0]].strip()
        elif tok.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(plain(tok).strip())
        elif tok.type == "tr_close":
            if header is None:
                header = [c.lower() for c in row]
            else:
                cells = dict(zip(header, row + [""] * (len(header) - len(row))))
                doc.blocks.append(Block("row", row_line, section, heading, " | ".join(row), row_raw,
                                        cells=cells))
        elif tok.type == "table_close":
            header = None
    for block in doc.blocks:
        block.lines = block.lines or _lines(block.text)
        block.text = " ".join(block.text.split()) if block.form != "quote" else block.text
    attach_attributions(doc)
    return doc


def attach_attributions(doc: NoteDoc) -> None:
    """Find who said each quote: a last line '— Priya', a trailing '"..." — Priya', or the short
    'Priya, Ops lead' line or list item written straight after a blockquote (then dropped)."""
    drop = set()
    for n, block in enumerate(doc.blocks):
        if block.form == "quote":
            lines = [ln.strip() for ln in block.text.split("\n") if ln.strip()]
            if len(lines) > 1 and ATTRIBUTION_RE.match(lines[-1]):
                block.speaker = ATTRIBUTION_RE.match(lines[-1]).group("who").strip()
                lines = lines[:-1]
            block.text = " ".join(" ".join(lines).split())
            nxt = doc.blocks[n + 1] if n + 1 < len(doc.blocks) else None
            if block.speaker is None and nxt is not None and nxt.form in ("paragraph", "item") and nxt.checked is None:
                m = ATTRIBUTION_RE.match(nxt.text) if nxt.form == "paragraph" else NAME_ROLE_RE.match(nxt.text)
                if m:
                    block.speaker = m.group("who").strip()
                    drop.add(n + 1)
        if block.form in ("quote", "item", "paragraph") and block.speaker is None:
            m = TRAILING_ATTRIBUTION_RE.match(block.text)
            if m:
                block.text, block.speaker = m.group("text"), m.group("who").strip()
    doc.blocks = [b for n, b in enumerate(doc.blocks) if n not in drop]
