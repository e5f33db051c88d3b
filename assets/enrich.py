"""Enrich: company firmographics by domain, and each lead's account (CRM account or new prospect)."""

import polars as pl
from dagster import AssetIn, AssetOut, Output, asset, multi_asset

from assets.metadata import counts_by, typed
from dedupe.accounts import match_accounts
from leadflow.enrich.resources import CompanyDataResource


@asset(key=["staging", "company_enrichment"], group_name="enrich", kinds={"polars"},
       ins={"lead_profiles": AssetIn(["staging", "lead_profiles"]), "crm_accounts": AssetIn(["staging", "crm_accounts"])})
def company_enrichment(lead_profiles: pl.DataFrame, crm_accounts: pl.DataFrame, company_data: CompanyDataResource):
    """Industry, employee count and country for the company domains of this import's leads and of CRM accounts,
    from the configured provider. Unknown domains stay unenriched."""
    provider = company_data.provider()
    domains = pl.concat([lead_profiles["domain"], crm_accounts["domain"]]).drop_nulls().unique().sort().to_list()
    found = provider.lookup(domains).with_columns(pl.lit(provider.name).alias("provider"))
    return Output(found, metadata=typed({"provider": provider.name, "domains_looked_up": len(domains),
                                         "domains_enriched": found.height}))


@multi_asset(
    outs={"lead_accounts": AssetOut(key=["staging", "lead_accounts"], kinds={"polars"},
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
