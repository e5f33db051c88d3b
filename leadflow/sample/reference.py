"""The sample generator's reference lists, read from the data files shipped in ``leadflow/sample/data/``.

Plain-text files hold one value per line; CSV files have a header row and one row per value (a
``country``/``vendor``/``disposition`` column groups rows, a ``weight`` column gives a draw weight).
Every loader is cached and returns immutable values (tuples, read-only mappings) in file order: the
generator draws from them by position, so the order of the lines is part of the output.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

__all__ = [
    "first_names", "first_name_weights", "nicknames", "last_names", "last_name_weights",
    "company_stems", "company_words", "company_modifiers", "job_titles", "products", "campaigns",
    "campaign_weights", "telemarketing_campaigns", "crm_owners", "agents", "lead_sources", "lead_statuses", "opportunity_stages",
    "opportunity_stage_weights", "response_notes", "call_notes", "countries", "country_weights",
    "calling_codes", "cities", "us_state_names", "country_names", "legal_suffixes", "tlds",
    "free_mail_domains", "mobile_prefixes",
]

# (city, state, phone prefixes (national significant number start), weight)
City = tuple[str, str, tuple[str, ...], int]
# (campaign_id, name, channel, response_type, cost, start offset in days from the start week)
Campaign = tuple[str, str, str, str, int, int]


@functools.cache
def _lines(name: str) -> tuple[str, ...]:
    """The non-empty lines of the text file ``data/<name>``."""
    text = resources.files("leadflow.sample").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line)


@functools.cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of the CSV file ``data/<name>`` as dicts keyed by its header."""
    text = resources.files("leadflow.sample").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))


def _grouped(name: str, key: str, value: str, repeat: str | None = None) -> Mapping[str, tuple[str, ...]]:
    """``key`` -> the ``value``s of its rows in file order (each repeated ``repeat`` times if given)."""
    out: dict[str, list[str]] = {}
    for row in _rows(name):
        out.setdefault(row[key], []).extend([row[value]] * (int(row[repeat]) if repeat else 1))
    return MappingProxyType({k: tuple(v) for k, v in out.items()})


# ---- people ----------------------------------------------------------------------------


@functools.cache
def first_names() -> tuple[str, ...]:
    """First names in draw order (first_names.csv)."""
    return tuple(row["first_name"] for row in _rows("first_names.csv"))


@functools.cache
def first_name_weights() -> tuple[float, ...]:
    """The draw weight of each first name (names with nicknames weigh double)."""
    return tuple(float(row["weight"]) for row in _rows("first_names.csv"))


@functools.cache
def nicknames() -> Mapping[str, tuple[str, ...]]:
    """Canonical first name -> its common nicknames (consistent with dedupe/data/nicknames.csv)."""
    return _grouped("nicknames.csv", "first_name", "nickname")


@functools.cache
def last_names() -> tuple[str, ...]:
    """Last names in draw order, the common ones first (last_names.csv)."""
    return tuple(row["last_name"] for row in _rows("last_names.csv"))


@functools.cache
def last_name_weights() -> tuple[float, ...]:
    """The draw weight of each last name (common ones weigh eight times as much)."""
    return tuple(float(row["weight"]) for row in _rows("last_names.csv"))


@functools.cache
def job_titles() -> tuple[tuple[str, bool], ...]:
    """(job title, senior) pairs (job_titles.csv)."""
    return tuple((row["job_title"], row["senior"] == "true") for row in _rows("job_titles.csv"))


# ---- companies -------------------------------------------------------------------------


@functools.cache
def company_stems() -> tuple[str, ...]:
    """The first word(s) of company names (company_stems.txt)."""
    return _lines("company_stems.txt")


@functools.cache
def company_words() -> Mapping[str, str]:
    """Last word of a company name -> the company's industry (company_words.csv)."""
    return MappingProxyType({row["word"]: row["industry"] for row in _rows("company_words.csv")})


@functools.cache
def company_modifiers() -> tuple[str, ...]:
    """Middle words of three-word company names (company_modifiers.txt)."""
    return _lines("company_modifiers.txt")


# ---- marketing and sales ---------------------------------------------------------------


@functools.cache
def products() -> tuple[str, ...]:
    """The product names a lead can be interested in (products.txt)."""
    return _lines("products.txt")


@functools.cache
def campaigns() -> tuple[Campaign, ...]:
    """(campaign_id, name, channel, response_type, cost, start offset in days) (campaigns.csv)."""
    return tuple((row["campaign_id"], row["name"], row["channel"], row["response_type"], int(row["cost"]),
                  int(row["start_offset_days"])) for row in _rows("campaigns.csv"))


