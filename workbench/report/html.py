"""Small HTML building blocks for reports. Every value is escaped: customer text is untrusted."""
from __future__ import annotations

import html as _html
import io
import re
from html.parser import HTMLParser
from typing import Callable, Iterable, Mapping
from urllib.parse import quote as _url_quote

import pandas as pd

from ..safe_csv import safe_frame

#: what a cell without a figure shows (and its CSV cell holds)
NA = "n/a"


def esc(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return _html.escape(str(value), quote=True)


class HTML:
    """Displayable HTML (Jupyter calls ``_repr_html_``)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __add__(self, other: "HTML") -> "HTML":
        return HTML(self.markup + str(other))


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    formats: Mapping[str, Callable] | None = None,
    numeric: Iterable[str] = (),
    raw: Iterable[str] = (),
    caption: str | None = None,
    download: str | None = None,
) -> HTML:
    """An escaped table. ``columns`` maps column -> header; ``formats`` column -> value formatter;
    ``raw`` names columns whose formatter already returns safe HTML (it must escape itself).
    ``download`` (a file name such as ``themes.csv``) adds a link that saves the table as CSV."""
    columns = dict(columns or {c: c for c in frame.columns})
    formats = dict(formats or {})
    numeric, raw = set(numeric), set(raw)
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
    rows, shown = [], []
    for _, row in frame.iterrows():
        cells, texts = [], []
        for col in columns:
            value = row.get(col)
            text = formats[col](value) if col in formats else value
            texts.append(plain_text(str(text)) if col in raw else ("" if esc(text) == "" else str(text)))
            text = str(text) if col in raw else esc(text)
            cls = ' class="num"' if col in numeric else ""
            cells.append(f"<td{cls}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
        shown.append(texts)
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    markup = f'<table class="wb-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if download:
        markup += csv_link(pd.DataFrame(shown, columns=list(columns.values())), download, numeric=[
            columns[c] for c in columns if c in numeric])
    return HTML(markup)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(markup: str) -> str:
    """The text a reader sees in a piece of HTML (tags dropped, entities decoded)."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _as_number(text: str):
    """A cell shown as a plain number ("+3", "12", "-0.5") goes to the CSV as that number."""
    return float(text) if "." in text else int(text)


def csv_text(shown: pd.DataFrame, numeric: Iterable[str] = ()) -> str:
    """The CSV of a table as shown: the same headers, rows and cell texts; plain numbers in
    numeric columns written as numbers; every text cell neutralised against spreadsheet formulas
    (:func:`workbench.safe_csv.safe_frame`)."""
    frame = shown.astype(object).copy()
    for column in set(numeric) & set(frame.columns):
        frame[column] = [_as_number(v) if isinstance(v, str) and _NUMBER.fullmatch(v) else v for v in frame[column]]
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue()


def csv_link(shown: pd.DataFrame, filename: str, numeric: Iterable[str] = ()) -> str:
    """A link that saves ``shown`` as a CSV file: a ``data:`` URI with the ``download`` attribute,
    so it works offline and needs no script (the reports' Content-Security-Policy may block them).
    The URI is percent-encoded, so nothing in it can end the attribute."""
    data = "data:text/csv;charset=utf-8," + _url_quote("\ufeff" + csv_text(shown, numeric), safe="")
    return (f'<p class="wb-csv"><a download="{esc(filename)}" href="{data}">Download this table as CSV</a>'
            f' ({len(shown)} rows)</p>')


def quote(text: str, provenance: str, span: tuple[int, int] | None = None) -> HTML:
    """A quote with its provenance; ``span`` (start, end) marks the mention the quote is shown for
    (each piece escaped on its own, so the mark cannot break out of the text)."""
    text = str(text)
    if span is not None and 0 <= int(span[0]) < int(span[1]) <= len(text) and (span[0], span[1]) != (0, len(text)):
        start, end = int(span[0]), int(span[1])
        body = f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"
    else:
        body = esc(text)
    return HTML(f'<blockquote class="wb-quote">{body}<div class="wb-prov">{esc(provenance)}</div></blockquote>')


def card(title: str, value: str, note: str = "", css: str = "") -> str:
    return (
        f'<div class="wb-card"><div>{esc(title)}</div><div class="v {esc(css)}">{esc(value)}</div>'
        f'<div class="wb-prov">{esc(note)}</div></div>'
    )


def heading(text: str, level: int = 2, anchor: str | None = None) -> HTML:
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return HTML(f"<h{level}{ident}>{esc(text)}</h{level}>")


def paragraph(text: str, css: str = "") -> HTML:
    cls = f' class="{esc(css)}"' if css else ""
    return HTML(f"<p{cls}>{esc(text)}</p>")


def pct(v) -> str:
    """A share as a whole percentage; "n/a" where there is no figure."""
    return NA if v is None or pd.isna(v) else f"{100 * v:.0f} %"
