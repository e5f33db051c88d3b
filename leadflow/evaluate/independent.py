"""Independent evaluation inboxes: lead files written from the independent population and corruption model.

Two shapes, as the issue measures them:
- `write_weekly_file`: N records in one weekly campaign-response file (people with one to six records each);
- `write_crm_case`: P people over two weekly imports and a CRM snapshot (accounts, contacts, CRM leads).
Both write `truth/records.csv` (source_file, source_record_id, person_id, usable, defect, corruption) and
`truth/people.csv` (person_id, contact_id, crm_lead_id, account_id, trap) beside the inbox.
"""

from __future__ import annotations

import csv
from pathlib import Path
from random import Random

from leadflow.evaluate.corruption import RATES, Context, CorruptionRate, RecordValues, corrupt_record
from leadflow.evaluate.population import COUNTRIES, COUNTRY_NAMES, Person, PopulationMaker, phone_forms

RESPONSE_COLUMNS = ["response_id", "campaign_id", "campaign_name", "response_type", "responded_at", "first_name",
                    "last_name", "email", "phone", "company", "website", "job_title", "country", "state", "city",
                    "product_interest", "budget_status", "timeframe_months", "decision_maker", "opt_in", "notes"]
US_STATES = {"CA": "California", "NY": "New York", "TX": "Texas", "FL": "Florida", "IL": "Illinois",
             "WA": "Washington", "MA": "Massachusetts", "GA": "Georgia", "PA": "Pennsylvania", "OH": "Ohio"}
ALL_PROVIDERS = tuple(sorted({p for *_, providers in COUNTRIES.values() for p in providers}))
CRM_RATE = CorruptionRate("crm", 0.12, (1,))


def _context(p: Person) -> Context:
    company = p.company
    return Context(
        other_email=p.other_email, phone_forms=phone_forms(p.phone, p.country), nicknames=p.nicknames,
        company_variants=company.variants() if company else (),
        country_names=COUNTRY_NAMES.get(p.country, ()),
        state_names=(US_STATES[p.state], p.state.lower()) if p.state in US_STATES else (),
        providers=ALL_PROVIDERS)


def person_record(rng: Random, p: Person, rate: CorruptionRate) -> tuple[RecordValues, list[str]]:
    """One record of `p` as they would fill in a form, corrupted at `rate`."""
    context = p.extra.get("context")
    if context is None:
        context = p.extra["context"] = _context(p)
    company = p.company
    values = RecordValues(
        first=p.first, last=p.last, email=p.email, phone=context.phone_forms[min(p.phone_style,
                                                                                 len(context.phone_forms) - 1)],
        company=(company.name if rng.random() < 0.6 else f"{company.name} {company.legal}") if company else "",
        website=f"https://www.{company.domain}" if company and rng.random() < 0.3 else "",
        city=p.city, state=p.state, country=p.country)
    kinds = corrupt_record(rng, values, context, rate)
    return values, kinds


def _response_row(record_id: str, values: RecordValues, week: str) -> list[str]:
    return [record_id, "CMP-IND-1", "Independent Evaluation", "form_fill", week, values.first, values.last,
            values.email, values.phone, values.company, values.website, "", values.country, values.state,
            values.city, "", "unknown", "", "", "true", ""]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _records_per_person(rng: Random) -> int:
    return rng.choices((1, 2, 3, 4, 5, 6), (60, 22, 10, 5, 2, 1))[0]


def _write_truth(root: Path, truth: list[list[str]], people: list[Person]) -> None:
    _write_csv(root / "truth/records.csv", ["source_file", "source_record_id", "person_id", "usable", "defect",
                                            "corruption"], truth)
    _write_csv(root / "truth/people.csv", ["person_id", "contact_id", "crm_lead_id", "account_id", "trap"],
               [[p.person_id, p.contact_id, p.crm_lead_id, p.company.account_id if p.company else "", p.trap]
                for p in people])


def write_weekly_file(root: Path, records: int, seed: int = 11, rate: str = "medium") -> dict:
    """`records` records (about 1.7 per person) in one weekly campaign-response file under `root`."""
    root = Path(root)
    maker = PopulationMaker(seed)
    rng = Random(f"independent-records-{seed}-{rate}")
    _, people = maker.population(int(records / 1.7) + 50)
    drawn: list[tuple[Person, RecordValues, list[str]]] = []
    for p in people:
        for _ in range(_records_per_person(rng)):
            values, kinds = person_record(rng, p, RATES[rate])
            drawn.append((p, values, kinds))
        if len(drawn) >= records:
            break
    drawn = drawn[:records]
    rng.shuffle(drawn)
    rel = "campaign_responses/responses_2026-W48.csv"
    rows, truth = [], []
    for n, (p, values, kinds) in enumerate(drawn, 1):
        rid = f"R-IND-{n:07d}"
        rows.append(_response_row(rid, values, "2026-11-23"))
        truth.append([rel, rid, p.person_id, "true", "", "+".join(kinds)])
    _write_csv(root / rel, RESPONSE_COLUMNS, rows)
    seen = {t[2] for t in truth}
    _write_truth(root, truth, [p for p in people if p.person_id in seen])
    return {"records": len(rows), "people": len({t[2] for t in truth}), "rate": rate, "seed": seed}


