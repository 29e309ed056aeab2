"""A planted theme and its registers: the fragment pools customer text is composed from.

Each theme has several registers: ``core`` (first-person statements), ``details`` and ``impacts``
(optional follow-up sentences), ``requests`` (requirements: "I wish…", "please add…"), ``decoys``
(sentences that look like requests but are not), ``insights``, ``needs`` (insights that are
requirements) and ``observations`` (written by a researcher), ``tickets`` (support-ticket style),
``csat`` (ticket satisfaction comments), ``foreign`` (non-English, with a requirement flag) and
``actions`` (company follow-ups, never themed). ``{slot}`` placeholders are filled from
``slots``; ``{csm}`` is the account's customer success manager (a person's name, so PII).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .timeline import QUARTERS

STAGES = ("onboarding", "adoption", "support", "billing", "renewal")


@dataclass
class Theme:
    key: str
    label: str
    stage: str
    sentiment: str  # negative | positive
    lifecycle: str = "steady"  # steady | emerging | fading
    weight: float = 1.0
    trend: dict[str, float] = field(default_factory=dict)  # quarter -> multiplier (0 = absent)
    topics: list[str] = field(default_factory=list)
    slots: dict[str, list[str]] = field(default_factory=dict)
    core: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    impacts: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)
    insights: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # researcher-written requirements
    observations: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    csat: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    foreign: list[tuple[str, str, int]] = field(default_factory=list)  # (language, text, is_requirement)

    def weight_in(self, quarter: str) -> float:
        return self.weight * self.trend.get(quarter, 1.0)

    @property
    def quarters(self) -> list[str]:
        return [q for q in QUARTERS if self.weight_in(q) > 0]

    @property
    def negative(self) -> bool:
        return self.sentiment == "negative"
