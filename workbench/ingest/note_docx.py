"""Session notes written in Word (.docx), read with python-docx into the same blocks as Markdown.

Paragraph styles say what a paragraph is: "Title"/"Heading N" are headings, "List ..." styles
are list items, "Quote"/"Intense Quote" are quotes; a paragraph that is all bold is a heading
too (as in Markdown). Tables are rows. Locators are "paragraph N" (N counts the body's
paragraphs, empty ones included, as Word does) and "table N row M".
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError

from .note_sections import TASK_RE, Block, NoteDoc, attach_attributions, section_kind
from .reading import FileProblem

#: Word's own check boxes, typed or pasted from a to-do list
BOX_RE = re.compile(r"^(?P<box>[☐☑☒✅])\s*")


def parse_docx(path: Path) -> NoteDoc:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileProblem(f"not a readable Word document: {exc}") from exc
    doc = NoteDoc(unit="paragraph")
    section, heading = None, ""
    for n, para in enumerate(document.paragraphs, start=1):
        text = " ".join(para.text.split())
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        runs = [r for r in para.runs if r.text.strip()]
        if style == "Title" or style.startswith("Heading") or (runs and all(r.bold for r in runs)):
            title = text.rstrip(":").strip()
            doc.headings.append(title)
            if doc.title is None and style == "Title":
                doc.title = title
            section, heading = section_kind(title), title
            continue
        form = "quote" if "Quote" in style else "item" if style.startswith("List") else "paragraph"
        block = Block(form, n, section, heading, text, para.text, lines=[ln.strip() for ln in para.text.split("\n")
                                                                          if ln.strip()])
        box = BOX_RE.match(text) or (TASK_RE.match(text) if form == "item" else None)
        if box:
            block.checked = not text.startswith(("☐", "[ ]"))
            block.text = text[box.end():]
        label = re.match(r"^(?P<who>[^:]{1,40}):\s*(?P<rest>[\"“].+)$", block.text)
        if label and runs and runs[0].bold:
            block.bold_label, block.text = label.group("who").strip(), label.group("rest")
        doc.blocks.append(block)
    for t, table in enumerate(document.tables, start=1):
        rows = [[" ".join(c.text.split()) for c in row.cells] for row in table.rows]
        if len(rows) < 2:
            continue
        header = [c.lower() for c in rows[0]]
        for m, row in enumerate(rows[1:], start=2):
            # a table sits under the last heading before it; python-docx keeps tables apart from
            # paragraphs, so the section is the one a table is most often in: action items
            doc.blocks.append(Block("row", m, "action_item", "table", " | ".join(row), " | ".join(row),
                                    cells=dict(zip(header, row)), locator=f"table {t} row {m}"))
    attach_attributions(doc)
    return doc
