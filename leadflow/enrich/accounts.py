"""Accounts as they are published: CRM accounts and prospect accounts, each field chosen from its sources by the
configured priority (default: the CRM account's own value, then the enrichment provider's, then what leads typed
on forms), with every candidate value kept with its source and time, so nothing curated is overwritten and every
value can be explained."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from leadflow.enrich.lookup import ENRICHED, SKIPPED
from leadflow.enrich.settings import ACCOUNT_FIELDS, SOURCES, EnrichmentSettings

ACCOUNT_COLUMNS = ("account_id", "name", "domain", "is_customer", "account_source", "company_key", "industry",
                   "employee_count", "country", "state", "city", "website", "description", "owner", "created_at",
                   "enrichment_status", "enrichment_reason", "enriched_at")
FIELD_SOURCE_SCHEMA = {"account_id": pl.Utf8, "field": pl.Utf8, "value": pl.Utf8, "source": pl.Utf8,
                       "provider": pl.Utf8, "observed_at": pl.Datetime("us")}
FORM_FIELDS = ("name", "country", "state", "city")  # what leads' records say about their company
LOCATION = ("country", "state", "city")


def _candidates(frame: pl.DataFrame, source: str, provider: pl.Expr, observed_at: pl.Expr) -> pl.DataFrame:
    """One row per (account, field) with a value in `frame` (account_id and some ACCOUNT_FIELDS)."""
    fields = [f for f in ACCOUNT_FIELDS if f in frame.columns]
    if not fields or frame.height == 0:
        return pl.DataFrame(schema=FIELD_SOURCE_SCHEMA)
    wide = frame.select("account_id", *(pl.col(f).cast(pl.Utf8) for f in fields),
                        provider.cast(pl.Utf8).alias("provider"), observed_at.cast(pl.Datetime("us")).alias("observed_at"))
    return wide.unpivot(index=["account_id", "provider", "observed_at"], on=fields, variable_name="field",
                        value_name="value").filter(pl.col("value").is_not_null()).with_columns(
        pl.lit(source).alias("source")).select(list(FIELD_SOURCE_SCHEMA))


def form_values(lead_profiles: pl.DataFrame, lead_accounts: pl.DataFrame) -> pl.DataFrame:
    """What this import's leads say about each account: the company name and the location of the latest lead that
    gave one (account_id, name, country, state, city, observed_at); `field_sources` keeps an earlier location."""
    leads = lead_profiles.join(lead_accounts.select("lead_id", "account_id"), on="lead_id", how="inner").filter(
        pl.col("account_id").is_not_null()).sort("last_touch_at", nulls_last=False)
    located = pl.col("country").is_not_null()
    return leads.group_by("account_id").agg(
        pl.col("company").drop_nulls().last().alias("name"),
        *(pl.col(c).filter(located).last().alias(c) for c in LOCATION),
        pl.col("last_touch_at").max().alias("observed_at"),
    )


def field_sources(crm_accounts: pl.DataFrame, enriched: pl.DataFrame, form: pl.DataFrame,
                  earlier_form: pl.DataFrame, settings: EnrichmentSettings) -> pl.DataFrame:
    """Every candidate value of every account field (FIELD_SOURCE_SCHEMA + `chosen`): the CRM account's own values,
    the provider's answer for the account's domain, and what leads typed (this import's, else as published
    before). `chosen` marks the value the priority picks for each account and field.

    A location leads typed stands once an account has one: this import's leads give an account a location only
    when none of its earlier leads did (a company's name is the latest typed). A company with offices in several
    cities would otherwise move with every import, and with it the place, territory and owner of all its leads."""
    this_run = _candidates(form, "form", pl.lit(None), pl.col("observed_at"))
    located = earlier_form.filter(pl.col("field").is_in(LOCATION)).select("account_id").unique()
    this_run = this_run.filter(~pl.col("field").is_in(LOCATION)).vstack(
        this_run.filter(pl.col("field").is_in(LOCATION)).join(located, on="account_id", how="anti"))
    kept = earlier_form.join(this_run.select("account_id", "field"), on=["account_id", "field"], how="anti")
    candidates = pl.concat([
        _candidates(crm_accounts, "crm", pl.lit(None), pl.col("loaded_at")),
        _candidates(enriched, "enrichment", pl.col("provider"), pl.col("fetched_at")),
        this_run, kept.select(list(FIELD_SOURCE_SCHEMA)),
    ], how="vertical_relaxed")
    rank = {f"{f}|{s}": settings.rank(f, s) for f in ACCOUNT_FIELDS for s in SOURCES}
    ranked = candidates.with_columns(
        pl.concat_str("field", pl.lit("|"), "source").replace_strict(rank, return_dtype=pl.Int32).alias("_rank"))
    best = pl.col("_rank") == pl.col("_rank").min().over("account_id", "field")
    return ranked.with_columns((best & (pl.col("_rank") < len(SOURCES))).alias("chosen")).drop("_rank").sort(
        "account_id", "field", "source")


def build_accounts(crm_accounts: pl.DataFrame, new_prospects: pl.DataFrame, published_prospects: pl.DataFrame,
                   enrichment: pl.DataFrame, form: pl.DataFrame, earlier_form: pl.DataFrame,
                   settings: EnrichmentSettings, now: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(accounts, field sources) as core.accounts and core.account_field_sources publish them.

    Accounts: the snapshot's CRM accounts, and every prospect account (those published before keep their creation
    time; new ones are created `now`, never customers). Each field takes its chosen value; `enrichment_status`
    (enriched, not_found, pending, skipped) and `enrichment_reason` come from the lookup of the account's domain,
    `enriched_at` is when the provider's answer was fetched.
    """
    prospects = pl.concat([
        published_prospects.select("account_id", "domain", "company_key", "created_at"),
        new_prospects.select("account_id", "domain", "company_key",
                             pl.lit(now, dtype=pl.Datetime("us")).alias("created_at")),
    ], how="vertical_relaxed").unique("account_id", keep="first", maintain_order=True)
    base = pl.concat([
        crm_accounts.select("account_id", "domain", "company_key", "owner", "created_at", "is_customer",
                            pl.lit("crm").alias("account_source")),
        prospects.with_columns(pl.lit(None, dtype=pl.Utf8).alias("owner"), pl.lit(False).alias("is_customer"),
                               pl.lit("prospect").alias("account_source")),
    ], how="diagonal_relaxed")
    enriched = base.select("account_id", "domain").join(
        enrichment.filter(pl.col("enrichment_status") == ENRICHED), on="domain", how="inner")
    sources = field_sources(crm_accounts, enriched, form, earlier_form, settings)
    chosen = sources.filter("chosen").pivot(on="field", index="account_id", values="value")
    chosen = chosen.with_columns(pl.lit(None, dtype=pl.Utf8).alias(f) for f in ACCOUNT_FIELDS if f not in chosen.columns)
    status = enrichment.select("domain", "enrichment_status", "enrichment_reason",
                               pl.when(pl.col("enrichment_status") == ENRICHED).then(pl.col("fetched_at"))
                               .alias("enriched_at"))
    accounts = base.join(chosen, on="account_id", how="left").join(status, on="domain", how="left").with_columns(
        pl.col("employee_count").cast(pl.Int32, strict=False),
        pl.col("enrichment_status").fill_null(SKIPPED),
        pl.when(pl.col("enrichment_status").is_null()).then(pl.lit("no company domain"))
        .otherwise(pl.col("enrichment_reason")).alias("enrichment_reason"),
    ).select(ACCOUNT_COLUMNS).sort("account_id")
    return accounts, sources


def lead_company_fields(lead_accounts: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    """What rules and routing read of a lead's company, from its account's chosen values: lead_id, industry,
    employee_count, and the company's country, state and city (company_country ...)."""
    return lead_accounts.select("lead_id", "account_id").join(
        accounts.select("account_id", "industry", "employee_count",
                        *(pl.col(c).alias(f"company_{c}") for c in LOCATION)),
        on="account_id", how="left").drop("account_id")
