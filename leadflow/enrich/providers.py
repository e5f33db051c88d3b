"""Company enrichment: firmographics by company domain, behind one interface.

A provider answers a list of companies (domain, optional name) with one outcome per domain: `found` with the
company's fields, `not_found`, or `failed` with the kind of failure (the next run asks again). Providers:
`ReferenceFileProvider` reads a firmographics CSV shipped with the data (no network), `NoProvider` is used when
nothing is configured, and `leadflow.enrich.http.HttpCompanyDataProvider` speaks the HTTP API of
docs/enrichment-api.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Protocol

import polars as pl

# what a provider may return for a company (docs/enrichment-api.md), besides its domain
COMPANY_FIELDS = {
    "name": pl.Utf8, "industry": pl.Utf8, "employee_count": pl.Int32, "country": pl.Utf8, "state": pl.Utf8,
    "city": pl.Utf8, "website": pl.Utf8, "description": pl.Utf8, "linkedin": pl.Utf8,
}
# one row per domain asked for
OUTCOME_SCHEMA = {"domain": pl.Utf8, "status": pl.Utf8, "failure": pl.Utf8, **COMPANY_FIELDS}
FOUND, NOT_FOUND, FAILED = "found", "not_found", "failed"


class EnrichmentError(RuntimeError):
    """The provider's data cannot be used at all; the message says why (never a key or a record value)."""


@dataclass
class LookupStats:
    """What a provider did for one run: counts only, safe for run metadata."""

    requests: int = 0
    retries: int = 0
    failures_by_kind: dict[str, int] = field(default_factory=dict)
    breaker_trips: int = 0
    # told (domains answered, domains to ask) as a provider goes through its batches; None: nobody listens
    progress: Callable[[int, int], None] | None = field(default=None, repr=False, compare=False)

    def failed(self, kind: str, n: int = 1) -> None:
        self.failures_by_kind[kind] = self.failures_by_kind.get(kind, 0) + n

    def answered(self, done: int, total: int) -> None:
        """`done` of the `total` domains of this lookup are answered (or failed)."""
        if self.progress is not None:
            self.progress(done, total)


class CompanyDataProvider(Protocol):
    """Looks up companies by domain: one outcome row (OUTCOME_SCHEMA) per domain of `companies` (domain, name)."""

    name: str
    cacheable: bool  # worth caching in the warehouse (a paid API), or cheaper to ask again (a local file)

    def lookup(self, companies: pl.DataFrame, stats: LookupStats) -> pl.DataFrame: ...

    def answered_at(self, now: datetime) -> datetime:
        """When the answers of a lookup made `now` were current (an API: now; a file: when it was written)."""
        ...


def outcomes(rows: list[dict]) -> pl.DataFrame:
    """Outcome rows as a frame of OUTCOME_SCHEMA (missing fields null)."""
    return pl.DataFrame([{k: r.get(k) for k in OUTCOME_SCHEMA} for r in rows], schema=OUTCOME_SCHEMA)


class NoProvider:
    """Used when no provider is configured: nothing is looked up (accounts are `skipped`)."""

    name = "none"
    cacheable = False

    def lookup(self, companies: pl.DataFrame, stats: LookupStats) -> pl.DataFrame:
        return outcomes([])

    def answered_at(self, now: datetime) -> datetime:
        return now


def read_firmographics(path: str | Path) -> pl.DataFrame:
    """A firmographics CSV (domain, company_name, industry, employee_count, country; optionally state, city,
    website, description, linkedin) as one row per lower-cased domain with the COMPANY_FIELDS."""
    try:
        raw = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise EnrichmentError(f"cannot read firmographics file {path}: {type(exc).__name__}") from None
    missing = [c for c in ("domain", "company_name", "industry", "employee_count", "country") if c not in raw.columns]
    if missing:
        raise EnrichmentError(f"firmographics file {path} lacks column(s): {', '.join(missing)}")
    text = {c: pl.col(c).str.strip_chars() if c in raw.columns else pl.lit(None, dtype=pl.Utf8)
            for c in ("state", "city", "website", "description", "linkedin")}
    return raw.select(
        pl.col("domain").str.strip_chars().str.to_lowercase(),
        pl.col("company_name").str.strip_chars().alias("name"),
        pl.col("industry").str.strip_chars(),
        pl.col("employee_count").str.extract(r"(\d+)").cast(pl.Int32, strict=False),
        pl.col("country").str.strip_chars().str.to_uppercase(),
        *(expr.alias(name) for name, expr in text.items()),
    ).filter(pl.col("domain").is_not_null()).unique("domain", keep="first", maintain_order=True)


class ReferenceFileProvider:
    """Firmographics from a CSV file (see `read_firmographics`): free to ask again, so never cached."""

    name = "reference_file"
    cacheable = False

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._table: pl.DataFrame | None = None

    def answered_at(self, now: datetime) -> datetime:
        """The file's modification time: the same file gives the same accounts, run after run."""
        return datetime.fromtimestamp(self.path.stat().st_mtime)

    def lookup(self, companies: pl.DataFrame, stats: LookupStats) -> pl.DataFrame:
        if self._table is None:
            self._table = read_firmographics(self.path)
        found = companies.select("domain").unique().join(self._table, on="domain", how="left")
        return found.with_columns(
            pl.when(pl.col("name").is_not_null() | pl.col("industry").is_not_null()).then(pl.lit(FOUND))
            .otherwise(pl.lit(NOT_FOUND)).alias("status"), pl.lit(None, dtype=pl.Utf8).alias("failure"),
        ).select(list(OUTCOME_SCHEMA))
