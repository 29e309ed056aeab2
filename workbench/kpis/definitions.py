"""Every CX KPI's definition, written once, as data.

Each :class:`KpiDefinition` names a KPI and states its formula, the table columns it reads, its
unit, what its ``n`` counts, the minimum ``n`` below which it is reported as insufficient data,
the segments it can be cut by, and how a change from the previous quarter is tested.
:func:`definitions_markdown` renders them; ``docs/kpis.md`` is that output, and report appendices
call the same function, so the documentation cannot drift from what is computed.

Regenerate the page with ``python -m workbench.kpis.definitions > docs/kpis.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from ..contract import SEGMENTS as SEGMENT_COLUMNS

#: the default minimum n for survey figures (NPS, eNPS, CSAT, CES); a setting of `compute_kpis`
DEFAULT_SURVEY_MIN_N = 30

#: two-sided 95 % critical value used for margins of error and the change test
Z_95 = 1.96

#: customer segments every customer-side KPI can be cut by; NPS also by respondent persona
CUSTOMER_SEGMENTS = SEGMENT_COLUMNS  # the accounts' segments (workbench.contract)
SEGMENTS = (*CUSTOMER_SEGMENTS, "persona")

#: the ingest source (``ingest_files.source``) each KPI table is read from
TABLE_SOURCES = {
    "accounts": "accounts",
    "arr": "arr",
    "nps_responses": "nps",
    "tickets": "tickets",
    "enps": "enps",
    "sessions": "session_note",
    "action_items": "session_note",
}

#: units, with how values are written
UNITS = {
    "points": "NPS points, −100 to 100 (% promoters − % detractors)",
    "fraction": "a share from 0 to 1 (0.875 = 87.5 %)",
    "ratio": "a ratio of ARR sums, 1.0 = 100 %; may exceed 1",
    "score": "a mean score on the survey's own scale",
    "days": "days (median)",
    "hours": "hours (sum)",
    "count": "a count",
    "per_account": "tickets per account",
}

#: how the change from the previous quarter is tested (see `stats.change_test`)
TESTS = {
    "nps": "two-sample z on the difference of the two quarters' NPS, each side's variance "
           "100² × (pP + pD − (pP − pD)²) over its n; significant when |z| > 1.96",
    "proportion": "two-proportion z: (p1 − p0) / sqrt(p (1 − p) (1/n1 + 1/n0)) with p the "
                  "pooled share of both quarters; significant when |z| > 1.96",
    "mean": "two-sample (Welch) z on the difference of the two means, each side's sample "
            "variance over its n; significant when |z| > 1.96",
    None: "change only, no test (a ratio of sums, a median or a total has no simple variance)",
}


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI: what it is, how it is computed, from what, and when it is too thin to report."""

    id: str
    label: str
    group: str
    formula: str
    inputs: dict[str, tuple[str, ...]]
    unit: str
    n: str
    min_n: int
    segments: tuple[str, ...] = CUSTOMER_SEGMENTS
    test: str | None = None
    moe: str | None = None
    survey: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def sources(self) -> tuple[str, ...]:
        """The ingest sources whose quarantined rows this KPI would otherwise have used."""
        return tuple(dict.fromkeys(TABLE_SOURCES[t] for t in self.inputs))


_NPS_MOE = "1.96 × 100 × sqrt((pP + pD − (pP − pD)²) / n), in NPS points"
_SHARE_MOE = "1.96 × sqrt(p (1 − p) / n), in the KPI's unit"

