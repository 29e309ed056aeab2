"""NPS survey exports (CSV, TSV, Excel): generic, Qualtrics, SurveyMonkey, Typeform, Google Forms,
Delighted and Medallia-style layouts, and any configured in workbench.yml.

Columns are found by their names and question texts (survey_layout_detect), the file is refused whole
when a column does not hold what it was taken for (survey_checks), then rows are validated one by one.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .context import Context
from .fields import Field, first_seen_duplicates, parse_dates, validate
from .layouts import SurveyLayout
from .reading import FileProblem, read_csv_records, read_xlsx, screen_row
from .survey_checks import check_comment, check_score, excluded, numeric_persona, score_values
from .survey_layout_detect import (Resolved, describe, detect_layout, missing_reason, names_a_score,
                                   required_fields, resolve_columns)

#: comments that carry no content: kept as responses, but make no evidence row
PLACEHOLDER_COMMENTS = {"", "n/a", "na", "none", "-", "--", ".", "nothing", "no comment", "null"}

FIELDS = [
    Field("response_id", required=True),
    Field("date", "date", required=True),
    Field("score", "int", required=True, lo=0, hi=10),
    Field("account_id"),
    Field("persona"),
    Field("comment"),
]


@dataclass
class Table:
    """One table of an export: its records (header rows included) and where each sits."""

    rows: list[list[str]]
    numbers: list[int]
    delimiter: str
    #: put before "row N" in locators: the sheet, in a workbook of several
    where: str = ""
    #: (row number, reason, raw) of rows left out as they were read
    rejects: list[tuple[int, str, str]] = field(default_factory=list)

    def locator(self, number: int) -> str:
        return f"{self.where}row {number}"

    def raw(self, row: list[str]) -> str:
        return self.delimiter.join(row)


def read_tables(path: Path, ctx: Context) -> list[Table]:
    """A CSV/TSV file's one table, or a workbook's sheets (each its own table). Rows that must not be
    stored (a field over limits.max_field_chars, a control character, a record the csv module could
    not parse) are in each table's ``rejects``."""
    suffix = path.suffix.lower()
    limit = ctx.settings.max_field_chars
    if suffix == ".xlsx":
        tables = []
        sheets = read_xlsx(path)
        for sheet in sheets:
            table = Table([], [], ",", f"sheet '{sheet.name}' " if len(sheets) > 1 else "")
            for n, row in zip(sheet.row_numbers, sheet.rows):
                problem = screen_row(row, sheet.rows[0], limit) if table.rows else None
                if problem:
                    table.rejects.append((n, problem, ",".join(row)))
                else:
                    table.rows.append(row)
                    table.numbers.append(n)
            tables.append(table)
        return tables
    text = ctx.read_text(path).text
    records = read_csv_records(text, header_rows=1, delimiter="\t" if suffix == ".tsv" else None, max_field_chars=limit)
    return [Table([records.header] + records.rows, [0] + records.row_numbers, records.delimiter, "", records.rejects)]


def load_survey(path: Path, ctx: Context) -> None:
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "nps")
    for table in read_tables(path, ctx):
        for n, reason, raw in table.rejects:
            ctx.ledger.reject(rel, table.locator(n), reason, raw)
        try:
            _load_table(rel, table, ctx)
        except FileProblem as problem:
            if ctx.ledger.files[rel].rows_read == 0:
                raise
            # a later sheet with nothing to count: said beside the counts, not lost
            ctx.ledger.warn(rel, table.where.strip() or problem.locator, problem.reason)


def _reject_all(ctx: Context, rel: str, table: Table, reason: str, rows: list, numbers: list) -> None:
    if not rows:
        raise FileProblem(reason)
    for n, row in zip(numbers, rows):  # every row kept, with the reason
        ctx.ledger.reject(rel, table.locator(n), reason, table.raw(row))


