"""Accounts as they are published: CRM accounts and prospect accounts with the firmographics a provider found."""

from __future__ import annotations

from datetime import datetime

import polars as pl


def enriched_accounts(crm_accounts: pl.DataFrame, prospects: pl.DataFrame, enrichment: pl.DataFrame,
                      now: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(CRM account rows, prospect account rows) for core.accounts.

    A CRM account keeps its own industry and takes the provider's only where it has none; a prospect account
    (a company new to the CRM, created `now`, never a customer) takes the provider's industry and size.
    """
    found = enrichment.select("domain", "industry", "employee_count")
    crm = crm_accounts.join(found.rename({"industry": "_industry"}), on="domain", how="left").with_columns(
        pl.coalesce("industry", "_industry").alias("industry"), pl.lit("crm").alias("account_source"),
    ).drop("_industry")
    prospect = prospects.join(found, on="domain", how="left").with_columns(
        pl.lit(False).alias("is_customer"), pl.lit("prospect").alias("account_source"),
        pl.lit(now, dtype=pl.Datetime("us")).alias("created_at"),
    )
    return crm, prospect
