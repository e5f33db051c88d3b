"""Data-quality queries behind the asset checks; each returns counts suitable for check metadata."""

from __future__ import annotations

from warehouse.connection import WarehouseSession


def lead_ledger(wh: WarehouseSession) -> dict[str, int]:
    """Records read vs. accepted + rejected, over imported campaign and telemarketer files."""
    per_file = wh.query(
        """
        SELECT f.source_file, f.records_read,
               (SELECT count(*) FROM core.lead_sources s
                 WHERE s.source_file = f.source_file AND s.file_sha256 = f.file_sha256) AS accepted,
               (SELECT count(*) FROM quarantine.rejected_rows q
                 WHERE q.source_file = f.source_file AND q.file_sha256 = f.file_sha256) AS rejected
        FROM core.import_files f
        WHERE f.status = 'imported' AND f.source_type IN ('campaign_response', 'telemarketer')
        """
    )
    in_both = wh.scalar(
        """
        SELECT count(*) FROM core.lead_sources s JOIN quarantine.rejected_rows q
          ON s.source_file = q.source_file AND s.file_sha256 = q.file_sha256 AND s.source_row = q.source_row
        """
    )
    unbalanced = per_file.filter(per_file["records_read"] != per_file["accepted"] + per_file["rejected"])
    return {
        "files": per_file.height,
        "records_read": int(per_file["records_read"].sum() or 0),
        "records_accepted": int(per_file["accepted"].sum() or 0),
        "records_rejected": int(per_file["rejected"].sum() or 0),
        "unbalanced_files": unbalanced.height,
        "in_both": int(in_both or 0),
    }


def lead_integrity(wh: WarehouseSession) -> dict[str, int]:
    return {
        "sources_without_lead": wh.scalar(
            "SELECT count(*) FROM core.lead_sources s WHERE s.lead_id NOT IN (SELECT lead_id FROM core.leads)"),
        "leads_without_source": wh.scalar(
            "SELECT count(*) FROM core.leads l WHERE l.lead_id NOT IN (SELECT lead_id FROM core.lead_sources)"),
        "bad_status": wh.scalar(
            "SELECT count(*) FROM core.leads WHERE status NOT IN ('Unqualified', 'Qualified', 'Converted', 'Retired')"),
        "bad_rank": wh.scalar("SELECT count(*) FROM core.leads WHERE rank NOT IN ('Hot', 'Warm', 'Cool')"),
        "bad_score": wh.scalar("SELECT count(*) FROM core.leads WHERE score NOT BETWEEN 1 AND 100"),
    }


def account_links(wh: WarehouseSession) -> int:
    return wh.scalar(
        "SELECT count(*) FROM core.leads WHERE account_id IS NOT NULL "
        "AND account_id NOT IN (SELECT account_id FROM core.accounts)"
    )