def _crm_values(rng: Random, p: Person) -> RecordValues:
    values, _ = person_record(rng, p, CRM_RATE)
    return values


def write_crm_case(root: Path, people: int = 3000, seed: int = 11, rate: str = "medium") -> dict:
    """`people` people over two weekly campaign files (week 1: 70 % respond, week 2: a third of them again and
    half of the others) and a CRM snapshot: accounts for a third of the companies, contacts for 45 % of their
    people, CRM leads for 8 % of the rest."""
    root = Path(root)
    maker = PopulationMaker(seed)
    rng = Random(f"independent-crm-{seed}-{rate}")
    companies, persons = maker.population(people)
    for k, company in enumerate(c for c in companies if rng.random() < 0.35):
        company.account_id = f"ACC-{k + 1:05d}"
    n_contact = n_lead = 0
    for p in persons:
        if p.company and p.company.account_id and rng.random() < 0.45:
            n_contact += 1
            p.contact_id = f"CON-{n_contact:05d}"
        elif rng.random() < 0.08:
            n_lead += 1
            p.crm_lead_id = f"CLD-{n_lead:05d}"
    weeks = {"2026-W48": "2026-11-23", "2026-W49": "2026-11-30"}
    responded: set[str] = set()
    truth = []
    for k, (week, day) in enumerate(weeks.items()):
        drawn = []
        for p in persons:
            again = p.person_id in responded
            if (k == 0 and rng.random() < 0.7) or (k == 1 and rng.random() < (0.33 if again else 0.5)):
                responded.add(p.person_id)
                for _ in range(rng.choices((1, 2, 3), (75, 20, 5))[0]):
                    values, kinds = person_record(rng, p, RATES[rate])
                    drawn.append((p, values, kinds))
        rng.shuffle(drawn)
        rel = f"campaign_responses/responses_{week}.csv"
        rows = []
        for n, (p, values, kinds) in enumerate(drawn, 1):
            rid = f"R-{week.replace('-', '')}-{n:06d}"
            rows.append(_response_row(rid, values, day))
            truth.append([rel, rid, p.person_id, "true", "", "+".join(kinds)])
        _write_csv(root / rel, RESPONSE_COLUMNS, rows)
    accounts = [[c.account_id, f"{c.name} {c.legal}" if rng.random() < 0.5 else c.name,
                 rng.choice((f"https://www.{c.domain}", c.domain, f"www.{c.domain}")), "", c.country, c.state, c.city,
                 "owner.one", "2024-01-15T10:00:00"] for c in companies if c.account_id]
    contacts, leads = [], []
    for p in persons:
        if p.contact_id:
            v = _crm_values(rng, p)
            contacts.append([p.contact_id, p.company.account_id, v.first, v.last, v.email,
                             "" if rng.random() < 0.1 else v.phone, ""])
        elif p.crm_lead_id:
            v = _crm_values(rng, p)
            leads.append([p.crm_lead_id, "Open", "2025-06-01T09:00:00", "Web", "owner.two", v.first, v.last,
                          v.email, "" if rng.random() < 0.1 else v.phone, v.company, "", p.country])
    _write_csv(root / "crm/accounts.csv", ["account_id", "name", "website", "industry", "country", "state", "city",
                                           "owner", "created_at"], accounts)
    _write_csv(root / "crm/contacts.csv", ["contact_id", "account_id", "first_name", "last_name", "email", "phone",
                                           "job_title"], contacts)
    _write_csv(root / "crm/leads.csv", ["lead_id", "status", "created_at", "source", "owner", "first_name",
                                        "last_name", "email", "phone", "company", "job_title", "country"], leads)
    _write_csv(root / "crm/opportunities.csv", ["opportunity_id", "lead_id", "account_id", "contact_id", "name",
                                                "amount", "stage", "created_at"], [])
    _write_truth(root, truth, persons)
    return {"records": len(truth), "people": len(persons), "contacts": len(contacts), "crm_leads": len(leads),
            "accounts": len(accounts), "rate": rate, "seed": seed}
