"""The CRM snapshot: accounts, contacts, leads, opportunities and campaigns, as the CRM exports them."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from leadflow.sample.columns import CRM_COLUMNS
from leadflow.sample.common import cum, fmt_ts, pick, ts, write_csv
from leadflow.sample.people import CrmMembers, Person
from leadflow.sample.phones import e164, phone_default
from leadflow.sample.reference import (
    campaigns, crm_owners, lead_sources, lead_statuses, opportunity_stage_weights, opportunity_stages, products,
    telemarketing_campaigns,
)
from leadflow.sample.run import SampleRun


def _before_start(run: SampleRun, max_days: int) -> str:
    """Make a creation timestamp up to ``max_days`` days before the first week."""
    rng = run.rng
    d = run.start - timedelta(days=rng.randint(1, max_days))
    return fmt_ts(ts(d, rng), 0)


def write_accounts(run: SampleRun, members: CrmMembers) -> None:
    """Write crm/accounts.csv: one row per account company, name and website as the CRM holds them."""
    rng = run.rng
    rows = []
    for c in members.account_companies:
        name = c.name + c.legal_suffix if rng.random() < 0.5 else c.name
        website = rng.choice([c.website, c.domain, f"www.{c.domain}", f"http://{c.domain}"])
        rows.append([c.account_id, name, website, c.industry, c.country, c.state, c.city,
                     rng.choice(crm_owners()), _before_start(run, 2500)])
    write_csv(run.out_dir / "crm/accounts.csv", CRM_COLUMNS["accounts"], rows)


def write_contacts(run: SampleRun, members: CrmMembers, crm_contact: Person) -> None:
    """Write crm/contacts.csv (the scenario's CRM contact always with a phone)."""
    rng = run.rng
    rows = []
    for p in members.contacts:
        phone = ("" if rng.random() < 0.1 and p is not crm_contact
                 else phone_default(p.country, p.phone_groups) if rng.random() < 0.7
                 else e164(p.country, p.phone_groups))
        rows.append([p.contact_id, p.company.account_id, p.first, p.last, p.email, phone,
                     p.job_title])
    write_csv(run.out_dir / "crm/contacts.csv", CRM_COLUMNS["contacts"], rows)


def write_leads(run: SampleRun, members: CrmMembers) -> None:
    """Write crm/leads.csv: the CRM's open leads with status, source and owner."""
    rng = run.rng
    rows = []
    for p in members.leads:
        company = p.company.name if rng.random() < 0.7 else p.company.name + p.company.legal_suffix
        phone = "" if rng.random() < 0.1 else phone_default(p.country, p.phone_groups)
        rows.append([p.crm_lead_id, rng.choice(lead_statuses()), _before_start(run, 700),
                     rng.choice(lead_sources()), rng.choice(crm_owners()), p.first, p.last, p.email,
                     phone, company, p.job_title, p.country])
    write_csv(run.out_dir / "crm/leads.csv", CRM_COLUMNS["leads"], rows)


def _close_date(run: SampleRun, opportunity_id: str, stage: str, created_day: date) -> str:
    """A closed opportunity's close date: between its creation and the period's end, drawn from its id (so the
    sample's random stream, and every file after this one, stays as it was); empty while it is open."""
    if not stage.lower().startswith("closed"):
        return ""
    days_left = max((run.period_end - created_day).days, 0)
    offset = int(hashlib.sha256(opportunity_id.encode()).hexdigest(), 16) % (days_left + 1)
    return (created_day + timedelta(days=offset)).isoformat()


def write_opportunities(run: SampleRun, members: CrmMembers) -> None:
    """Write crm/opportunities.csv: opportunities on 30% of leads and 20% of contacts, in the period; closed ones
    with a close date (an extra column, as CRM exports add them)."""
    rng = run.rng
    stage_cum = cum(opportunity_stage_weights())
    span_days = (run.period_end - run.start).days
    opp_src = [(p, "lead") for p in members.leads if rng.random() < 0.30]
    opp_src += [(p, "contact") for p in members.contacts if rng.random() < 0.20]
    width_o = max(5, len(str(len(opp_src))))
    rows = []
    for n, (p, kind) in enumerate(opp_src, 1):
        d = run.start + timedelta(days=rng.randint(0, span_days))
        amount = rng.randint(50, 2500) * 100
        row = [
            f"OP-{n:0{width_o}d}",
            p.crm_lead_id if kind == "lead" else "",
            p.company.account_id,
            p.contact_id if kind == "contact" else "",
            f"{p.company.name} - {rng.choice(products())}", str(amount),
            pick(rng, opportunity_stages(), stage_cum), fmt_ts(ts(d, rng), 0),
        ]
        rows.append([*row, _close_date(run, row[0], row[6], d)])
    write_csv(run.out_dir / "crm/opportunities.csv", CRM_COLUMNS["opportunities"], rows)


def write_campaigns(run: SampleRun) -> None:
    """Write crm/campaigns.csv: the campaigns that got responses and the telemarketing vendors' campaigns, with
    cost and start date."""
    rows = [[c[0], c[1], c[2], str(c[4]), (run.start + timedelta(days=c[5])).isoformat()]
            for c in campaigns() if c[0] in run.used_campaigns]
    rows += [[c[0], c[1], c[2], str(c[3]), (run.start + timedelta(days=c[4])).isoformat()]
             for c in telemarketing_campaigns().values()]
    write_csv(run.out_dir / "crm/campaigns.csv", CRM_COLUMNS["campaigns"], rows)


def write_crm_snapshot(run: SampleRun, members: CrmMembers, crm_contact: Person) -> None:
    """Write the five CRM files, in this order (each draws from the stream)."""
    write_accounts(run, members)
    write_contacts(run, members, crm_contact)
    write_leads(run, members)
    write_opportunities(run, members)
    write_campaigns(run)
    run.files += ["crm/accounts.csv", "crm/contacts.csv", "crm/leads.csv", "crm/opportunities.csv",
                  "crm/campaigns.csv"]
