"""Vectorised parsing and validation of tabular fields, with a human reason per bad row."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

DATE_FORMATS = {
    "ymd": ["%Y/%m/%d", "%Y.%m.%d"],
    "mdy": ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%y"],
    "dmy": ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%y"],
}
#: tried whatever the order: none of these can be read two ways (year-first slashes are Google Forms' stamps)
ALWAYS = ["%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %I:%M %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
          "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y"]
#: a zone written after a stamp, as exports do: "... UTC", "... GMT", "... GMT-7", "... UTC+05:30".
#: "GMT-7" means seven hours behind UTC (the everyday reading, not the inverted POSIX "Etc/GMT-7"). Neither
#: pandas nor strptime reads these words with an offset (%Z knows only bare names), hence this pattern.
ZONE_SUFFIX = re.compile(r"^(?P<stamp>.*\d.*?)\s*(?<![A-Za-z])(?:UTC|GMT)(?:\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?)?$",  # noqa: E501 (a regular expression reads best on one line)
                         re.IGNORECASE)
MIN_DATE, MAX_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2199-12-31")
TRUE = {"true", "yes", "y", "1", "t"}
FALSE = {"false", "no", "n", "0", "f", ""}


def split_zone(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Stamps without their zone suffix, and each suffix's offset from UTC in minutes (0 where none)."""
    parts = values.str.extract(ZONE_SUFFIX)
    has = parts["stamp"].notna()
    minutes = parts["h"].astype(float).fillna(0) * 60 + parts["m"].astype(float).fillna(0)
    minutes = minutes.where(parts["sign"] != "-", -minutes)
    return values.where(~has, parts["stamp"]), minutes.where(has, 0.0)


def parse_dates(values: pd.Series, order: str = "ymd", fmt: str | None = None) -> pd.Series:
    """Dates (midnight, UTC) from strings in ISO, and the given order's, formats; NaT when unparseable.

    Stamps that carry a zone (an ISO offset, or a suffix such as ``UTC`` or ``GMT-7``) are converted to
    UTC before the time is dropped, so "2026/09/30 6:53:47 PM GMT-7" is 2026-10-01. Stamps without a zone
    are taken as they are. With ``fmt`` (a strptime format) only that format is used, after the suffix.
    """
    s = values.fillna("").astype(str).str.strip()
    s, offset = split_zone(s)
    if fmt:
        out = pd.to_datetime(s.where(s != ""), format=fmt, errors="coerce", utc=True).dt.tz_localize(None)
    else:
        out = pd.to_datetime(s.where(s != ""), format="ISO8601", errors="coerce", utc=True)
        out = out.dt.tz_localize(None)
        for form in DATE_FORMATS.get(order, []) + ALWAYS:
            todo = out.isna() & (s != "")
            if not todo.any():
                break
            out.loc[todo] = pd.to_datetime(s[todo], format=form, errors="coerce")
    out = out - pd.to_timedelta(offset, unit="m")
    out = out.dt.normalize()
    out = out.where((out >= MIN_DATE) & (out <= MAX_DATE))  # also keeps nanosecond timestamps in bounds
    return out.astype("datetime64[ns]")


