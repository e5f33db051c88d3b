"""The weekly import job, its schedule and the inbox sensor."""

import hashlib
import json

from dagster import (
    AssetSelection, DefaultScheduleStatus, DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason,
    define_asset_job, in_process_executor, schedule, sensor, ScheduleEvaluationContext,
)

from leadflow.inbox import discover_crm_files, discover_lead_files, file_sha256
from pipelines.resources import LeadflowSettings

WEEKLY_IMPORT = "weekly_import"

weekly_import_job = define_asset_job(
    WEEKLY_IMPORT,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Import every new inbox file: ingest, validate, normalize, match, enrich, qualify, publish.",
)


def inbox_fingerprints(settings: LeadflowSettings) -> dict[str, str]:
    """Relative path -> sha256 of every file the import would read."""
    inbox = settings.inbox()
    if not inbox.is_dir():
        return {}
    files = [*discover_lead_files(inbox), *discover_crm_files(inbox).values()]
    return {f.relative_path: file_sha256(f.path) for f in files}


def build_weekly_schedule(cron: str, timezone: str):
    @schedule(job=weekly_import_job, cron_schedule=cron, execution_timezone=timezone,
              default_status=DefaultScheduleStatus.STOPPED, name="weekly_import_schedule",
              description="The weekly import, Monday 06:00 by default (LEADFLOW_SCHEDULE_CRON / LEADFLOW_TIMEZONE).")
    def weekly_import_schedule(context: ScheduleEvaluationContext):
        return RunRequest(run_key=None, tags={"leadflow/trigger": "schedule"})

    return weekly_import_schedule


@sensor(job=weekly_import_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED,
        description="Starts an import when new file content arrives in the inbox; keyed by content hash, so the "
                    "same bytes never start two runs.")
def inbox_sensor(context: SensorEvaluationContext, settings: LeadflowSettings):
    seen = set(json.loads(context.cursor)) if context.cursor else set()
    current = inbox_fingerprints(settings)
    new = sorted(sha for sha in current.values() if sha not in seen)
    if not new:
        return SkipReason("no new file content in the inbox")
    context.update_cursor(json.dumps(sorted(seen | set(new))))
    run_key = hashlib.sha256("".join(new).encode()).hexdigest()
    return RunRequest(run_key=run_key, tags={"leadflow/trigger": "inbox_sensor", "leadflow/new_files": str(len(new))})
