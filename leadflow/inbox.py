"""The inbox: which files it holds, what each one is, and how its records are read.

Layout (shared/contracts/inbox.md): campaign_responses/, telemarketer/<vendor>/, crm/, plus the
optional reference/ folder (firmographics reference data) that leadflow adds. A file is identified
by its path relative to the inbox and by the sha256 of its bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

READABLE_SUFFIXES = {".csv"}


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
    columns=("call_id", "called_at", "agent", *PERSON_COLUMNS, "disposition", *QUALIFICATION_COLUMNS, "notes"),
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
    """One file found in the inbox."""

    path: Path
    relative_path: str
    spec: SourceSpec
    vendor: str | None = None

    @property
    def source_type(self) -> str:
        return self.spec.source_type

    def sha256(self) -> str:
        return file_sha256(self.path)

    def size(self) -> int:
        return self.path.stat().st_size


class FileRefused(ValueError):
    """A whole file cannot be imported; the message says why and is safe to show and store."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _visible_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~")))


def discover_lead_files(inbox: Path) -> list[InboxFile]:
    """Campaign-response and telemarketer files in the inbox, in a stable order."""
    found = [InboxFile(p, p.relative_to(inbox).as_posix(), CAMPAIGN_RESPONSES)
             for p in _visible_files(inbox / "campaign_responses")]
    telemarketer = inbox / "telemarketer"
    if telemarketer.is_dir():
        for vendor_dir in sorted(d for d in telemarketer.iterdir() if d.is_dir()):
            found += [InboxFile(p, p.relative_to(inbox).as_posix(), TELEMARKETER_CALLS, vendor=vendor_dir.name)
                      for p in _visible_files(vendor_dir)]
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


def canonical_column_name(name: str) -> str:
    """`E-Mail Address ` -> `e_mail_address`: trimmed, lower-case, runs of non-alphanumerics as one `_`."""
    cleaned = re.sub(r"[^0-9a-z]+", "_", name.strip().lstrip("\ufeff").lower()).strip("_")
    return cleaned or "unnamed"


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_records(inbox_file: InboxFile) -> pl.DataFrame:
    """Read a file's records as text columns named canonically, with source_record_id and source_row.

    Columns the source does not know are packed into `custom_fields` (a JSON object per record).
    Raises FileRefused when the file cannot be used as a whole.
    """
    spec = inbox_file.spec
    if inbox_file.path.suffix.lower() not in READABLE_SUFFIXES:
        raise FileRefused(f"unsupported file type '{inbox_file.path.suffix}': expected one of .csv")
    data = inbox_file.path.read_bytes()
    if not data.strip():
        raise FileRefused("file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("file is binary, not CSV text")
    text = _decode(data)
    try:
        frame = pl.read_csv(io.StringIO(text), infer_schema=False,
                            truncate_ragged_lines=True)
    except pl.exceptions.PolarsError as exc:
        raise FileRefused(f"file cannot be read as CSV: {type(exc).__name__}") from None
    names = [canonical_column_name(c) for c in frame.columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise FileRefused(f"duplicate column names: {', '.join(duplicated)}")
    frame.columns = names
    missing = [c for c in spec.required if c not in names]
    if missing:
        raise FileRefused(f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if frame.height == 0:
        raise FileRefused("file has a header but no records")
    frame = frame.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in frame.columns)
    known = [c for c in spec.columns if c in names]
    extra = [c for c in names if c not in spec.columns]
    custom = (pl.struct(extra).struct.json_encode() if extra else pl.lit(None, dtype=pl.Utf8)).alias("custom_fields")
    row = pl.int_range(1, frame.height + 1, dtype=pl.Int32).alias("source_row")
    frame = frame.select(row, *known, custom).with_columns(
        pl.lit(None, dtype=pl.Utf8).alias(c) for c in spec.columns if c not in names
    )
    if spec.id_column:
        record_id = pl.coalesce(pl.col(spec.id_column), pl.format("row-{}", pl.col("source_row")))
    else:
        record_id = pl.format("row-{}", pl.col("source_row"))
    return frame.with_columns(record_id.alias("source_record_id")).select(
        "source_record_id", "source_row", *spec.columns, "custom_fields"
    )
