"""CRM snapshot entities: the id each must carry, and the staged shapes used for matching and accounts."""

from __future__ import annotations

import polars as pl
import pandera.polars as pa


class CrmRecord(pa.DataFrameModel):
    """A CRM record is usable when it has its own id, once."""

    entity_id: str = pa.Field(nullable=False)
    is_duplicate_id: bool = pa.Field(isin=[False])

    class Config:
        strict = False


CRM_REASONS = {
    "entity_id:not_nullable": "CRM record has no id",
    "is_duplicate_id:isin": "CRM id repeats an earlier record of the same file",
}


def with_entity_id(raw: pl.DataFrame, id_column: str) -> pl.DataFrame:
    """Add the columns CrmRecord checks: the record's CRM id and whether it repeats."""
    return raw.with_columns(
        pl.col(id_column).alias("entity_id"),
        (pl.col(id_column).is_not_null()
         & (pl.col("source_row").rank("ordinal").over(id_column) > 1)).alias("is_duplicate_id"),
    )
