"""Company enrichment in the warehouse: the lookup cache (enrichment.company_cache) and what earlier runs published
about accounts that enrichment builds on."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from warehouse.connection import WarehouseSession


def cached_companies(wh: WarehouseSession, domains: pl.Series) -> pl.DataFrame:
    """The cache entries of `domains` (any provider, fresh or expired)."""
    with wh.registered("wanted_domains", domains.unique().to_frame("domain")):
        return wh.fetch("cached_companies")


def store_cached_companies(wh: WarehouseSession, rows: pl.DataFrame) -> int:
    """Lookups just answered replace earlier entries of their domains; stored at once, in their own transaction,
    so a run that fails later does not pay for them again."""
    if rows.height == 0:
        return 0
    with wh.transaction(), wh.registered("answered", rows):
        wh.run("store_cached_companies")
    return rows.height


def cache_entries_to_refresh(wh: WarehouseSession, domain: str | None = None,
                             fetched_before: datetime | None = None) -> pl.DataFrame:
    """domain, name of cached lookups to ask again: `domain` only, and/or those fetched before a time."""
    return wh.fetch("cache_entries_to_refresh", domain=domain, fetched_before=fetched_before)


def published_prospects(wh: WarehouseSession) -> pl.DataFrame:
    """Prospect accounts published by earlier runs: account_id, domain, company_key, created_at."""
    return wh.fetch("published_prospects")


def earlier_form_values(wh: WarehouseSession) -> pl.DataFrame:
    """What leads said about their companies as earlier runs published it (core.account_field_sources, form)."""
    return wh.fetch("earlier_form_values")
