"""The marts analysts query (docs/marts.md), rebuilt whole from core.* at each run by `warehouse/sql/marts_*.sql`.
No mart holds a run timestamp: the same data gives the same marts."""

from __future__ import annotations

from warehouse.connection import SCAN_MEMORY_LIMIT, WarehouseSession

# SQL file -> the mart tables it (re)creates, in the order a run builds them (lead_outcomes first: the others read it)
MART_FILES = {
    "marts_lead_outcomes": ("lead_outcomes",),
    "marts_lead_funnel": ("lead_funnel", "lead_funnel_detail"),
    "marts_campaign_roi": ("campaign_roi",),
    "marts_source_performance": ("source_performance",),
    "marts_lead_aging": ("lead_aging",),
}
MART_TABLES = tuple(table for tables in MART_FILES.values() for table in tables)


def rebuild_marts(wh: WarehouseSession, sql_file: str) -> dict[str, int]:
    """Run one `marts_*.sql` file in a transaction; return the rows of each table it made. The marts scan whole
    tables (every lead and source record): with more buffer than the run's default they do not spill (at 4.8M
    leads: 19.0 s at 256MB, 12.6 s at 512MB)."""
    with wh.memory_at_least(SCAN_MEMORY_LIMIT), wh.transaction():
        wh.run(sql_file)
    return {table: wh.scalar(f"SELECT count(*) FROM marts.{table}") for table in MART_FILES[sql_file]}
