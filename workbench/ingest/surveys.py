"""NPS survey exports: generic, Qualtrics and SurveyMonkey layouts (and any configured ones)."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from .context import Context
from .fields import Field, first_seen_duplicates, validate
from .reading import FileProblem, read_csv_records, read_text

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


@lru_cache(maxsize=1)
def shipped_layouts() -> dict:
    text = resources.files("workbench").joinpath("mappings/surveys.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def layouts(ctx: Context) -> dict[str, dict]:
    return {**shipped_layouts()["layouts"], **ctx.settings.survey_layouts}


def detect_layout(header: list[str], rel: str, ctx: Context) -> tuple[str, dict]:
    known = layouts(ctx)
    forced = ctx.settings.survey_files.get(rel)
    if forced:
        if forced not in known:
            raise FileProblem(f"workbench.yml names layout '{forced}' for this file; known: {', '.join(known)}")
        return forced, known[forced]
    present = set(header)
    for name, spec in known.items():
        if all(col in present for col in spec.get("detect", [])):
            return name, spec
    raise FileProblem(
        "unrecognised survey layout: header has none of the known layouts' columns "
        f"({'; '.join(f'{n}: ' + ', '.join(s.get('detect', [])) for n, s in known.items())}); "
        "add a survey_layouts entry to workbench.yml"
    )


def resolve_columns(header: list[str], spec: dict) -> dict[str, int]:
    """Map target field -> column index, from names or `re:` patterns."""
    resolved = {}
    for target, source in spec.get("columns", {}).items():
        if source is None:
            continue
        source = str(source)
        if source.startswith("re:"):
            pattern = re.compile(source[3:])
            hits = [i for i, h in enumerate(header) if pattern.search(h)]
        else:
            hits = [i for i, h in enumerate(header) if h == source]
        if hits:
            resolved[target] = hits[0]
    return resolved


def load_survey(path: Path, ctx: Context) -> None:
    rel = ctx.rel(path)
    ctx.ledger.entry(rel, "nps")
    text = read_text(path).text
    first = read_csv_records(text, header_rows=1)
    try:
        layout, spec = detect_layout(first.header, rel, ctx)
    except FileProblem as problem:
        if not first.rows:
            raise
        for n, row in zip(first.row_numbers, first.rows):  # every row kept, with the reason
            ctx.ledger.reject(rel, f"row {n}", problem.reason, first.delimiter.join(row))
        return
    ctx.ledger.entry(rel, "nps", layout)
    header_rows = int(spec.get("header_rows", 1))
    records = read_csv_records(text, header_rows=header_rows, delimiter=first.delimiter) if header_rows != 1 else first
    columns = resolve_columns(records.header, spec)
    width = len(records.header)
    locators = [f"row {n}" for n in records.row_numbers]
    required = shipped_layouts().get("required", ["response_id", "date", "score"])
    missing = [t for t in required if t not in columns]
    if missing:
        spec_cols = spec.get("columns", {})
        reason = (
            f"missing required column '{spec_cols.get(missing[0], missing[0])}' "
            f"for {missing[0]} ({layout} layout)"
        )
        for loc, row in zip(locators, records.rows):
            ctx.ledger.reject(rel, loc, reason, records.delimiter.join(row))
        return
    # ragged rows: too many fields cannot be placed; too few are padded (spreadsheets drop trailing blanks)
    good_rows, good_locs = [], []
    for loc, row in zip(locators, records.rows):
        if len(row) > width:
            ctx.ledger.reject(rel, loc, f"row has {len(row)} fields, header has {width}", records.delimiter.join(row))
            continue
        good_rows.append(row + [""] * (width - len(row)))
        good_locs.append(loc)
    frame = pd.DataFrame(
        {target: [r[i] for r in good_rows] for target, i in columns.items()},
        index=pd.RangeIndex(len(good_rows)),
    )
    frame["locator"] = good_locs
    names = _respondent_names(frame)
    for name in names.dropna().unique():  # bad rows' names too: they are redacted in the quarantine
        ctx.known_names.add(name, "Respondent")
    parsed, reasons = validate(frame, FIELDS, spec.get("date_order", "ymd"))
    comment = parsed["comment"].fillna("")
    both_empty = parsed["score"].isna() & (comment.str.strip() == "")
    reasons = reasons.where(~(both_empty & reasons.notna()), "empty response: no score and no comment")
    dup = first_seen_duplicates(
        parsed["response_id"].where(reasons.isna()), rel + " " + frame["locator"], ctx.seen("nps")
    )
    reasons = reasons.fillna(dup)
    bad = reasons.notna()
    for idx in reasons.index[bad]:
        ctx.ledger.reject(rel, frame.at[idx, "locator"], reasons.at[idx], records.delimiter.join(good_rows[idx]))
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


def _respondent_names(frame: pd.DataFrame) -> pd.Series:
    if "respondent_name" in frame:
        names = frame["respondent_name"]
    else:
        first = frame.get("respondent_first_name", pd.Series("", index=frame.index)).fillna("")
        last = frame.get("respondent_last_name", pd.Series("", index=frame.index)).fillna("")
        names = (first.str.strip() + " " + last.str.strip()).str.strip()
    names = names.fillna("").astype(str).str.strip()
    return names.where(names != "", None)
