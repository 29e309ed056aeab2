"""The insight report's requirements: a prioritised table with every part of the score beside it,
how the score is computed, and the quotes behind the top requirements."""
from __future__ import annotations

import pandas as pd

from ..themes.requirements.priority import HOW
from .html import HTML, esc, paragraph, pct, quote, table
from .quotes import distinct_texts


def arr_text(value) -> str:
    """ARR at stake as money; "n/a" when the folder has no ARR data (never a made-up $0)."""
    return "n/a" if value is None or pd.isna(value) else f"${value:,.0f}"


def _part(value) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{value:.2f}"


def requirements_table(data, n: int = 15) -> HTML:
    """The requirements seen in the reported quarter, by priority (highest first)."""
    req = data.requirements.copy()
    if req.empty:
        return paragraph("No requirements detected.")
    in_q = req[(req["first_quarter"] <= data.quarter) & (req["last_quarter"] >= data.quarter)] if "first_quarter" in req else req
    req = in_q if len(in_q) else req
    if "priority" in req:
        req = req.sort_values(["priority", "mentions"], ascending=[False, False], kind="mergesort")
    req = req.head(n).copy()
    dates = req["status_date"] if "status_date" in req else pd.Series(None, index=req.index)
    req["status_shown"] = [f"{s} {d}" if isinstance(d, str) and d and s != "open" else s
                           for s, d in zip(req["status"], dates)]
    columns = {"statement": "requirement", "requirement_id": "id"}
    if "priority" in req:
        # the four parts in one cell, so the table fits a page
        req["parts"] = [" / ".join(_part(r[k]) for k in ("reach", "revenue", "pain", "trend")) for _, r in req.iterrows()]
        columns.update({"priority": "priority", "parts": "reach / revenue / pain / trend"})
    if "first_quarter" in req:
        req["seen"] = [f if f == last or not isinstance(last, str) else f"{f}–{last}"
                       for f, last in zip(req["first_quarter"], req["last_quarter"])]
    columns.update({"theme_label": "theme", "mentions": "mentions", "accounts": "accounts",
                    "arr_at_stake": "ARR at stake", "detractor_share": "detractors", "seen": "seen",
                    "status_shown": "status"})
    columns = {k: v for k, v in columns.items() if k in req}
    how = paragraph(HOW) if "priority" in req else HTML("")
    return how + table(
        req, columns,
        formats={"arr_at_stake": arr_text, "detractor_share": pct, "priority": lambda v: f"{v:.0f}"},
        numeric=[c for c in ("priority", "parts", "mentions", "accounts", "arr_at_stake", "detractor_share")
                 if c in columns], download="requirements.csv",
    )


def requirement_quotes(data, n: int = 5) -> HTML:
    req = data.requirements
    if "priority" in req:
        req = req.sort_values(["priority", "mentions"], ascending=[False, False], kind="mergesort")
    parts = []
    for _, r in req.head(n).iterrows():
        parts.append(f"<h4>{esc(r['statement'])}</h4>")
        quotes = r.get("quotes") or []
        for q in [quotes[i] for i in distinct_texts([q.get("text", "") for q in quotes], 3)]:   # no text twice
            parts.append(str(quote(q.get("text", ""), f"{q.get('source_file', '')} {q.get('locator', '')}")))
    return HTML("".join(parts))
