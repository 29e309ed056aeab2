"""Support KPIs: first-contact resolution, escalations, ticket volume per account."""
from __future__ import annotations

from .customers import cohorts
from .stats import Figure, ratio_figure, share_figure
from .window import Window, in_quarter


def fcr(t, w: Window) -> Figure:
    opened = in_quarter(t["tickets"], w)
    return share_figure(int((opened["contacts"] == 1).sum()), len(opened))


def escalation_rate(t, w: Window) -> Figure:
    opened = in_quarter(t["tickets"], w)
    return share_figure(int(opened["escalated"].sum()), len(opened))


def tickets_per_account(t, w: Window) -> Figure:
    active = int(cohorts(t["accounts"], w).active.sum())
    return ratio_figure(len(in_quarter(t["tickets"], w)), active, active)


MEASURES = {"fcr": fcr, "escalation_rate": escalation_rate, "tickets_per_account": tickets_per_account}
