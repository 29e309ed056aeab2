"""The theme stage's aggregations as Dask reductions, for the cluster path (``--cluster``).

Each is the one-process computation's ``groupby`` written in ``dask.dataframe`` over partitions of
its tables (:func:`workbench.cluster.partitioned`), computed on the client's cluster, then put in the
order pandas gives. They count and sum whole numbers, which partitions cannot change: the figures
made from them (shares, NPS, impact) are the one-process figures exactly. ``tests/test_cluster.py``
compares them on a LocalCluster of 2 workers.
"""
from __future__ import annotations

import pandas as pd

from ..cluster import compute, partitioned
from .impact import COUNTS, TOTALS


def impact_counts_on(client, responses: pd.DataFrame, assignments: pd.DataFrame, keys: list[str],
                     theme_column: str = "theme_id") -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`.impact.impact_counts` of these responses and assignments, on the cluster."""
    columns = ["response_id", "evidence_id", *keys, "_promoter", "_passive", "_detractor"]
    table = partitioned(client, responses[list(dict.fromkeys(columns))])
    themed = assignments[["evidence_id", theme_column]].dropna(subset=[theme_column]).rename(
        columns={theme_column: "theme_id"})
    linked = table[["response_id", "evidence_id"]].dropna(subset=["evidence_id"])
    mentions = linked.merge(partitioned(client, themed), on="evidence_id", how="inner")[
        ["response_id", "theme_id"]].drop_duplicates()
    mentioning = mentions.merge(table.drop(columns=["evidence_id"]), on="response_id", how="inner")
    totals = table.groupby(keys, dropna=False).agg(**TOTALS)
    counts = mentioning.groupby([*keys, "theme_id"], dropna=False).agg(**COUNTS)
    totals, counts = compute(client, totals, counts)
    return totals.sort_index(), counts.sort_index().reset_index()


def theme_quarters_on(client, statements: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """:func:`.summaries.theme_quarters` on the cluster: per theme and quarter, the statements that
    mention it, their accounts (distinct) and the share of the quarter's statements."""
    table = partitioned(client, statements[["evidence_id", "quarter", "account_id"]])
    themed = partitioned(client, pairs.dropna(subset=["theme_id"])[["evidence_id", "theme_id"]])
    merged = themed.merge(table, on="evidence_id")
    by = ["theme_id", "quarter"]
    mentions, accounts, totals = compute(client, merged.groupby(by).size(),
                                         merged.groupby(by)["account_id"].nunique(), table.groupby("quarter").size())
    out = pd.DataFrame({"mentions": mentions.sort_index(), "accounts": accounts.sort_index()}).reset_index()
    out["mentions"] = out["mentions"].astype("int64")
    out["accounts"] = out["accounts"].fillna(0).astype("int64")
    out["share"] = out["mentions"] / out["quarter"].map(totals)
    return out
