"""Deterministic sample inbox generator with known truth.

`generate_sample_inbox` writes a realistic, messy inbox in the layout of
``/work/shared/contracts/inbox.md`` (campaign responses, telemarketer calls, a CRM
snapshot, a firmographics reference file) together with a ``truth/`` folder that says
which real person every record belongs to, which records are unusable and why, and
which scenarios were planted.

Only the standard library is used (``random.Random(seed)`` and ``csv``): the same seed
and arguments always produce byte-identical files.  No iteration over sets or other
hash-ordered containers happens anywhere, so the output does not depend on
``PYTHONHASHSEED``.

The steps live in sibling modules, in the order they draw from the one random stream:
``people`` (companies, people, planted scenarios, CRM membership), ``touches`` (who responds
when), ``inbox`` (campaign response and telemarketer files, with ``noise``), ``crm`` (the CRM
snapshot) and ``truth`` (firmographics and truth files).  The reference lists they draw from
are data files under ``data/``, read by ``reference``.
"""

from __future__ import annotations

from pathlib import Path
from random import Random

from leadflow.sample.columns import (
    CAMPAIGN_RESPONSE_COLUMNS, CRM_COLUMNS, DISPOSITIONS, FIRMOGRAPHICS_COLUMNS, TELEMARKETER_COLUMNS,
    TELEMARKETER_VENDORS, TRUTH_PEOPLE_COLUMNS, TRUTH_RECORD_COLUMNS,
)
from leadflow.sample.common import parse_week
from leadflow.sample.crm import write_crm_snapshot
from leadflow.sample.inbox import write_campaign_responses, write_telemarketer_calls
from leadflow.sample.noise import NOISE_LEVELS, IdentityNoise, NoiseLevel
from leadflow.sample.people import choose_crm_members, make_companies, make_people, plant_scenarios
from leadflow.sample.reference import (
    agents, campaigns, company_stems, company_words, crm_owners, first_names, job_titles, last_names, lead_sources,
    lead_statuses, nicknames, opportunity_stages, products,
)
from leadflow.sample.run import SampleRun
from leadflow.sample.touches import calls_per_vendor, plan_touches, unusable_defects
from leadflow.sample.truth import write_firmographics, write_truth

__all__ = [
    "generate_sample_inbox",
    "NoiseLevel",
    "NOISE_LEVELS",
    "CAMPAIGN_RESPONSE_COLUMNS",
    "TELEMARKETER_COLUMNS",
    "CRM_COLUMNS",
    "FIRMOGRAPHICS_COLUMNS",
    "TRUTH_RECORD_COLUMNS",
    "TRUTH_PEOPLE_COLUMNS",
    "TELEMARKETER_VENDORS",
    "DISPOSITIONS",
]

# The reference lists under the names they had when they were written out in this module,
# loaded from the data files on first use (e.g. `from leadflow.sample.generator import FIRST_NAMES`).
_REFERENCE_NAMES = {
    "FIRST_NAMES": first_names,
    "NICKNAMES": nicknames,
    "LAST_NAMES": last_names,
    "COMPANY_STEMS": company_stems,
    "COMPANY_WORDS": company_words,
    "JOB_TITLES": job_titles,
    "PRODUCTS": products,
    "CAMPAIGNS": campaigns,
    "OWNERS": crm_owners,
    "AGENTS": agents,
    "LEAD_SOURCES": lead_sources,
    "LEAD_STATUSES": lead_statuses,
    "OPP_STAGES": opportunity_stages,
}


def __getattr__(name: str):
    """Make the reference list ``name`` (FIRST_NAMES, CAMPAIGNS, ...) from its data file."""
    loader = _REFERENCE_NAMES.get(name)
    if loader is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return loader()


def _noise_level(noise: str, people: int, weeks: int) -> NoiseLevel:
    """Make the noise level named ``noise`` after checking the arguments."""
    if noise not in NOISE_LEVELS:
        raise ValueError(f"noise must be one of {', '.join(NOISE_LEVELS)}, got {noise!r}")
    if people < 20:
        raise ValueError("people must be at least 20")
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    return NOISE_LEVELS[noise]


def generate_sample_inbox(out_dir: Path, seed: int = 7, people: int = 3000, weeks: int = 2,
                          start_week: str = "2026-W46", noise: str = "default") -> dict:
    """Write a deterministic, messy sample inbox with known truth under ``out_dir``.

    ``noise`` names a level of ``NOISE_LEVELS`` (low, default, high, extreme): how often and how
    badly the identity fields (names, email, phone, company, website, country) of a person's
    campaign and telemarketer records differ from each other.  Everything else is the same at
    every level for the same seed: people, CRM and reference files, which records exist, their
    ids, dates and other columns, and so ``truth/`` (records.csv and scenarios.json are identical;
    people.csv holds the canonical values).  ``default`` gives the same bytes as before levels
    existed.

    Returns ``{"people": n, "records": campaign + telemarketer data records,
    "files": [paths relative to out_dir], "unusable": n, "noise": level name}``.
    """
    level = _noise_level(noise, people, weeks)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = Random(seed)
    start = parse_week(start_week)

    # Every step below draws from `rng`; their order is the order of the stream.
    companies = make_companies(rng, max(4, people // 6))
    persons = make_people(rng, people, companies)
    used_emails = {p.email for p in persons}
    scenarios = plant_scenarios(rng, persons, used_emails)
    members = choose_crm_members(rng, companies, persons, scenarios.crm_contact)
    week_touches = plan_touches(rng, persons, scenarios, weeks)
    n_tele = calls_per_vendor(people)

    run = SampleRun(rng, IdentityNoise(rng, seed, level, used_emails), out_dir, start, weeks)
    write_campaign_responses(run, week_touches, unusable_defects(week_touches, n_tele))
    write_telemarketer_calls(run, persons, n_tele)
    write_crm_snapshot(run, members, scenarios.crm_contact)
    write_firmographics(run, companies)
    write_truth(run, persons, scenarios)
    return {"people": people, "records": len(run.truth_records), "files": run.files,
            "unusable": len(run.unusable), "noise": noise}