def parse_date(value, order: str = "ymd") -> pd.Timestamp:
    """One date (midnight), by the same rules as ``parse_dates``; NaT when unparseable.

    A plain-Python fast path for the one-value-per-file dates of notes and transcripts.
    """
    if value is None:
        return pd.NaT
    if isinstance(value, (dt.date, dt.datetime)):
        stamp = pd.Timestamp(value)
    else:
        text = str(value).strip()
        if not text:
            return pd.NaT
        if ZONE_SUFFIX.match(text):  # "... GMT-7": the vectorised rules read the suffix
            return parse_dates(pd.Series([text]), order).iloc[0]
        stamp = None
        try:
            stamp = pd.Timestamp(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            for fmt in DATE_FORMATS.get(order, []) + ALWAYS:
                try:
                    stamp = pd.Timestamp(dt.datetime.strptime(text, fmt))
                    break
                except ValueError:
                    continue
        if stamp is None:
            return pd.NaT
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    stamp = stamp.normalize()
    return stamp if MIN_DATE <= stamp <= MAX_DATE else pd.NaT


_THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_DECIMAL_COMMA = r"^[+-]?\d+,(?:\d{1,2}|\d{4,})$"


def numeric_text(raw: pd.Series) -> pd.Series:
    """Numbers as pandas reads them: "1,234.5" loses its thousands comma; a decimal comma ("1,0",
    "7,25", as European spreadsheets write) becomes a point, so "1,0" is 1, never 10. Anything
    else with a comma is left as it is and reported as not a number."""
    thousands = raw.str.match(_THOUSANDS)
    decimal = raw.str.match(_DECIMAL_COMMA)
    out = raw.where(~thousands, raw.str.replace(",", "", regex=False))
    return out.where(~decimal, raw.str.replace(",", ".", regex=False))


@dataclass(frozen=True)
class Field:
    """One column of a table: how to parse it and what makes a value bad."""

    name: str
    kind: str = "str"  # str | date | int | float | bool
    required: bool = False
    lo: float | None = None
    hi: float | None = None


def validate(frame: pd.DataFrame, fields: list[Field], date_order: str = "ymd",
             date_format: str | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Parse ``frame``'s string columns by ``fields`` (dates by ``date_format`` alone when given).

    Returns the parsed frame and, per row, the first reason it is bad (None when good).
    """
    parsed = pd.DataFrame(index=frame.index)
    reasons = pd.Series(None, index=frame.index, dtype="object")

    def flag(mask: pd.Series, messages: pd.Series | str) -> None:
        mask = mask & reasons.isna()
        if mask.any():
            reasons.loc[mask] = messages[mask] if isinstance(messages, pd.Series) else messages

    text_cols = [c for c in frame.columns if c in {f.name for f in fields}]
    if text_cols and len(frame):
        flag(frame[text_cols].fillna("").astype(str).apply(lambda c: c.str.strip()).eq("").all(axis=1), "empty row")
    for f in fields:
        raw = frame[f.name].fillna("").astype(str).str.strip() if f.name in frame else pd.Series("", index=frame.index)
        empty = raw == ""
        if f.required:
            flag(empty, f"missing {f.name}")
        shown = "'" + raw.str.slice(0, 40) + "'"
        if f.kind == "str":
            parsed[f.name] = raw.where(~empty, None)
        elif f.kind == "date":
            values = parse_dates(raw, date_order, date_format)
            expected = f" does not match date_format '{date_format}'" if date_format else " is not a date"
            flag(~empty & values.isna(), f"{f.name} " + shown + expected + " (or not in 1900–2199)")
            parsed[f.name] = values
        elif f.kind in ("int", "float"):
            values = pd.to_numeric(numeric_text(raw).where(~empty), errors="coerce")
            flag(~empty & values.isna(), f"{f.name} " + shown + " is not a number")
            if f.kind == "int":
                frac = values.notna() & (values != np.round(values))
                flag(frac, f"{f.name} " + shown + " is not a whole number")
            if f.lo is not None or f.hi is not None:
                lo = -np.inf if f.lo is None else f.lo
                hi = np.inf if f.hi is None else f.hi
                if f.hi is None:
                    bounds = f"must be ≥ {f.lo:g}"
                elif f.lo is None:
                    bounds = f"must be ≤ {f.hi:g}"
                else:
                    bounds = f"out of range {f.lo:g}–{f.hi:g}"
                out = values.notna() & ((values < lo) | (values > hi))
                flag(out, f"{f.name} " + shown + f" {bounds}")
            parsed[f.name] = values.round().astype("Int64") if f.kind == "int" else values.astype(float)
        elif f.kind == "bool":
            low = raw.str.lower()
            bad = ~low.isin(TRUE | FALSE)
            flag(bad, f"{f.name} " + shown + " is not true/false")
            parsed[f.name] = low.isin(TRUE)
        else:  # pragma: no cover - programming error
            raise ValueError(f"unknown field kind {f.kind}")
    return parsed, reasons


def first_seen_duplicates(keys: pd.Series, locations: pd.Series, seen: dict[str, str]) -> pd.Series:
    """Reason for each key already seen (earlier in this file or in ``seen``); updates ``seen``."""
    reasons = pd.Series(None, index=keys.index, dtype="object")
    for idx, key, where in zip(keys.index, keys, locations):
        if key is None or (isinstance(key, float) and np.isnan(key)):
            continue
        if key in seen:
            reasons.at[idx] = f"duplicate id '{key}' (first at {seen[key]})"
        else:
            seen[key] = where
    return reasons
