"""Data-quality queries behind the asset checks; each returns counts suitable for check metadata."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from warehouse.connection import SCAN_MEMORY_LIMIT, WarehouseSession


def file_ledger(wh: WarehouseSession) -> pl.DataFrame:
    """Per imported lead file version: records read, accepted, rejected and superseded by a later version
    (read = accepted + rejected + superseded when nothing was lost)."""
    return wh.fetch("file_ledger")


def lead_ledger(wh: WarehouseSession) -> dict:
    """Records read vs. accepted + rejected (+ superseded by a corrected version), over imported campaign and
    telemarketer files, with the files that do not add up listed by path."""
    per_file = file_ledger(wh)
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
        "in_both": int(wh.fetch_value("records_in_both") or 0),
    }


def quarantine_rate(wh: WarehouseSession, run_id: str) -> dict:
    """Share of the records read by this run's lead files that went to quarantine, and the worst file."""
    per_file = wh.fetch("run_quarantine_by_file", run_id=run_id).with_columns(
        (pl.col("rejected") / pl.col("records_read")).alias("rate"))
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
    newest = wh.fetch_value("newest_lead_file")
    return {"newest_file_seen_at": str(newest) if newest else "never",
            "days_since_newest_file": round((now - newest).total_seconds() / 86400, 1) if newest else None}


def lead_integrity(wh: WarehouseSession, ranks: list[str]) -> dict[str, int]:
    """What must not happen in core.leads: records without their lead, leads without records, a rank the rules
    file does not define, a score outside 1..100 (statuses are held by a CHECK constraint)."""
    with wh.memory_at_least(SCAN_MEMORY_LIMIT):
        return {k: int(v) for k, v in wh.fetch_one("lead_integrity", ranks=list(ranks)).items()}


def account_links(wh: WarehouseSession) -> int:
    """Leads whose account_id points nowhere."""
    return int(wh.fetch_value("dangling_account_links"))


def funnel_reconciliation(wh: WarehouseSession) -> dict[str, tuple[int, int, int]]:
    """leads, qualified, converted and won counted three ways: over core.leads (and its opportunities), summed over
    marts.lead_funnel, and summed over marts.lead_funnel_detail."""
    row = wh.fetch_one("funnel_reconciliation")
    return {name: (int(row[f"core_{name}"] or 0), int(row[f"funnel_{name}"] or 0), int(row[f"detail_{name}"] or 0))
            for name in ("leads", "qualified", "converted", "won")}
