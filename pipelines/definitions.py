"""leadflow's Dagster Definitions: every asset and check, the weekly job, its schedule and the inbox sensor, with the
resources of one inbox and warehouse.

`defs` is loaded lazily (`@dagster.definitions`): nothing is read from the environment at import time. When the
code location loads, each setting comes from its environment variable where one is set (as a `dagster.EnvVar`,
so the UI shows where it came from), else from its default: LEADFLOW_INBOX (data/sample), LEADFLOW_WAREHOUSE
(data/leadflow.duckdb), LEADFLOW_RULES, LEADFLOW_MATCH_SETTINGS, LEADFLOW_SOURCES, LEADFLOW_FIRMOGRAPHICS,
LEADFLOW_DUCKDB_MEMORY_LIMIT (256MB), LEADFLOW_ENRICHMENT_URL and LEADFLOW_ENRICHMENT_API_KEY (the enrichment
API; without a URL the firmographics file is used), LEADFLOW_ENRICHMENT_SETTINGS, LEADFLOW_OVERRIDES (statuses, ranks and owners a person set),
LEADFLOW_SCHEDULE_CRON (`0 6 * * 1`), LEADFLOW_TIMEZONE (UTC),
LEADFLOW_QUARANTINE_RATE_WARN (0.05) and LEADFLOW_INBOX_MAX_AGE_DAYS (8); alerts: LEADFLOW_ALERT_WEBHOOK and
LEADFLOW_UI_URL (pipelines/alerts.py); matching on a Dask cluster: LEADFLOW_EXECUTOR (`local` or `dask`) and
LEADFLOW_DASK_SCHEDULER (an address; none: a local cluster for the step).
"""

from __future__ import annotations

import os
from typing import Any

from dagster import Definitions, EnvVar, definitions, load_asset_checks_from_modules, load_assets_from_modules

from assets import enrich, ingest, marts, match, normalize, publish, qualify, report, validate
from leadflow.config.environment import number_from_environment
from leadflow.config.progress import ProgressResource, after_seconds_from_environment
from leadflow.config.resources import (
    DEFAULT_INBOX_MAX_AGE_DAYS, DEFAULT_QUARANTINE_RATE_WARN, ComparisonCluster, MatchSettingsResource,
    QualityThresholds,
)
from leadflow.enrich.http import HttpCompanyDataProvider
from leadflow.enrich.resources import EnrichmentSettingsResource, FirmographicsFile
from leadflow.enrich.source import CompanyDataSource
from leadflow.ingest.resources import InboxResource
from leadflow.qualify.resources import OverridesResource, RulesResource, RunDate
from pipelines.alerts import ALERT_SENSORS, alert_webhook_from_environment
from pipelines.jobs import build_weekly_schedule, inbox_sensor, weekly_import_job
from warehouse.resource import WarehouseResource, raw_tables, staging_tables

ASSET_MODULES = [ingest, validate, normalize, match, enrich, qualify, publish, marts, report]
DEFAULT_INBOX = "data/sample"
DEFAULT_WAREHOUSE = "data/leadflow.duckdb"
DEFAULT_CRON = "0 6 * * 1"
DEFAULT_TIMEZONE = "UTC"


def company_data(inbox_dir: Any, firmographics_path: Any = None, enrichment_url: Any = None,
                 enrichment_api_key: Any = None) -> CompanyDataSource:
    """The HTTP enrichment API when a URL is given (its key through an EnvVar), else the firmographics file."""
    if enrichment_url:
        return HttpCompanyDataProvider(base_url=enrichment_url, api_key=enrichment_api_key)
    return FirmographicsFile(reference_file=firmographics_path, inbox_dir=inbox_dir)


def build_resources(inbox_dir: Any, warehouse_path: Any, rules_path: Any = None, matching_settings_path: Any = None,
                    firmographics_path: Any = None, sources_path: Any = None, memory_limit: Any = None,
                    quarantine_rate_warn: float = DEFAULT_QUARANTINE_RATE_WARN,
                    inbox_max_age_days: float = DEFAULT_INBOX_MAX_AGE_DAYS, enrichment_url: Any = None,
                    enrichment_api_key: Any = None, enrichment_settings_path: Any = None, overrides_path: Any = None,
                    as_of: Any = None, executor: str = "local", scheduler: Any = None,
                    progress_echo: bool = False, requalify_all: bool = False) -> dict[str, Any]:
    """The resources of one inbox and warehouse (values may be `EnvVar`s): one warehouse session per run, used by
    the IO managers of staging and raw tables too. Long steps log their progress; with `progress_echo` (what
    `leadflow run` sets) also on stderr."""
    warehouse = WarehouseResource(path=warehouse_path, memory_limit=memory_limit)
    return {
        "warehouse": warehouse,
        "io_manager": staging_tables,
        "raw_tables": raw_tables,
        "inbox": InboxResource(path=inbox_dir, sources_path=sources_path),
        "rules": RulesResource(path=rules_path, requalify_all=requalify_all),
        "overrides": OverridesResource(path=overrides_path),
        "run_date": RunDate(as_of=as_of),
        "match_settings": MatchSettingsResource(path=matching_settings_path),
        "comparison_cluster": ComparisonCluster(executor=executor, scheduler=scheduler),
        "company_data": company_data(inbox_dir, firmographics_path, enrichment_url, enrichment_api_key),
        "enrichment_settings": EnrichmentSettingsResource(path=enrichment_settings_path),
        "thresholds": QualityThresholds(quarantine_rate_warn=quarantine_rate_warn,
                                        inbox_max_age_days=inbox_max_age_days),
        "alert_webhook": alert_webhook_from_environment(warehouse_path),
        "progress": ProgressResource(echo=progress_echo, after_seconds=after_seconds_from_environment()),
    }


