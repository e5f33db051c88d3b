"""leadflow's Dagster Definitions: every asset and check, the weekly job, its schedule and the inbox sensor.

Configuration comes from the environment when the code location loads (no secrets involved):
LEADFLOW_INBOX, LEADFLOW_WAREHOUSE, LEADFLOW_RULES, LEADFLOW_MATCH_SETTINGS, LEADFLOW_SOURCES,
LEADFLOW_FIRMOGRAPHICS, LEADFLOW_SCHEDULE_CRON (default `0 6 * * 1`), LEADFLOW_TIMEZONE (default `UTC`),
LEADFLOW_QUARANTINE_RATE_WARN (default 0.05) and LEADFLOW_INBOX_MAX_AGE_DAYS (default 8).
"""

import os

from dagster import Definitions, load_asset_checks_from_modules, load_assets_from_modules

from assets import enrich, ingest, match, normalize, publish, qualify, validate
from pipelines.jobs import build_weekly_schedule, inbox_sensor, weekly_import_job
from pipelines.resources import CompanyDataResource, LeadflowSettings

ASSET_MODULES = [ingest, validate, normalize, match, enrich, qualify, publish]
DEFAULT_INBOX = "data/sample"
DEFAULT_WAREHOUSE = "data/leadflow.duckdb"


def build_definitions(inbox_dir: str, warehouse_path: str, rules_path: str | None = None,
                      matching_settings_path: str | None = None, firmographics_path: str | None = None,
                      cron: str = "0 6 * * 1", timezone: str = "UTC", sources_path: str | None = None,
                      quarantine_rate_warn: float = 0.05, inbox_max_age_days: float = 8.0) -> Definitions:
    """The Definitions for one inbox and warehouse: what the UI, the schedule, the sensor and the CLI run."""
    return Definitions(
        assets=load_assets_from_modules(ASSET_MODULES),
        asset_checks=load_asset_checks_from_modules(ASSET_MODULES),
        jobs=[weekly_import_job],
        schedules=[build_weekly_schedule(cron, timezone)],
        sensors=[inbox_sensor],
        resources={
            "settings": LeadflowSettings(inbox_dir=inbox_dir, warehouse_path=warehouse_path, rules_path=rules_path,
                                         matching_settings_path=matching_settings_path, sources_path=sources_path,
                                         quarantine_rate_warn=quarantine_rate_warn,
                                         inbox_max_age_days=inbox_max_age_days),
            "company_data": CompanyDataResource(reference_file=firmographics_path),
        },
    )


def definitions_from_environment() -> Definitions:
    env = os.environ
    return build_definitions(
        inbox_dir=env.get("LEADFLOW_INBOX", DEFAULT_INBOX),
        warehouse_path=env.get("LEADFLOW_WAREHOUSE", DEFAULT_WAREHOUSE),
        rules_path=env.get("LEADFLOW_RULES") or None,
        matching_settings_path=env.get("LEADFLOW_MATCH_SETTINGS") or None,
        firmographics_path=env.get("LEADFLOW_FIRMOGRAPHICS") or None,
        cron=env.get("LEADFLOW_SCHEDULE_CRON", "0 6 * * 1"),
        timezone=env.get("LEADFLOW_TIMEZONE", "UTC"),
        sources_path=env.get("LEADFLOW_SOURCES") or None,
        quarantine_rate_warn=float(env.get("LEADFLOW_QUARANTINE_RATE_WARN", "0.05")),
        inbox_max_age_days=float(env.get("LEADFLOW_INBOX_MAX_AGE_DAYS", "8")),
    )


defs = definitions_from_environment()
