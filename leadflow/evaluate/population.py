"""An independent population of people and companies for evaluating matching, with the traps precision rests on.

Names, companies and cities come from Faker's locale providers (nine countries), phone numbers from the
`phonenumbers` metadata of each country, e-mail addresses from per-company patterns and free-mail providers.
Nothing here comes from the sample generator (`leadflow.sample`) the matcher was tuned on.

Planted traps (precision): colleagues sharing a surname and the company switchboard number, relatives (father
and son) at one company with one phone, role addresses (`info@`, `sales@`) shared by several people, and
namesakes (same first and last name) at other companies.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from random import Random

import phonenumbers

# country -> (Faker locale, weight, top-level domain of companies, free-mail providers used there)
COUNTRIES = {
    "US": ("en_US", 40, ".com", ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com")),
    "GB": ("en_GB", 10, ".co.uk", ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com")),
    "DE": ("de_DE", 12, ".de", ("gmail.com", "gmx.de", "web.de", "t-online.de", "outlook.de")),
    "FR": ("fr_FR", 8, ".fr", ("gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr")),
    "NL": ("nl_NL", 6, ".nl", ("gmail.com", "ziggo.nl", "kpnmail.nl", "outlook.com", "hotmail.nl")),
    "ES": ("es_ES", 7, ".es", ("gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net")),
    "IT": ("it_IT", 6, ".it", ("gmail.com", "libero.it", "virgilio.it", "hotmail.it", "tiscali.it")),
    "IN": ("en_IN", 6, ".in", ("gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com")),
    "BR": ("pt_BR", 5, ".com.br", ("gmail.com", "hotmail.com", "uol.com.br", "bol.com.br", "terra.com.br")),
}
COUNTRY_NAMES = {
    "US": ("United States", "USA", "U.S.", "us"), "GB": ("United Kingdom", "UK", "England", "Great Britain"),
    "DE": ("Germany", "Deutschland", "de"), "FR": ("France", "fr"), "NL": ("Netherlands", "Holland", "NL."),
    "ES": ("Spain", "España"), "IT": ("Italy", "Italia"), "IN": ("India", "in"), "BR": ("Brazil", "Brasil"),
}
INDUSTRY_WORDS = ("Technologies", "Manufacturing", "International", "Solutions", "Systems", "Logistics",
                  "Consulting", "Services", "Associates", "Industries", "Holdings", "Partners", "Engineering",
                  "Laboratories", "Software", "Analytics", "Networks", "Pharmaceuticals", "Brothers")
WORD_ABBREVIATIONS = {"Technologies": "Tech", "Manufacturing": "Mfg", "International": "Intl",
                      "Solutions": "Sol.", "Systems": "Sys", "Logistics": "Log.", "Consulting": "Consult.",
                      "Services": "Svcs", "Associates": "Assoc", "Industries": "Ind.", "Holdings": "Hldgs",
                      "Engineering": "Eng", "Laboratories": "Labs", "Brothers": "Bros", "Pharmaceuticals": "Pharma",
                      "Networks": "Net", "and": "&", "&": "and", "Partners": "Ptnrs"}
LEGAL_FORMS = {"US": ("Inc", "Inc.", "LLC", "Corp", "Corporation", "Co."), "GB": ("Ltd", "Limited", "PLC", "LLP"),
               "DE": ("GmbH", "AG", "GmbH & Co. KG", "KG"), "FR": ("SA", "SARL", "SAS"),
               "NL": ("B.V.", "BV", "N.V."), "ES": ("S.A.", "S.L.", "SL"), "IT": ("S.p.A.", "S.r.l.", "SRL"),
               "IN": ("Pvt Ltd", "Private Limited", "Ltd"), "BR": ("Ltda", "S/A", "Ltda.")}
ROLE_LOCALS = ("info", "sales", "contact", "office", "hello", "marketing")


def ascii_slug(text: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]", "", folded.replace("ß", "ss"))


@dataclass
class Company:
    idx: int
    name: str          # without a legal form
    legal: str         # the legal form it usually writes
    domain: str
    country: str
    city: str
    state: str
    switchboard: str   # E.164
    email_pattern: str
    account_id: str = ""

    def variants(self) -> tuple[str, ...]:
        """Other ways the company's name is written: legal forms, abbreviations, acronyms, case, `The`."""
        out = [self.name, f"{self.name} {self.legal}", f"{self.name}, {self.legal}",
               f"{self.name} {LEGAL_FORMS[self.country][0]}", self.name.upper(), f"The {self.name}"]
        words = self.name.replace("-", " - ").split()
        abbreviated = " ".join(WORD_ABBREVIATIONS.get(w, w) for w in words).replace(" - ", "-")
        if abbreviated != self.name:
            out += [abbreviated, f"{abbreviated} {self.legal}"]
        capitals = [w for w in self.name.replace("-", " ").split() if w[:1].isupper()]
        if len(capitals) >= 3:
            out.append("".join(w[0] for w in capitals))
        return tuple(dict.fromkeys(out))


