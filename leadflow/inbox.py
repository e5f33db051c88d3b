"""The inbox: which files it holds, what each one is, and how its records are read.

Layout (shared/contracts/inbox.md): campaign_responses/, telemarketer/<vendor>/, crm/, plus the
optional reference/ folder (firmographics reference data) that leadflow adds. A file is identified
by its path relative to the inbox and by the sha256 of its bytes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from leadflow.readers import READ_PROBLEM, UNREAD_TEXT, FileRefused, ReadOptions, read_file
from leadflow.sources import (
    SourceMapping, SourceMappings, apply_date_formats, apply_defaults, apply_value_maps, canonical_mapping,
    header_key, map_columns,
)

# files still being written or left by other tools: never read
IGNORED_SUFFIXES = (".done", ".part", ".tmp", ".crdownload", ".filepart", ".partial")
DONE_MARKER = ".done"

@dataclass(frozen=True)
class SourceSpec:
    """What a source's files must and may hold, and where its records land."""

    source_type: str
    raw_table: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    id_column: str | None = None
    extra_columns: tuple[str, ...] = field(default=())


PERSON_COLUMNS = (
    "first_name", "last_name", "email", "phone", "company", "website", "job_title", "country", "state", "city",
)
QUALIFICATION_COLUMNS = ("product_interest", "budget_status", "timeframe_months", "decision_maker")

CAMPAIGN_RESPONSES = SourceSpec(
    source_type="campaign_response",
    raw_table="raw.campaign_responses",
    columns=("response_id", "campaign_id", "campaign_name", "response_type", "responded_at", *PERSON_COLUMNS,
             *QUALIFICATION_COLUMNS, "opt_in", "notes"),
    required=("campaign_id", "response_type", "responded_at", "first_name", "last_name", "email"),
    id_column="response_id",
)
TELEMARKETER_CALLS = SourceSpec(
    source_type="telemarketer",
    raw_table="raw.telemarketer_calls",
    columns=("call_id", "called_at", "agent", *PERSON_COLUMNS, "disposition", *QUALIFICATION_COLUMNS, "notes",
             "campaign_id"),
    required=("called_at", "disposition", "first_name", "last_name", "phone"),
    id_column="call_id",
    extra_columns=("vendor",),
)
CRM_SOURCES = {
    "accounts": SourceSpec("crm", "raw.crm_accounts",
                           ("account_id", "name", "website", "industry", "country", "state", "city", "owner",
                            "created_at"), ("account_id", "name"), "account_id"),
    "contacts": SourceSpec("crm", "raw.crm_contacts",
                           ("contact_id", "account_id", "first_name", "last_name", "email", "phone", "job_title"),
                           ("contact_id", "first_name", "last_name"), "contact_id"),
    "leads": SourceSpec("crm", "raw.crm_leads",
                        ("lead_id", "status", "created_at", "source", "owner", "first_name", "last_name", "email",
                         "phone", "company", "job_title", "country"), ("lead_id",), "lead_id"),
    "opportunities": SourceSpec("crm", "raw.crm_opportunities",
                                ("opportunity_id", "lead_id", "account_id", "contact_id", "name", "amount", "stage",
                                 "created_at"), ("opportunity_id", "created_at"), "opportunity_id"),
    "campaigns": SourceSpec("crm", "raw.crm_campaigns",
                            ("campaign_id", "name", "channel", "cost", "start_date"), ("campaign_id",),
                            "campaign_id"),
}
LEAD_SOURCES = (CAMPAIGN_RESPONSES, TELEMARKETER_CALLS)


@dataclass(frozen=True)
class InboxFile:
    """One file found in the inbox, with the mapping its folder's source uses."""

    path: Path
    relative_path: str
    spec: SourceSpec
    vendor: str | None = None
    mapping: SourceMapping | None = None

    @property
    def source_type(self) -> str:
        return self.spec.source_type

    @property
    def source_name(self) -> str:
        return self.mapping.name if self.mapping else self.relative_path.split("/")[0]

    def sha256(self) -> str:
        return file_sha256(self.path)

    def size(self) -> int:
        return self.path.stat().st_size


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _visible_files(folder: Path) -> list[Path]:
    """Files an import may read: not hidden, not an office lock file, not a marker or a partial upload."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~"))
                  and not p.name.lower().endswith(IGNORED_SUFFIXES))


def discover_lead_files(inbox: Path, mappings: SourceMappings | None = None) -> list[InboxFile]:
    """Campaign-response files (in campaign_responses/ and its tool subfolders) and telemarketer files (one
    folder per vendor), each with its source's mapping, in a stable order."""
    mappings = mappings or SourceMappings(())

    def found_in(folder: Path, spec: SourceSpec, vendor: str | None = None) -> list[InboxFile]:
        key = folder.relative_to(inbox).as_posix()
        return [InboxFile(p, p.relative_to(inbox).as_posix(), spec, vendor, mappings.for_folder(key))
                for p in _visible_files(folder)]

    responses = inbox / "campaign_responses"
    found = found_in(responses, CAMPAIGN_RESPONSES) if responses.is_dir() else []
    if responses.is_dir():
        for tool_dir in sorted(d for d in responses.iterdir() if d.is_dir() and not d.name.startswith(".")):
            found += found_in(tool_dir, CAMPAIGN_RESPONSES)
    telemarketer = inbox / "telemarketer"
    if telemarketer.is_dir():
        for vendor_dir in sorted(d for d in telemarketer.iterdir() if d.is_dir() and not d.name.startswith(".")):
            found += found_in(vendor_dir, TELEMARKETER_CALLS, vendor_dir.name)
    return found


