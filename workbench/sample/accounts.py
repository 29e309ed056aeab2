"""Customer accounts and their ARR: a base book before 2025Q2, new logos, churn, expansion and contraction."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import people
from .timeline import BASE_QUARTER, QUARTERS, bounds, random_day

PLANS = {"Starter": (0.30, 6_000, 15_000), "Team": (0.35, 15_000, 40_000),
         "Business": (0.25, 40_000, 120_000), "Enterprise": (0.10, 120_000, 380_000)}
#: how much more often people at bigger customers answer surveys, open tickets, meet us
PLAN_VOICE = {"Starter": 1.0, "Team": 1.5, "Business": 2.2, "Enterprise": 3.0}
REGIONS = {"NA": 0.45, "EMEA": 0.30, "APAC": 0.15, "LATAM": 0.10}
INDUSTRIES = {
    "Logistics": ["Logistics", "Freight", "Distribution", "Shipping", "Transport"],
    "Healthcare": ["Health", "Medical Group", "Clinics", "Care Partners"],
    "Retail": ["Retail", "Stores", "Market", "Outfitters"],
    "Manufacturing": ["Manufacturing", "Industries", "Fabrication", "Components"],
    "Financial services": ["Financial", "Capital", "Insurance", "Credit Union"],
    "Software": ["Software", "Labs", "Systems", "Cloud"],
    "Hospitality": ["Hotels", "Hospitality", "Resorts"],
    "Energy": ["Energy", "Utilities", "Power"],
}
_PREFIXES = [
    "Acme", "Northwind", "Bluefin", "Harborview", "Summit", "Pinecrest", "Redwood", "Silverline", "Ironbridge",
    "Lakeside", "Meridian", "Cobalt", "Granite", "Evergreen", "Brightwater", "Copperleaf", "Riverbend", "Stonegate",
    "Clearpath", "Westfield", "Eastgate", "Highland", "Oakridge", "Sunrise", "Bayside", "Crescent", "Falcon",
    "Keystone", "Horizon", "Juniper", "Maple", "Orion", "Polaris", "Quarry", "Sterling", "Trident", "Vantage",
    "Willow", "Zenith", "Atlas", "Beacon", "Cascade", "Ember", "Frontier", "Garnet", "Helix", "Indigo", "Jasper",
    "Kestrel", "Lumen", "Mosaic", "Nimbus", "Onyx", "Pioneer", "Rampart", "Sable", "Tundra", "Vertex",
    "Wavecrest", "Alder", "Birch", "Cedar", "Driftwood", "Foxglove", "Glacier", "Hawthorne",
]
_EMEA_PREFIXES = ["Müller", "Lumière", "Nordlicht", "Søndergaard", "Bäckström", "Brück", "Höfler", "Ébène"]
#: yearly churn pressure per quarter and per plan
CHURN_RATE = {"2025Q2": 0.030, "2025Q3": 0.036, "2025Q4": 0.048, "2026Q1": 0.040, "2026Q2": 0.026,
              "2026Q3": 0.034}
CHURN_PLAN = {"Starter": 1.7, "Team": 1.0, "Business": 0.7, "Enterprise": 0.4}
NEW_LOGOS = {"2025Q2": 17, "2025Q3": 19, "2025Q4": 22, "2026Q1": 18, "2026Q2": 21, "2026Q3": 24}
REFERRAL_RATE = {"2025Q2": 0.22, "2025Q3": 0.28, "2025Q4": 0.24, "2026Q1": 0.30, "2026Q2": 0.36, "2026Q3": 0.32}
EXPANSION_RATE = {"2025Q2": 0.12, "2025Q3": 0.10, "2025Q4": 0.09, "2026Q1": 0.13, "2026Q2": 0.16,
                  "2026Q3": 0.14}
BASE_ACCOUNTS = 185
DATA_END = bounds(QUARTERS[-1])[1]


@dataclass
class Account:
    account_id: str
    company: str
    domain: str
    industry: str
    plan: str
    region: str
    start: dt.date
    end: dt.date | None = None
    referred_by: str = ""
    first_value: dt.date | None = None
    csm: str = ""
    contacts: list[people.Contact] = field(default_factory=list)
    arr: dict[str, float] = field(default_factory=dict)  # quarter -> ARR at quarter end

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)

    def contact(self, rng: random.Random, persona: str) -> people.Contact:
        return rng.choice([c for c in self.contacts if c.persona == persona])


@dataclass
class Book:
    accounts: list[Account]  # the clean accounts, ordered by id
    bad_account: Account  # planted: its end_date is before its start_date
    arr_rows: list[tuple[str, str, float]]  # (account_id, quarter, arr) as written, ordered
    bad_arr: tuple[str, str]  # (account_id, quarter) of the planted negative ARR row

    def active_on(self, day: dt.date) -> list[Account]:
        return [a for a in self.accounts if a.active_on(day)]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _company(rng: random.Random, industry: str, region: str, taken: set[str]) -> tuple[str, str]:
    while True:
        prefix = rng.choice(_EMEA_PREFIXES if region == "EMEA" and rng.random() < 0.25 else _PREFIXES)
        name = f"{prefix} {rng.choice(INDUSTRIES[industry])}"
        if region == "EMEA" and rng.random() < 0.3:
            name += rng.choice([" GmbH", " AG", " S.A.", " Ltd", " B.V."])
        if name not in taken:
            taken.add(name)
            tld = {"EMEA": rng.choice([".de", ".eu", ".co.uk", ".fr", ".com"]), "LATAM": ".com.br",
                   "APAC": rng.choice([".com.au", ".com", ".sg"])}.get(region, rng.choice([".com", ".com", ".io"]))
            base = name.removesuffix(" GmbH").removesuffix(" AG").removesuffix(" S.A.").removesuffix(" Ltd")
            return name, people.ascii_slug(base.removesuffix(" B.V."), "-") + tld


def _new_account(rng: random.Random, start: dt.date, names: set[str], people_taken: set[str]) -> Account:
    industry = rng.choice(list(INDUSTRIES))
    region = _weighted(rng, REGIONS)
    plan = _weighted(rng, {p: w for p, (w, _, _) in PLANS.items()})
    company, domain = _company(rng, industry, region, names)
    account = Account("", company, domain, industry, plan, region, start, csm=rng.choice(people.CSMS))
    personas = ["practitioner", "practitioner", "sponsor", "admin"] + (["practitioner"] if rng.random() < 0.4 else [])
    for persona in personas:
        name = people.person_name(rng, people_taken)
        account.contacts.append(people.Contact(
            name, people.email_for(rng, name, domain), persona, rng.choice(people.TITLES[persona]),
            people.phone_number(rng, region)))
    return account


def _arr_step(rng: random.Random, arr: float, quarter: str, churns_next: bool) -> float:
    roll = rng.random()
    if roll < (0.30 if churns_next else 0.06):
        arr *= rng.uniform(0.65, 0.95)
    elif roll > 1 - EXPANSION_RATE[quarter]:
        arr *= rng.uniform(1.05, 1.5)
    return float(round(arr, -1))


def simulate(rng: random.Random) -> Book:
    names: set[str] = set()
    people_taken: set[str] = set()
    accounts: list[Account] = []
    # the base book: customers since 2021, more of them recent
    for _ in range(BASE_ACCOUNTS):
        year = rng.choices([2021, 2022, 2023, 2024], weights=[1, 2, 3, 4])[0]
        quarter = f"{year}Q{rng.randint(1, 4)}" if year < 2024 else rng.choice(
            ["2024Q1", "2024Q2", "2024Q3", "2024Q4", BASE_QUARTER])
        accounts.append(_new_account(rng, random_day(rng, quarter), names, people_taken))
    for quarter in QUARTERS:
        for _ in range(NEW_LOGOS[quarter] + rng.randint(-2, 2)):
            accounts.append(_new_account(rng, random_day(rng, quarter), names, people_taken))
    accounts.sort(key=lambda a: (a.start, a.company))
    for i, account in enumerate(accounts, start=1):
        account.account_id = f"A{i:04d}"

    # churn: accounts existing at a quarter's start may leave during it (never on its last day)
    for quarter in QUARTERS:
        first, _ = bounds(quarter)
        existing = [a for a in accounts if a.start < first and a.end is None]
        leavers = [a for a in existing if rng.random() < CHURN_RATE[quarter] * CHURN_PLAN[a.plan]]
        if not leavers:
            leavers = [rng.choice(existing)]
        for account in leavers:
            account.end = random_day(rng, quarter, avoid_last=True)

    # referrals and first value
    for account in accounts:
        quarter_rate = REFERRAL_RATE.get(f"{account.start.year}Q{(account.start.month - 1) // 3 + 1}", 0.10)
        if rng.random() < quarter_rate:
            earlier = [a for a in accounts if a.start < account.start and a.active_on(account.start)]
            if earlier:
                account.referred_by = rng.choice(earlier).account_id
        if rng.random() > 0.07:
            reached = account.start + dt.timedelta(days=rng.randint(10, 150 if account.plan == "Enterprise" else 90))
            if reached <= DATA_END and (account.end is None or reached <= account.end):
                account.first_value = reached

    # ARR at each quarter end while active
    for account in accounts:
        _, low, high = PLANS[account.plan]
        arr = float(round(rng.uniform(low, high), -2))
        for quarter in [BASE_QUARTER, *QUARTERS]:
            last = bounds(quarter)[1]
            if not account.active_on(last):
                continue
            if account.arr:
                next_last = bounds(QUARTERS[min(QUARTERS.index(quarter) + 1, len(QUARTERS) - 1)])[1]
                arr = _arr_step(rng, arr, quarter, account.end is not None and account.end <= next_last)
            account.arr[quarter] = arr

    # planted bad input: an account that ends before it starts, and one negative ARR
    bad = _new_account(rng, dt.date(2025, 11, 3), names, people_taken)
    bad.account_id = f"A{len(accounts) + 1:04d}"
    bad.end = dt.date(2025, 9, 30)
    newest = [a for a in accounts if bounds(QUARTERS[-1])[0] <= a.start]
    bad_arr = (newest[0].account_id, QUARTERS[-1])

    rows = []
    for quarter in [BASE_QUARTER, *QUARTERS]:
        for account in accounts:
            if quarter in account.arr:
                value = account.arr[quarter]
                rows.append((account.account_id, quarter, -value if (account.account_id, quarter) == bad_arr else value))
    return Book(accounts, bad, rows, bad_arr)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def account_rows(book: Book) -> list[list[str]]:
    rows = [["account_id", "company", "industry", "plan", "region", "start_date", "end_date", "referred_by",
             "first_value_date"]]
    for a in [*book.accounts, book.bad_account]:
        rows.append([a.account_id, a.company, a.industry, a.plan, a.region, _day(a.start), _day(a.end),
                     a.referred_by, _day(a.first_value)])
    return rows


def arr_rows(book: Book) -> list[list[str]]:
    return [["account_id", "quarter", "arr"]] + [[a, q, f"{v:.2f}"] for a, q, v in book.arr_rows]
