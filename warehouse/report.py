"""The marts as the funnel report reads them: one query per mart in `warehouse/sql/report_<mart>.sql`, selecting
only the columns the page uses (never an owner or any other personal value)."""

from __future__ import annotations

import polars as pl

from warehouse.connection import WarehouseSession

REPORT_MARTS = ("lead_funnel", "source_performance", "campaign_roi", "lead_aging")


def read_report_marts(wh: WarehouseSession) -> dict[str, pl.DataFrame]:
    """The report's columns of each mart it draws, keyed by mart name."""
    return {mart: wh.fetch(f"report_{mart}") for mart in REPORT_MARTS}
