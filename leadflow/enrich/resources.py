"""Company data as a Dagster resource: which firmographics provider a run uses."""

from pathlib import Path
from typing import Optional

from dagster import ConfigurableResource

from leadflow.enrich.providers import CompanyDataProvider, NoProvider, ReferenceFileProvider


class CompanyDataResource(ConfigurableResource):
    """Firmographics by company domain. `reference_file` (a CSV: domain, company_name, industry,
    employee_count, country), else `<inbox_dir>/reference/firmographics.csv` when present; else no provider."""

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
