"""Landing: inbox files into raw.* tables, recorded in the import registry (core.import_files).

The same bytes are never landed twice; a file that cannot be used as a whole is registered as
`refused` with its reason and the other files go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from leadflow.ingest.discover import InboxFile
from leadflow.ingest.readers import FileRefused
from leadflow.ingest.records import read_records
from warehouse.connection import WarehouseSession


@dataclass
class LandingReport:
    """What one landing pass did, for run metadata and the CLI summary."""

    landed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    records: int = 0

    def metadata(self) -> dict:
        return {
            "files_landed": len(self.landed), "files_skipped_already_imported": len(self.skipped),
            "files_refused": len(self.refused), "records_landed": self.records,
            "refused": "; ".join(f"{path}: {why}" for path, why in self.refused.items()) or "none",
        }


def _known(wh: WarehouseSession, path: str, sha: str) -> bool:
    return bool(wh.scalar("SELECT count(*) FROM core.import_files WHERE source_file = ? AND file_sha256 = ?",
                          [path, sha]))


def _register(wh: WarehouseSession, f: InboxFile, sha: str, status: str, read: int | None, reason: str | None,
              run_id: str, now: datetime) -> None:
    version = 1 + wh.scalar("SELECT count(*) FROM core.import_files WHERE source_file = ?", [f.relative_path])
    modified = datetime.fromtimestamp(f.path.stat().st_mtime)
    wh.execute(
        "INSERT INTO core.import_files (source_file, file_sha256, source_type, size_bytes, status, records_read, "
        "reason, first_seen_at, run_id, source_name, version, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [f.relative_path, sha, f.source_type, f.size(), status, read, reason, now, run_id, f.source_name, version,
         modified],
    )


def land_files(wh: WarehouseSession, files: list[InboxFile], run_id: str, now: datetime,
               replace_previous: bool = False) -> LandingReport:
    """Land every file not seen before (by path and sha256).

    A new version of a lead file (same path, new bytes) lands beside the earlier ones with the next
    `version`; publishing it supersedes the earlier versions' records with the same record id. With
    `replace_previous` (the CRM snapshot, replaced whole at each export) a new version of a file replaces the
    earlier version's raw rows, and the earlier registry row is marked `replaced`.
    """
    report = LandingReport()
    for f in files:
        try:
            sha = f.sha256()
        except OSError as exc:  # vanished or unreadable since discovery: try again next run, nothing registered
            report.refused[f.relative_path] = f"file cannot be opened: {exc.strerror or type(exc).__name__}"
            continue
        if _known(wh, f.relative_path, sha):
            report.skipped.append(f.relative_path)
            continue
        twin = wh.scalar("SELECT min(source_file) FROM core.import_files WHERE file_sha256 = ? "
                         "AND status IN ('landed', 'imported')", [sha])
        if twin and not replace_previous:
            _register(wh, f, sha, "duplicate", None, f"same content as {twin}, already imported", run_id, now)
            report.skipped.append(f.relative_path)
            continue
        try:
            records = read_records(f)
        except (FileRefused, OSError) as exc:
            reason = str(exc) if isinstance(exc, FileRefused) else f"file cannot be opened: {exc.strerror}"
            _register(wh, f, sha, "refused", None, reason, run_id, now)
            report.refused[f.relative_path] = reason
            continue
        extra = {"vendor": pl.lit(f.vendor, dtype=pl.Utf8)} if "vendor" in f.spec.extra_columns else {}
        frame = records.with_columns(
            pl.lit(f.relative_path).alias("source_file"), pl.lit(sha).alias("file_sha256"),
            pl.lit(now, dtype=pl.Datetime("us")).alias("loaded_at"), **extra,
        )
        with wh.transaction():
            if replace_previous:
                wh.execute(f"DELETE FROM {f.spec.raw_table} WHERE source_file = ?", [f.relative_path])
                wh.execute("UPDATE core.import_files SET status = 'replaced' WHERE source_file = ? "
                           "AND status <> 'refused'", [f.relative_path])
            else:  # an earlier version that never got published is replaced before it counts
                wh.execute("UPDATE core.import_files SET status = 'superseded', reason = 'a newer version arrived "
                           "before it was imported' WHERE source_file = ? AND status = 'landed'", [f.relative_path])
            wh.insert(f.spec.raw_table, frame)
            _register(wh, f, sha, "landed", frame.height, None, run_id, now)
        report.landed.append(f.relative_path)
        report.records += frame.height
    return report


def pending_files(wh: WarehouseSession, source_types: tuple[str, ...]) -> pl.DataFrame:
    """Files landed but not yet published (a run that failed half-way leaves its files pending)."""
    placeholders = ", ".join("?" for _ in source_types)
    return wh.query(
        f"SELECT source_file, file_sha256, source_type FROM core.import_files "
        f"WHERE status = 'landed' AND source_type IN ({placeholders}) ORDER BY source_file",
        list(source_types),
    )
