"""Landing: every new inbox file read and handed to the registry (core.import_files and raw.*), or refused
with its reason while the other files go on. The same bytes are never landed twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Protocol

import polars as pl

from leadflow.ingest.discover import InboxFile
from leadflow.ingest.readers import FileRefused
from leadflow.ingest.records import read_records


class LandingRegistry(Protocol):
    """Where landed files are recorded (implemented by `warehouse.registry.ImportRegistry`)."""

    def is_known(self, source_file: str, file_sha256: str) -> bool: ...

    def same_content_as(self, file_sha256: str) -> str | None: ...

    def register(self, **registration) -> None: ...

    def land(self, records: pl.DataFrame, raw_table: str, *, replace_previous: bool, **registration) -> None: ...


@dataclass
class LandingReport:
    """What one landing pass did, for run metadata and the CLI summary (paths and counts, no record values)."""

    landed: dict[str, int] = field(default_factory=dict)       # path -> records landed
    skipped: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)      # path -> reason

    @property
    def records(self) -> int:
        return sum(self.landed.values())

    def records_in(self, raw_table: str, files: list[InboxFile]) -> int:
        """Records landed this pass into one raw table."""
        return sum(self.landed.get(f.relative_path, 0) for f in files if f.spec.raw_table == raw_table)


def land_files(files: list[InboxFile], registry: LandingRegistry, run_id: str, now: datetime,
               replace_previous: bool = False, progress: Callable[[int, int], None] | None = None) -> LandingReport:
    """Land every file not seen before (by path and sha256).

    A new version of a lead file (same path, new bytes) lands beside the earlier ones with the next `version`;
    publishing it supersedes the earlier versions' records with the same record id. With `replace_previous`
    (the CRM snapshot, replaced whole at each export) a new version of a file replaces the earlier one.
    Other bytes already landed under another path are registered as `duplicate`. `progress(files done, files)`
    after each file.
    """
    report = LandingReport()
    for done, f in enumerate(files):
        if progress is not None and done:
            progress(done, len(files))
        try:
            sha = f.sha256()
            registration = dict(source_file=f.relative_path, file_sha256=sha, source_type=f.source_type,
                                size_bytes=f.size(), source_name=f.source_name, modified_at=f.modified_at(),
                                run_id=run_id, now=now)
        except OSError as exc:  # vanished or unreadable since discovery: try again next run, nothing registered
            report.refused[f.relative_path] = f"file cannot be opened: {exc.strerror or type(exc).__name__}"
            continue
        if registry.is_known(f.relative_path, sha):
            report.skipped.append(f.relative_path)
            continue
        twin = None if replace_previous else registry.same_content_as(sha)
        if twin:
            registry.register(status="duplicate", records_read=None, reason=f"same content as {twin}, already imported",
                              **registration)
            report.skipped.append(f.relative_path)
            continue
        try:
            records = read_records(f)
        except (FileRefused, OSError) as exc:
            reason = str(exc) if isinstance(exc, FileRefused) else f"file cannot be opened: {exc.strerror}"
            registry.register(status="refused", records_read=None, reason=reason, **registration)
            report.refused[f.relative_path] = reason
            continue
        extra = {"vendor": pl.lit(f.vendor, dtype=pl.Utf8)} if "vendor" in f.spec.extra_columns else {}
        records = records.with_columns(pl.lit(f.relative_path).alias("source_file"), pl.lit(sha).alias("file_sha256"),
                                       pl.lit(now, dtype=pl.Datetime("us")).alias("loaded_at"), **extra)
        registry.land(records, f.spec.raw_table, replace_previous=replace_previous, **registration)
        report.landed[f.relative_path] = records.height
    return report
