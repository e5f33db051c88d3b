"""The import registry (core.import_files) and the raw tables files land in: what leadflow has seen of each
file version, and the writes that land one file (its raw rows and its registry row in one transaction)."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from warehouse.connection import WarehouseSession


class ImportRegistry:
    """Registry reads and writes for landing inbox files (see `leadflow.ingest.landing`)."""

    def __init__(self, session: WarehouseSession):
        self.session = session

    def is_known(self, source_file: str, file_sha256: str) -> bool:
        """Whether this exact version (path and bytes) was seen before."""
        return bool(self.session.fetch_value("file_version_known", source_file=source_file, file_sha256=file_sha256))

    def same_content_as(self, file_sha256: str) -> str | None:
        """Another path already landed or imported with these bytes, if any."""
        return self.session.fetch_value("same_content_elsewhere", file_sha256=file_sha256)

    def register(self, *, source_file: str, file_sha256: str, source_type: str, size_bytes: int, status: str,
                 records_read: int | None, reason: str | None, source_name: str, modified_at: datetime,
                 run_id: str, now: datetime) -> None:
        """A registry row for a file version (the next `version` of its path)."""
        self.session.run("register_file_version", source_file=source_file, file_sha256=file_sha256,
                         source_type=source_type, size_bytes=size_bytes, status=status, records_read=records_read,
                         reason=reason, source_name=source_name, modified_at=modified_at, run_id=run_id, now=now)

    def land(self, records: pl.DataFrame, raw_table: str, *, replace_previous: bool, **registration) -> None:
        """In one transaction: the file's records into `raw_table` and its registry row, status `landed`.

        A new export of a CRM file (`replace_previous`) replaces the earlier one's raw rows, whose registry row
        becomes `replaced`; an earlier version of a lead file that never got published becomes `superseded`.
        """
        source_file = registration["source_file"]
        with self.session.transaction():
            if replace_previous:
                self.session.execute(f"DELETE FROM {raw_table} WHERE source_file = ?", [source_file])
                self.session.run("replace_earlier_snapshot", source_file=source_file)
            else:
                self.session.run("supersede_unpublished_version", source_file=source_file)
            self.session.insert(raw_table, records)
            self.register(status="landed", records_read=records.height, reason=None, **registration)
