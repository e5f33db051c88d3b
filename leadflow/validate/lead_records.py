"""Lead records of one import from raw text to staged rows: cleaned and typed, checked with each source's
pandera model, unusable ones turned into quarantine rows with a reason and the record as it arrived."""

from __future__ import annotations

from typing import Callable

import polars as pl

from leadflow.validate.cleaning import clean_lead_records
from schemas.lead_records import LEAD_RECORD_REASONS, STAGED_MODELS
from schemas.quarantine import attach_raw_records, rejection_rows, split_valid, with_read_problems
from schemas.sources import SourceSpec


def validate_source_records(raw: pl.DataFrame, spec: SourceSpec) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(staged records, quarantine rows) of one source's landed records. A quarantine row keeps the record as it
    arrived: what the reader kept, else its landed columns as JSON."""
    accepted, rejected = split_valid(clean_lead_records(raw, spec.source_type), STAGED_MODELS[spec.source_type],
                                     LEAD_RECORD_REASONS)
    return accepted, attach_raw_records(rejection_rows(with_read_problems(rejected)), raw, list(spec.columns))


def validate_lead_records(pending: dict[SourceSpec, pl.DataFrame],
                          progress: Callable[[int, int], None] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(staged records, quarantine rows) of every lead source's landed records, one pandera model per source
    (CampaignResponseRecord, TelemarketerCallRecord). Records that cannot be used (not read whole; no name, email
    or phone; no usable date; a repeated record id) are rejected with the column, the check and a specific
    reason; bad optional values (a time frame of -3 months, `maybe` as a yes/no) are nulled and noted in
    cleaning_notes instead. `progress(records done, records)` after each source."""
    total, done, parts = sum(raw.height for raw in pending.values()), 0, []
    for spec, raw in pending.items():
        parts.append(validate_source_records(raw, spec))
        done += raw.height
        if progress is not None:
            progress(done, total)
    return (pl.concat([a for a, _ in parts], how="vertical_relaxed"),
            pl.concat([r for _, r in parts], how="vertical_relaxed"))
