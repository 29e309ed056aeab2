"""Survey KPIs: NPS, eNPS, CSAT and CES."""
from __future__ import annotations

from .stats import Figure, mean_figure, nps_figure, share_figure
from .window import Window, in_quarter


def nps(t, w: Window) -> Figure:
    return nps_figure(in_quarter(t["nps_responses"], w)["score"])


def enps(t, w: Window) -> Figure:
    return nps_figure(in_quarter(t["enps"], w)["score"])


def _answers(t, w: Window, column: str):
    return in_quarter(t["tickets"], w)[column].dropna()


def csat(t, w: Window) -> Figure:
    answers = _answers(t, w, "csat")
    return share_figure(int((answers >= 4).sum()), len(answers))


def ces_mean(t, w: Window) -> Figure:
    return mean_figure(_answers(t, w, "ces"))


def ces_easy(t, w: Window) -> Figure:
    answers = _answers(t, w, "ces")
    return share_figure(int((answers >= 5).sum()), len(answers))


MEASURES = {"nps": nps, "enps": enps, "csat": csat, "ces_mean": ces_mean, "ces_easy": ces_easy}
