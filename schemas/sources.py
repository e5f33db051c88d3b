"""The inbox contract (shared/contracts/inbox.md) as data: what each source's files must and may hold, where
its records land, and how a record is named (`record_key`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


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


def record_key(file_col: str = "source_file", id_col: str = "source_record_id") -> pl.Expr:
    """`<source_file>#<source_record_id>`: how match decisions and reviews name an input record."""
    return pl.concat_str(pl.col(file_col), pl.lit("#"), pl.col(id_col))
