"""Which companies are looked up, and what each account's enrichment status is after a run's lookups.

One lookup per domain per time to live: a fresh cache entry of the same provider answers without a request; a
provider failure leaves the domain `pending` (asked again next run) and is never cached. Domains that are no
company's (free-mail or disposable e-mail domains) and accounts without a domain are `skipped`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import polars as pl
from disposable_email_domains import blocklist

from dedupe.normalize import is_free_email_domain
from leadflow.enrich.providers import (
    COMPANY_FIELDS, FAILED, FOUND, NOT_FOUND, CompanyDataProvider, LookupStats, NoProvider, outcomes,
)
from leadflow.enrich.settings import EnrichmentSettings

ENRICHED, PENDING, SKIPPED = "enriched", "pending", "skipped"
# one row per domain of a run
RESULT_SCHEMA = {"domain": pl.Utf8, "enrichment_status": pl.Utf8, "enrichment_reason": pl.Utf8, "provider": pl.Utf8,
                 "fetched_at": pl.Datetime("us"), **COMPANY_FIELDS}
CACHE_COLUMNS = ("domain", "provider", "status", *COMPANY_FIELDS, "fields", "fetched_at", "expires_at")


@functools.cache
def _disposable() -> frozenset[str]:
    return frozenset(blocklist)


def skip_reason(domain: str | None) -> str | None:
    """Why a domain is not looked up (no domain, a free-mail or disposable e-mail domain), else None."""
    if not domain:
        return "no company domain"
    if is_free_email_domain(domain):
        return "free-mail domain: not a company"
    if domain in _disposable():
        return "disposable e-mail domain: not a company"
    return None


@dataclass(frozen=True)
class EnrichmentRun:
    """A run's lookups: one result per domain (RESULT_SCHEMA), the cache rows to store, and counts."""

    results: pl.DataFrame
    cache_updates: pl.DataFrame
    domains: int
    cache_hits: int
    looked_up: int
    stats: LookupStats

    def metadata(self) -> dict:
        """Counts for run metadata (no domains, no values)."""
        by_status = self.results.group_by("enrichment_status").len().sort("enrichment_status")
        return {"domains": self.domains, "cache_hits": self.cache_hits, "domains_looked_up": self.looked_up,
                "requests_made": self.stats.requests, "retries": self.stats.retries,
                "failures_by_kind": dict(sorted(self.stats.failures_by_kind.items())),
                "breaker_trips": self.stats.breaker_trips,
                "by_status": {s: int(n) for s, n in by_status.iter_rows()}}


def _fresh(cache: pl.DataFrame, provider: str, now: datetime) -> pl.DataFrame:
    return cache.filter((pl.col("provider") == provider) & (pl.col("expires_at") > now))


def _results(frame: pl.DataFrame, status: pl.Expr, reason: pl.Expr, provider: str) -> pl.DataFrame:
    """`frame`'s domains as result rows (RESULT_SCHEMA): the given status and reason, its fields where it has them."""
    given = {"enrichment_status": status, "enrichment_reason": reason, "provider": pl.lit(provider)}
    return frame.with_columns(
        *(expr.alias(name) for name, expr in given.items()),
        *(pl.lit(None, dtype=t).alias(c) for c, t in RESULT_SCHEMA.items() if c not in frame.columns and c not in given),
    ).select(list(RESULT_SCHEMA)).cast(RESULT_SCHEMA)


def enrich_companies(companies: pl.DataFrame, cache: pl.DataFrame, provider: CompanyDataProvider,
                     settings: EnrichmentSettings, now: datetime,
                     progress: Callable[[int, int], None] | None = None) -> EnrichmentRun:
    """Enrich the distinct domains of `companies` (domain, name): skipped ones are never sent; fresh cache entries
    of this provider answer without a request; the rest go to the provider. Found and not-found answers of a
    cacheable provider become cache rows (found kept `found_ttl`, not found `not_found_ttl`). `progress(domains
    answered, domains to ask)` as the provider goes through its batches."""
    wanted = companies.filter(pl.col("domain").is_not_null()).unique("domain", keep="first").sort("domain")
    reasons = wanted.select("domain", pl.col("domain").map_elements(skip_reason, return_dtype=pl.Utf8).alias("why"))
    skipped = reasons.filter(pl.col("why").is_not_null())
    stats = LookupStats(progress=progress)
    parts = [_results(skipped, pl.lit(SKIPPED), pl.col("why"), provider.name)]
    candidates = wanted.join(skipped, on="domain", how="anti")
    if provider.name == NoProvider.name:
        parts.append(_results(candidates.select("domain"), pl.lit(SKIPPED),
                              pl.lit("no enrichment provider configured"), provider.name))
        return EnrichmentRun(pl.concat(parts, how="vertical_relaxed").sort("domain"), pl.DataFrame(),
                             wanted.height, 0, 0, stats)
    fresh = _fresh(cache, provider.name, now).join(candidates.select("domain"), on="domain", how="semi")
    parts.append(_results(fresh.filter(pl.col("status") == FOUND), pl.lit(ENRICHED), pl.lit(None, dtype=pl.Utf8),
                          provider.name))
    parts.append(_results(fresh.filter(pl.col("status") == NOT_FOUND).select("domain", "fetched_at"),
                          pl.lit(NOT_FOUND), pl.lit("the provider does not know this domain"), provider.name))
    to_ask = candidates.join(fresh.select("domain"), on="domain", how="anti")
    answers = provider.lookup(to_ask, stats) if to_ask.height else outcomes([])
    answered = answers.filter(pl.col("status") != FAILED).with_columns(
        pl.lit(provider.answered_at(now), dtype=pl.Datetime("us")).alias("fetched_at"))
    parts.append(_results(answered.filter(pl.col("status") == FOUND), pl.lit(ENRICHED), pl.lit(None, dtype=pl.Utf8),
                          provider.name))
    parts.append(_results(answered.filter(pl.col("status") == NOT_FOUND).select("domain", "fetched_at"),
                          pl.lit(NOT_FOUND), pl.lit("the provider does not know this domain"), provider.name))
    failed = answers.filter(pl.col("status") == FAILED)
    parts.append(_results(failed.select("domain"), pl.lit(PENDING),
                          pl.concat_str(pl.lit("lookup failed ("), failed["failure"], pl.lit("): asked again next run")),
                          provider.name))
    results = pl.concat(parts, how="vertical_relaxed").sort("domain")
    updates = cache_rows(answered, provider.name, settings, now) if provider.cacheable else pl.DataFrame()
    return EnrichmentRun(results, updates, wanted.height, fresh.height, to_ask.height, stats)


def cache_rows(answered: pl.DataFrame, provider: str, settings: EnrichmentSettings, now: datetime) -> pl.DataFrame:
    """Cache rows (CACHE_COLUMNS) of found and not-found answers: fields as JSON, with their time to live."""
    fields = [json.dumps({k: v for k, v in row.items() if k in COMPANY_FIELDS and v is not None}, sort_keys=True)
              for row in answered.iter_rows(named=True)]
    ttl = pl.when(pl.col("status") == FOUND).then(pl.lit(settings.found_ttl)).otherwise(pl.lit(settings.not_found_ttl))
    return answered.with_columns(
        pl.lit(provider).alias("provider"), pl.Series("fields", fields, dtype=pl.Utf8),
        pl.lit(now, dtype=pl.Datetime("us")).alias("fetched_at"),
        (pl.lit(now, dtype=pl.Datetime("us")) + ttl).alias("expires_at"),
    ).select(list(CACHE_COLUMNS))
