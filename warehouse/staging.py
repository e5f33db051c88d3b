"""Reads of this import's pending records from raw.* (files landed but not yet published)."""

from __future__ import annotations

import polars as pl

from leadflow.inbox import SourceSpec
from warehouse.connection import WarehouseSession

META = ("source_file", "source_record_id", "source_row", "file_sha256", "loaded_at")


def pending_raw_records(wh: WarehouseSession, spec: SourceSpec) -> pl.DataFrame:
    """Raw records of `spec`'s files whose status is `landed`, with `raw_record` (the record as it arrived,
    JSON text) and `read_problem`."""
    source_columns = [c for c in (*spec.extra_columns, *spec.columns, "custom_fields") if c != "campaign_id"
                      or spec.source_type == "campaign_response"]
    frame = wh.query(
        f"SELECT r.* FROM {spec.raw_table} r JOIN core.import_files f "
        "ON r.source_file = f.source_file AND r.file_sha256 = f.file_sha256 "
        "WHERE f.status = 'landed' ORDER BY r.source_file, r.source_row"
    )
    # files landed before raw_record was kept: rebuild it from the landed columns
    return frame.with_columns(pl.coalesce(pl.col("raw_record"), pl.struct(source_columns).struct.json_encode())
                              .alias("raw_record"))