@functools.cache
def telemarketing_campaigns() -> dict[str, tuple[str, str, str, int, int]]:
    """vendor -> (campaign_id, name, channel, cost, start offset in days) of the campaign its calls count against
    (telemarketing_campaigns.csv; the ids are the vendors' default campaign in leadflow's sources.yaml)."""
    return {row["vendor"]: (row["campaign_id"], row["name"], row["channel"], int(row["cost"]),
                            int(row["start_offset_days"])) for row in _rows("telemarketing_campaigns.csv")}


@functools.cache
def campaign_weights() -> tuple[int, ...]:
    """How often each campaign gets a response, relative to the others."""
    return tuple(int(row["weight"]) for row in _rows("campaigns.csv"))


@functools.cache
def crm_owners() -> tuple[str, ...]:
    """CRM user names that own accounts and leads (crm_owners.txt)."""
    return _lines("crm_owners.txt")


@functools.cache
def agents() -> Mapping[str, tuple[str, ...]]:
    """Telemarketer vendor -> its agents' names as the vendor writes them (agents.csv)."""
    return _grouped("agents.csv", "vendor", "agent")


@functools.cache
def lead_sources() -> tuple[str, ...]:
    """CRM lead sources (lead_sources.txt)."""
    return _lines("lead_sources.txt")


@functools.cache
def lead_statuses() -> tuple[str, ...]:
    """CRM lead statuses (lead_statuses.txt)."""
    return _lines("lead_statuses.txt")


@functools.cache
def opportunity_stages() -> tuple[str, ...]:
    """CRM opportunity stages (opportunity_stages.csv)."""
    return tuple(row["stage"] for row in _rows("opportunity_stages.csv"))


@functools.cache
def opportunity_stage_weights() -> tuple[int, ...]:
    """How often each opportunity stage occurs, relative to the others."""
    return tuple(int(row["weight"]) for row in _rows("opportunity_stages.csv"))


@functools.cache
def response_notes() -> tuple[str, ...]:
    """Free-text notes on campaign responses (response_notes.txt)."""
    return _lines("response_notes.txt")


@functools.cache
def call_notes() -> Mapping[str, tuple[str, ...]]:
    """Call disposition -> the agents' notes for it (call_notes.csv)."""
    return _grouped("call_notes.csv", "disposition", "note")


# ---- places ----------------------------------------------------------------------------


@functools.cache
def countries() -> tuple[str, ...]:
    """ISO country codes in draw order (countries.csv)."""
    return tuple(row["country"] for row in _rows("countries.csv"))


@functools.cache
def country_weights() -> tuple[int, ...]:
    """How often each country occurs, relative to the others."""
    return tuple(int(row["weight"]) for row in _rows("countries.csv"))


@functools.cache
def calling_codes() -> Mapping[str, str]:
    """Country -> its international calling code without the plus."""
    return MappingProxyType({row["country"]: row["calling_code"] for row in _rows("countries.csv")})


@functools.cache
def cities() -> Mapping[str, tuple[City, ...]]:
    """Country -> its (city, state, phone prefixes, weight) in draw order (cities.csv)."""
    out: dict[str, list[City]] = {}
    for row in _rows("cities.csv"):
        city = (row["city"], row["state"], tuple(row["phone_prefixes"].split()), int(row["weight"]))
        out.setdefault(row["country"], []).append(city)
    return MappingProxyType({k: tuple(v) for k, v in out.items()})


@functools.cache
def us_state_names() -> Mapping[str, str]:
    """US state code -> the state's full name (us_states.csv)."""
    return MappingProxyType({row["state"]: row["name"] for row in _rows("us_states.csv")})


@functools.cache
def country_names() -> Mapping[str, tuple[str, ...]]:
    """Country -> the other ways people write it (country_names.csv)."""
    return _grouped("country_names.csv", "country", "name")


@functools.cache
def legal_suffixes() -> Mapping[str, tuple[str, ...]]:
    """Country -> legal-form suffixes appended to company names, leading separator included."""
    return _grouped("legal_suffixes.csv", "country", "suffix")


@functools.cache
def tlds() -> Mapping[str, tuple[str, ...]]:
    """Country -> company web domain endings, each repeated by its weight (tlds.csv)."""
    return _grouped("tlds.csv", "country", "tld", repeat="weight")


@functools.cache
def free_mail_domains() -> Mapping[str, tuple[str, ...]]:
    """Country -> personal mail domains, each repeated by its weight (free_mail_domains.csv)."""
    return _grouped("free_mail_domains.csv", "country", "domain", repeat="weight")


@functools.cache
def mobile_prefixes() -> Mapping[str, tuple[str, ...]]:
    """Country -> mobile number prefixes of the national significant number (mobile_prefixes.csv)."""
    return _grouped("mobile_prefixes.csv", "country", "prefix")
