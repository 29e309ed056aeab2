"""The quarter a figure is computed for."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..contract import quarter_bounds


@dataclass(frozen=True)
class Window:
    """Quarter Q = [first, last] (whole days), the quarter before it, and the as-of date."""

    quarter: str
    first: pd.Timestamp
    last: pd.Timestamp
    previous: str
    as_of: pd.Timestamp

    @classmethod
    def of(cls, quarter: str, as_of=None) -> "Window":
        first, last = quarter_bounds(quarter)
        previous = str(pd.Period(quarter, freq="Q") - 1)
        as_of = pd.Timestamp(as_of).normalize() if as_of is not None else last
        return cls(quarter, first, last, previous, as_of)

    def within(self, dates: pd.Series) -> pd.Series:
        """True where a (day) date falls within Q."""
        return (dates >= self.first) & (dates <= self.last)


def in_quarter(frame: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The rows of an event table whose event date is in the window's quarter."""
    return frame[frame["_quarter"] == window.quarter]