def build_definitions(inbox_dir: Any, warehouse_path: Any, rules_path: Any = None,
                      matching_settings_path: Any = None, firmographics_path: Any = None,
                      cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE, sources_path: Any = None,
                      quarantine_rate_warn: float = DEFAULT_QUARANTINE_RATE_WARN,
                      inbox_max_age_days: float = DEFAULT_INBOX_MAX_AGE_DAYS, memory_limit: Any = None,
                      enrichment_url: Any = None, enrichment_api_key: Any = None,
                      enrichment_settings_path: Any = None, overrides_path: Any = None,
                      as_of: Any = None, executor: str = "local", scheduler: Any = None,
                      progress_echo: bool = False, requalify_all: bool = False) -> Definitions:
    """The Definitions for one inbox and warehouse: what the UI, the schedule, the sensor and the CLI run."""
    return Definitions(
        assets=load_assets_from_modules(ASSET_MODULES),
        asset_checks=load_asset_checks_from_modules(ASSET_MODULES),
        jobs=[weekly_import_job],
        schedules=[build_weekly_schedule(cron, timezone)],
        sensors=[inbox_sensor, *ALERT_SENSORS],
        resources=build_resources(inbox_dir, warehouse_path, rules_path, matching_settings_path, firmographics_path,
                                  sources_path, memory_limit, quarantine_rate_warn, inbox_max_age_days,
                                  enrichment_url, enrichment_api_key, enrichment_settings_path, overrides_path,
                                  as_of, executor, scheduler, progress_echo, requalify_all),
    )


def setting(name: str, default: Any = None) -> Any:
    """An EnvVar when the environment sets `name` (resolved by Dagster when a run starts), else `default`."""
    return EnvVar(name) if os.environ.get(name) else default


def thresholds_from_environment() -> dict[str, Any]:
    """The settings the code location and `leadflow run` both read from the environment besides paths: DuckDB's
    memory limit and the checks' thresholds."""
    return {"memory_limit": setting("LEADFLOW_DUCKDB_MEMORY_LIMIT"),
            "quarantine_rate_warn": number_from_environment("LEADFLOW_QUARANTINE_RATE_WARN", DEFAULT_QUARANTINE_RATE_WARN),
            "inbox_max_age_days": number_from_environment("LEADFLOW_INBOX_MAX_AGE_DAYS", DEFAULT_INBOX_MAX_AGE_DAYS)}


def definitions_from_environment() -> Definitions:
    """The code location's Definitions, configured from LEADFLOW_* environment variables (see the module)."""
    return build_definitions(
        inbox_dir=setting("LEADFLOW_INBOX", DEFAULT_INBOX),
        warehouse_path=setting("LEADFLOW_WAREHOUSE", DEFAULT_WAREHOUSE),
        rules_path=setting("LEADFLOW_RULES"),
        matching_settings_path=setting("LEADFLOW_MATCH_SETTINGS"),
        firmographics_path=setting("LEADFLOW_FIRMOGRAPHICS"),
        sources_path=setting("LEADFLOW_SOURCES"),
        enrichment_url=setting("LEADFLOW_ENRICHMENT_URL"),
        enrichment_api_key=setting("LEADFLOW_ENRICHMENT_API_KEY"),
        enrichment_settings_path=setting("LEADFLOW_ENRICHMENT_SETTINGS"),
        overrides_path=setting("LEADFLOW_OVERRIDES"),
        executor=os.environ.get("LEADFLOW_EXECUTOR") or "local",
        scheduler=setting("LEADFLOW_DASK_SCHEDULER"),
        cron=os.environ.get("LEADFLOW_SCHEDULE_CRON") or DEFAULT_CRON,
        timezone=os.environ.get("LEADFLOW_TIMEZONE") or DEFAULT_TIMEZONE,
        **thresholds_from_environment(),
    )


@definitions
def defs() -> Definitions:
    """Loaded by `dagster dev`, `dg check defs` and the workspace when the code location starts."""
    return definitions_from_environment()
