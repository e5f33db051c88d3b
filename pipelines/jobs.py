"""The weekly import job, its schedule and the inbox sensor."""

from __future__ import annotations

import hashlib
import json

from dagster import (
    AssetSelection, DefaultScheduleStatus, DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason,
    define_asset_job, in_process_executor, schedule, sensor, ScheduleEvaluationContext,
)

from assets.ingest import crm_snapshot_files, lead_files
from leadflow.ingest.discover import DONE_MARKER, file_sha256
from leadflow.ingest.resources import InboxResource

WEEKLY_IMPORT = "weekly_import"

weekly_import_job = define_asset_job(
    WEEKLY_IMPORT,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Import every new inbox file: ingest, validate, normalize, match, enrich, qualify, publish; then the "
                "marts, the analysts' copy and the funnel report.",
)


def settled_files(previous: dict, files: list) -> tuple[dict, list[str]]:
    """Which files are safe to read: those whose size, modification time, change time and inode did not
    change since the previous sensor tick (a file still being uploaded grows or is touched; one replaced
    with `cp -p` gets a new change time or inode), or that have a `<name>.done` marker written after the
    file's last change.

    `previous` is the last tick's `{path: [size, mtime_ns, ctime_ns, inode, sha256 or None]}`; returns this
    tick's state (sha256 computed once per settled version) and the settled paths. A file that vanishes
    while being looked at is left for the next tick.
    """
    state, settled = {}, []
    for f in files:
        try:
            stat = f.path.stat()
            marker = f.path.with_name(f.path.name + DONE_MARKER)
            done = marker.exists() and marker.stat().st_mtime_ns >= stat.st_mtime_ns
            signature = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
            before = previous.get(f.relative_path)
            unchanged = before is not None and list(before[:4]) == signature
            sha = before[4] if unchanged and len(before) > 4 else None
            if unchanged or done:
                sha = sha or file_sha256(f.path)
                settled.append(f.relative_path)
        except FileNotFoundError:
            continue
        state[f.relative_path] = [*signature, sha]
    return state, settled


def build_weekly_schedule(cron: str, timezone: str):
    @schedule(job=weekly_import_job, cron_schedule=cron, execution_timezone=timezone,
              default_status=DefaultScheduleStatus.STOPPED, name="weekly_import_schedule",
              description="The weekly import, Monday 06:00 by default (LEADFLOW_SCHEDULE_CRON / LEADFLOW_TIMEZONE).")
    def weekly_import_schedule(context: ScheduleEvaluationContext):
        return RunRequest(run_key=None, tags={"leadflow/trigger": "schedule"})

    return weekly_import_schedule


@sensor(job=weekly_import_job, minimum_interval_seconds=60, default_status=DefaultSensorStatus.STOPPED,
        description="Starts an import when new file content has settled in the inbox: a file is read only once its "
                    "size and modification time were the same at two ticks, or it has a `<name>.done` marker, so "
                    "a half-uploaded file is never read. Runs are keyed by content hash: the same bytes never start "
                    "two runs.")
def inbox_sensor(context: SensorEvaluationContext, inbox: InboxResource):
    cursor = json.loads(context.cursor) if context.cursor else {}
    if isinstance(cursor, list):  # cursor of an earlier release: the shas already started
        cursor = {"seen": cursor, "files": {}}
    seen = set(cursor.get("seen", []))
    state, settled = settled_files(cursor.get("files", {}), inbox.all_files())
    new = sorted({state[path][-1] for path in settled} - seen)
    waiting = len(state) - len(settled)
    context.update_cursor(json.dumps({"seen": sorted(seen | set(new)), "files": state}))
    if not new:
        return SkipReason(f"no new settled file content in the inbox ({waiting} file(s) still settling)")
    run_key = hashlib.sha256("".join(new).encode()).hexdigest()
    selection = {"config": {"only_files": sorted(settled)}}
    return RunRequest(run_key=run_key, run_config={"ops": {lead_files.op.name: selection,
                                                           crm_snapshot_files.op.name: selection}},
                      tags={"leadflow/trigger": "inbox_sensor", "leadflow/new_files": str(len(new))})