def discover_crm_files(inbox: Path) -> dict[str, InboxFile]:
    """The CRM snapshot files present, keyed by entity (accounts, contacts, leads, opportunities, campaigns)."""
    crm = inbox / "crm"
    found = {}
    for entity, spec in CRM_SOURCES.items():
        path = crm / f"{entity}.csv"
        if path.is_file():
            found[entity] = InboxFile(path, path.relative_to(inbox).as_posix(), spec)
    return found


def read_options(inbox_file: InboxFile) -> ReadOptions:
    """How to read a file: its source mapping's options (encoding, delimiter, sheet), else detection."""
    return inbox_file.mapping.read if inbox_file.mapping else ReadOptions()


def read_records(inbox_file: InboxFile) -> pl.DataFrame:
    """Read a file and map its records (see `map_records`); FileRefused when it cannot be used as a whole."""
    return map_records(read_file(inbox_file.path, read_options(inbox_file)), inbox_file)


def map_records(frame: pl.DataFrame, inbox_file: InboxFile) -> pl.DataFrame:
    """A file's records as read by `read_file`, mapped: canonical text columns after the source's mapping
    (renames, value maps, date formats, defaults), plus source_record_id, source_row, custom_fields (JSON of
    the columns the source does not know), raw_record (JSON of the record as it arrived, under its own
    headers, when a mapping renamed or translated anything; null when the canonical columns already hold it
    as it arrived) and read_problem (why a row could not be read whole, else null).

    Raises FileRefused when the file cannot be used as a whole: header only, duplicate columns, or a required
    column missing after mapping.
    """
    spec = inbox_file.spec
    mapping = inbox_file.mapping or canonical_mapping(inbox_file.relative_path.rsplit("/", 1)[0])
    problem = frame[READ_PROBLEM] if READ_PROBLEM in frame.columns else None
    unread = frame[UNREAD_TEXT] if UNREAD_TEXT in frame.columns else None
    frame = frame.drop(READ_PROBLEM, UNREAD_TEXT, strict=False)
    headers = frame.columns
    columns = map_columns(headers, mapping, spec.columns)
    if columns.duplicated:
        raise FileRefused(f"duplicate column names after mapping: {', '.join(columns.duplicated)}")
    custom_keys = [header_key(h) for h in columns.custom]
    repeated = sorted({k for k in custom_keys if custom_keys.count(k) > 1})
    if repeated:
        raise FileRefused(f"duplicate column names: {', '.join(repeated)}")
    present = set(columns.renamed.values()) | set(mapping.defaults)
    missing = [c for c in spec.required if c not in present]
    if missing:
        raise FileRefused(f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
                          + (f" (source {mapping.name})" if inbox_file.mapping and inbox_file.mapping.columns else ""))
    if frame.height == 0:
        raise FileRefused("file has a header but no records")
    as_arrived = (sorted(headers) == sorted(spec.columns) and all(columns.renamed.get(h) == h for h in headers)
                  and not (mapping.values or mapping.date_formats or mapping.defaults))
    # when the file has exactly the canonical columns, quarantine rebuilds the record from them (and the
    # million-record file does not carry a JSON copy of itself); else keep it now, under its own headers
    raw_record = (pl.lit(None, dtype=pl.Utf8) if as_arrived
                  else pl.struct(pl.col(headers)).struct.json_encode()).alias("raw_record")
    if unread is not None:  # a row read only in part keeps what fits no column (extra values, a broken line)
        frame = frame.with_columns(unread.alias(UNREAD_TEXT))
        raw_record = pl.when(pl.col(UNREAD_TEXT).is_not_null()).then(
            pl.struct(*headers, pl.col(UNREAD_TEXT).alias("_unread")).struct.json_encode()).otherwise(raw_record)
        raw_record = raw_record.alias("raw_record")
    custom = (pl.struct(pl.col(list(columns.custom)).name.map(header_key)).struct.json_encode()
              if columns.custom else pl.lit(None, dtype=pl.Utf8)).alias("custom_fields")
    row = pl.int_range(1, frame.height + 1, dtype=pl.Int32).alias("source_row")
    frame = frame.select(
        row, raw_record, custom,
        *(pl.col(h).alias(target) for h, target in columns.renamed.items()),  # the reader trimmed them
    )
    frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in spec.columns if c not in frame.columns)
    frame = apply_defaults(apply_date_formats(apply_value_maps(frame, mapping), mapping), mapping)
    if spec.id_column:
        record_id = pl.coalesce(pl.col(spec.id_column), pl.format("row-{}", pl.col("source_row")))
    else:
        record_id = pl.format("row-{}", pl.col("source_row"))
    read_problem = (problem.alias("read_problem") if problem is not None
                    else pl.lit(None, dtype=pl.Utf8).alias("read_problem"))
    return frame.with_columns(record_id.alias("source_record_id"), read_problem).select(
        "source_record_id", "source_row", *spec.columns, "custom_fields", "raw_record", "read_problem"
    )
