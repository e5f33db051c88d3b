"""Account matching: link each lead to its company's CRM account, else to a prospect account.

Order of evidence: the company domain (from email or website), then the normalized company name.
A lead is never linked to another company's CRM account: no domain and no name means no account.
"""

from __future__ import annotations

import hashlib

import polars as pl


def prospect_account_id(company_identity: str) -> str:
    """A stable id for a prospect account created for a company not in the CRM."""
    return "PA-" + hashlib.sha1(company_identity.encode("utf-8")).hexdigest()[:10].upper()


def match_accounts(leads: pl.DataFrame, crm_accounts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (lead_accounts, prospects).

    `leads`: lead_id, domain, company_key, company, contact_account_id (the matched CRM contact's account).
    `crm_accounts`: account_id, name, domain, company_key, is_customer, owner.
    lead_accounts: lead_id, account_id, account_match (contact|domain|name|prospect|none), is_existing_customer,
    account_owner. prospects: account_id, name, domain, company_key for companies new to the CRM.
    """
    by_domain = crm_accounts.filter(pl.col("domain").is_not_null()).sort("account_id") \
        .unique("domain", keep="first").select("domain", pl.col("account_id").alias("_by_domain"))
    by_name = crm_accounts.filter(pl.col("company_key").is_not_null()).sort("account_id") \
        .unique("company_key", keep="first").select("company_key", pl.col("account_id").alias("_by_name"))
    known_ids = crm_accounts.select(pl.col("account_id").alias("contact_account_id"),
                                    pl.lit(True).alias("_contact_ok"))
    linked = (
        leads.join(by_domain, on="domain", how="left")
        .join(by_name, on="company_key", how="left")
        .join(known_ids, on="contact_account_id", how="left")
        .with_columns(
            pl.when(pl.col("_contact_ok")).then(pl.col("contact_account_id")).alias("_by_contact"),
            pl.coalesce("domain", pl.format("name:{}", pl.col("company_key"))).alias("_identity"),
        )
    )
    prospect_id = pl.col("_identity").map_elements(prospect_account_id, return_dtype=pl.Utf8)
    linked = linked.with_columns(
        pl.coalesce("_by_contact", "_by_domain", "_by_name",
                    pl.when(pl.col("_identity").is_not_null()).then(prospect_id)).alias("account_id"),
        pl.when(pl.col("_by_contact").is_not_null()).then(pl.lit("contact"))
        .when(pl.col("_by_domain").is_not_null()).then(pl.lit("domain"))
        .when(pl.col("_by_name").is_not_null()).then(pl.lit("name"))
        .when(pl.col("_identity").is_not_null()).then(pl.lit("prospect"))
        .otherwise(pl.lit("none")).alias("account_match"),
    )
    facts = crm_accounts.select("account_id", pl.col("is_customer").alias("is_existing_customer"),
                                pl.col("owner").alias("account_owner"))
    lead_accounts = linked.join(facts, on="account_id", how="left").select(
        "lead_id", "account_id", "account_match",
        pl.col("is_existing_customer").fill_null(False), "account_owner",
    )
    prospects = linked.filter(pl.col("account_match") == "prospect").sort("lead_id").unique(
        "account_id", keep="first", maintain_order=True
    ).select("account_id", pl.col("company").alias("name"), "domain", "company_key")
    return lead_accounts, prospects
