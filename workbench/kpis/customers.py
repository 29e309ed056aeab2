"""Account KPIs: retention, churn, revenue retention, referrals, time to value."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .stats import Figure, median_figure, ratio_figure, share_figure
from .window import Window


@dataclass(frozen=True)
class Cohorts:
    """Boolean masks over the accounts table for one quarter."""

    existing: pd.Series  # start_date < first and (no end_date or end_date >= first)
    left: pd.Series  # end_date within Q
    acquired: pd.Series  # start_date within Q
    active: pd.Series  # a customer at any time in Q


def cohorts(accounts: pd.DataFrame, w: Window) -> Cohorts:
    start, end = accounts["start_date"], accounts["end_date"]
    still_there = end.isna() | (end >= w.first)
    return Cohorts(
        existing=(start < w.first) & still_there,
        left=w.within(end),
        acquired=w.within(start),
        active=(start <= w.last) & still_there,
    )


def retention(t, w: Window) -> Figure:
    c = cohorts(t["accounts"], w)
    existing = int(c.existing.sum())
    return share_figure(existing - int((c.existing & c.left).sum()), existing)


def churn(t, w: Window) -> Figure:
    c = cohorts(t["accounts"], w)
    base = c.existing | c.acquired
    return share_figure(int((c.left & base).sum()), int(base.sum()))


def arr_movement(t, w: Window) -> pd.DataFrame:
    """Start (previous quarter's end) and end (Q's end) ARR of the accounts existing at Q's start."""
    accounts = t["accounts"]
    ids = pd.Index(accounts.loc[cohorts(accounts, w).existing, "account_id"].dropna().unique())
    arr = t["arr"]

    def at(quarter: str) -> pd.Series:
        rows = arr[arr["quarter"] == quarter]
        return rows.groupby("account_id")["arr"].sum().reindex(ids, fill_value=0.0).astype(float)

    return pd.DataFrame({"start": at(w.previous), "end": at(w.quarter)}, index=ids)


def nrr(t, w: Window) -> Figure:
    m = arr_movement(t, w)
    return ratio_figure(m["end"].sum(), m["start"].sum(), len(m))


def expansion(t, w: Window) -> Figure:
    m = arr_movement(t, w)
    kept = m[m["end"] > 0]
    return ratio_figure((kept["end"] - kept["start"]).clip(lower=0).sum(), m["start"].sum(), len(m))


def contraction(t, w: Window) -> Figure:
    m = arr_movement(t, w)
    kept = m[m["end"] > 0]
    return ratio_figure((kept["start"] - kept["end"]).clip(lower=0).sum(), m["start"].sum(), len(m))


def churned_arr(t, w: Window) -> Figure:
    m = arr_movement(t, w)
    return ratio_figure(m.loc[m["end"] <= 0, "start"].sum(), m["start"].sum(), len(m))


def referral_rate(t, w: Window) -> Figure:
    accounts = t["accounts"]
    acquired = accounts[cohorts(accounts, w).acquired]
    return share_figure(int(acquired["referred_by"].notna().sum()), len(acquired))


def _acquired_value(t, w: Window) -> tuple[pd.DataFrame, pd.Series]:
    accounts = t["accounts"]
    acquired = accounts[cohorts(accounts, w).acquired]
    return acquired, acquired["first_value_date"].notna()


def time_to_value(t, w: Window) -> Figure:
    acquired, reached = _acquired_value(t, w)
    days = (acquired.loc[reached, "first_value_date"] - acquired.loc[reached, "start_date"]).dt.days
    waiting = int((~reached).sum())
    return median_figure(days, detail=f"{waiting} of {len(acquired)} acquired in {w.quarter} not at value yet")


def ttv_not_reached(t, w: Window) -> Figure:
    acquired, reached = _acquired_value(t, w)
    return Figure(float((~reached).sum()), len(acquired))


MEASURES = {
    "retention": retention, "churn": churn, "nrr": nrr, "expansion": expansion,
    "contraction": contraction, "churned_arr": churned_arr, "referral_rate": referral_rate,
    "time_to_value": time_to_value, "ttv_not_reached": ttv_not_reached,
}
