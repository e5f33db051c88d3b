"""Ingest: land inbox files as read into raw.*, each registered in core.import_files."""

from datetime import datetime

from dagster import AssetExecutionContext, Failure, MaterializeResult, asset

from leadflow.inbox import discover_crm_files, discover_lead_files
from pipelines.resources import LeadflowSettings
from warehouse.landing import land_files


def _inbox_or_fail(settings: LeadflowSettings):
    inbox = settings.inbox()
    if not inbox.is_dir():
        raise Failure(f"inbox folder {inbox} does not exist")
    return inbox


@asset(group_name="ingest", kinds={"csv", "duckdb"})
def raw_lead_records(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """Campaign responses and telemarketer calls exactly as received (raw.campaign_responses,
    raw.telemarketer_calls), with source file, record id, row number, file hash and load time.
    Files already imported (same path and bytes) are skipped; unusable files are refused with a reason."""
    inbox = _inbox_or_fail(settings)
    with settings.warehouse().connect() as wh:
        report = land_files(wh, discover_lead_files(inbox), context.run.run_id, datetime.now())
    return MaterializeResult(metadata=report.metadata())


@asset(group_name="ingest", kinds={"csv", "duckdb"})
def raw_crm_snapshot(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """The CRM export (accounts, contacts, leads, opportunities, campaigns) as received in raw.crm_*;
    a new export of a file replaces the previous one whole."""
    inbox = _inbox_or_fail(settings)
    with settings.warehouse().connect() as wh:
        report = land_files(wh, list(discover_crm_files(inbox).values()), context.run.run_id, datetime.now(),
                            replace_previous=True)
    return MaterializeResult(metadata=report.metadata())