DEFINITIONS: tuple[KpiDefinition, ...] = (
    # --- surveys -------------------------------------------------------------------------------
    KpiDefinition(
        id="nps", label="Net Promoter Score", group="Surveys",
        formula="Responses dated in Q. Promoters score 9–10, passives 7–8, detractors 0–6; "
                "NPS = 100 × (promoters − detractors) / responses.",
        inputs={"nps_responses": ("date", "score")},
        unit="points", n="NPS responses dated in Q", min_n=DEFAULT_SURVEY_MIN_N,
        segments=SEGMENTS, test="nps", moe=_NPS_MOE, survey=True,
        notes=("Cut by persona uses the respondent's persona as recorded by the survey; "
               "responses without one form the segment `(unknown)`.",),
    ),
    KpiDefinition(
        id="enps", label="Employee Net Promoter Score", group="Surveys",
        formula="Employee responses dated in Q, classified as for NPS; "
                "eNPS = 100 × (promoters − detractors) / responses.",
        inputs={"enps": ("date", "score")},
        unit="points", n="eNPS responses dated in Q", min_n=DEFAULT_SURVEY_MIN_N,
        segments=(), test="nps", moe=_NPS_MOE, survey=True,
        notes=("Employees have no customer segment: eNPS is reported for the whole company only.",),
    ),
    KpiDefinition(
        id="csat", label="Customer satisfaction (CSAT)", group="Surveys",
        formula="Tickets opened in Q with a CSAT answer (1–5); "
                "CSAT = answers of 4 or 5 / answers.",
        inputs={"tickets": ("opened_at", "csat")},
        unit="fraction", n="tickets opened in Q with a CSAT answer", min_n=DEFAULT_SURVEY_MIN_N,
        test="proportion", moe=_SHARE_MOE, survey=True,
    ),
    KpiDefinition(
        id="ces_mean", label="Customer effort score (mean)", group="Surveys",
        formula="Tickets opened in Q with a CES answer (1–7, 7 = easiest); CES = mean answer.",
        inputs={"tickets": ("opened_at", "ces")},
        unit="score", n="tickets opened in Q with a CES answer", min_n=DEFAULT_SURVEY_MIN_N,
        test="mean", moe="1.96 × s / sqrt(n), s the sample standard deviation", survey=True,
    ),
    KpiDefinition(
        id="ces_easy", label="Customer effort: share easy", group="Surveys",
        formula="Tickets opened in Q with a CES answer; % easy = answers of 5, 6 or 7 / answers.",
        inputs={"tickets": ("opened_at", "ces")},
        unit="fraction", n="tickets opened in Q with a CES answer", min_n=DEFAULT_SURVEY_MIN_N,
        test="proportion", moe=_SHARE_MOE, survey=True,
    ),
    # --- customers -----------------------------------------------------------------------------
    KpiDefinition(
        id="retention", label="Customer retention", group="Customers",
        formula="For Q = [first, last]: existing at start = start_date < first and (end_date "
                "empty or end_date ≥ first); left in Q = end_date within Q. "
                "Retention = (existing − existing who left in Q) / existing.",
        inputs={"accounts": ("account_id", "start_date", "end_date")},
        unit="fraction", n="accounts existing at the start of Q", min_n=10,
        test="proportion", moe=_SHARE_MOE,
        notes=("Worked example: 80 existing at start, 20 acquired, 10 of the existing leave: "
               "retention = 70 / 80 = 87.5 %.",),
    ),
    KpiDefinition(
        id="churn", label="Customer churn", group="Customers",
        formula="Acquired in Q = start_date within Q. Churn = all accounts whose end_date is "
                "within Q / (existing at start + acquired in Q).",
        inputs={"accounts": ("account_id", "start_date", "end_date")},
        unit="fraction", n="accounts existing at the start of Q plus accounts acquired in Q",
        min_n=10, test="proportion", moe=_SHARE_MOE,
        notes=("Worked example: 80 existing, 20 acquired, 10 leave: churn = 10 / 100 = 10 %. "
               "Retention and churn are not complements: they have different denominators.",),
    ),
    KpiDefinition(
        id="nrr", label="Net revenue retention", group="Customers",
        formula="Accounts existing at the start of Q (as for retention). NRR = their ARR at Q's "
                "end (0 for an account with no arr row for Q) / their ARR at the previous "
                "quarter's end (0 when no row).",
        inputs={"accounts": ("account_id", "start_date", "end_date"),
                "arr": ("account_id", "quarter", "arr")},
        unit="ratio", n="accounts existing at the start of Q", min_n=10,
        notes=("NRR = 1 + expansion − contraction − churned ARR, exactly.",
               "Undefined (insufficient data) when the start ARR is 0, e.g. in the first quarter "
               "with ARR data."),
    ),
    KpiDefinition(
        id="expansion", label="Expansion ARR", group="Customers",
        formula="Over accounts existing at the start of Q that still have ARR at Q's end: "
                "sum of ARR increases (end − start where positive) / start ARR.",
        inputs={"accounts": ("account_id", "start_date", "end_date"),
                "arr": ("account_id", "quarter", "arr")},
        unit="fraction", n="accounts existing at the start of Q", min_n=10,
        notes=("Start ARR = ARR at the previous quarter's end of the accounts existing at the "
               "start of Q, as for NRR.",),
    ),
    KpiDefinition(
        id="contraction", label="Contraction ARR", group="Customers",
        formula="Over accounts existing at the start of Q that still have ARR at Q's end: "
                "sum of ARR decreases (start − end where positive) / start ARR.",
        inputs={"accounts": ("account_id", "start_date", "end_date"),
                "arr": ("account_id", "quarter", "arr")},
        unit="fraction", n="accounts existing at the start of Q", min_n=10,
    ),
    KpiDefinition(
        id="churned_arr", label="Churned ARR", group="Customers",
        formula="Start ARR of the accounts existing at the start of Q that have no ARR at Q's "
                "end (no arr row, or 0) / start ARR.",
        inputs={"accounts": ("account_id", "start_date", "end_date"),
                "arr": ("account_id", "quarter", "arr")},
        unit="fraction", n="accounts existing at the start of Q", min_n=10,
    ),
    KpiDefinition(
        id="referral_rate", label="Referral rate", group="Customers",
        formula="Accounts acquired in Q (start_date within Q) with a referred_by / accounts "
                "acquired in Q.",
        inputs={"accounts": ("account_id", "start_date", "referred_by")},
        unit="fraction", n="accounts acquired in Q", min_n=10,
        test="proportion", moe=_SHARE_MOE,
    ),
    KpiDefinition(
        id="time_to_value", label="Time to value", group="Customers",
        formula="Accounts acquired in Q that have a first_value_date: median of "
                "(first_value_date − start_date) in days.",
        inputs={"accounts": ("account_id", "start_date", "first_value_date")},
        unit="days", n="accounts acquired in Q that reached first value", min_n=5,
        notes=("The detail column says how many accounts acquired in Q have not reached value "
               "yet; `ttv_not_reached` reports that count.",),
    ),
    KpiDefinition(
        id="ttv_not_reached", label="Accounts yet to reach value", group="Customers",
        formula="Accounts acquired in Q with no first_value_date.",
        inputs={"accounts": ("account_id", "start_date", "first_value_date")},
        unit="count", n="accounts acquired in Q", min_n=0,
    ),
    # --- support -------------------------------------------------------------------------------
    KpiDefinition(
        id="fcr", label="First-contact resolution", group="Support",
        formula="Tickets opened in Q with contacts = 1 / tickets opened in Q.",
        inputs={"tickets": ("opened_at", "contacts")},
        unit="fraction", n="tickets opened in Q", min_n=30,
        test="proportion", moe=_SHARE_MOE,
        notes=("A ticket with no contacts count (not resolved yet) counts as not resolved on "
               "first contact.",),
    ),
    KpiDefinition(
        id="escalation_rate", label="Escalation rate", group="Support",
        formula="Tickets opened in Q that were escalated / tickets opened in Q.",
        inputs={"tickets": ("opened_at", "escalated")},
        unit="fraction", n="tickets opened in Q", min_n=30,
        test="proportion", moe=_SHARE_MOE,
    ),
    KpiDefinition(
        id="tickets_per_account", label="Ticket volume per account", group="Support",
        formula="Tickets opened in Q / accounts active at any time in Q (start_date ≤ last and "
                "(end_date empty or end_date ≥ first)).",
        inputs={"tickets": ("opened_at",),
                "accounts": ("account_id", "start_date", "end_date")},
        unit="per_account", n="accounts active at any time in Q", min_n=10,
    ),
    # --- research sessions ---------------------------------------------------------------------
    KpiDefinition(
        id="exposure_hours", label="Customer exposure hours", group="Research sessions",
        formula="Sum over check-in sessions dated in Q of company_attendees × "
                "duration_minutes / 60.",
        inputs={"sessions": ("date", "company_attendees", "duration_minutes")},
        unit="hours", n="sessions dated in Q", min_n=0,
    ),
    KpiDefinition(
        id="action_items_closed", label="Action items closed", group="Research sessions",
        formula="Action items from sessions dated in Q with status done / action items from "
                "sessions dated in Q.",
        inputs={"action_items": ("session_date", "status")},
        unit="fraction", n="action items from sessions dated in Q", min_n=10,
        test="proportion", moe=_SHARE_MOE,
    ),
    KpiDefinition(
        id="action_item_days_to_close", label="Days to close an action item",
        group="Research sessions",
        formula="Action items from sessions dated in Q with status done and a closed date: "
                "median of (closed_date − session_date) in days.",
        inputs={"action_items": ("session_date", "status", "closed_date")},
        unit="days", n="closed action items from sessions dated in Q", min_n=5,
    ),
    KpiDefinition(
        id="action_items_open", label="Open action items", group="Research sessions",
        formula="Action items from sessions dated in Q with status open. The detail column "
                "lists their owners.",
        inputs={"action_items": ("session_date", "status", "owner")},
        unit="count", n="action items from sessions dated in Q", min_n=0,
    ),
    KpiDefinition(
        id="action_items_overdue", label="Overdue action items", group="Research sessions",
        formula="Action items from sessions dated in Q with status open and a due_date before "
                "the as-of date (default: Q's last day). The detail column lists their owners.",
        inputs={"action_items": ("session_date", "status", "due_date", "owner")},
        unit="count", n="action items from sessions dated in Q", min_n=0,
        notes=("Status is the status recorded in the notes, not reconstructed as of the date.",),
    ),
)

