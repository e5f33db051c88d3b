"""The CRM snapshot staged for matching: people (contacts, CRM leads), accounts, opportunities."""

from __future__ import annotations

import polars as pl

from dedupe.normalize import company_key, domain_from_website, normalize_company, normalize_people
from schemas.sources import CRM_SOURCES
from schemas.vocabulary import LOST_STAGES, WON_STAGES
from schemas.crm import CRM_REASONS, CrmRecord, with_entity_id
from leadflow.validate.cleaning import parse_timestamp
from schemas.quarantine import QUARANTINE_COLUMNS, split_valid, with_read_problems

CRM_TABLES = {entity: spec.raw_table for entity, spec in CRM_SOURCES.items()}
CLOSE_DATE_COLUMNS = ("closed_at", "close_date", "closed_date")  # optional columns of opportunities.csv


def _valid(raw: pl.DataFrame, entity: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    spec = CRM_SOURCES[entity]
    frame = with_entity_id(raw, spec.id_column)
    ok, bad = split_valid(frame, CrmRecord, CRM_REASONS)
    bad = with_read_problems(bad)
    raw_json = pl.struct([*spec.columns, "custom_fields"]).struct.json_encode()
    bad = bad.with_columns(pl.lit("crm").alias("source_type"), raw_json.alias("raw_record")).select(QUARANTINE_COLUMNS)
    return ok.drop("entity_id", "is_duplicate_id", "read_problem"), bad


def _map(series: pl.Series, fn) -> pl.Series:
    values = series.unique().drop_nulls().to_list()
    return series.replace_strict({v: fn(v) for v in values}, default=None, return_dtype=pl.Utf8)


def stage_crm_snapshot(raw: dict[str, pl.DataFrame], landed_files: list[str]) -> dict[str, pl.DataFrame]:
    """From the raw CRM tables (entity -> rows) to crm_people, crm_accounts, crm_opportunities and
    crm_rejections. CRM rows without an id (or repeating one) are rejected; only the rejections of the files in
    `landed_files` (new this import) are returned, the others were quarantined when their file came in."""
    accounts, rej_accounts = _valid(raw["accounts"], "accounts")
    contacts, rej_contacts = _valid(raw["contacts"], "contacts")
    leads, rej_leads = _valid(raw["leads"], "leads")
    opportunities, rej_opps = _valid(raw["opportunities"], "opportunities")
    campaigns, rej_campaigns = _valid(raw["campaigns"], "campaigns")

    opportunities = opportunity_facts(opportunities)
    won = opportunities.filter(pl.col("is_won"))["account_id"].drop_nulls()
    accounts = accounts.select(
        "account_id", _map(accounts["name"], normalize_company).alias("name"),
        _map(accounts["website"], domain_from_website).alias("domain"),
        _map(accounts["name"], company_key).alias("company_key"),
        "industry", pl.col("country").str.to_uppercase(), "state", "city", "website", "owner",
        parse_timestamp("created_at").alias("created_at"),
        pl.col("account_id").is_in(won.implode()).alias("is_customer"),
        pl.col("loaded_at").cast(pl.Datetime("us")),
    )
    account_facts = accounts.select("account_id", pl.col("name").alias("company"), "company_key",
                                    pl.col("domain").alias("_account_domain"), pl.col("country").alias("_country"))
    contact_people = normalize_people(
        contacts.join(account_facts.select("account_id", "company", "_country"), on="account_id", how="left")
        .with_columns(pl.lit(None, dtype=pl.Utf8).alias("website"), pl.col("_country").alias("country"))
    ).join(account_facts.select("account_id", "_account_domain"), on="account_id", how="left").with_columns(
        pl.concat_str(pl.col("source_file"), pl.lit("#"), pl.col("contact_id")).alias("record_key"),
        pl.lit("contact").alias("kind"),
        pl.col("contact_id"),
        pl.lit(None, dtype=pl.Utf8).alias("crm_lead_id"),
        pl.coalesce("domain", "_account_domain").alias("domain"),
    )
    lead_people = normalize_people(leads.with_columns(pl.lit(None, dtype=pl.Utf8).alias("website"))).with_columns(
        pl.concat_str(pl.col("source_file"), pl.lit("#"), pl.col("lead_id")).alias("record_key"),
        pl.lit("crm_lead").alias("kind"),
        pl.lit(None, dtype=pl.Utf8).alias("contact_id"),
        pl.col("lead_id").alias("crm_lead_id"),
        pl.lit(None, dtype=pl.Utf8).alias("account_id"),
    )
    people_columns = ["record_key", "kind", "contact_id", "crm_lead_id", "account_id", "first_name", "last_name",
                      "email", "phone", "company", "company_key", "domain", "job_title", "country", "state", "city",
                      "first_name_key", "last_name_key", "first_name_canonical"]
    # where a person is, for matching: a CRM lead's own state and city when the export has them; a contact has only
    # its account's country (the account's city is the office's, not necessarily where a lead record puts them)
    people = pl.concat([_with_nulls(contact_people.drop("state", "city", strict=False), ("state", "city"))
                        .select(people_columns), _with_nulls(lead_people, ("state", "city")).select(people_columns)],
                       how="vertical_relaxed")
    rejections = pl.concat([rej_accounts, rej_contacts, rej_leads, rej_opps, rej_campaigns], how="vertical_relaxed")
    rejections = rejections.filter(pl.col("source_file").is_in(list(landed_files)))
    return {"crm_people": people, "crm_accounts": accounts, "crm_opportunities": opportunities,
            "crm_leads": crm_lead_facts(leads), "crm_campaigns": campaign_facts(campaigns),
            "crm_rejections": rejections}


def _with_nulls(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in columns if c not in frame.columns)


def crm_lead_facts(leads: pl.DataFrame) -> pl.DataFrame:
    """What a CRM lead says that a matched lead keeps or that a person decided: lead_id, status, owner, created_at,
    source, and rank (when the export has a rank column, kept as a custom field)."""
    return leads.select(
        "lead_id", pl.col("status").str.strip_chars(), pl.col("owner").str.strip_chars(),
        parse_timestamp("created_at").alias("created_at"), pl.col("source").str.strip_chars(),
        pl.col("custom_fields").str.json_path_match("$.rank").alias("rank"),
    )


def opportunity_facts(opportunities: pl.DataFrame) -> pl.DataFrame:
    """CRM opportunities: ids, name, stage, is_won and is_closed (the stage is won; won, lost or any `Closed ...`),
    amount (a number), created_at and closed_at (from a `closed_at`, `close_date` or `closed_date` column the export
    may add; kept among its custom fields)."""
    custom = pl.col("custom_fields")
    closed_text = pl.coalesce(*(custom.str.json_path_match(f"$.{key}") for key in CLOSE_DATE_COLUMNS))
    stage = pl.col("stage").str.strip_chars().str.to_lowercase()
    return opportunities.with_columns(closed_text.alias("_closed_at")).select(
        "opportunity_id", "lead_id", "account_id", "contact_id", "name", pl.col("stage").str.strip_chars(),
        stage.is_in(list(WON_STAGES)).fill_null(False).alias("is_won"),
        (stage.is_in(list(WON_STAGES + LOST_STAGES)) | stage.str.starts_with("closed")).fill_null(False)
        .alias("is_closed"),
        pl.col("amount").str.replace_all(r"[^0-9.\-]", "").cast(pl.Float64, strict=False).alias("amount"),
        parse_timestamp("created_at").alias("created_at"), parse_timestamp("_closed_at").alias("closed_at"),
    )


def campaign_facts(campaigns: pl.DataFrame) -> pl.DataFrame:
    """CRM campaigns: campaign_id, name, channel, cost (a number) and start date."""
    return campaigns.select(
        "campaign_id", "name", pl.col("channel").str.strip_chars(),
        pl.col("cost").str.replace_all(r"[^0-9.\-]", "").cast(pl.Float64, strict=False).alias("cost"),
        parse_timestamp("start_date").alias("start_date"),
    )
