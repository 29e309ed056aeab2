"""CSV files a person will open in a spreadsheet, written so no cell runs as a formula.

OWASP's advice for CSV injection: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is prefixed with a single quote, which spreadsheets show but do not run. Only
the written file is changed; the store keeps the raw value. Numeric columns are left as numbers.
"""
from __future__ import annotations

import os

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as formulas (column names too)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, **kwargs) -> None:
    """``frame.to_csv(path, index=False)`` with every text cell neutralised."""
    kwargs.setdefault("index", False)
    safe_frame(frame).to_csv(path, **kwargs)
