"""The few statistics the KPIs need: NPS from scores, shares, means, and the change test."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..contract import is_detractor, is_promoter
from .definitions import Z_95

NAN = float("nan")


@dataclass(frozen=True)
class Figure:
    """One computed figure before reporting rules apply.

    ``variance`` is the per-observation variance in the KPI's unit (for the margin of error and
    the change test), NaN when the KPI has none; ``detail`` is a short human note.
    """

    value: float
    n: int
    variance: float = NAN
    detail: str | None = None

    @property
    def moe(self) -> float:
        """Half-width of the 95 % interval: 1.96 × sqrt(variance / n)."""
        if self.n <= 0 or not math.isfinite(self.variance):
            return NAN
        return Z_95 * math.sqrt(self.variance / self.n)


def nps_from_counts(promoters: int, passives: int, detractors: int) -> Figure:
    """NPS = 100 × (pP − pD), with variance 100² × (pP + pD − (pP − pD)²) per response."""
    n = int(promoters) + int(passives) + int(detractors)
    if n == 0:
        return Figure(NAN, 0)
    p_promoter, p_detractor = promoters / n, detractors / n
    difference = p_promoter - p_detractor
    variance = max(0.0, p_promoter + p_detractor - difference ** 2) * 100.0 ** 2
    return Figure(100.0 * difference, n, variance)


def nps_figure(scores: pd.Series) -> Figure:
    """NPS of 0–10 scores: promoters 9–10, passives 7–8, detractors 0–6 (missing scores ignored)."""
    scores = pd.to_numeric(pd.Series(scores), errors="coerce").dropna()
    promoters = int(is_promoter(scores).sum())
    detractors = int(is_detractor(scores).sum())
    return nps_from_counts(promoters, len(scores) - promoters - detractors, detractors)


def share_figure(hits: int, n: int) -> Figure:
    """A share hits / n, with the binomial variance p (1 − p)."""
    n = int(n)
    if n == 0:
        return Figure(NAN, 0)
    p = hits / n
    return Figure(p, n, p * (1.0 - p))


def mean_figure(values: pd.Series) -> Figure:
    """Mean of the values, with the sample variance (ddof 1; NaN for a single value)."""
    values = pd.to_numeric(pd.Series(values), errors="coerce").dropna().astype(float)
    n = len(values)
    if n == 0:
        return Figure(NAN, 0)
    variance = float(values.var(ddof=1)) if n > 1 else NAN
    return Figure(float(values.mean()), n, variance)


def median_figure(values: pd.Series, detail: str | None = None) -> Figure:
    values = pd.to_numeric(pd.Series(values), errors="coerce").dropna().astype(float)
    value = float(np.median(values)) if len(values) else NAN
    return Figure(value, len(values), detail=detail)


def ratio_figure(numerator: float, denominator: float, n: int, detail: str | None = None) -> Figure:
    """numerator / denominator; NaN when the denominator is 0."""
    value = float(numerator) / float(denominator) if denominator else NAN
    return Figure(value, int(n), detail=detail)


def change_test(current: Figure, previous: Figure, kind: str = "nps") -> tuple[float, bool | None]:
    """z for current − previous, and whether |z| > 1.96; (NaN, None) when it cannot be computed.

    ``nps`` and ``mean``: each side's variance over its n (unpooled). ``proportion``: the usual
    two-proportion test, with the pooled share p under "no change":
    z = (p1 − p0) / sqrt(p (1 − p) (1/n1 + 1/n0)).
    With no spread at all the difference is certain: z is ±inf when the values differ
    (significant) and NaN when they are equal (not significant).
    """
    if current.n <= 0 or previous.n <= 0:
        return NAN, None
    if kind == "proportion":
        pooled = (current.value * current.n + previous.value * previous.n) / (current.n + previous.n)
        standard_error_sq = pooled * (1.0 - pooled) * (1.0 / current.n + 1.0 / previous.n)
    else:
        standard_error_sq = current.variance / current.n + previous.variance / previous.n
    if not math.isfinite(standard_error_sq):
        return NAN, None
    difference = current.value - previous.value
    if standard_error_sq <= 0:
        if difference == 0:
            return NAN, False
        return math.copysign(math.inf, difference), True
    z = difference / math.sqrt(standard_error_sq)
    return z, bool(abs(z) > Z_95)


def proportion_changes(hits_now, n_now: int, hits_before, n_before: int, alpha: float = 0.05) -> pd.DataFrame:
    """Which of several shares changed between two quarters, with the false-discovery rate held.

    Each pair hits_now[i] / n_now vs hits_before[i] / n_before gets the KPIs' two-proportion test
    (:func:`change_test`, kind ``proportion``) and its two-sided p-value; the p-values of every
    pair tested are then adjusted together with Benjamini–Hochberg, and a change is significant
    when its adjusted p-value (``q``) is below ``alpha``. A pair with no hits in either quarter,
    or a quarter with no observations, is not tested (NaN, significant NA).
    """
    from scipy.stats import false_discovery_control, norm

    rows = []
    for now, before in zip(hits_now, hits_before):
        now, before = int(now), int(before)
        if n_now <= 0 or n_before <= 0 or now + before == 0:
            rows.append((NAN, NAN))
            continue
        z, _ = change_test(share_figure(now, n_now), share_figure(before, n_before), "proportion")
        rows.append((z, 1.0 if math.isnan(z) else float(2 * norm.sf(abs(z)))))
    out = pd.DataFrame(rows, columns=["z", "p"], dtype=float)
    tested = out["p"].notna()
    out["q"] = NAN
    if tested.any():
        out.loc[tested, "q"] = false_discovery_control(out.loc[tested, "p"].to_numpy(), method="bh")
    out["significant"] = pd.array([bool(q < alpha) if t else pd.NA for q, t in zip(out["q"], tested)],
                                  dtype="boolean")
    return out