@dataclass
class Person:
    person_id: str
    first: str
    last: str
    company: Company | None
    country: str
    city: str
    state: str
    email: str                      # the address the person usually gives
    other_email: str                # personal if `email` is work, and the reverse
    phone: str                      # E.164: own line, or the company switchboard
    phone_style: int                # the format the person usually writes (index into phone_forms)
    nicknames: tuple[str, ...] = ()
    trap: str = ""                  # colleague_surname | relative | role_address | namesake
    contact_id: str = ""
    crm_lead_id: str = ""
    extra: dict = field(default_factory=dict)


def phone_forms(e164: str, country: str) -> tuple[str, ...]:
    """Ways to write one number: national (trunk prefix), international, E.164, 00-prefixed, separators."""
    number = phonenumbers.parse(e164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    digits = re.sub(r"\D", "", national)
    forms = [national, international, e164, "00" + international[1:], digits,
             national.replace(" ", "-"), international.replace(" ", ".")]
    if country != "US" and digits.startswith("0"):
        forms.append(international.replace(" ", " (0)", 1))
    return tuple(dict.fromkeys(forms))


class PopulationMaker:
    """Draws companies and people from Faker's locales with one seeded random stream."""

    def __init__(self, seed: int):
        from faker import Faker

        self.rng = Random(f"independent-population-{seed}")
        self.fakers = {}
        for k, (country, (locale, *_)) in enumerate(COUNTRIES.items()):
            faker = Faker(locale)
            faker.seed_instance(seed * 100 + k)
            for provider in faker.get_providers():  # some locales build their city list from a set: its order
                if isinstance(getattr(provider, "cities", None), list):  # changes with each interpreter's hash seed
                    provider.cities = sorted(provider.cities)
            self.fakers[country] = faker
        self.countries = list(COUNTRIES)
        self.weights = [COUNTRIES[c][1] for c in self.countries]
        self.used_domains: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_numbers: set[str] = set()
        self._nick = None

    # -- pieces ---------------------------------------------------------------------------------------------
    def number(self, country: str, mobile: bool) -> str:
        kind = phonenumbers.PhoneNumberType.MOBILE if mobile else phonenumbers.PhoneNumberType.FIXED_LINE
        example = phonenumbers.example_number_for_type(country, kind)
        national = phonenumbers.national_significant_number(example)
        for _ in range(50):
            keep = max(2, len(national) - 7)
            candidate = national[:keep] + "".join(self.rng.choice("0123456789") for _ in national[keep:])
            parsed = phonenumbers.parse("+" + str(example.country_code) + candidate)
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in self.used_numbers and phonenumbers.is_valid_number(parsed):
                self.used_numbers.add(e164)
                return e164
        return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)

    def nicknames_of(self, first: str) -> tuple[str, ...]:
        if self._nick is None:
            from nicknames import NickNamer

            self._nick = NickNamer()
        return tuple(sorted(n.title() for n in self._nick.nicknames_of(first.lower())))

    def company(self, idx: int) -> Company:
        rng = self.rng
        country = rng.choices(self.countries, self.weights)[0]
        faker = self.fakers[country]
        r = rng.random()
        if r < 0.45:
            name = faker.last_name() + " " + rng.choice(INDUSTRY_WORDS)
        elif r < 0.6:
            name = f"{faker.last_name()} {rng.choice(INDUSTRY_WORDS)} {rng.choice(INDUSTRY_WORDS)}"
        elif r < 0.75:
            name = f"{faker.last_name()} & {faker.last_name()}"
        else:
            name = faker.company()
            for form in sorted({f for forms in LEGAL_FORMS.values() for f in forms} |
                               {"Group", "Inc", "LLC", "e.V.", "GmbH & Co. KGaA", "S.Coop.", "S.L.L."},
                               key=len, reverse=True):
                name = re.sub(rf"[\s,]+{re.escape(form)}$", "", name)
        name = re.sub(r"\s+", " ", name).strip(" ,")
        slug = ascii_slug(name.split()[0] if rng.random() < 0.3 else name.replace("&", "and"))[:24] or "company"
        domain = slug + COUNTRIES[country][2]
        k = 2
        while domain in self.used_domains:
            domain = f"{slug}{k}{COUNTRIES[country][2]}"
            k += 1
        self.used_domains.add(domain)
        return Company(idx, name, rng.choice(LEGAL_FORMS[country]), domain, country, faker.city(),
                       faker.state_abbr() if country == "US" else "", self.number(country, mobile=False),
                       rng.choice(("first.last", "first.last", "flast", "f.last", "first", "firstlast", "first_last",
                                   "lastf")))

    def _unique(self, local: str, domain: str) -> str:
        email = f"{local}@{domain}"
        n = 2
        while email in self.used_emails:
            email = f"{local}{n}@{domain}"
            n += 1
        self.used_emails.add(email)
        return email

    def work_email(self, first: str, last: str, company: Company) -> str:
        f, l = ascii_slug(first), ascii_slug(last)
        local = {"first.last": f"{f}.{l}", "flast": f"{f[:1]}{l}", "f.last": f"{f[:1]}.{l}", "first": f,
                 "firstlast": f"{f}{l}", "first_last": f"{f}_{l}", "lastf": f"{l}{f[:1]}"}[company.email_pattern]
        return self._unique(local or "x", company.domain)

    def free_email(self, first: str, last: str, country: str) -> str:
        f, l = ascii_slug(first), ascii_slug(last)
        rng = self.rng
        local = rng.choice((f"{f}.{l}", f"{f}{l}", f"{f}.{l}{rng.randint(1, 99)}", f"{f[:1]}{l}{rng.randint(1, 999)}",
                            f"{f}_{l}", f"{l}.{f}"))
        return self._unique(local, rng.choice(COUNTRIES[country][3]))

    # -- people ---------------------------------------------------------------------------------------------
    def person(self, idx: int, company: Company | None, first: str | None = None, last: str | None = None,
               phone: str | None = None, trap: str = "") -> Person:
        rng = self.rng
        country = company.country if company else rng.choices(self.countries, self.weights)[0]
        faker = self.fakers[country]
        first = first or (faker.first_name_female() if rng.random() < 0.5 else faker.first_name_male())
        last = last or faker.last_name()
        free = company is None or rng.random() < 0.3
        work = self.work_email(first, last, company) if company else ""
        personal = self.free_email(first, last, country)
        email, other = (personal, work) if free else (work, personal)
        if phone is None:
            phone = company.switchboard if company and rng.random() < 0.05 else self.number(country, rng.random() < 0.6)
        city = company.city if company and rng.random() < 0.8 else faker.city()
        state = company.state if company else (faker.state_abbr() if country == "US" else "")
        return Person(f"P{idx:07d}", first, last, company, country, city, state, email, other, phone,
                      rng.choice((0, 0, 1, 1, 2)), self.nicknames_of(first), trap)

    def population(self, people: int) -> tuple[list[Company], list[Person]]:
        """`people` people at about people/6 companies (a few large ones), 8 % without a company, with traps."""
        rng = self.rng
        companies = [self.company(i) for i in range(max(3, people // 6))]
        sizes = list(itertools.accumulate(1.0 / (1 + i % 53) ** 0.7 for i in range(len(companies))))
        persons: list[Person] = []
        by_company: dict[int, list[Person]] = {}
        while len(persons) < people:
            idx = len(persons)
            company = None if rng.random() < 0.08 else rng.choices(companies, cum_weights=sizes)[0]
            colleagues = by_company.get(company.idx, []) if company else []
            r = rng.random()
            if colleagues and r < 0.04:  # a colleague with the same surname, often on the switchboard too
                other = rng.choice(colleagues)
                p = self.person(idx, company, last=other.last,
                                phone=company.switchboard if rng.random() < 0.6 else None, trap="colleague_surname")
            elif colleagues and r < 0.055:  # father and son (or mother and daughter): one phone, one company
                other = rng.choice(colleagues)
                p = self.person(idx, company, last=other.last, phone=other.phone, trap="relative")
            elif persons and r < 0.075:  # a namesake somewhere else
                other = rng.choice(persons)
                p = self.person(idx, company if company is not other.company else None, first=other.first,
                                last=other.last, trap="namesake")
            else:
                p = self.person(idx, company)
            if company and rng.random() < 0.015:  # a role address the company's people share
                p.other_email, p.email = p.email, f"{rng.choice(ROLE_LOCALS[:3])}@{company.domain}"
                p.trap = p.trap or "role_address"
            persons.append(p)
            if company:
                by_company.setdefault(company.idx, []).append(p)
        return companies, persons
