"""NPS survey responses and their export files in three layouts, encodings and delimiters."""
from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass

from . import voice
from .accounts import PLAN_VOICE, Account, Book
from .answer_key import AnswerKey
from .catalog import THEMES, Theme
from .people import Contact
from .timeline import QUARTERS, bounds, random_day, random_moment
from .writers import Output

#: share of promoters and detractors per quarter: NPS dips in 2025Q4 and 2026Q3, peaks in 2026Q2
CATEGORY_MIX = {"2025Q2": (0.42, 0.26), "2025Q3": (0.44, 0.24), "2025Q4": (0.39, 0.29), "2026Q1": (0.46, 0.22),
                "2026Q2": (0.51, 0.19), "2026Q3": (0.45, 0.26)}
AFFINITY = {"negative": {"detractor": 1.0, "passive": 0.45, "promoter": 0.03},
            "positive": {"detractor": 0.04, "passive": 0.35, "promoter": 1.0}}
PERSONAS = {"practitioner": 0.50, "sponsor": 0.22, "admin": 0.28}
PERSONA_AFFINITY = {
    "admin": {"sso_permissions": 2.2, "billing_surprises": 1.5, "data_export": 1.3, "legacy_editor_migration": 1.5,
              "confusing_onboarding": 1.4},
    "sponsor": {"renewal_pricing": 2.5, "billing_surprises": 1.6, "ops_visibility": 2.0, "helpful_csm_support": 1.4,
                "slow_dashboards": 0.8},
    "practitioner": {"mobile_app": 1.6, "ease_of_use": 1.4, "automation_time_savings": 1.3, "slow_dashboards": 1.3,
                     "ai_assistant_errors": 1.2},
}
HEADER_ROWS = {"generic": 1, "qualtrics": 3, "surveymonkey": 2}
ALL_REGIONS = ("NA", "EMEA", "APAC", "LATAM")
NOT_EMEA = ("NA", "APAC", "LATAM")
RECOMMEND = "How likely is it that you would recommend Brightloop to a friend or colleague?"
REASON = "What is the main reason for your score?"
ROLE = "Which of these best describes your role?"


@dataclass(frozen=True)
class SurveyFile:
    path: str
    layout: str  # generic | qualtrics | surveymonkey
    encoding: str  # utf-8 | utf-8-sig | cp1252
    delimiter: str
    quarters: tuple[str, ...]
    regions: tuple[str, ...]
    date_style: str = "iso"  # generic only: iso | iso_datetime | dmy


FILES = [
    SurveyFile("surveys/nps_2025Q2.csv", "generic", "utf-8", ",", ("2025Q2",), ALL_REGIONS),
    SurveyFile("surveys/nps_2025Q3_qualtrics.csv", "qualtrics", "utf-8-sig", ",", ("2025Q3",), NOT_EMEA),
    SurveyFile("surveys/nps_2025H2_emea.csv", "surveymonkey", "cp1252", ";", ("2025Q3", "2025Q4"), ("EMEA",)),
    SurveyFile("surveys/nps_2025Q4_qualtrics.csv", "qualtrics", "utf-8", "\t", ("2025Q4",), NOT_EMEA),
    SurveyFile("surveys/nps_2026Q1.csv", "generic", "cp1252", ";", ("2026Q1",), ALL_REGIONS, "dmy"),
    SurveyFile("surveys/nps_2026Q2_surveymonkey.csv", "surveymonkey", "utf-8-sig", ",", ("2026Q2",), ALL_REGIONS),
    SurveyFile("surveys/nps_2026Q3.csv", "generic", "utf-8-sig", "\t", ("2026Q3",), NOT_EMEA, "iso_datetime"),
    SurveyFile("surveys/nps_2026Q3_emea_qualtrics.csv", "qualtrics", "cp1252", ",", ("2026Q3",), ("EMEA",)),
]
#: planted bad rows: file -> (problem, reason); each is an extra row, the clean responses are untouched
BAD_ROWS = {
    "surveys/nps_2025Q2.csv": ("score:n/a", "score is not a number: 'n/a'"),
    "surveys/nps_2025Q3_qualtrics.csv": ("score:11", "score out of range 0-10: 11"),
    "surveys/nps_2025H2_emea.csv": ("date:13/45/2025 10:22:31 AM", "unparseable date: '13/45/2025 10:22:31 AM'"),
    "surveys/nps_2026Q1.csv": ("duplicate", "duplicate response_id"),
    "surveys/nps_2026Q2_surveymonkey.csv": ("score:", "missing score"),
}


@dataclass
class Response:
    account: Account
    contact: Contact
    moment: dt.datetime
    quarter: str
    score: int
    said: voice.Utterance | None
    response_id: str = ""

    @property
    def persona(self) -> str:
        return self.contact.persona