def _load_table(rel: str, table: Table, ctx: Context) -> None:
    header = [h.strip() for h in table.rows[0]]
    try:
        layout_name, layout = detect_layout(header, rel, ctx)
    except FileProblem as problem:
        _reject_all(ctx, rel, table, problem.reason, table.rows[1:], table.numbers[1:])
        return
    ctx.ledger.entry(rel, "nps", layout_name)
    extra = _extra_header_rows(header, table.rows[1: layout.header_rows], layout)
    width = len(header)
    block = [header] + table.rows[1: 1 + extra]
    qrow = block[layout.question_row - 1] if layout.question_row <= len(block) else header
    questions = [qrow[i].strip() if i < len(qrow) else "" for i in range(width)]
    rows, numbers = table.rows[1 + extra:], table.numbers[1 + extra:]
    if not rows:  # an everyday export: the survey had no responses yet
        ctx.ledger.warn(rel, table.where.strip() or "file", f"no responses: only the {layout_name} header rows")
        return
    try:
        found = resolve_columns(header, questions, layout)
    except FileProblem as problem:
        _reject_all(ctx, rel, table, problem.reason, rows, numbers)
        return
    missing = [t for t in required_fields(layout) if t not in found.columns]
    if missing:
        _reject_all(ctx, rel, table, missing_reason(missing[0], layout_name, layout), rows, numbers)
        return
    # ragged rows: too many fields cannot be placed; too few are padded (spreadsheets drop trailing blanks)
    good_rows, good_locs = [], []
    for n, row in zip(numbers, rows):
        if len(row) > width:
            ctx.ledger.reject(rel, table.locator(n), f"row has {len(row)} fields, header has {width}", table.raw(row))
            continue
        good_rows.append(row + [""] * (width - len(row)))
        good_locs.append(table.locator(n))
    columns = _Columns(layout_name, layout, found, header, questions)
    _load_rows(rel, table, ctx, columns, good_rows, good_locs)


def _extra_header_rows(header: list[str], candidates: list[list[str]], layout: SurveyLayout) -> int:
    """How many of the layout's extra header rows this file really has.

    Exports are often re-saved without them (a Qualtrics file opened and saved in a spreadsheet
    with rows 2-3 deleted; SurveyMonkey's condensed export has one header row): a row whose date
    cell reads as a date is a response, never a header, so no response is taken for a header
    and lost uncounted.
    """
    source = str(layout.columns.get("date") or "")
    if not source:
        return len(candidates)
    if source.startswith("re:"):
        pattern = re.compile(source[3:])
        at = next((i for i, h in enumerate(header) if pattern.search(h)), None)
    else:
        at = header.index(source) if source in header else None
    if at is None:
        return len(candidates)
    for n, row in enumerate(candidates):
        cell = row[at] if at < len(row) else ""
        if pd.notna(parse_dates(pd.Series([cell]), layout.date_order, layout.date_format).iloc[0]):
            return n
    return len(candidates)


@dataclass
class _Columns:
    layout_name: str
    layout: SurveyLayout
    found: Resolved
    header: list[str]
    questions: list[str]

    def describe(self, target: str) -> str:
        return describe(self.found.columns[target], self.header, self.questions)


def _load_rows(rel: str, table: Table, ctx: Context, cols: _Columns, good_rows: list[list[str]],
               good_locs: list[str]) -> None:
    found = cols.found
    frame = pd.DataFrame({target: [r[i] for r in good_rows] for target, i in found.columns.items()},
                         index=pd.RangeIndex(len(good_rows)), dtype=object)
    frame["locator"] = good_locs
    names = _respondent_names(good_rows, found)
    for name in names.dropna().unique():  # bad rows' names too: they are redacted in the quarantine
        ctx.known_names.add(name, "Respondent")
    ctx.known_names.add_identifiers_from(row[i] for row in good_rows for i in found.multi.get("respondent_email", []))
    exclusions = pd.Series(excluded(good_rows, cols.header, cols.layout.exclude), index=frame.index, dtype=object)
    live = exclusions.isna()
    frame["score"] = score_values(frame["score"])
    score_at = found.columns["score"]
    named = found.score_by == "nps_group" or names_a_score(score_at, cols.header, cols.questions)
    refusal = check_score(frame.loc[live, "score"], cols.describe("score"), named)
    if refusal is None and "comment" in frame:
        refusal = check_comment(frame.loc[live, "comment"], cols.describe("comment"), PLACEHOLDER_COMMENTS)
    if refusal is not None:  # the whole file, every row, rather than one wrong number
        for loc, row in zip(good_locs, good_rows):
            ctx.ledger.reject(rel, loc, refusal, table.raw(row))
        return
    if "persona" in frame and numeric_persona(frame.loc[live, "persona"]):
        ctx.ledger.warn(rel, table.where.strip() or "file",
                        f"column {cols.describe('persona')} holds numbers (the codes of a numeric export), not "
                        "role names: persona left empty; export choice text to keep roles")
        frame["persona"] = ""
    if "response_id" not in frame:
        frame["response_id"] = _derived_ids(cols, good_rows)
    for idx in exclusions.index[~live]:
        ctx.ledger.reject(rel, good_locs[idx], exclusions[idx], table.raw(good_rows[idx]))
    frame, names = frame[live], names[live]
    _accept_valid(rel, table, ctx, cols, frame, names, good_rows)


