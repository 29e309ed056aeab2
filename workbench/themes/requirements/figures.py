"""A requirement's figures from its statements, for every requirement at once.

The figures (:data:`FIGURES`) are counted in two steps. First the statements are reduced to
whole-number counts per requirement and to its distinct accounts and quarters
(:func:`_reduce`); this is written once against the API pandas and ``dask.dataframe`` share, so
with a Dask client it runs as Dask reductions on the cluster's workers, and without one in this
process. Then the same code finishes both (:func:`_finish`): account ids sorted, ARR summed over
them, the detractor share, the first and last quarter. Counts and distinct pairs do not depend
on how the statements were partitioned, so the figures are the same either way
(``tests/test_requirement_priority.py`` compares them on a LocalCluster of 2 workers).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from ...contract import is_detractor

#: the figures :func:`figures_by_group` computes, the same way for the whole folder and a segment
FIGURES = ["mentions", "accounts", "account_ids", "arr_at_stake", "nps_responses", "detractor_share",
           "first_quarter", "last_quarter", "mentions_now", "mentions_before"]


def latest_arr(arr: pd.DataFrame | None, accounts: pd.DataFrame | None, as_of: str | None) -> dict[str, float] | None:
    """Latest ARR per account (at or before ``as_of``); accounts that ended count 0. None when
    the folder has no ARR data at all (ARR at stake is then unknown, not $0)."""
    if arr is None or arr.empty:
        return None
    frame = arr[["account_id", "quarter", "arr"]].dropna(subset=["account_id", "quarter"])
    if as_of is not None:
        frame = frame[frame["quarter"].astype(str) <= str(as_of)]
    latest = frame.sort_values(["account_id", "quarter"]).groupby("account_id")["arr"].last()
    values = {str(k): float(v) for k, v in latest.fillna(0.0).items()}
    if accounts is not None and "end_date" in accounts.columns:
        cutoff = pd.Period(as_of, "Q").end_time if as_of else pd.Timestamp.max
        ended = accounts[pd.to_datetime(accounts["end_date"]).le(cutoff)]["account_id"].astype(str)
        for account in ended:
            if account in values:
                values[account] = 0.0
    return values


def nps_scores(nps: pd.DataFrame | None) -> dict[str, float]:
    """The NPS score of each statement that is an NPS response's comment (evidence id -> score)."""
    if nps is None or not len(nps):
        return {}
    linked = nps.dropna(subset=["evidence_id"])
    return dict(zip(linked["evidence_id"].astype(str), pd.to_numeric(linked["score"], errors="coerce")))


def _statements(members: pd.DataFrame, key: str, scores: Mapping[str, float], as_of: str | None) -> pd.DataFrame:
    """One row per statement of a requirement: its group, account, quarter and the 0/1 counts."""
    n = len(members)
    account = (members["account_id"] if "account_id" in members else pd.Series([None] * n, index=members.index))
    quarter = (members["quarter"] if "quarter" in members else pd.Series([None] * n, index=members.index))
    account = [str(a) if a is not None and a == a else None for a in account]
    quarter = [str(q) if q is not None and q == q else None for q in quarter]
    score = pd.to_numeric(members["evidence_id"].map(lambda e: scores.get(e, np.nan)), errors="coerce").to_numpy()
    before = str(pd.Period(as_of, "Q") - 1) if as_of else None
    quarters = np.array(quarter, dtype=object)
    return pd.DataFrame({
        "key": members[key].to_numpy(),
        "account_id": pd.Series(account, dtype=object).to_numpy(),
        "quarter": quarters,
        "one": np.ones(n, dtype="int64"),
        "scored": (~np.isnan(score)).astype("int64"),
        "detractor": is_detractor(pd.Series(score)).to_numpy().astype("int64"),
        "now": (quarters == str(as_of)).astype("int64") if as_of else np.ones(n, dtype="int64"),
        "before": (quarters == before).astype("int64") if before else np.zeros(n, dtype="int64"),
    })


def _reduce(table):
    """Counts per requirement and its distinct (requirement, account) and (requirement, quarter)
    pairs: the same calls on a pandas frame and on a ``dask.dataframe``."""
    counts = table.groupby("key").agg(mentions=("one", "sum"), nps_responses=("scored", "sum"),
                                      detractors=("detractor", "sum"), mentions_now=("now", "sum"),
                                      mentions_before=("before", "sum"))
    accounts = table[["key", "account_id"]].dropna().drop_duplicates()
    quarters = table[["key", "quarter"]].dropna().drop_duplicates()
    return counts, accounts, quarters


def _finish(counts: pd.DataFrame, accounts: pd.DataFrame, quarters: pd.DataFrame,
            arr_now: dict[str, float] | None) -> pd.DataFrame:
    out = counts.sort_index()
    ids = accounts.sort_values(["key", "account_id"]).groupby("key")["account_id"].agg(list)
    out["account_ids"] = [ids.get(k, []) for k in out.index]
    out["accounts"] = [len(i) for i in out["account_ids"]]
    out["arr_at_stake"] = (np.nan if arr_now is None else
                           [float(sum(arr_now.get(a, 0.0) for a in i)) for i in out["account_ids"]])
    out["detractor_share"] = np.where(out["nps_responses"] > 0,
                                      out["detractors"] / out["nps_responses"].where(out["nps_responses"] > 0, 1),
                                      np.nan)
    span = quarters.groupby("key")["quarter"].agg(["min", "max"])
    out["first_quarter"] = [span["min"].get(k) for k in out.index]
    out["last_quarter"] = [span["max"].get(k) for k in out.index]
    for column in ("mentions", "nps_responses", "mentions_now", "mentions_before"):
        out[column] = out[column].astype("int64")
    return out[FIGURES]


def figures_by_group(members: pd.DataFrame, key: str, arr_now: dict[str, float] | None,
                     scores: Mapping[str, float], as_of: str | None = None, client=None) -> pd.DataFrame:
    """The figures of every requirement, one row per value of ``members[key]`` (the index).

    ``members``: the requirements' statements (``evidence_id``, ``account_id``, ``quarter``).
    ``mentions``; distinct ``accounts`` and their sorted ``account_ids``; ``arr_at_stake`` (their
    latest ARR summed; NaN when the folder has no ARR data, ``arr_now`` None); ``nps_responses``
    and ``detractor_share`` (of the NPS responses whose comment is one of the statements, score
    0-6; NaN when none); ``first_quarter``/``last_quarter``; ``mentions_now``/``mentions_before``
    (in quarter ``as_of`` and the one before it; without ``as_of`` all are now). ``client``: a
    Dask client, whose workers make the reductions.
    """
    table = _statements(members, key, scores, as_of)
    if client is None:
        reduced = _reduce(table)
    else:
        from ...cluster import compute, partitioned

        reduced = compute(client, *_reduce(partitioned(client, table)))
    return _finish(*reduced, arr_now)


def requirement_figures(members: pd.DataFrame, arr_now: dict[str, float] | None, scores: Mapping[str, float],
                        as_of: str | None = None) -> dict:
    """The figures (:func:`figures_by_group`) of one requirement's statements, as a dict."""
    if not len(members):
        return {"mentions": 0, "accounts": 0, "account_ids": [], "arr_at_stake": np.nan if arr_now is None else 0.0,
                "nps_responses": 0, "detractor_share": np.nan, "first_quarter": None, "last_quarter": None,
                "mentions_now": 0, "mentions_before": 0}
    return figures_by_group(members.assign(_group=0), "_group", arr_now, scores, as_of).iloc[0].to_dict()
