"""The raw tables as later steps read them: a handle on one raw.* table that gives the records of files landed
but not yet published (lead files), the whole current snapshot (CRM files), or the landed rows of given
quarantined records (to show them as they arrived)."""

from __future__ import annotations

import polars as pl

from schemas.quarantine import RAW_KEYS, attach_raw_records
from schemas.sources import SourceSpec
from warehouse.connection import WarehouseSession


class RawTable:
    """One raw.* table of the warehouse (`spec.raw_table`), read through the run's session."""

    def __init__(self, session: WarehouseSession, spec: SourceSpec):
        self.session = session
        self.spec = spec

    def pending(self) -> pl.DataFrame:
        """Rows of files whose status is `landed` (this import, and any a failed run left), in file order, with
        `raw_record` where the reader kept one and `read_problem`."""
        return self.session.query(
            f"SELECT r.* FROM {self.spec.raw_table} r JOIN core.import_files f USING (source_file, file_sha256) "
            "WHERE f.status = 'landed' ORDER BY r.source_file, r.source_row"
        ).rechunk()  # one contiguous frame: the cleaning that follows would otherwise hold more memory

    def current(self) -> pl.DataFrame:
        """Every row the table holds (a CRM snapshot is replaced whole, so this is the current snapshot)."""
        return self.session.read_table(self.spec.raw_table)

    def landed_files(self) -> pl.DataFrame:
        """source_file of this table's files that are landed and not yet published."""
        return self.session.query(
            "SELECT DISTINCT source_file FROM core.import_files WHERE status = 'landed' AND source_file IN "
            f"(SELECT source_file FROM {self.spec.raw_table})")

    def rows_of(self, keys: pl.DataFrame) -> pl.DataFrame:
        """The landed rows of the records in `keys` (source_file, file_sha256, source_row)."""
        with self.session.registered("wanted_rows", keys.select(RAW_KEYS)):
            return self.session.query(
                f"SELECT r.* FROM {self.spec.raw_table} r JOIN wanted_rows k USING (source_file, file_sha256, "
                "source_row)")


def with_raw_records(rejected: pl.DataFrame, tables: list[RawTable]) -> pl.DataFrame:
    """Quarantine rows with their raw_record filled from the landed raw rows where the reader left it null
    (files whose columns were already canonical): only rejected rows are read back."""
    if rejected.height == 0 or rejected["raw_record"].null_count() == 0:
        return rejected
    filled = []
    for table in tables:
        part = rejected.filter(pl.col("source_type") == table.spec.source_type)
        if part.height:
            keys = part.filter(pl.col("raw_record").is_null()).select(RAW_KEYS)
            filled.append(attach_raw_records(part, table.rows_of(keys), list(table.spec.columns)))
    rest = rejected.filter(~pl.col("source_type").is_in([t.spec.source_type for t in tables]))
    return pl.concat([*filled, rest], how="vertical_relaxed")
