"""Lead records (campaign responses and telemarketer calls) as staged: the pandera model of each source and the
reasons its failed checks are reported with.

A record is quarantined only when it cannot identify a person, has no usable date, repeats a record id already
seen in its file, or could not be read whole.
"""

from __future__ import annotations

import polars as pl
import pandera.polars as pa

from schemas.quarantine import READ_PROBLEM_REASON
from schemas.vocabulary import BUDGET_VALUES, DISPOSITIONS, LEAD_SOURCE_TYPES

MAX_TIMEFRAME_MONTHS = 120

# the staged lead-record shape (leadflow.validate.cleaning.clean_lead_records writes it, the models check it)
STAGED_COLUMNS = (
    "source_file", "source_record_id", "source_row", "source_type", "vendor", "file_sha256", "touch_at",
    "campaign_id", "campaign_name", "response_type", "disposition", "first_name", "last_name", "email", "phone",
    "company", "website", "job_title", "country", "state", "city", "product_interest", "budget_status",
    "timeframe_months", "decision_maker", "opt_in", "notes", "custom_fields", "cleaning_notes",
    "is_duplicate_record_id", "raw_record", "read_problem",
)


class StagedLeadRecord(pa.DataFrameModel):
    """A lead record that can be used: it was read whole, has a date and identifies a person, once per file."""

    source_file: str = pa.Field(nullable=False)
    source_record_id: str = pa.Field(nullable=False)
    source_type: str = pa.Field(isin=list(LEAD_SOURCE_TYPES))
    touch_at: pl.Datetime = pa.Field(nullable=False)
    is_duplicate_record_id: bool = pa.Field(isin=[False])
    read_problem: str = pa.Field(nullable=True, isin=[])
    timeframe_months: pl.Int32 = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": MAX_TIMEFRAME_MONTHS})
    budget_status: str = pa.Field(nullable=True, isin=sorted(BUDGET_VALUES))

    @pa.dataframe_check(name="identifies_a_person")
    @classmethod
    def identifies_a_person(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.any_horizontal(pl.col(c).is_not_null() for c in ("first_name", "last_name", "email", "phone"))
        )

    class Config:
        strict = False
        coerce = False


class CampaignResponseRecord(StagedLeadRecord):
    """A usable campaign response: as StagedLeadRecord (its response type, cleaned to a word or null, is never
    a reason to reject it)."""

    source_type: str = pa.Field(isin=["campaign_response"])
    response_type: str = pa.Field(nullable=True)


class TelemarketerCallRecord(StagedLeadRecord):
    """A usable telemarketer call: as StagedLeadRecord, with its vendor and an outcome leadflow knows (or none)."""

    source_type: str = pa.Field(isin=["telemarketer"])
    vendor: str = pa.Field(nullable=False)
    disposition: str = pa.Field(nullable=True, isin=list(DISPOSITIONS))


STAGED_MODELS = {"campaign_response": CampaignResponseRecord, "telemarketer": TelemarketerCallRecord}


LEAD_RECORD_REASONS = {
    "read_problem:isin": READ_PROBLEM_REASON,
    "touch_at:not_nullable": "date missing or not a date: responded_at/called_at must be an ISO-8601 date or timestamp",
    "is_duplicate_record_id:isin": "record id repeats an earlier record of the same file",
    "identifies_a_person": "cannot identify a person: first name, last name, email and phone are all empty",
}