def speaker(rng: random.Random, account: Account, contact: Contact) -> voice.Speaker:
    others = [c.name for c in account.contacts if c.name != contact.name]
    return voice.Speaker(contact.name, contact.email, contact.phone, account.region, account.csm.split()[0],
                         rng.choice(others))


def pick_theme(rng: random.Random, quarter: str, category: str, persona: str, exclude: tuple[str, ...] = ()) -> Theme:
    """A theme active in ``quarter``, likelier when its sentiment fits the score category and persona."""
    candidates = [t for t in THEMES if t.weight_in(quarter) > 0 and t.key not in exclude]
    weights = [t.weight_in(quarter) * AFFINITY[t.sentiment][category] * PERSONA_AFFINITY[persona].get(t.key, 1.0)
               for t in candidates]
    return rng.choices(candidates, weights=weights)[0]


def _category(rng: random.Random, quarter: str, account: Account, day: dt.date) -> str:
    promoters, detractors = CATEGORY_MIX[quarter]
    if account.plan == "Enterprise":
        promoters += 0.04
    elif account.plan == "Starter":
        detractors += 0.04
    if account.end is not None and (account.end - day).days < 150:
        detractors += 0.20  # unhappy before they leave
    roll = rng.random()
    return "promoter" if roll < promoters else "detractor" if roll < promoters + detractors else "passive"


def _score(rng: random.Random, category: str) -> int:
    if category == "detractor":
        return rng.choices(range(7), weights=[2, 1, 2, 3, 4, 6, 8])[0]
    if category == "passive":
        return rng.choice([7, 8])
    return rng.choices([9, 10], weights=[5, 4])[0]


def comment(rng: random.Random, quarter: str, category: str, persona: str, who: voice.Speaker) -> voice.Utterance | None:
    """What a respondent writes in the reason box: often nothing, sometimes 'ok', mostly about a theme or two."""
    roll = rng.random()
    if roll < 0.16:
        return None
    if roll < 0.24:
        return voice.Utterance(rng.choice(voice.SHORT_ANSWERS))
    primary = pick_theme(rng, quarter, category, persona)
    said = voice.foreign(rng, primary, who) if roll < 0.27 else None
    if said is None:
        themes = [primary]
        if roll > 0.81:
            opposite = "promoter" if primary.negative else "detractor"
            themes.append(pick_theme(rng, quarter, opposite if category == "passive" else category, persona,
                                     exclude=(primary.key,)))
        said = voice.written(rng, themes, who, p_requirement=0.3 if primary.negative else 0.08)
        if rng.random() < 0.12:
            said.text = voice.add_typos(rng, said.text)
        if rng.random() < 0.10:
            said.text = said.text.replace("'", "\u2019")
        if rng.random() < 0.035:
            kinds = ["email", "phone", "name", "address"] + (["card"] if primary.key == "billing_surprises" else [])
            voice.add_pii(rng, said, who, rng.choice(kinds))
        if rng.random() < 0.06:
            said.text = voice.add_emoji(rng, said.text, primary.negative)
        if ". " in said.text and rng.random() < 0.04:
            said.text = said.text.replace(". ", ".\n", 1)  # a line break inside the answer box
    return said


def simulate(rng: random.Random, book: Book) -> list[Response]:
    responses = []
    for quarter in QUARTERS:
        first, last = bounds(quarter)
        pool = [a for a in book.accounts if a.start <= last and (a.end is None or a.end >= first)]
        for _ in range(rng.randint(1060, 1160)):
            day = random_day(rng, quarter)
            active = [a for a in pool if a.active_on(day)]
            account = rng.choices(active, weights=[PLAN_VOICE[a.plan] for a in active])[0]
            persona = rng.choices(list(PERSONAS), weights=list(PERSONAS.values()))[0]
            contact = account.contact(rng, persona)
            category = _category(rng, quarter, account, day)
            said = comment(rng, quarter, category, persona, speaker(rng, account, contact))
            responses.append(Response(account, contact, random_moment(rng, day), quarter, _score(rng, category), said))
    responses.sort(key=lambda r: r.moment)
    return responses


def _header(layout: str) -> list[list[str]]:
    if layout == "generic":
        return [["response_id", "account_id", "respondent_name", "respondent_email", "persona", "date", "score",
                 "comment"]]
    if layout == "qualtrics":
        names = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
                 "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                 "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
                 "Q1", "Q2", "Q3"]
        texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
                 "Finished", "Recorded Date", "Response ID", "Recipient Last Name", "Recipient First Name",
                 "Recipient Email", "External Data Reference", "Location Latitude", "Location Longitude",
                 "Distribution Channel", "User Language", RECOMMEND, REASON, ROLE]
        ids = ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
               "_recordId", "recipientLastName", "recipientFirstName", "recipientEmail", "externalDataReference",
               "locationLatitude", "locationLongitude", "distributionChannel", "userLanguage", "QID1", "QID2_TEXT",
               "QID3"]
        zone = ',"timeZone":"America/Denver"'
        imports = ['{"ImportId":"%s"%s}' % (i, zone if "Date" in i else "") for i in ids]
        return [names, texts, imports]
    return [["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
             "Last Name", "Custom Data 1", RECOMMEND, REASON, ROLE],
            ["", "", "", "", "", "", "", "", "", "Response", "Open-Ended Response", "Response"]]


