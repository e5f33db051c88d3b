"""Corrected files: the earlier versions of the records a new version of a file re-sends leave
core.lead_sources and quarantine.rejected_rows for core.superseded_records (see the views
core.superseded_lead_sources and quarantine.superseded_rejections)."""

from __future__ import annotations

from datetime import datetime

from warehouse.connection import WarehouseSession
from warehouse.faults import crash_point


def supersede_earlier_versions(wh: WarehouseSession, run_id: str, now: datetime) -> int:
    """Move the replaced earlier versions to core.superseded_records and recount the earlier file versions;
    return how many records were superseded. Without an earlier version of a landed file there is nothing to move,
    and the views over every published record are not scanned."""
    crash_point("sql:supersede_earlier_versions")  # the step's place in the transaction, whether it has work or not
    if not wh.fetch_value("landed_file_has_earlier_version"):
        return 0
    wh.run("supersede_earlier_versions", run_id=run_id, now=now)
    return wh.scalar("SELECT count(*) FROM core.superseded_records WHERE run_id = ?", [run_id])
