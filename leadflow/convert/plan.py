"""A conversion from start to end, on frames: candidates, their touches and opportunity links in; the five files
(accounts, contacts, opportunities, tasks, rejects) and their counts out."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from leadflow.convert.candidates import REASONS, split_ready
from leadflow.convert.mappings import mapped_files
from leadflow.convert.records import account_records, lead_records
from schemas.conversion_mapping import CRM_FILES, REJECTS_FILE, ConversionMappingFile

FILES = (*CRM_FILES, REJECTS_FILE)
REJECT_COLUMNS = ("lead_id", "first_name", "last_name", "email", "company", "status", "owner", "qualified_at",
                  "reason", "other_reasons", "crm_lead_id", "contact_id", "account_id")
REJECT_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class ConversionPlan:
    """What an export writes: `files` (name -> frame of text columns, in FILES order), and what it says: accounts
    and contacts by action (existing / create), rejected leads by reason code (REASONS order)."""

    files: dict[str, pl.DataFrame]
    accounts_by_action: dict[str, int]
    contacts_by_action: dict[str, int]
    rejects_by_reason: dict[str, int]

    def rows(self) -> dict[str, int]:
        return {name: frame.height for name, frame in self.files.items()}


def reject_rows(rejected: pl.DataFrame) -> pl.DataFrame:
    """The rejects file: one row per lead that cannot be converted, the most important reason first in the file
    (REASONS order), then by qualification; every column text."""
    order = {code: i for i, code in enumerate(REASONS)}
    qualified_at = pl.coalesce("qualified_at", "updated_at")
    return (rejected
            .with_columns(pl.col("reason_code").replace_strict(order, default=len(REASONS)).alias("_order"),
                          qualified_at.alias("_qualified_at"))
            .sort("_order", "_qualified_at", "lead_id", nulls_last=True)
            .with_columns(pl.col("_qualified_at").dt.strftime(REJECT_TIME_FORMAT).alias("qualified_at"))
            .select(pl.col(c).cast(pl.String) for c in REJECT_COLUMNS))


def _by(frame: pl.DataFrame, column: str, order: tuple[str, ...]) -> dict[str, int]:
    counts = dict(frame.group_by(column).len().iter_rows()) if frame.height else {}
    return {key: counts[key] for key in order if counts.get(key)}


def plan_conversion(candidates: pl.DataFrame, touches: pl.DataFrame, links: pl.DataFrame,
                    mapping: ConversionMappingFile) -> ConversionPlan:
    """The conversion of `candidates` (qualified leads with their account, see `warehouse.conversions`) as the
    files `mapping` lays out, and the rejects with their reasons.

    `touches`: lead_id, touch_at, notes, opt_in of the candidates' records. `links`: their CRM opportunity links
    (lead_id, opportunity_id, stage, link_via, created_at)."""
    ready, rejected = split_ready(candidates, links)
    leads = lead_records(ready, touches, mapping.timing.task_due_business_days, mapping.timing.opportunity_close_days)
    accounts = account_records(leads)
    files = {**mapped_files(accounts, leads, mapping), REJECTS_FILE: reject_rows(rejected)}
    return ConversionPlan(
        files=files,
        accounts_by_action=_by(accounts, "account.action", ("existing", "create")),
        contacts_by_action=_by(leads, "contact.action", ("existing", "create")),
        rejects_by_reason=_by(rejected, "reason_code", REASONS),
    )
