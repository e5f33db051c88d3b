"""Data-quality queries behind the asset checks; each returns counts suitable for check metadata."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from warehouse.connection import WarehouseSession


LEDGER = """
SELECT f.source_file, f.version, f.records_read,
       (SELECT count(*) FROM core.lead_sources s
         WHERE s.source_file = f.source_file AND s.file_sha256 = f.file_sha256) AS accepted,
       (SELECT count(*) FROM quarantine.rejected_rows q
         WHERE q.source_file = f.source_file AND q.file_sha256 = f.file_sha256) AS rejected,
       (SELECT count(*) FROM core.superseded_records x
         WHERE x.source_file = f.source_file AND x.file_sha256 = f.file_sha256) AS superseded
FROM core.import_files f
WHERE f.status = 'imported' AND f.source_type IN ('campaign_response', 'telemarketer')
ORDER BY f.source_file, f.version
"""


def file_ledger(wh: WarehouseSession) -> pl.DataFrame:
    """Per imported lead file version: records read, accepted, rejected and superseded by a later version
    (read = accepted + rejected + superseded when nothing was lost)."""
    return wh.query(LEDGER)


def lead_ledger(wh: WarehouseSession) -> dict:
    """Records read vs. accepted + rejected (+ superseded by a corrected version), over imported campaign and
    telemarketer files, with the files that do not add up listed by path."""
    per_file = file_ledger(wh)
    in_both = wh.scalar(
        """
        SELECT count(*) FROM core.lead_sources s JOIN quarantine.rejected_rows q
          ON s.source_file = q.source_file AND s.file_sha256 = q.file_sha256 AND s.source_row = q.source_row
        """
    )
    unbalanced = per_file.filter(
        pl.col("records_read") != pl.col("accepted") + pl.col("rejected") + pl.col("superseded"))
    return {
        "files": per_file.height,
        "records_read": int(per_file["records_read"].sum() or 0),
        "records_accepted": int(per_file["accepted"].sum() or 0),
        "records_rejected": int(per_file["rejected"].sum() or 0),
        "records_superseded": int(per_file["superseded"].sum() or 0),
        "unbalanced_files": unbalanced.height,
        "unbalanced": ", ".join(unbalanced["source_file"].to_list()) or "none",
        "in_both": int(in_both or 0),
    }


def quarantine_rate(wh: WarehouseSession, run_id: str) -> dict:
    """Share of the records read by this run's lead files that went to quarantine, and the worst file."""
    per_file = wh.query(
        """
        SELECT f.source_file, f.records_read,
               (SELECT count(*) FROM quarantine.rejected_rows q
                 WHERE q.source_file = f.source_file AND q.file_sha256 = f.file_sha256) AS rejected
        FROM core.import_files f
        WHERE f.run_id = ? AND f.status = 'imported' AND f.source_type IN ('campaign_response', 'telemarketer')
        """,
        [run_id],
    ).with_columns((pl.col("rejected") / pl.col("records_read")).alias("rate"))
    read, rejected = int(per_file["records_read"].sum() or 0), int(per_file["rejected"].sum() or 0)
    worst = per_file.sort("rate", descending=True, nulls_last=True).head(1)
    return {
        "files": per_file.height, "records_read": read, "records_rejected": rejected,
        "quarantine_rate": round(rejected / read, 4) if read else 0.0,
        "worst_file": worst["source_file"][0] if worst.height else "none",
        "worst_file_rate": round(float(worst["rate"][0]), 4) if worst.height else 0.0,
    }


def newest_import(wh: WarehouseSession, now: datetime) -> dict:
    """When the inbox last brought a lead file (first seen), and how many days ago."""
    newest = wh.scalar("SELECT max(first_seen_at) FROM core.import_files "
                       "WHERE source_type IN ('campaign_response', 'telemarketer') AND status <> 'refused'")
    return {"newest_file_seen_at": str(newest) if newest else "never",
            "days_since_newest_file": round((now - newest).total_seconds() / 86400, 1) if newest else None}


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
