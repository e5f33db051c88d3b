"""Enrich: each lead's account (CRM account or new prospect), company firmographics by domain through a cached,
rate-limited provider that never blocks a run, and accounts with every field chosen from its sources."""

from datetime import datetime

import polars as pl
from dagster import AssetExecutionContext, AssetIn, AssetOut, Nothing, Output, multi_asset

from assets.metadata import counts_by, typed
from dedupe.accounts import match_accounts
from leadflow.config.progress import ProgressResource
from leadflow.enrich.accounts import build_accounts, form_values
from leadflow.enrich.lookup import enrich_companies
from leadflow.enrich.resources import EnrichmentSettingsResource
from leadflow.enrich.source import CompanyDataSource
from warehouse.enrichment import (
    cached_companies, earlier_form_values, published_prospects, store_cached_companies,
)
from warehouse.resource import WAREHOUSE_POOL, WarehouseResource


@multi_asset(
    pool=WAREHOUSE_POOL, outs={"lead_accounts": AssetOut(key=["staging", "lead_accounts"], kinds={"polars"},
                                    description="The account of each touched lead and how it was found."),
          "prospect_accounts": AssetOut(key=["staging", "prospect_accounts"], kinds={"polars"},
                                        description="Accounts created for companies new to the CRM.")},
    ins={"lead_profiles": AssetIn(["staging", "lead_profiles"]), "crm_accounts": AssetIn(["staging", "crm_accounts"])},
    group_name="enrich",
)
def lead_accounts(lead_profiles: pl.DataFrame, crm_accounts: pl.DataFrame):
    """The account of each touched lead: its CRM contact's account, else the CRM account with its company domain,
    else with its normalized company name, else a prospect account created for its company."""
    links, prospects = match_accounts(lead_profiles, crm_accounts)
    yield Output(links, "lead_accounts", metadata=typed({
        "leads": links.height, "by_match": counts_by(links, "account_match"),
        "existing_customers": int(links["is_existing_customer"].sum())}))
    yield Output(prospects, "prospect_accounts", metadata=typed({"prospect_accounts": prospects.height}))


@multi_asset(
    pool=WAREHOUSE_POOL, outs={"company_enrichment": AssetOut(key=["staging", "company_enrichment"], kinds={"polars", "http"},
                                         description="Firmographics and enrichment status of every account domain."),
          "company_cache": AssetOut(key=["enrichment", "company_cache"], kinds={"duckdb"}, dagster_type=Nothing,
                                    description="Provider answers by domain, kept for their time to live.")},
    ins={"crm_accounts": AssetIn(["staging", "crm_accounts"]),
         "prospect_accounts": AssetIn(["staging", "prospect_accounts"])},
    group_name="enrich",
)
def company_enrichment(context: AssetExecutionContext, crm_accounts: pl.DataFrame, prospect_accounts: pl.DataFrame,
                       company_data: CompanyDataSource, enrichment_settings: EnrichmentSettingsResource,
                       warehouse: WarehouseResource, progress: ProgressResource):
    """Every account's company domain looked up (CRM accounts, new and earlier prospects): a fresh cache entry
    answers without a request; the provider is asked for the rest, with retries, a rate limit and a circuit
    breaker; a failure leaves the domain `pending` (asked again next run) and never fails the run. Free-mail,
    disposable and missing domains are `skipped`. Reads the published prospect accounts (core.accounts)."""
    wh = warehouse.session()
    companies = pl.concat([crm_accounts.select("domain", "name"), prospect_accounts.select("domain", "name"),
                           published_prospects(wh).select("domain", pl.lit(None, dtype=pl.Utf8).alias("name"))])
    lookups = progress.tracker(context.log, "enrichment lookups", 0, unit="domains")
    run = enrich_companies(companies, cached_companies(wh, companies["domain"].drop_nulls()),
                           company_data.provider(), enrichment_settings.settings(), datetime.now(), lookups)
    lookups.finish(run.looked_up)
    stored = store_cached_companies(wh, run.cache_updates)
    yield Output(run.results, "company_enrichment", metadata=typed({"provider": company_data.provider().name,
                                                                      **run.metadata()}))
    yield Output(None, "company_cache", metadata=typed({"entries_stored": stored}))


@multi_asset(
    pool=WAREHOUSE_POOL, outs={"accounts": AssetOut(key=["staging", "accounts"], kinds={"polars"},
                               description="CRM and prospect accounts, each field chosen from its sources."),
          "account_field_sources": AssetOut(key=["staging", "account_field_sources"], kinds={"polars"},
                                            description="Every candidate value of every account field.")},
    ins={name: AssetIn(["staging", name]) for name in (
        "crm_accounts", "prospect_accounts", "company_enrichment", "lead_profiles", "lead_accounts")},
    group_name="enrich",
)
def accounts(crm_accounts: pl.DataFrame, prospect_accounts: pl.DataFrame, company_enrichment: pl.DataFrame,
             lead_profiles: pl.DataFrame, lead_accounts: pl.DataFrame, enrichment_settings: EnrichmentSettingsResource,
             warehouse: WarehouseResource):
    """Every account as it will be published: each field (name, industry, employee count, country, state, city,
    website, description) taken from the first source that has it in the configured priority (default: the CRM
    account's own value, then the provider's, then what leads typed); every candidate kept with its source and
    time. Reads the published prospects and form values (core.accounts, core.account_field_sources)."""
    wh = warehouse.session()
    built, sources = build_accounts(crm_accounts, prospect_accounts, published_prospects(wh), company_enrichment,
                                    form_values(lead_profiles, lead_accounts), earlier_form_values(wh),
                                    enrichment_settings.settings(), datetime.now())
    yield Output(built, "accounts", metadata=typed({"accounts": built.height,
                                                   "by_enrichment_status": counts_by(built, "enrichment_status")}))
    yield Output(sources, "account_field_sources", metadata=typed({
        "candidate_values": sources.height, "chosen_by_source": counts_by(sources.filter("chosen"), "source")}))
