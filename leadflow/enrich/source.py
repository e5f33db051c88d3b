"""What the enrich assets ask for: a Dagster resource that hands out the run's company data provider."""

from dagster import ConfigurableResource

from leadflow.enrich.providers import CompanyDataProvider


class CompanyDataSource(ConfigurableResource):
    """A resource giving the run's `CompanyDataProvider` (the HTTP API, a firmographics file, or none)."""

    def provider(self) -> CompanyDataProvider:
        raise NotImplementedError