def _accept_valid(rel: str, table: Table, ctx: Context, cols: _Columns, frame: pd.DataFrame, names: pd.Series,
                  good_rows: list[list[str]]) -> None:
    parsed, reasons = validate(frame, FIELDS, cols.layout.date_order, cols.layout.date_format)
    comment = parsed["comment"].fillna("")
    both_empty = parsed["score"].isna() & (comment.str.strip() == "")
    reasons = reasons.where(~(both_empty & reasons.notna()), "empty response: no score and no comment")
    dup = first_seen_duplicates(
        parsed["response_id"].where(reasons.isna()), rel + " " + frame["locator"], ctx.seen("nps")
    )
    reasons = reasons.fillna(dup)
    bad = reasons.notna()
    for idx in reasons.index[bad]:
        ctx.ledger.reject(rel, frame.at[idx, "locator"], reasons.at[idx], table.raw(good_rows[idx]))
    ok = parsed[~bad].copy()
    ctx.ledger.accept(rel, len(ok))
    if ok.empty:
        return
    ok["locator"] = frame.loc[~bad, "locator"]
    ok["source_file"] = rel
    names = names[~bad]
    ok["score"] = ok["score"].astype(int)
    has_comment = ~ok["comment"].fillna("").str.strip().str.lower().isin(PLACEHOLDER_COMMENTS)
    responses = ok[["response_id", "account_id", "date", "score", "persona", "source_file", "locator"]].copy()
    responses["_has_comment"] = has_comment.to_numpy()
    ctx.add_table("nps_responses", responses)
    ev = ok[has_comment]
    ctx.add_evidence(pd.DataFrame({
        "source": "nps",
        "kind": "comment",
        "source_file": rel,
        "locator": ev["locator"],
        "account_id": ev["account_id"],
        "persona": ev["persona"],
        "speaker_role": "customer",
        "date": ev["date"],
        "score": ev["score"].astype(float),
        "text": ev["comment"],
        "_local": [[(n, "Respondent")] if isinstance(n, str) else None for n in names[has_comment]],
        "_response_id": ev["response_id"],
    }))


def _derived_ids(cols: _Columns, rows: list[list[str]]) -> list[str]:
    """Ids for exports that have none (Google Forms): a hash of the answers, so the same response in two
    overlapping exports is caught as a duplicate; blank where every source value is blank."""
    sources = [[cols.found.columns[t]] if t in cols.found.columns else cols.found.multi.get(t, [])
               for t in cols.layout.derive_id]
    ids = []
    for row in rows:
        values = ["|".join(row[i].strip() for i in at) for at in sources]
        if not any(values):
            ids.append("")
            continue
        digest = hashlib.sha1("\x1f".join(values).encode("utf-8")).hexdigest()[:12]
        ids.append(f"{cols.layout_name}-{digest}")
    return ids


def _respondent_names(rows: list[list[str]], found: Resolved) -> pd.Series:
    """Each row's respondent name (full name, else first + last), for redaction; None where none."""
    def cells(target: str) -> list[str]:
        at = found.multi.get(target, [])
        return [" ".join(row[i].strip() for i in at if row[i].strip()) for row in rows]

    full, first, last = cells("respondent_name"), cells("respondent_first_name"), cells("respondent_last_name")
    names = [f or f"{a} {b}".strip() for f, a, b in zip(full, first, last)]
    if not any(found.multi.get(t) for t in ("respondent_name", "respondent_first_name", "respondent_last_name")):
        # no name column (Google Forms collects only the address): "lena.fischer@..." names Lena Fischer
        names = [_name_from_email(e) for e in cells("respondent_email")]
    series = pd.Series(names, index=pd.RangeIndex(len(rows)), dtype=object)
    return series.where(series != "", None)


EMAIL_NAME = re.compile(r"^([A-Za-z]{2,})[._]([A-Za-z]{2,})@")


def _name_from_email(address: str) -> str:
    match = EMAIL_NAME.match(address.strip())
    return f"{match.group(1).title()} {match.group(2).title()}" if match else ""
