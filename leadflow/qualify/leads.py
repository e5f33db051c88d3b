"""The published lead row: profile + account + qualification, with first-touch fields kept and change
detection so that only leads whose row really changes are written."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from leadflow.qualify.rules import Rules, evaluate_routing, evaluate_score, evaluate_status

LEAD_COLUMNS = (
    "lead_id", "status", "score", "rank", "owner", "territory", "first_name", "last_name", "email", "phone",
    "company", "domain", "account_id", "contact_id", "crm_lead_id", "is_existing_customer", "source",
    "campaign_id", "job_title", "country", "state", "city", "industry", "employee_count", "product_interest",
    "budget_status", "timeframe_months", "decision_maker", "do_not_contact", "touch_count", "first_touch_at",
    "last_touch_at", "qualified_at", "converted_at", "retired_at", "created_at", "updated_at", "custom_fields",
)
NEVER_OVERWRITTEN = ("source", "campaign_id", "created_at", "first_touch_at")
STATUS_TIMES = {"Qualified": "qualified_at", "Converted": "converted_at", "Retired": "retired_at"}


def golden_leads(staged: pl.DataFrame, changes: pl.DataFrame, current: pl.DataFrame,
                 now: datetime | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (lead rows to publish, status changes to record), both limited to leads that changed."""
    now = now or datetime.now()
    reached = changes.group_by("lead_id", "to_status").agg(pl.col("changed_at").min())
    frame = staged.with_columns(pl.col("first_touch_at").alias("created_at"))
    for status, column in STATUS_TIMES.items():
        frame = frame.join(
            reached.filter(pl.col("to_status") == status).select("lead_id", pl.col("changed_at").alias(column)),
            on="lead_id", how="left",
        )
    frame = frame.with_columns(
        pl.col("employee_count").cast(pl.Int32), pl.col("touch_count").cast(pl.Int32),
        pl.col("timeframe_months").cast(pl.Int32), pl.col("score").cast(pl.Int32),
        pl.lit(None, dtype=pl.Datetime("us")).alias("updated_at"),
    ).select(LEAD_COLUMNS)
    if current.height:
        kept = [*NEVER_OVERWRITTEN, *STATUS_TIMES.values()]
        published = current.select("lead_id", *(pl.col(c).alias(f"_old_{c}") for c in LEAD_COLUMNS if c != "lead_id"))
        frame = frame.join(published, on="lead_id", how="left").with_columns(
            pl.coalesce(f"_old_{c}", c).alias(c) for c in kept
        )
        same = pl.all_horizontal(
            pl.col(c).eq_missing(pl.col(f"_old_{c}").cast(frame.schema[c]))
            for c in LEAD_COLUMNS if c not in ("lead_id", "updated_at")
        )
        frame = frame.filter(~same).select(LEAD_COLUMNS)
    frame = frame.with_columns(pl.lit(now, dtype=pl.Datetime("us")).alias("updated_at"))
    return frame, changes.join(frame.select("lead_id"), on="lead_id", how="semi")


def with_company_fields(profiles: pl.DataFrame, company: pl.DataFrame) -> pl.DataFrame:
    """Profiles with their company's industry and size, and located where their company is when its country is
    known (country, state and city taken together), else where the lead said it is. `company`: lead_id, industry,
    employee_count, company_country, company_state, company_city (see leadflow.enrich.accounts)."""
    known = pl.col("company_country").is_not_null()
    return profiles.drop("industry", "employee_count", strict=False).join(company, on="lead_id", how="left") \
        .with_columns(*(pl.when(known).then(pl.col(f"company_{c}")).otherwise(pl.col(c)).alias(c)
                        for c in ("country", "state", "city"))) \
        .drop("company_country", "company_state", "company_city")


def qualify_leads(profiles: pl.DataFrame, lead_accounts: pl.DataFrame, company: pl.DataFrame,
                  current: pl.DataFrame, rules: Rules, now: datetime | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each touched lead as it will be published, and its status changes: status moved by the status rules (new
    leads start in the initial status), score and rank, territory and owner, on the lead's profile, account and
    its company's fields (`company`, see `with_company_fields`). Only leads whose published row changes come back
    (see `golden_leads`)."""
    frame = with_company_fields(profiles.join(lead_accounts, on="lead_id", how="left"), company)
    staged, changes = evaluate_status(frame, rules)
    staged = evaluate_routing(evaluate_score(staged, rules), rules)
    return golden_leads(staged, changes, current, now)
