"""CRM snapshot entities: the id each must carry, and the staged shapes used for matching and accounts."""

from __future__ import annotations

import polars as pl
import pandera.polars as pa

from schemas.quarantine import READ_PROBLEM_REASON


class CrmRecord(pa.DataFrameModel):
    """A CRM record is usable when it was read whole and has its own id, once."""

    entity_id: str = pa.Field(nullable=False)
    is_duplicate_id: bool = pa.Field(isin=[False])
    read_problem: str = pa.Field(nullable=True, isin=[])

    class Config:
        strict = False


CRM_REASONS = {
    "read_problem:isin": READ_PROBLEM_REASON,
    "entity_id:not_nullable": "CRM record has no id",
    "is_duplicate_id:isin": "CRM id repeats an earlier record of the same file",
}


def with_entity_id(raw: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """Add the columns CrmRecord checks: the record's CRM id, whether it repeats, and read_problem."""
    if "read_problem" not in raw.columns:
        raw = raw.with_columns(pl.lit(None, dtype=pl.Utf8).alias("read_problem"))
    return raw.with_columns(
        pl.col(id_column).alias("entity_id"),
        (pl.col(id_column).is_not_null()
         & (pl.col("source_row").rank("ordinal").over(id_column) > 1)).alias("is_duplicate_id"),
    )