BY_ID: dict[str, KpiDefinition] = {d.id: d for d in DEFINITIONS}
KPI_IDS: tuple[str, ...] = tuple(BY_ID)
SURVEY_KPIS: tuple[str, ...] = tuple(d.id for d in DEFINITIONS if d.survey)


def input_columns(kpis: Iterable[str] | None = None) -> dict[str, list[str]]:
    """For each table, every column these KPIs (default all) read, segment columns aside."""
    needed: dict[str, list[str]] = {t: [] for t in TABLE_SOURCES}
    for d in DEFINITIONS if kpis is None else [BY_ID[k] for k in kpis]:
        for table, cols in d.inputs.items():
            needed[table].extend(c for c in cols if c not in needed[table])
    return needed


CONVENTIONS = (
    "**Quarter.** Q = [first day, last day] of a calendar quarter such as `2026Q3`. A response, "
    "ticket, session or action item belongs to the quarter of its own date (`date`, `opened_at`, "
    "`session_date`). The reporting quarters are every quarter from the earliest to the latest "
    "one with a dated row in nps_responses, tickets, enps, sessions, action_items or arr (from "
    "the accounts' start and end dates when those tables are empty).",
    "**Segments.** No cut by default (segment `all`). A cut by industry, plan or region uses the "
    "row's own segment column, or the account's (joined on account_id) when the table has none; "
    "rows without a value form the segment `(unknown)`. Account-based KPIs use the accounts "
    "table's segments. Only NPS can be cut by persona.",
    "**n and insufficient data.** Every figure carries its n (what it counts is stated per KPI). "
    "When n is below the KPI's minimum, or the figure is undefined (nothing to divide by), the "
    "value is left empty and the status is `insufficient_data`; otherwise the status is `ok`. "
    f"The survey minimum ({DEFAULT_SURVEY_MIN_N}) is a setting (`min_n`, `--min-n`).",
    "**Minimum n, chosen per kind of figure.** 30 for survey figures and ticket shares: below "
    "that the normal approximation behind the margin of error and the change test is poor. 10 "
    "for account rates and ARR ratios: with fewer accounts one account moves the figure by 10 "
    "points or more. 5 for medians of days: fewer is one account's story, not a typical time. "
    "0 for counts and totals (open items, exposure hours): a count of zero is a fact, not an "
    "estimate.",
    "**Margin of error.** `moe` is the half-width of a 95 % interval, in the KPI's unit, where "
    "the KPI has one.",
    "**Change.** `previous` is the figure for the quarter before, `change` = value − previous, "
    "when both are reported. `z` and `significant` come from the KPI's change test (empty when "
    "the KPI has none or it cannot be computed); a report should only announce a change flagged "
    "significant.",
    "**Quarantine.** Ingestion quarantines impossible rows (end before start, negative ARR, a "
    "score of 11). `quarantined` is the number of rows quarantined from the ingest sources the "
    "KPI reads (summed from `ingest_files.rows_quarantined` by source, all quarters), so they "
    "are never dropped silently; it is empty when the store has no `ingest_files` table.",
)


