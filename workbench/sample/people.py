"""People and companies of the sample world: Brightloop staff, customer contacts, and their PII.

Every name here is fictional and encodable in cp1252, so it survives every survey encoding.
Phone numbers use reserved fiction ranges where a country has one (US 555-01xx, UK 020 7946 0xxx).
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

COMPANY = "Brightloop"
EMAIL_DOMAIN = "brightloop.io"

#: Brightloop employees who run sessions and calls: (name, team)
STAFF = [
    ("Dana Whitfield", "Research"),
    ("Leo Brandt", "Product"),
    ("Sam Ito", "Engineering"),
    ("Priya Raman", "Customer Success"),
    ("Marco Bellini", "Customer Success"),
    ("Tomás Herrera", "Customer Success"),
    ("Hannah Kowalski", "Support"),
    ("Ben Carter", "Support"),
    ("Jonas Lindqvist", "Design"),
    ("Aisha Bello", "Product"),
    ("Grace Liu", "Engineering"),
    ("Nadia Haddad", "Research"),
    ("Olivia Grant", "Sales"),
    ("Felix Wagner", "Solutions Engineering"),
]
STAFF_TEAM = dict(STAFF)
CSMS = [name for name, team in STAFF if team == "Customer Success"]

FIRST_NAMES = [
    "Maya", "Tom", "Carlos", "Sofia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Isabella",
    "Mateo", "Chloé", "Hugo", "Léa", "Lena", "Felipe", "Ana", "João", "Zoë", "Søren", "Ingrid", "Mats",
    "Aoife", "Siobhan", "Rahul", "Ananya", "Wei", "Mei", "Kenji", "Yuki", "Min-jun", "Kwame", "Amara",
    "Chidi", "Fatima", "Omar", "Layla", "Yusuf", "Elif", "Dmitri", "Piotr", "Marta", "Giulia", "Lorenzo",
    "Francesca", "Matteo", "Björn", "Astrid", "Nils", "Camille", "Théo", "Manon", "Javier", "Lucía", "Diego",
    "Valentina", "Rafael", "Beatriz", "Daniel", "Rachel", "Michael", "Jessica", "David", "Sarah", "James",
    "Laura", "Kevin", "Nicole", "Brian", "Megan", "Chris", "Amanda", "Jordan", "Taylor", "René", "Anaïs",
]
LAST_NAMES = [
    "Okafor", "Reyes", "Nguyen", "Patel", "Kim", "Garcia", "Müller", "Schmidt", "Dubois", "Martin", "Rossi",
    "Kowalczyk", "Jensen", "Andersson", "O'Brien", "Murphy", "Smith", "Johnson", "Williams", "Brown", "Chen",
    "Wang", "Tanaka", "Sato", "Singh", "Sharma", "Mensah", "Adeyemi", "Hassan", "Yilmaz", "Novak", "Horvat",
    "Costa", "Silva", "Pereira", "Fernández", "López", "Martínez", "González", "Moreau", "Lefèvre",
    "Fontaine", "Bianchi", "Ricci", "Becker", "Hoffmann", "Schneider", "Weber", "Fischer", "Lindgren",
    "Nilsson", "Berg", "Walsh", "Kelly", "Campbell", "Stewart", "Thompson", "Clark", "Lewis", "Walker",
    "Hall", "Young", "Allen", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Ramirez",
    "Torres", "Flores", "Rivera", "Gomez", "Diaz", "Cruz", "Morales", "Ortiz", "Ramos", "Ruiz", "Castillo",
]

TITLES = {
    "practitioner": ["Operations analyst", "Site supervisor", "Shift lead", "Dispatcher", "Quality coordinator",
                     "Operations coordinator", "Planner"],
    "sponsor": ["VP Operations", "Director of Operations", "COO", "Head of Logistics", "Head of Service Delivery",
                "Regional Operations Director"],
    "admin": ["IT administrator", "Systems administrator", "Ops systems lead", "Business applications manager"],
}


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    persona: str  # practitioner | sponsor | admin
    title: str
    phone: str

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def last(self) -> str:
        return self.name.split(" ", 1)[1]


def ascii_slug(text: str, sep: str = "") -> str:
    """'Zoë O'Brien' -> 'zoeobrien' (with ``sep`` between words)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = ["".join(ch for ch in w if ch.isalnum()) for w in plain.replace("-", " ").split()]
    return sep.join(w for w in words if w)


