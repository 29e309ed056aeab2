"""Turning files into text and records, with a clear reason when that is impossible."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import FileProblem

DELIMITERS = ",;\t"


@dataclass
class TextFile:
    text: str
    encoding: str
    #: (locator, note) of what a reader should be told beside the counts (a line read as cp1252)
    notes: list[tuple[str, str]] = field(default_factory=list)


#: C0 control characters other than tab, line feed and carriage return: never part of a stored text
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")
#: the first bytes of formats that are binary whatever their file name says
MAGIC = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
         b"GIF8": "a GIF image", b"PK\x03\x04": "a ZIP archive (an .xlsx or .docx file renamed?)",
         b"\x1f\x8b": "a gzip archive", b"\x7fELF": "a program", b"\xd0\xcf\x11\xe0": "an old Office (.xls/.doc) file",
         b"SQLite format 3": "an SQLite database", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive"}
#: a sample with more control bytes than this share is binary (text has a stray one at most)
BINARY_SHARE = 0.05


def control_problem(text: str, max_chars: int | None = None, what: str = "the text") -> str | None:
    """Why a text must not be stored (a control character, or longer than ``max_chars``), or None."""
    if max_chars is not None and len(text) > max_chars:
        return (f"{what} has {len(text):,} characters, over the limit of {max_chars:,} "
                "(limits.max_field_chars in workbench.yml)")
    m = CONTROL_RE.search(text)
    if m:
        name = "a NUL byte" if m.group() == "\x00" else f"a control character (0x{ord(m.group()):02x})"
        return f"{what} holds {name} at character {m.start() + 1}: binary junk in a text file"
    return None


def _binary(data: bytes) -> str | None:
    """Why bytes are binary, not text: a known format's magic number, or many control bytes."""
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            return f"binary file ({what}), not text"
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if controls > max(1, BINARY_SHARE * len(sample)):
        return f"binary file ({controls} of its first {len(sample)} bytes are NUL or control bytes), not text"
    return None