def _values(rng: random.Random, spec: SurveyFile, r: Response, text: str, score: str, date: str | None,
            collector: str) -> list[str]:
    ip = f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randint(1, 254)}"
    started = r.moment - dt.timedelta(seconds=rng.randint(40, 600))
    if spec.layout == "generic":
        when = {"iso": r.moment.date().isoformat(), "dmy": r.moment.strftime("%d.%m.%Y"),
                "iso_datetime": r.moment.isoformat(timespec="seconds")}[spec.date_style]
        return [r.response_id, r.account.account_id, r.contact.name, r.contact.email, r.persona, date or when,
                score, text]
    if spec.layout == "qualtrics":
        stamp = "%Y-%m-%d %H:%M:%S"
        return [started.strftime(stamp), r.moment.strftime(stamp), "IP Address", ip, "100",
                str(int((r.moment - started).total_seconds())), "True", date or r.moment.strftime(stamp),
                r.response_id, r.contact.last, r.contact.first, r.contact.email, r.account.account_id, "", "",
                "email", "EN", score, text, r.persona]
    us = "%m/%d/%Y %I:%M:%S %p"
    return [r.response_id, collector, started.strftime(us),
            date or r.moment.strftime(us), ip, r.contact.email, r.contact.first, r.contact.last,
            r.account.account_id, score, text, r.persona]


class _Ids:
    """Response ids as each tool writes them: ours, Qualtrics' random R_ ids, SurveyMonkey's rising numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()
        self.next_number = 114_000_000_000

    def new(self, spec: SurveyFile, quarter: str, n: int) -> str:
        while True:
            if spec.layout == "generic":
                rid = f"NPS-{quarter}-{n:05d}"
            elif spec.layout == "qualtrics":
                rid = "R_" + "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(15))
            else:
                self.next_number += self.rng.randint(1_000, 90_000)
                rid = str(self.next_number)
            if rid not in self.taken:
                self.taken.add(rid)
                return rid


def _plant_bad_row(rng: random.Random, spec: SurveyFile, problem: tuple[str, str], mine: list[Response],
                   records: list[tuple], ids: _Ids, collector: str) -> None:
    """Insert one extra bad row mid-file: a copy of an earlier row, or a row with a bad score or date."""
    kind, reason = problem
    at = rng.randint(len(records) // 3, 2 * len(records) // 3)
    if kind == "duplicate":
        original = records[at - 5]
        records.insert(at, (None, list(original[1]), f"{reason} {original[0].response_id}"))
        return
    field, _, value = kind.partition(":")
    victim = mine[at]
    ghost = Response(victim.account, victim.contact, victim.moment, victim.quarter, 0, None,
                     ids.new(spec, victim.quarter, len(mine) + 1))
    score = value if field == "score" else str(_score(rng, "passive"))
    values = _values(rng, spec, ghost, rng.choice(["see my last answer", "", "ok", "Fine"]), score,
                     value if field == "date" else None, collector)
    records.insert(at, (None, values, reason))


def write(rng: random.Random, out: Output, key: AnswerKey, book: Book, responses: list[Response]) -> dict[str, int]:
    """Write every survey file (clean responses plus the planted bad rows); returns responses per file."""
    ids = _Ids(rng)
    counts = {}
    for spec in FILES:
        collector = str(rng.randint(400_000_000, 499_999_999))
        mine = [r for r in responses if r.quarter in spec.quarters and r.account.region in spec.regions]
        records: list[tuple] = []  # (clean response, values, comment) or (None, values, reason) for a bad row
        for n, r in enumerate(mine, start=1):
            r.response_id = ids.new(spec, r.quarter, n)
            text = voice.fit_encoding(r.said.text, spec.encoding) if r.said else ""
            records.append((r, _values(rng, spec, r, text, str(r.score), None, collector), text))
        if spec.path in BAD_ROWS:
            _plant_bad_row(rng, spec, BAD_ROWS[spec.path], mine, records, ids, collector)
        header = _header(spec.layout)
        for i, (r, _, text) in enumerate(records):
            row = f"row {len(header) + i + 1}"
            if r is None:
                key.bad(spec.path, row, text)
            elif text:
                key.add(spec.path, row, "nps", "comment", r.quarter, r.said, text)
        out.write_csv(spec.path, header + [v for _, v, _ in records], delimiter=spec.delimiter,
                      encoding=spec.encoding)
        counts[spec.path] = len(mine)
    return counts