def person_name(rng: random.Random, taken: set[str]) -> str:
    """A customer name not used by staff nor already in ``taken`` (which it extends)."""
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in taken and name not in STAFF_TEAM:
            taken.add(name)
            return name


def email_for(rng: random.Random, name: str, domain: str) -> str:
    first, last = name.split(" ", 1)
    first, last = ascii_slug(first), ascii_slug(last)
    style = rng.random()
    if style < 0.6:
        local = f"{first}.{last}"
    elif style < 0.8:
        local = f"{first[0]}{last}"
    else:
        local = f"{first}_{last[0]}"
    return f"{local}@{domain}"


def phone_number(rng: random.Random, region: str) -> str:
    """A phone number written the way people in ``region`` write them (several formats)."""
    d = lambda n: "".join(str(rng.randint(0, 9)) for _ in range(n))  # noqa: E731
    if region == "NA":
        area = rng.choice(["415", "212", "312", "617", "206", "512", "303"])
        line = f"01{d(2)}"
        return rng.choice([f"({area}) 555-{line}", f"{area}-555-{line}", f"+1 {area} 555 {line}",
                           f"{area}.555.{line}"])
    if region == "EMEA":
        return rng.choice([f"+44 20 7946 0{d(3)}", f"020 7946 0{d(3)}", f"+49 30 {d(4)} {d(4)}",
                           f"+33 1 {d(2)} {d(2)} {d(2)} {d(2)}", f"+31 20 {d(3)} {d(4)}"])
    if region == "APAC":
        return rng.choice([f"+61 2 {d(4)} {d(4)}", f"+65 {d(4)} {d(4)}", f"+81 3-{d(4)}-{d(4)}"])
    return rng.choice([f"+52 55 {d(4)} {d(4)}", f"+55 11 9{d(4)}-{d(4)}", f"+57 1 {d(3)} {d(4)}"])


def card_number(rng: random.Random) -> str:
    """A Luhn-valid 16-digit Visa-style test number, grouped like people type it."""
    digits = [4] + [rng.randint(0, 9) for _ in range(14)]
    total = 0
    for i, digit in enumerate(reversed(digits)):  # the check digit will sit to the right
        if i % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    digits.append((10 - total % 10) % 10)
    raw = "".join(map(str, digits))
    groups = [raw[i:i + 4] for i in range(0, 16, 4)]
    return rng.choice([" ".join(groups), "-".join(groups), raw])


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


_US_STREETS = ["Harbor Blvd", "Market St", "Oak Avenue", "Industrial Pkwy", "Commerce Dr", "W 34th St", "Elm Street"]
_US_CITIES = [("Oakland", "CA", "946"), ("Chicago", "IL", "606"), ("Austin", "TX", "787"), ("Denver", "CO", "802"),
              ("Columbus", "OH", "432"), ("Newark", "NJ", "071")]


def street_address(rng: random.Random, region: str) -> str:
    if region == "EMEA":
        return rng.choice([
            f"Hauptstraße {rng.randint(1, 180)}, {rng.randint(10115, 14199)} Berlin",
            f"{rng.randint(1, 120)} rue de la Roquette, 750{rng.randint(10, 20)} Paris",
            f"{rng.randint(2, 240)} Deansgate, Manchester M3 {rng.randint(1, 9)}AB",
            f"Keizersgracht {rng.randint(10, 700)}, 1015 CX Amsterdam",
        ])
    if region == "APAC":
        return f"{rng.randint(1, 400)} George Street, Sydney NSW 2000"
    if region == "LATAM":
        return f"Av. Paulista {rng.randint(100, 2500)}, São Paulo SP 01310-100"
    city, state, zip3 = rng.choice(_US_CITIES)
    suite = rng.choice(["", f", Suite {rng.randint(1, 9)}00"])
    return f"{rng.randint(10, 9900)} {rng.choice(_US_STREETS)}{suite}, {city}, {state} {zip3}{rng.randint(10, 99)}"
