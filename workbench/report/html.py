"""Small HTML building blocks for reports. Every value is escaped: customer text is untrusted."""
from __future__ import annotations

import html as _html
from typing import Callable, Iterable, Mapping

import pandas as pd


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
) -> HTML:
    """An escaped table. ``columns`` maps column -> header; ``formats`` column -> value formatter;
    ``raw`` names columns whose formatter already returns safe HTML (it must escape itself)."""
    columns = dict(columns or {c: c for c in frame.columns})
    formats = dict(formats or {})
    numeric, raw = set(numeric), set(raw)
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in columns:
            value = row.get(col)
            text = formats[col](value) if col in formats else value
            text = str(text) if col in raw else esc(text)
            cls = ' class="num"' if col in numeric else ""
            cells.append(f"<td{cls}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return HTML(f'<table class="wb-table">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


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
    """A share as a whole percentage; "–" where there is no figure."""
    return "–" if v is None or pd.isna(v) else f"{100 * v:.0f} %"
