"""What one import run did, read back from the warehouse for the CLI summary (counts only, no personal data)."""

from __future__ import annotations

from warehouse.connection import WarehouseSession


def run_summary(wh: WarehouseSession, run_id: str) -> dict:
    """Counts of files, records, leads, matches and reviews of one run (see warehouse/sql/run_summary.sql)."""
    summary = wh.fetch_one("run_summary", run_id=run_id)
    summary["top_reasons"] = [tuple(r) for r in wh.fetch("run_top_reasons", run_id=run_id).iter_rows()]
    summary["files_refused"] = [tuple(r) for r in wh.fetch("run_refused_files", run_id=run_id).iter_rows()]
    return summary