def _unit_text(unit: str) -> str:
    return f"`{unit}`: {UNITS[unit]}"


def definitions_markdown() -> str:
    """The KPI definitions as a Markdown page (``docs/kpis.md`` is exactly this text)."""
    lines = [
        "# CX KPI definitions",
        "",
        "Generated from `workbench/kpis/definitions.py` by `definitions_markdown()`; "
        "edit the definitions, not this page.",
        "",
        "## Conventions",
        "",
        *[f"- {c}" for c in CONVENTIONS],
        "",
        "## Summary",
        "",
        "| id | KPI | unit | n counts | minimum n | change test |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for d in DEFINITIONS:
        lines.append(f"| `{d.id}` | {d.label} | {d.unit} | {d.n} | {d.min_n} | {d.test or '—'} |")
    lines += ["", "Units:", ""]
    lines += [f"- {_unit_text(u)}" for u in UNITS]
    group = None
    for d in DEFINITIONS:
        if d.group != group:
            group = d.group
            lines += ["", f"## {group}"]
        inputs = "; ".join(
            f"`{t}` ({', '.join(f'`{c}`' for c in cols)})" for t, cols in d.inputs.items()
        )
        segments = ", ".join(d.segments) if d.segments else "none (whole company only)"
        minimum = f"{d.min_n}" + (" (the survey minimum setting)" if d.survey else "")
        lines += [
            "",
            f"### `{d.id}`: {d.label}",
            "",
            f"- **Formula:** {d.formula}",
            f"- **Inputs:** {inputs}",
            f"- **Unit:** {_unit_text(d.unit)}",
            f"- **n:** {d.n}",
            f"- **Minimum n:** {minimum}",
            f"- **Margin of error:** {d.moe or 'none'}",
            f"- **Change test:** {TESTS[d.test]}",
            f"- **Segments:** {segments}",
            f"- **Quarantine counted from sources:** {', '.join(f'`{s}`' for s in d.sources)}",
        ]
        lines += [f"- {note}" for note in d.notes]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(definitions_markdown(), end="")
