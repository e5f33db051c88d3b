"""Resources: where the inbox and the warehouse are, which rules and settings apply, and company data."""

from pathlib import Path
from typing import Optional

from dagster import ConfigurableResource

from dedupe.settings import MatchSettings, load_match_settings
from leadflow.enrich.providers import CompanyDataProvider, NoProvider, ReferenceFileProvider
from leadflow.ingest.mappings import SourceMappings, load_source_mappings
from leadflow.qualify.rules import Rules, load_rules
from warehouse import Warehouse


class LeadflowSettings(ConfigurableResource):
    """The import's inputs and outputs: inbox folder, DuckDB file, rules, matching settings and source mapping
    files, and the data-quality thresholds the checks warn at."""

    inbox_dir: str
    warehouse_path: str
    rules_path: Optional[str] = None
    matching_settings_path: Optional[str] = None
    sources_path: Optional[str] = None
    quarantine_rate_warn: float = 0.05
    inbox_max_age_days: float = 8.0

    def inbox(self) -> Path:
        return Path(self.inbox_dir)

    def warehouse(self) -> Warehouse:
        return Warehouse(self.warehouse_path)

    def rules(self) -> Rules:
        return load_rules(self.rules_path)

    def match_settings(self) -> MatchSettings:
        return load_match_settings(self.matching_settings_path)

    def source_mappings(self) -> SourceMappings:
        return load_source_mappings(self.sources_path)


class CompanyDataResource(ConfigurableResource):
    """Firmographics provider. `reference_file` defaults to `<inbox>/reference/firmographics.csv` if present."""

    reference_file: Optional[str] = None

    def provider(self, inbox: Path) -> CompanyDataProvider:
        path = Path(self.reference_file) if self.reference_file else inbox / "reference" / "firmographics.csv"
        if path.is_file():
            return ReferenceFileProvider(path)
        return NoProvider()
