"""Company enrichment: firmographics (industry, size, country) by company domain, behind one interface.

`CompanyDataProvider` is what the pipeline calls; `ReferenceFileProvider` reads a reference CSV shipped
with the data (no network); `NoProvider` finds nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import polars as pl

FIRMOGRAPHIC_SCHEMA = {
    "domain": pl.Utf8, "company_name": pl.Utf8, "industry": pl.Utf8, "employee_count": pl.Int32,
    "country": pl.Utf8,
}


class EnrichmentError(RuntimeError):
    """The provider's data cannot be used; the message says why."""


class CompanyDataProvider(Protocol):
    """Looks up firmographics for company domains; unknown domains are simply absent from the result."""

    name: str

    def lookup(self, domains: list[str]) -> pl.DataFrame:  # columns: FIRMOGRAPHIC_SCHEMA
        ...


def empty_firmographics() -> pl.DataFrame:
    return pl.DataFrame(schema=FIRMOGRAPHIC_SCHEMA)


class NoProvider:
    """Used when no reference data is configured: every lookup finds nothing."""

    name = "none"

    def lookup(self, domains: list[str]) -> pl.DataFrame:
        return empty_firmographics()


class ReferenceFileProvider:
    """Firmographics from a CSV file with columns domain, company_name, industry, employee_count, country."""

    name = "reference_file"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._table: pl.DataFrame | None = None

    def _load(self) -> pl.DataFrame:
        if self._table is None:
            try:
                raw = pl.read_csv(self.path, infer_schema=False)
            except (OSError, pl.exceptions.PolarsError) as exc:
                raise EnrichmentError(f"cannot read firmographics file {self.path}: {type(exc).__name__}") from None
            missing = [c for c in FIRMOGRAPHIC_SCHEMA if c not in raw.columns]
            if missing:
                raise EnrichmentError(f"firmographics file {self.path} lacks column(s): {', '.join(missing)}")
            self._table = raw.select(
                pl.col("domain").str.strip_chars().str.to_lowercase(),
                pl.col("company_name").str.strip_chars(),
                pl.col("industry").str.strip_chars(),
                pl.col("employee_count").str.extract(r"(\d+)").cast(pl.Int32, strict=False),
                pl.col("country").str.strip_chars().str.to_uppercase(),
            ).unique("domain", keep="first", maintain_order=True)
        return self._table

    def lookup(self, domains: list[str]) -> pl.DataFrame:
        return self._load().filter(pl.col("domain").is_in(domains))