def read_text(path: Path) -> TextFile:
    """Decode a text file; reject binary and empty files.

    UTF-16 when it starts with a UTF-16 byte-order mark (Qualtrics' TSV export, Excel's "Unicode
    text": full of NUL bytes, so the BOM is looked at before the binary check); else UTF-8 (with or
    without BOM); else the encoding charset-normalizer finds (cp1252, what spreadsheet exports use
    when they are not UTF-8, when it is among the candidates), noted beside the counts. A UTF-8 file
    with a few lines that are not (a line pasted from a cp1252 file) stays UTF-8: those lines alone
    are read as cp1252, each noted with its line and first bad byte, so the rest is never mojibake.
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
            return TextFile(text, encoding)  # declared by the file itself: nothing to tell
    binary = _binary(data)
    if binary:
        raise FileProblem(binary)
    try:
        return TextFile(data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    return _detected(data)


def _mostly_utf8(data: bytes) -> TextFile | None:
    """A UTF-8 file with some lines that are not: those lines read as cp1252 and noted; None when the
    file holds no non-ASCII UTF-8 at all or more bad lines than good (then it is not UTF-8)."""
    lines = data.splitlines(keepends=True)
    good, bad, out, notes = 0, 0, [], []
    for n, line in enumerate(lines, 1):
        try:
            out.append(line.decode("utf-8"))
            good += not line.isascii()
        except UnicodeDecodeError as exc:
            bad += 1
            text = line.decode("cp1252", errors="replace")
            out.append(text)
            lost = " (bytes cp1252 leaves undefined shown as U+FFFD)" if "\ufffd" in text else ""
            notes.append((f"line {n}", f"not UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1}) in a "
                                       f"UTF-8 file: this line read as cp1252{lost}"))
    if not good or bad > good:
        return None
    return TextFile("".join(out).removeprefix("\ufeff"), "utf-8", notes)


def _detected(data: bytes) -> TextFile:
    """Not UTF-8: the encoding charset-normalizer finds; cp1252 first when it is a candidate.

    A file that cp1252 reads but for bytes it leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) is
    Western text with junk in it far more often than text of another single-byte code page, which
    charset-normalizer would still name (cp775, cp1256...) and so turn the whole file into mojibake:
    it is refused, naming the byte. Multi-byte encodings (Shift-JIS, GBK, ...) are taken as found.
    """
    from charset_normalizer import from_bytes
    from charset_normalizer.utils import is_multi_byte_encoding

    matches = from_bytes(data)
    candidates = {m.encoding for m in matches} | {c for m in matches for c in m.could_be_from_charset}
    best = matches.best()
    try:
        data.decode("cp1252")
        cp1252_error = None
    except UnicodeDecodeError as exc:
        cp1252_error = exc
    if cp1252_error is None and (best is None or "cp1252" in candidates):
        encoding = "cp1252"
    elif best is not None and (cp1252_error is None or is_multi_byte_encoding(best.encoding)):
        encoding = best.encoding
    else:
        at = cp1252_error.start if cp1252_error else 0
        line = data[:at].count(b"\n") + 1
        raise FileProblem(f"undecodable bytes: not UTF-8 and not cp1252 (byte 0x{data[at]:02x} at line {line})",
                          f"line {line}")
    text = data.decode(encoding)
    return TextFile(text, encoding, [("file", f"not UTF-8: read as {encoding} (charset-normalizer)")])


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
    #: (row number, reason, raw) of records that could not be parsed or must not be stored
    rejects: list[tuple[int, str, str]] = field(default_factory=list)


#: the csv module's own cap on a field (128 KiB) would refuse the whole file for one long field;
#: fields are measured against limits.max_field_chars instead, row by row
csv.field_size_limit(2**31 - 1)
DEFAULT_MAX_FIELD = 100_000


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
        start = 1 + sum(1 + sum(str(field).count("\n") for field in record or []) for record in records[:-1])
        raise FileProblem(f"a quote opened on line {start} is never closed, so every line after it would be "
                          f"read as one field; close the quote (or export the file again)", f"line {start}") from exc


def screen_row(row: list[str], header: list[str], max_chars: int) -> str | None:
    """Why a record must not be stored (a field too long, or holding a control character), or None."""
    for i, value in enumerate(row):
        name = header[i] if i < len(header) and header[i] else f"column {i + 1}"
        problem = control_problem(value, max_chars, f"field '{name}'")
        if problem:
            return problem
    return None


def _parse(text: str, delimiter: str) -> tuple[list[list[str] | None], dict[int, str]]:
    """Records, with None where the csv module could not parse one (the reason by index)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str] | None] = []
    errors: dict[int, str] = {}
    while True:
        try:
            records.append(next(reader))
        except StopIteration:
            return records, errors
        except csv.Error as exc:  # the reader goes on with the next line: one record lost, and counted
            errors[len(records)] = f"malformed CSV near line {reader.line_num}: {exc}"
            records.append(None)


def read_csv_records(text: str, header_rows: int = 1, delimiter: str | None = None,
                     max_field_chars: int = DEFAULT_MAX_FIELD) -> CsvRecords:
    """Parse CSV text into records. Row numbers count records as a spreadsheet shows them.

    A record the csv module cannot parse, or with a field over ``max_field_chars`` or holding a
    control character, is in ``rejects`` (row, reason, raw), not in ``rows``."""
    delimiter = delimiter or sniff_delimiter(text)
    records, errors = _parse(text, delimiter)
    _refuse_unclosed_quote(text, delimiter, records)
    numbered = [(i + 1, r) for i, r in enumerate(records)]
    numbered = [(n, r) for n, r in numbered if r or (n - 1) in errors]  # blank lines are not rows
    if len(numbered) < header_rows or numbered[0][1] is None:
        raise FileProblem("no header row" if not numbered else errors.get(numbered[0][0] - 1, "no header row"))
    header = [h.strip() for h in numbered[0][1]]
    problem = screen_row(header, [], max_field_chars)
    if problem:
        raise FileProblem(f"header row: {problem}", f"row {numbered[0][0]}")
    rejects, kept = [], []
    for n, r in numbered[1:]:
        problem = errors.get(n - 1) if r is None else screen_row(r, header, max_field_chars)
        if problem:
            rejects.append((n, problem, delimiter.join(r or [])[:1000]))
        else:
            kept.append((n, r))
    extra = [r for _, r in kept[: header_rows - 1]]
    body = kept[header_rows - 1:]
    return CsvRecords(
        header=header,
        extra_header_rows=extra,
        rows=[r for _, r in body],
        row_numbers=[n for n, _ in body],
        delimiter=delimiter,
        rejects=rejects,
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
