"""Company data as Dagster resources: the firmographics file provider (the HTTP one is
`leadflow.enrich.http.HttpCompanyDataProvider`), and the enrichment settings."""

from pathlib import Path
from typing import Optional

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from leadflow.enrich.providers import CompanyDataProvider, NoProvider, ReferenceFileProvider
from leadflow.enrich.settings import EnrichmentSettings, load_enrichment_settings
from leadflow.enrich.source import CompanyDataSource


class FirmographicsFile(CompanyDataSource):
    """Firmographics from a CSV (domain, company_name, industry, employee_count, country): `reference_file`, else
    `<inbox_dir>/reference/firmographics.csv` when present; else no provider. The default when no enrichment API
    is configured, so a run needs no network."""

    reference_file: Optional[str] = None
    inbox_dir: Optional[str] = None

    def provider(self) -> CompanyDataProvider:
        if self.reference_file:
            path = Path(self.reference_file)
        elif self.inbox_dir:
            path = Path(self.inbox_dir) / "reference" / "firmographics.csv"
        else:
            return NoProvider()
        return ReferenceFileProvider(path) if path.is_file() else NoProvider()


class EnrichmentSettingsResource(ConfigurableResource):
    """The enrichment settings file (None: the packaged `leadflow/defaults/enrichment.yaml`), loaded once per run."""

    path: Optional[str] = None

    _settings: Optional[EnrichmentSettings] = PrivateAttr(default=None)

    def settings(self) -> EnrichmentSettings:
        if self._settings is None:
            self._settings = load_enrichment_settings(self.path)
        return self._settings
