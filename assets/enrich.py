"""Enrich: company firmographics by domain, and each lead's account (CRM account or new prospect)."""

import polars as pl
from dagster import AssetExecutionContext, MaterializeResult, asset

from assets.match import lead_profiles
from assets.normalize import crm_reference
from dedupe.accounts import match_accounts
from pipelines.resources import CompanyDataResource, LeadflowSettings


@asset(deps=[lead_profiles, crm_reference], group_name="enrich", kinds={"polars"})
def company_enrichment(context: AssetExecutionContext, settings: LeadflowSettings,
                       company_data: CompanyDataResource) -> MaterializeResult:
    """Industry, employee count and country for the company domains of this import's leads and of CRM
    accounts (staging.company_enrichment), from the configured provider. Unknown domains stay unenriched."""
    provider = company_data.provider(settings.inbox())
    with settings.warehouse().connect() as wh:
        domains = pl.concat([wh.read_table("staging.lead_profiles").select("domain"),
                             wh.read_table("staging.crm_accounts").select("domain")])["domain"]
        wanted = sorted(domains.drop_nulls().unique().to_list())
        found = provider.lookup(wanted).with_columns(pl.lit(provider.name).alias("provider"))
        wh.replace_table("staging.company_enrichment", found)
    return MaterializeResult(metadata={"provider": provider.name, "domains_looked_up": len(wanted),
                                       "domains_enriched": found.height})


@asset(deps=[lead_profiles, crm_reference], group_name="enrich", kinds={"polars"})
def lead_accounts(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """The account of each touched lead (staging.lead_accounts): its CRM contact's account, else the CRM
    account with its company domain, else with its normalized company name, else a prospect account created
    for its company (staging.prospect_accounts)."""
    with settings.warehouse().connect() as wh:
        profiles = wh.read_table("staging.lead_profiles")
        links, prospects = match_accounts(profiles, wh.read_table("staging.crm_accounts"))
        wh.replace_table("staging.lead_accounts", links)
        wh.replace_table("staging.prospect_accounts", prospects)
    return MaterializeResult(metadata={
        "leads": links.height, "prospect_accounts": prospects.height,
        "by_match": str(dict(links.group_by("account_match").len().sort("account_match").iter_rows())),
        "existing_customers": int(links["is_existing_customer"].sum()),
    })
