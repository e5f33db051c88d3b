"""The enrichment settings file (`leadflow/defaults/enrichment.yaml`): how long lookups are cached and which
source wins each account field. Read by the one config loader (`schemas.config_files`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator

from schemas.config_files import ConfigError, ConfigModel, load_config, one_of, problem

SOURCES = ("crm", "enrichment", "form")
ACCOUNT_FIELDS = ("name", "industry", "employee_count", "country", "state", "city", "website", "description")

Source = one_of(SOURCES, "source")
AccountField = one_of(ACCOUNT_FIELDS, "account field")


class EnrichmentSettingsError(ConfigError):
    """The enrichment settings file is invalid; the message names every wrong entry."""


def _priority(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise problem("lists a source twice")
    return value


class CacheSection(ConfigModel):
    found_ttl_days: Annotated[int, Field(ge=1)] = 90
    not_found_ttl_days: Annotated[int, Field(ge=1)] = 14


class PrioritySection(ConfigModel):
    default: Annotated[list[Source], Field(min_length=1)] = list(SOURCES)
    fields: dict[AccountField, Annotated[list[Source], Field(min_length=1)]] = {}

    @field_validator("default")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        return _priority(value)

    @field_validator("fields")
    @classmethod
    def _no_repeats_per_field(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for sources in value.values():
            _priority(sources)
        return value


class EnrichmentFile(ConfigModel):
    cache: CacheSection = CacheSection()
    field_priority: PrioritySection = PrioritySection()


@dataclass(frozen=True)
class EnrichmentSettings:
    """Checked enrichment settings, ready to use."""

    found_ttl: timedelta
    not_found_ttl: timedelta
    priority: dict[str, tuple[str, ...]]  # account field -> sources, the first with a value wins

    def rank(self, field: str, source: str) -> int:
        """Where `source` stands for `field` (0 first); a source left out of a field's list never wins it."""
        order = self.priority[field]
        return order.index(source) if source in order else len(SOURCES)


def load_enrichment_settings(path: str | Path | None = None) -> EnrichmentSettings:
    """Load the enrichment settings (`path`, or the packaged default) and check them."""
    spec, _ = load_config(path, EnrichmentFile, label="enrichment settings", package="leadflow",
                          resource="defaults/enrichment.yaml", error=EnrichmentSettingsError)
    priority = {f: tuple(spec.field_priority.fields.get(f, spec.field_priority.default)) for f in ACCOUNT_FIELDS}
    return EnrichmentSettings(timedelta(days=spec.cache.found_ttl_days), timedelta(days=spec.cache.not_found_ttl_days),
                              priority)
