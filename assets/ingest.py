"""Ingest: land inbox files as read into raw.*, each file version registered in core.import_files."""

from datetime import datetime
from typing import Optional

from dagster import (
    AssetCheckResult, AssetCheckSeverity, AssetExecutionContext, AssetKey, AssetOut, Config, Output, asset_check,
    multi_asset,
)

from assets.metadata import typed
from leadflow.config.progress import ProgressResource
from leadflow.config.resources import QualityThresholds
from leadflow.ingest.landing import LandingReport, land_files
from leadflow.ingest.resources import InboxResource
from schemas.sources import CRM_SOURCES, LEAD_SOURCES, SourceSpec
from warehouse.checks import newest_import
from warehouse.resource import WAREHOUSE_POOL, WarehouseResource

RAW_DESCRIPTIONS = {
    "raw.campaign_responses": "Campaign responses (webinars, events, forms) as received, one row per record.",
    "raw.telemarketer_calls": "Telemarketer calls as received, one row per call, with the vendor.",
    "raw.crm_accounts": "The CRM snapshot's accounts as received (replaced whole by each export).",
    "raw.crm_contacts": "The CRM snapshot's contacts as received (replaced whole by each export).",
    "raw.crm_leads": "The CRM snapshot's leads as received (replaced whole by each export).",
    "raw.crm_opportunities": "The CRM snapshot's opportunities as received (replaced whole by each export).",
    "raw.crm_campaigns": "The CRM snapshot's campaigns with channel and cost (replaced whole by each export).",
}


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


def raw_key(spec: SourceSpec) -> AssetKey:
    """raw.campaign_responses -> raw/campaign_responses: the asset of a raw table."""
    return AssetKey(spec.raw_table.split("."))


def _raw_outs(specs) -> dict[str, AssetOut]:
    return {spec.raw_table.split(".")[1]: AssetOut(key=raw_key(spec), io_manager_key="raw_tables",
                                                   description=RAW_DESCRIPTIONS[spec.raw_table],
                                                   kinds={"duckdb"}) for spec in specs}


def _landed(report: LandingReport, files: list, spec: SourceSpec) -> dict:
    mine = [f for f in files if f.spec.raw_table == spec.raw_table]
    refused = {f.relative_path: report.refused[f.relative_path] for f in mine if f.relative_path in report.refused}
    return typed({"files_landed": sum(f.relative_path in report.landed for f in mine),
                  "files_skipped_already_imported": sum(f.relative_path in report.skipped for f in mine),
                  "files_refused": len(refused), "records_landed": report.records_in(spec.raw_table, mine),
                  "refused": refused})


@multi_asset(pool=WAREHOUSE_POOL, outs=_raw_outs(LEAD_SOURCES), group_name="ingest")
def lead_files(context: AssetExecutionContext, config: InboxSelection, inbox: InboxResource,
               warehouse: WarehouseResource, progress: ProgressResource):
    """Campaign responses and telemarketer calls as received: CSV in any common encoding and delimiter, XLSX,
    JSON, NDJSON or Parquet, mapped by each source's mapping, with source file, record id, row number, file
    hash, load time and the record as it arrived. Files already imported are skipped; a corrected file under
    the same name is the next version; unusable files are refused with a reason and the others still import."""
    files = config.chosen(inbox.lead_files())
    landing = progress.tracker(context.log, "landing lead files", len(files), unit="files")
    report = land_files(files, warehouse.registry(), context.run.run_id, datetime.now(), progress=landing)
    landing.finish()
    for spec in LEAD_SOURCES:
        yield Output(None, output_name=spec.raw_table.split(".")[1], metadata=_landed(report, files, spec))


@multi_asset(pool=WAREHOUSE_POOL, outs=_raw_outs(CRM_SOURCES.values()), group_name="ingest")
def crm_snapshot_files(context: AssetExecutionContext, config: InboxSelection, inbox: InboxResource,
                       warehouse: WarehouseResource):
    """The CRM export (accounts, contacts, leads, opportunities, campaigns) as received in raw.crm_*; a new export
    of a file replaces the previous one whole."""
    files = config.chosen(inbox.crm_files())
    report = land_files(files, warehouse.registry(), context.run.run_id, datetime.now(), replace_previous=True)
    for spec in CRM_SOURCES.values():
        yield Output(None, output_name=spec.raw_table.split(".")[1], metadata=_landed(report, files, spec))


@asset_check(pool=WAREHOUSE_POOL, asset=raw_key(LEAD_SOURCES[0]), additional_deps=[raw_key(LEAD_SOURCES[1])])
def inbox_is_fresh(warehouse: WarehouseResource, thresholds: QualityThresholds) -> AssetCheckResult:
    """Warns when no new lead file (campaign responses or telemarketer calls) has arrived for longer than
    LEADFLOW_INBOX_MAX_AGE_DAYS (default 8): a weekly export did not come."""
    newest = newest_import(warehouse.session(), datetime.now())
    age = newest["days_since_newest_file"]
    return AssetCheckResult(passed=age is not None and age <= thresholds.inbox_max_age_days,
                            severity=AssetCheckSeverity.WARN,
                            metadata=typed({**{k: v for k, v in newest.items() if v is not None},
                                            "max_age_days": thresholds.inbox_max_age_days}))
