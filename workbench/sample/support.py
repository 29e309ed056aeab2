"""Support tickets (with CSAT, CES and their texts) and the employee NPS survey."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from . import voice
from .accounts import PLAN_VOICE, Book
from .answer_key import AnswerKey
from .catalog import THEME_BY_KEY, THEMES
from .surveys import speaker
from .timeline import QUARTERS, bounds, random_day, random_moment
from .writers import Output

#: first-contact resolution and the share of satisfied (4-5) CSAT answers the support team reaches per quarter
FCR = {"2025Q2": 0.66, "2025Q3": 0.60, "2025Q4": 0.57, "2026Q1": 0.64, "2026Q2": 0.71, "2026Q3": 0.68}
CSAT_GOOD = {"2025Q2": 0.80, "2025Q3": 0.72, "2025Q4": 0.70, "2026Q1": 0.77, "2026Q2": 0.84, "2026Q3": 0.80}
ENPS_MIX = {"2025Q2": (0.38, 0.22), "2025Q3": (0.35, 0.25), "2025Q4": (0.31, 0.29), "2026Q1": (0.40, 0.20),
            "2026Q2": (0.46, 0.17), "2026Q3": (0.42, 0.21)}
CATEGORY = {"slow_dashboards": "bug", "confusing_onboarding": "how_to", "salesforce_sync": "integration",
            "slack_notifications": "integration", "billing_surprises": "billing", "slow_support": "other",
            "sso_permissions": "access", "mobile_app": "bug", "data_export": "bug", "renewal_pricing": "billing",
            "legacy_editor_migration": "bug", "ai_assistant_errors": "bug"}
PLAIN_DESCRIPTIONS = [
    "Password reset request.", "How do I rename a team?", "Two new starters on our team, how do we give them access?",
    "Can you confirm who our account owner is?", "Need a copy of your W-9 for vendor setup.",
    "How do I change my notification email?", "See attached screenshot.", "Question about our account.",
    "A user left the company, how do I deactivate them?", "Where do I find last month's release notes?",
]
PLAIN_CSAT = {"good": ["Thanks!", "Resolved, thank you.", "ok", "All good now.", "Fine.", "Thank you", "great"],
              "bad": ["Not resolved.", "Still broken.", "meh", "No.", "Didn't help."]}
TEAMS = {"Engineering": 0.30, "Product": 0.10, "Customer Success": 0.15, "Support": 0.15, "Sales": 0.15,
         "Marketing": 0.07, "G&A": 0.08}


@dataclass
class Ticket:
    ticket_id: str
    account_id: str
    requester_email: str
    opened: dt.datetime
    resolved: dt.datetime | None
    channel: str
    category: str
    contacts: int
    escalated: bool
    csat: int | None
    csat_said: voice.Utterance | None
    ces: int | None
    said: voice.Utterance  # the description; empty text for the one planted empty description
    quarter: str


@dataclass
class EnpsResponse:
    response_id: str
    date: dt.date
    team: str
    score: int
    quarter: str


def _csat_comment(rng: random.Random, csat: int, theme_key: str | None, who: voice.Speaker) -> voice.Utterance | None:
    if rng.random() > 0.45:
        return None
    if csat >= 4:
        if rng.random() < 0.55:
            theme = THEME_BY_KEY["helpful_csm_support"]
            text, pii = voice.fill(rng, rng.choice(theme.csat), theme, who)
            return voice.Utterance(text, [theme.key], False, pii)
        return voice.Utterance(rng.choice(PLAIN_CSAT["good"]))
    if csat == 3 and rng.random() < 0.5:
        return voice.Utterance(rng.choice(["It's ok.", "Fine I guess.", "Took a while."]))
    roll = rng.random()
    if roll < 0.5:
        theme = THEME_BY_KEY["slow_support"]
        text, pii = voice.fill(rng, rng.choice(theme.csat), theme, who)
        return voice.Utterance(text, [theme.key], False, pii)
    if roll < 0.8 and theme_key:
        theme = THEME_BY_KEY[theme_key]
        text, pii = voice.fill(rng, rng.choice(theme.core), theme, who)
        return voice.Utterance(f"Still not fixed. {text}", [theme.key], False, pii)
    return voice.Utterance(rng.choice(PLAIN_CSAT["bad"]))


def simulate_tickets(rng: random.Random, book: Book) -> list[Ticket]:
    tickets: list[Ticket] = []
    data_end = dt.datetime.combine(bounds(QUARTERS[-1])[1], dt.time(23, 59, 59))
    for quarter in QUARTERS:
        themed = [t for t in THEMES if t.tickets and t.weight_in(quarter) > 0]
        for _ in range(rng.randint(470, 530)):
            day = random_day(rng, quarter, weekday=rng.random() < 0.9)
            active = book.active_on(day)
            account = rng.choices(active, weights=[PLAN_VOICE[a.plan] for a in active])[0]
            contact = account.contact(rng, rng.choice(["admin", "admin", "practitioner", "practitioner", "sponsor"]))
            who = speaker(rng, account, contact)
            opened = random_moment(rng, day, 6, 21)
            theme = None
            if rng.random() < 0.8:
                theme = rng.choices(themed, weights=[t.weight_in(quarter) for t in themed])[0]
                requirement = rng.random() < 0.12 and bool(theme.requests)
                said = voice.ticket_text(rng, theme, who, requirement=requirement)
                category = "feature_request" if requirement else CATEGORY[theme.key]
            else:
                said, category = voice.Utterance(rng.choice(PLAIN_DESCRIPTIONS)), "how_to"
            if rng.random() < 0.08:
                said.text = voice.add_typos(rng, said.text)
            if rng.random() < 0.03:
                kinds = ["email", "phone", "address"] + (["card"] if category == "billing" else [])
                voice.add_pii(rng, said, who, rng.choice(kinds))
            fcr = FCR[quarter] + {"integration": -0.12, "how_to": 0.10, "billing": -0.05}.get(category, 0.0)
            contacts = 1 if rng.random() < fcr else min(2 + int(rng.expovariate(0.8)), 9)
            escalated = rng.random() < 0.03 + 0.07 * (contacts - 1)
            resolved = opened + dt.timedelta(hours=rng.uniform(0.5, 30) * contacts ** 1.5)
            if resolved > data_end or rng.random() < 0.01:
                resolved = None
            csat = ces = csat_said = None
            if rng.random() < 0.42:
                good = CSAT_GOOD[quarter] - 0.12 * (contacts > 1) - 0.15 * escalated
                csat = rng.choices([4, 5], weights=[2, 3])[0] if rng.random() < good else rng.choice([1, 2, 2, 3, 3])
                csat_said = _csat_comment(rng, csat, theme.key if theme else None, who)
            if rng.random() < (0.6 if csat else 0.12):
                ces = max(1, min(7, round(rng.gauss(5.8 - 0.7 * (contacts - 1), 1.1))))
            channel = rng.choices(["email", "chat", "web", "phone"], weights=[45, 25, 20, 10])[0]
            tickets.append(Ticket("", account.account_id, contact.email, opened, resolved, channel, category,
                                  contacts, escalated, csat, csat_said, ces, said, quarter))
    tickets.sort(key=lambda t: t.opened)
    for i, ticket in enumerate(tickets, start=1):
        ticket.ticket_id = f"T-{10000 + i}"
    # one ticket whose description was left empty: still a ticket, no evidence
    blank = tickets[len(tickets) // 2]
    blank.said = voice.Utterance("")
    return tickets


def write_tickets(out: Output, key: AnswerKey, tickets: list[Ticket]) -> None:
    path = "tickets.csv"
    stamp = "%Y-%m-%dT%H:%M:%S"
    rows = [["ticket_id", "account_id", "requester_email", "opened_at", "resolved_at", "channel", "category",
             "contacts", "escalated", "csat", "csat_comment", "ces", "description"]]
    for i, t in enumerate(tickets, start=2):
        rows.append([t.ticket_id, t.account_id, t.requester_email, t.opened.strftime(stamp),
                     t.resolved.strftime(stamp) if t.resolved else "", t.channel, t.category, str(t.contacts),
                     "true" if t.escalated else "false", "" if t.csat is None else str(t.csat),
                     t.csat_said.text if t.csat_said else "", "" if t.ces is None else str(t.ces), t.said.text])
        if t.said.text:
            key.add(path, f"row {i}", "ticket", "comment", t.quarter, t.said)
        else:
            key.oddity(path, f"row {i}", "empty description: a valid ticket (counts for FCR), no evidence row")
        if t.csat_said:
            key.add(path, f"row {i}", "csat", "comment", t.quarter, t.csat_said)
    out.write_csv(path, rows)


def simulate_enps(rng: random.Random) -> list[EnpsResponse]:
    answers = []
    for quarter in QUARTERS:
        first, _ = bounds(quarter)
        campaign = first + dt.timedelta(days=35 + rng.randint(0, 10))  # a two-week survey window mid-quarter
        promoters, detractors = ENPS_MIX[quarter]
        for n in range(1, rng.randint(52, 68) + 1):
            roll = rng.random()
            if roll < promoters:
                score = rng.choice([9, 10])
            elif roll < promoters + detractors:
                score = rng.choices(range(7), weights=[1, 1, 1, 2, 3, 5, 6])[0]
            else:
                score = rng.choice([7, 8])
            team = rng.choices(list(TEAMS), weights=list(TEAMS.values()))[0]
            day = campaign + dt.timedelta(days=rng.randint(0, 13))
            answers.append(EnpsResponse(f"E-{quarter}-{n:03d}", day, team, score, quarter))
    answers.sort(key=lambda a: (a.date, a.response_id))
    return answers


def write_enps(out: Output, answers: list[EnpsResponse]) -> None:
    rows = [["response_id", "date", "team", "score"]]
    rows += [[a.response_id, a.date.isoformat(), a.team, str(a.score)] for a in answers]
    out.write_csv("enps.csv", rows)
