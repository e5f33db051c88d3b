"""Ingest: land inbox files as read into raw.*, each registered in core.import_files."""

from datetime import datetime
from typing import Optional

from dagster import (
    AssetCheckResult, AssetCheckSeverity, AssetExecutionContext, Config, Failure, MaterializeResult, asset,
    asset_check,
)

from leadflow.ingest.discover import discover_crm_files, discover_lead_files
from pipelines.resources import LeadflowSettings
from warehouse.checks import newest_import
from warehouse.landing import land_files


def _inbox_or_fail(settings: LeadflowSettings):
    inbox = settings.inbox()
    if not inbox.is_dir():
        raise Failure(f"inbox folder {inbox} does not exist")
    return inbox


class InboxSelection(Config):
    """Which inbox files a run may read. The inbox sensor lists the files it saw settle (size and
    modification time unchanged across two ticks, or a `.done` marker); a manual or scheduled run reads all."""

    only_files: Optional[list[str]] = None

    def chosen(self, files: list) -> list:
        """The files this run may read."""
        if self.only_files is None:
            return files
        allowed = set(self.only_files)
        return [f for f in files if f.relative_path in allowed]


@asset(group_name="ingest", kinds={"csv", "xlsx", "parquet", "duckdb"})
def raw_lead_records(context: AssetExecutionContext, config: InboxSelection,
                     settings: LeadflowSettings) -> MaterializeResult:
    """Campaign responses and telemarketer calls as received (raw.campaign_responses, raw.telemarketer_calls):
    CSV in any common encoding and delimiter, XLSX, JSON, NDJSON or Parquet, mapped by each source's mapping
    (column names, value codes, date formats, default campaign), with source file, record id, row number,
    file hash, load time and the record as it arrived. Files already imported (same path and bytes) are
    skipped; a corrected file under the same name is the next version; unusable files are refused with a
    reason, and the others still import."""
    inbox = _inbox_or_fail(settings)
    files = config.chosen(discover_lead_files(inbox, settings.source_mappings()))
    with settings.warehouse().connect() as wh:
        report = land_files(wh, files, context.run.run_id, datetime.now())
    return MaterializeResult(metadata=report.metadata())


@asset(group_name="ingest", kinds={"csv", "duckdb"})
def raw_crm_snapshot(context: AssetExecutionContext, config: InboxSelection,
                     settings: LeadflowSettings) -> MaterializeResult:
    """The CRM export (accounts, contacts, leads, opportunities, campaigns) as received in raw.crm_*;
    a new export of a file replaces the previous one whole."""
    inbox = _inbox_or_fail(settings)
    files = config.chosen(list(discover_crm_files(inbox).values()))
    with settings.warehouse().connect() as wh:
        report = land_files(wh, files, context.run.run_id, datetime.now(), replace_previous=True)
    return MaterializeResult(metadata=report.metadata())


@asset_check(asset=raw_lead_records)
def inbox_is_fresh(settings: LeadflowSettings) -> AssetCheckResult:
    """Warns when no new lead file has arrived for longer than LEADFLOW_INBOX_MAX_AGE_DAYS (default 8):
    a weekly export did not come."""
    with settings.warehouse().connect() as wh:
        newest = newest_import(wh, datetime.now())
    age = newest["days_since_newest_file"]
    return AssetCheckResult(passed=age is not None and age <= settings.inbox_max_age_days,
                            severity=AssetCheckSeverity.WARN,
                            metadata={**{k: v for k, v in newest.items() if v is not None},
                                      "max_age_days": settings.inbox_max_age_days})
