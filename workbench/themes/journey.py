"""Which stage of the customer journey a theme belongs to: onboarding, adoption, support, billing, renewal.

Explainable on purpose: each stage has a vocabulary, a theme's keywords and representative quotes
are scored against each, and the best-scoring stage wins (adoption when nothing matches: using
the product is what most feedback is about).
"""
from __future__ import annotations

import re
from typing import Mapping

import numpy as np
import pandas as pd

STAGES = ("onboarding", "adoption", "support", "billing", "renewal")
DEFAULT_STAGE = "adoption"

VOCABULARY: dict[str, tuple[str, ...]] = {
    "onboarding": ("onboard", "setup", "set up", "getting started", "implementation", "implement", "kickoff",
                   "training", "train", "first week", "migration", "migrate", "import", "go-live", "go live",
                   "learning curve", "tutorial", "documentation", "docs", "welcome"),
    "adoption": ("dashboard", "report", "feature", "workflow", "integration", "sync", "salesforce", "slack",
                 "mobile", "app", "export", "search", "filter", "performance", "slow", "load", "ui", "ease of use",
                 "easy to use", "editor", "permission", "sso", "api", "assistant", "automation", "notification"),
    "support": ("support", "ticket", "agent", "response time", "respond", "answer", "help desk", "helpdesk",
                "escalat", "chat", "csm", "customer success", "account manager", "waiting", "resolved", "resolution"),
    "billing": ("billing", "invoice", "price", "pricing", "charge", "charged", "payment", "refund", "cost",
                "expensive", "seat", "plan", "discount", "overage", "credit card", "subscription fee"),
    "renewal": ("renewal", "renew", "contract", "cancel", "churn", "competitor", "switch", "leave", "alternative",
                "procurement", "budget", "next year", "terminate"),
}
_PATTERNS = {s: re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)
             for s, words in VOCABULARY.items()}


def stage_scores(text: str) -> dict[str, int]:
    return {stage: len(p.findall(text or "")) for stage, p in _PATTERNS.items()}


def journey_stage(text: str) -> str:
    scores = stage_scores(text)
    best = max(scores.values())
    if best == 0:
        return DEFAULT_STAGE
    return next(s for s in STAGES if scores[s] == best)  # ties: the earlier stage in the journey


def journey_stages(texts: Mapping[str, str]) -> pd.Series:
    """Stage per key (e.g. theme id) from its text (keywords and representative quotes)."""
    return pd.Series({key: journey_stage(text) for key, text in texts.items()}, dtype=object)


def resolve_stages(chosen: pd.Series, inferred: pd.Series | None) -> tuple[pd.Series, np.ndarray]:
    """A theme's journey stage: the one an analyst chose, else the one inferred from its text.
    Returns the stages and where each came from (``analyst`` or ``model``)."""
    chosen = chosen.astype(object)
    source = np.where(chosen.notna(), "analyst", "model")
    return (chosen if inferred is None else chosen.where(chosen.notna(), inferred)), source
