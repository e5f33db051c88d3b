"""The firmographics reference file and the ``truth/`` folder: which person every record belongs to,
the people's canonical values, and the planted scenarios."""

from __future__ import annotations

import json

from leadflow.sample.columns import FIRMOGRAPHICS_COLUMNS, TRUTH_PEOPLE_COLUMNS, TRUTH_RECORD_COLUMNS
from leadflow.sample.common import write_csv
from leadflow.sample.people import Company, Person, Scenarios
from leadflow.sample.phones import e164
from leadflow.sample.run import SampleRun


def write_firmographics(run: SampleRun, companies: list[Company]) -> None:
    """Write reference/firmographics.csv: every company's domain, name, industry, size and country."""
    rows = [[c.domain, c.name, c.industry, str(c.employee_count), c.country] for c in companies]
    write_csv(run.out_dir / "reference/firmographics.csv", FIRMOGRAPHICS_COLUMNS, rows)
    run.files.append("reference/firmographics.csv")


def scenarios_truth(run: SampleRun, persons: list[Person], scenarios: Scenarios) -> dict:
    """Make the content of truth/scenarios.json."""
    return {
        "same_name_different_company": [scenarios.pair_a.person_id, scenarios.pair_b.person_id],
        "crm_contact": scenarios.crm_contact.person_id,
        "qualified": scenarios.qualified.person_id,
        "no_product": scenarios.no_product.person_id,
        "repeat_across_weeks": [p.person_id for p in persons if len(set(p.responded)) > 1],
        "unusable_records": run.unusable,
    }


def write_truth(run: SampleRun, persons: list[Person], scenarios: Scenarios) -> None:
    """Write truth/records.csv, truth/people.csv (canonical values) and truth/scenarios.json."""
    out_dir = run.out_dir
    write_csv(out_dir / "truth/records.csv", TRUTH_RECORD_COLUMNS, run.truth_records)
    people_rows = [[p.person_id, p.first, p.last, p.email, e164(p.country, p.phone_groups),
                    p.company.name, p.company.domain, p.contact_id, p.crm_lead_id,
                    p.company.account_id] for p in persons]
    write_csv(out_dir / "truth/people.csv", TRUTH_PEOPLE_COLUMNS, people_rows)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    with open(out_dir / "truth/scenarios.json", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(scenarios_truth(run, persons, scenarios), indent=2, ensure_ascii=False) + "\n")
    run.files += ["truth/records.csv", "truth/people.csv", "truth/scenarios.json"]
