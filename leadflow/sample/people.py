"""The sample population: companies, the people working there, the planted scenario people, and who
of them the CRM already knows (accounts, contacts, leads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from leadflow.sample.common import cum, email_part, pick
from leadflow.sample.phones import random_phone
from leadflow.sample.reference import (
    cities, company_modifiers, company_stems, company_words, countries, country_weights, first_name_weights,
    first_names, free_mail_domains, job_titles, last_name_weights, last_names, legal_suffixes, tlds,
)


@dataclass(slots=True)
class Company:
    """A company of the sample population (an account when ``account_id`` is set)."""

    idx: int
    name: str
    domain: str
    website: str
    industry: str
    country: str
    state: str
    city: str
    phone_prefixes: tuple[str, ...]
    employee_count: int
    legal_suffix: str
    account_id: str = ""


@dataclass(slots=True)
class Person:
    """A real person of the sample population: the canonical values behind their records."""

    idx: int
    person_id: str
    first: str
    last: str
    company: Company
    email: str
    free_mail: bool
    phone_groups: tuple[str, ...]
    country: str
    state: str
    city: str
    job_title: str
    senior: bool
    contact_id: str = ""
    crm_lead_id: str = ""
    locked: bool = False  # planted scenario person: exactly one clean response, nothing else
    responded: list[int] = field(default_factory=list)  # week indexes with usable responses
    other_email: str = ""  # the address the person gives instead (noise kind email_change)


@dataclass(slots=True)
class Scenarios:
    """The planted scenario people (each is ``locked``: one clean response, nothing else)."""

    pair_a: Person  # Jordan Taylor at one company ...
    pair_b: Person  # ... and another Jordan Taylor at another
    crm_contact: Person  # already a CRM contact
    qualified: Person  # senior, interested in a product: qualifies
    no_product: Person  # senior, but names no product


@dataclass(slots=True)
class CrmMembers:
    """Who the CRM snapshot knows: companies with an account, contacts, and leads."""

    account_companies: list[Company]
    contacts: list[Person]
    leads: list[Person]


def _company_names(rng: Random, n: int) -> list[str]:
    """Make ``n`` distinct company names, "Acme Analytics" first."""
    words = list(company_words())
    stems, modifiers = company_stems(), company_modifiers()
    two = [f"{s} {w}" for s in stems for w in words]
    three = [f"{s} {m} {w}" for s in stems for m in modifiers for w in words]
    rng.shuffle(two)
    rng.shuffle(three)
    names = two[: int(len(two) * 0.8)] + three
    if n > len(names):
        extra = n - len(names)
        names += [f"{names[i % len(names)]} {i // len(names) + 2}" for i in range(extra)]
    names = names[:n]
    if "Acme Analytics" in names:  # a recognisable example first
        names.remove("Acme Analytics")
    names.insert(0, "Acme Analytics")
    return names[:n]


def make_companies(rng: Random, n: int) -> list[Company]:
    """Make ``n`` companies with a unique web domain, a location, an industry and a size."""
    names = _company_names(rng, n)
    ccum = cum(country_weights())
    city_cums = {c: cum([x[3] for x in cs]) for c, cs in cities().items()}
    used_domains: set[str] = set()
    companies = []
    for i, name in enumerate(names):
        country = pick(rng, countries(), ccum)
        city, state, prefixes, _w = pick(rng, cities()[country], city_cums[country])
        base = email_part(name)
        tld = rng.choice(tlds()[country])
        domain = base + tld
        k = 2
        while domain in used_domains:
            domain = f"{base}{k}{tld}"
            k += 1
        used_domains.add(domain)
        word = name.split()[-1] if not name.split()[-1].isdigit() else name.split()[-2]
        industry = company_words().get(word, "Information Technology")
        size = int(10 ** rng.uniform(1, 4.6))
        companies.append(Company(
            idx=i, name=name, domain=domain, website=f"https://www.{domain}",
            industry=industry, country=country, state=state, city=city,
            phone_prefixes=prefixes, employee_count=size,
            legal_suffix=rng.choice(legal_suffixes()[country]),
        ))
    return companies


def make_people(rng: Random, n: int, companies: list[Company]) -> list[Person]:
    """Make ``n`` people, each at a company (a few companies get many), with a unique email."""
    first_cum = cum(first_name_weights())
    last_cum = cum(last_name_weights())
    # company sizes: skewed so a few companies have many respondents
    comp_cum = cum([1.0 / (1 + (i % 97)) ** 0.6 + rng.random() for i in range(len(companies))])
    city_cums = {c: cum([x[3] for x in cs]) for c, cs in cities().items()}
    used_emails: set[str] = set()
    used_names: set[tuple[str, str, int]] = set()
    width = max(5, len(str(n)))
    people = []
    for i in range(n):
        comp = companies[i] if i < len(companies) and i < n // 2 else pick(rng, companies, comp_cum)
        while True:
            first = pick(rng, first_names(), first_cum)
            last = pick(rng, last_names(), last_cum)
            if (first, last) == ("Jordan", "Taylor"):
                continue  # reserved for the planted same-name pair
            key = (first, last, comp.idx)
            if key not in used_names:
                used_names.add(key)
                break
        if rng.random() < 0.8:
            country, state, city, prefixes = comp.country, comp.state, comp.city, comp.phone_prefixes
        else:
            country = comp.country
            city, state, prefixes, _w = pick(rng, cities()[country], city_cums[country])
        free = rng.random() < 0.15
        email = make_email(rng, first, last, comp, country, free, used_emails)
        title, senior = rng.choice(job_titles())
        people.append(Person(
            idx=i, person_id=f"P{i + 1:0{width}d}", first=first, last=last, company=comp,
            email=email, free_mail=free, phone_groups=random_phone(rng, country, prefixes),
            country=country, state=state, city=city, job_title=title, senior=senior,
        ))
    return people


def make_email(rng: Random, first: str, last: str, comp: Company, country: str, free: bool,
               used: set[str], style: str | None = None) -> str:
    """Make an address not in ``used`` (and add it): personal mail if ``free``, else at the company."""
    f, l_ = email_part(first), email_part(last)
    if free:
        domain = rng.choice(free_mail_domains()[country])
        local = rng.choice([f"{f}.{l_}", f"{f}{l_}", f"{f}_{l_}", f"{f[0]}{l_}"])
        if rng.random() < 0.5:
            local += str(rng.randint(1, 99))
    else:
        domain = comp.domain
        if style is None:
            r = rng.random()
            style = "first.last" if r < 0.85 else ("flast" if r < 0.95 else "first")
        local = {"first.last": f"{f}.{l_}", "flast": f"{f[0]}{l_}", "first": f}[style]
    email = f"{local}@{domain}"
    k = 2
    while email in used:
        email = f"{local}{k}@{domain}"
        k += 1
    used.add(email)
    return email


def plant_scenarios(rng: Random, persons: list[Person], used_emails: set[str]) -> Scenarios:
    """Make the planted scenario people (same-name pair, CRM contact, qualified, no product).

    The pair become Jordan Taylor at two companies with new addresses; ``used_emails`` (every
    address in the population) follows the change.
    """
    company_mail = [p for p in persons if not p.free_mail]
    pair_a = rng.choice(company_mail)
    pair_b = rng.choice([p for p in company_mail
                         if p.company.idx != pair_a.company.idx
                         and p.company.domain != pair_a.company.domain])
    for p in (pair_a, pair_b):
        used_emails.discard(p.email)
        p.first, p.last = "Jordan", "Taylor"
        p.email = make_email(rng, p.first, p.last, p.company, p.country, False, used_emails,
                             style="first.last")
    while "".join(pair_a.phone_groups) == "".join(pair_b.phone_groups):
        pair_b.phone_groups = random_phone(rng, pair_b.country, pair_b.company.phone_prefixes)
    chosen = {pair_a.idx, pair_b.idx}
    rest = [p for p in company_mail if p.idx not in chosen]
    crm_contact, qualified, no_product = rng.sample(rest, 3)
    for p in (pair_a, pair_b, crm_contact, qualified, no_product):
        p.locked = True
    qualified.job_title, qualified.senior = "VP of Engineering", True
    no_product.job_title, no_product.senior = "Director of IT", True
    return Scenarios(pair_a, pair_b, crm_contact, qualified, no_product)


def choose_crm_members(rng: Random, companies: list[Company], persons: list[Person],
                       crm_contact: Person) -> CrmMembers:
    """Make the CRM's membership: accounts (about 40% of companies), contacts and leads, with ids."""
    people = len(persons)
    account_companies = [c for c in companies if rng.random() < 0.4 or c is crm_contact.company]
    width_a = max(4, len(str(len(account_companies))))
    for n, c in enumerate(account_companies, 1):
        c.account_id = f"A-{n:0{width_a}d}"
    at_account = [p for p in persons if p.company.account_id and (not p.locked or p is crm_contact)]
    p_contact = min(1.0, 0.10 * people / max(1, len(at_account)))
    contacts = [p for p in at_account if p is crm_contact or rng.random() < p_contact]
    width_c = max(5, len(str(len(contacts))))
    for n, p in enumerate(contacts, 1):
        p.contact_id = f"C-{n:0{width_c}d}"
    lead_pool = [p for p in persons if not p.contact_id and not p.locked]
    p_lead = min(1.0, 0.08 * people / max(1, len(lead_pool)))
    crm_leads = [p for p in lead_pool if rng.random() < p_lead]
    width_l = max(5, len(str(len(crm_leads))))
    for n, p in enumerate(crm_leads, 1):
        p.crm_lead_id = f"CL-{n:0{width_l}d}"
    return CrmMembers(account_companies, contacts, crm_leads)
