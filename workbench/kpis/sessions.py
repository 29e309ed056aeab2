"""Research-session KPIs: customer exposure hours and follow-up on action items."""
from __future__ import annotations

import pandas as pd

from .stats import Figure, median_figure, share_figure
from .window import Window, in_quarter

NO_OWNER = "(no owner)"


def exposure_hours(t, w: Window) -> Figure:
    held = in_quarter(t["sessions"], w)
    hours = (held["company_attendees"] * held["duration_minutes"] / 60.0).sum()
    return Figure(float(hours), len(held))


def _items(t, w: Window) -> pd.DataFrame:
    return in_quarter(t["action_items"], w)


def owners(items: pd.DataFrame) -> str:
    """'Note-taker (Product): 2, Engineering: 1': who owns these items, most first."""
    names = items["owner"]
    if "owner_team" in items.columns:
        names = names.fillna(items["owner_team"])
    counts = names.fillna(NO_OWNER).value_counts()
    counts = counts.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    return ", ".join(f"{name}: {count}" for name, count in counts.items())


def overdue(items: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Open items due before the as-of date."""
    return (items["status"] == "open") & (items["due_date"] < as_of)


def action_items_closed(t, w: Window) -> Figure:
    items = _items(t, w)
    return share_figure(int((items["status"] == "done").sum()), len(items))


def action_item_days_to_close(t, w: Window) -> Figure:
    items = _items(t, w)
    closed = items[(items["status"] == "done") & items["closed_date"].notna()]
    return median_figure((closed["closed_date"] - closed["session_date"].dt.normalize()).dt.days)


def action_items_open(t, w: Window) -> Figure:
    items = _items(t, w)
    still_open = items[items["status"] == "open"]
    return Figure(float(len(still_open)), len(items), detail=owners(still_open) or None)


def action_items_overdue(t, w: Window) -> Figure:
    items = _items(t, w)
    late = items[overdue(items, w.as_of)]
    return Figure(float(len(late)), len(items), detail=owners(late) or None)


MEASURES = {
    "exposure_hours": exposure_hours,
    "action_items_closed": action_items_closed,
    "action_item_days_to_close": action_item_days_to_close,
    "action_items_open": action_items_open,
    "action_items_overdue": action_items_overdue,
}
