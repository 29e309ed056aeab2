"""Turning files into text and records, with a clear reason when that is impossible."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import FileProblem

DELIMITERS = ",;\t"


@dataclass
class TextFile:
    text: str
    encoding: str


def read_text(path: Path) -> TextFile:
    """Decode a text file: UTF-16 when it starts with a UTF-16 byte-order mark, else UTF-8 (with or
    without BOM), else cp1252; reject binary and empty files.

    Qualtrics' TSV export (and Excel's "Unicode text") is UTF-16LE with a BOM; it is full of NUL bytes,
    so the BOM is looked at before the binary check. cp1252 (Windows Western) is what spreadsheet exports
    use when they are not UTF-8; it leaves only five byte values undefined, so a file that is neither is
    reported with the first bad byte.
    """
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem("empty file")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise FileProblem(f"starts with a UTF-16 byte-order mark but is not UTF-16 (bad bytes at offset "
                                  f"{exc.start + len(bom)})") from exc
            if not text.strip():
                raise FileProblem("empty file")
            return TextFile(text, encoding)
    if b"\x00" in data[:8192]:
        raise FileProblem("binary file (contains NUL bytes), not text")
    try:
        return TextFile(data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return TextFile(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            f"undecodable bytes: not UTF-8 (byte 0x{data[utf8_error.start]:02x}) and not cp1252 "
            f"(byte 0x{data[exc.start]:02x} at line {line})",
            locator=f"line {line}",
        ) from exc


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text, among , ; and tab: the one that splits the header consistently."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=header.count)


@dataclass
class CsvRecords:
    """A CSV file's records; ``rows[i]`` sits on spreadsheet row ``row_numbers[i]``."""

    header: list[str]
    extra_header_rows: list[list[str]]
    rows: list[list[str]]
    row_numbers: list[int]
    delimiter: str


def _refuse_unclosed_quote(text: str, delimiter: str, records: list) -> None:
    """A quote never closed makes the csv module read the rest of the file as one field, rows and
    all, without a word: refuse the file, naming where that field starts (the rows after it
    cannot be told apart, so none is guessed at)."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            return  # other strict-mode complaints are read leniently, as before
        # the swallowing record is the last one; count the lines of the records before it
        start = 1 + sum(1 + sum(str(field).count("\n") for field in record) for record in records[:-1])
        raise FileProblem(f"a quote opened on line {start} is never closed, so every line after it would be "
                          f"read as one field; close the quote (or export the file again)", f"line {start}") from exc


def read_csv_records(text: str, header_rows: int = 1, delimiter: str | None = None) -> CsvRecords:
    """Parse CSV text into records. Row numbers count records as a spreadsheet shows them."""
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise FileProblem(f"malformed CSV near line {reader.line_num}: {exc}", f"line {reader.line_num}") from exc
    _refuse_unclosed_quote(text, delimiter, records)
    numbered = [(i + 1, r) for i, r in enumerate(records)]
    numbered = [(n, r) for n, r in numbered if r]  # blank lines are not rows; ",,," rows are (and get rejected)
    if len(numbered) < header_rows:
        raise FileProblem("no header row")
    header = [h.strip() for h in numbered[0][1]]
    extra = [r for _, r in numbered[1:header_rows]]
    body = numbered[header_rows:]
    return CsvRecords(
        header=header,
        extra_header_rows=extra,
        rows=[r for _, r in body],
        row_numbers=[n for n, _ in body],
        delimiter=delimiter,
    )


@dataclass
class Sheet:
    """One worksheet's non-blank rows as text; ``rows[i]`` sits on spreadsheet row ``row_numbers[i]``."""

    name: str
    rows: list[list[str]]
    row_numbers: list[int]


def _cell_text(value) -> str:
    """A cell as the text a CSV export would hold: whole numbers without '.0', stamps in ISO form."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path) -> list[Sheet]:
    """The worksheets of an .xlsx workbook (read by openpyxl through pandas), blank rows left out."""
    try:
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise FileProblem(f"not a readable .xlsx workbook: {exc}") from exc
    sheets = []
    for name, frame in frames.items():
        rows, numbers = [], []
        for index, values in zip(frame.index, frame.itertuples(index=False, name=None)):
            cells = [_cell_text(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                rows.append(cells)
                numbers.append(int(index) + 1)  # header=None keeps leading blank rows: index 0 is row 1
        if rows:
            sheets.append(Sheet(str(name), rows, numbers))
    if not sheets:
        raise FileProblem("empty workbook: no sheet has any cell filled")
    return sheets
