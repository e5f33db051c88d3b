"""Reads of this import's pending records from raw.* (files landed but not yet published)."""

from __future__ import annotations

import polars as pl

from schemas.sources import LEAD_SOURCES, SourceSpec
from schemas.quarantine import RAW_KEYS, attach_raw_records
from warehouse.connection import WarehouseSession

META = ("source_file", "source_record_id", "source_row", "file_sha256", "loaded_at")


def raw_source_columns(spec: SourceSpec) -> list[str]:
    """The landed columns that make up a record as it arrived, for a quarantine row's raw_record (the reader
    leaves raw_record null only when a file has exactly these columns)."""
    return list(spec.columns)


def pending_raw_records(wh: WarehouseSession, spec: SourceSpec) -> pl.DataFrame:
    """Raw records of `spec`'s files whose status is `landed` (with `raw_record` where the reader kept one,
    and `read_problem`)."""
    return wh.query(
        f"SELECT r.* FROM {spec.raw_table} r JOIN core.import_files f "
        "ON r.source_file = f.source_file AND r.file_sha256 = f.file_sha256 "
        "WHERE f.status = 'landed' ORDER BY r.source_file, r.source_row"
    ).rechunk()  # one contiguous frame: the cleaning that follows would otherwise hold more memory


def with_raw_records(wh: WarehouseSession, rejected: pl.DataFrame) -> pl.DataFrame:
    """Quarantine rows with their raw_record filled from the landed raw rows where the reader left it null."""
    if rejected.height == 0 or rejected["raw_record"].null_count() == 0:
        return rejected
    filled = []
    for spec in LEAD_SOURCES:
        part = rejected.filter(pl.col("source_type") == spec.source_type)
        if part.height == 0:
            continue
        keys = part.filter(pl.col("raw_record").is_null()).select(RAW_KEYS)
        with wh.registered(keys) as wanted:
            raw = wh.query(f"SELECT r.* FROM {spec.raw_table} r JOIN {wanted} k USING (source_file, file_sha256, "
                           "source_row)")
        filled.append(attach_raw_records(part, raw, raw_source_columns(spec)))
    rest = rejected.filter(~pl.col("source_type").is_in([s.source_type for s in LEAD_SOURCES]))
    return pl.concat([*filled, rest], how="vertical_relaxed")
