"""Survivorship: one golden record per lead from all of its source records (every touch is kept).

Rules: a CRM contact's name and email beat imported values; phone and job title take the most recent
non-empty value; first-touch source, campaign and date are never overwritten; qualification facts take
the most recent known value; a lead is do-not-contact as soon as one touch says so.
"""

from __future__ import annotations

import json

import polars as pl

SOURCE_COLUMNS = (
    "lead_id", "source_file", "source_record_id", "touch_at", "source", "campaign_id", "response_type",
    "disposition", "opt_in", "first_name", "last_name", "email", "phone", "company", "company_key", "domain",
    "job_title", "country", "state", "city", "product_interest", "budget_status", "timeframe_months",
    "decision_maker", "custom_fields",
)


def lead_sources_for_profiles(batch: pl.DataFrame, assignments: pl.DataFrame, prior: pl.DataFrame) -> pl.DataFrame:
    """All source records of the touched leads: this import's (with their new lead ids) and earlier ones
    (`prior`, published records with their record_key), each carrying its lead's CRM contact and CRM lead ids. Earlier records of re-opened leads (assignments
    with a previous_lead_id) count for the lead re-clustering gave them, with that cluster's CRM links."""
    new = batch.join(assignments.select("record_key", "lead_id", "contact_id", "crm_lead_id"),
                     on="record_key", how="inner")
    columns = [*SOURCE_COLUMNS, "contact_id", "crm_lead_id"]
    reopened = assignments.filter(pl.col("previous_lead_id").is_not_null())
    if reopened.height:
        keyed = prior  # published records carry their record_key
        regrouped = keyed.join(reopened.select("record_key", "lead_id", "contact_id", "crm_lead_id"),
                               on="record_key", how="inner", suffix="_new").with_columns(
            pl.col("lead_id_new").alias("lead_id"), pl.col("contact_id_new").alias("contact_id"),
            pl.col("crm_lead_id_new").alias("crm_lead_id"))
        prior = pl.concat([keyed.join(reopened, on="record_key", how="anti").select(columns),
                           regrouped.select(columns)], how="vertical_relaxed")
    sources = pl.concat([new.select(columns), prior.select(columns)], how="vertical_relaxed")
    links = sources.group_by("lead_id").agg(
        pl.col("contact_id").drop_nulls().first(), pl.col("crm_lead_id").drop_nulls().first()
    )
    return sources.drop("contact_id", "crm_lead_id").join(links, on="lead_id", how="left")


LATEST_NON_EMPTY = (
    "first_name", "last_name", "email", "phone", "company", "company_key", "domain", "job_title",
    "country", "state", "city", "product_interest", "timeframe_months", "decision_maker",
)


def _latest(column: str) -> pl.Expr:
    return pl.col(column).drop_nulls().last().alias(column)


def merge_custom_fields(documents: list[str] | None) -> str | None:
    """Custom fields of a lead's touches (JSON objects, oldest first) as one object: the latest non-empty
    value of each field wins, so a vendor's extra columns travel to the lead."""
    merged: dict = {}
    for document in documents or []:
        try:
            values = json.loads(document)
        except (TypeError, ValueError):
            continue
        if isinstance(values, dict):
            merged.update({k: v for k, v in values.items() if v not in (None, "")})
    return json.dumps(merged, ensure_ascii=False, sort_keys=True) if merged else None


def build_lead_profiles(sources: pl.DataFrame, contacts: pl.DataFrame) -> pl.DataFrame:
    """One row per lead_id in `sources` (lead source records with touch_at, source, vendor ...).

    `contacts` holds normalized CRM contacts (contact_id, first_name, last_name, email, phone, job_title,
    account_id); a lead linked to a contact takes its name and email.
    """
    ordered = sources.sort(["lead_id", "touch_at", "source_file", "source_record_id"])
    budget_known = pl.when(pl.col("budget_status") != "unknown").then(pl.col("budget_status"))
    profiles = ordered.group_by("lead_id", maintain_order=True).agg(
        *[_latest(c) for c in LATEST_NON_EMPTY],
        budget_known.drop_nulls().last().alias("budget_status"),
        pl.col("source").first().alias("source"),
        pl.col("campaign_id").first().alias("campaign_id"),
        pl.col("touch_at").min().alias("first_touch_at"),
        pl.col("touch_at").max().alias("last_touch_at"),
        pl.len().cast(pl.Int32).alias("touch_count"),
        pl.col("response_type").drop_nulls().unique().sort().alias("response_types"),
        pl.col("disposition").drop_nulls().last().alias("last_disposition"),
        ((pl.col("opt_in") == False) | (pl.col("disposition") == "do_not_call")).any()  # noqa: E712
        .alias("do_not_contact"),
        pl.col("contact_id").drop_nulls().first().alias("contact_id"),
        pl.col("crm_lead_id").drop_nulls().first().alias("crm_lead_id"),
        (pl.col("custom_fields").drop_nulls() if "custom_fields" in sources.columns
         else pl.lit(None, dtype=pl.Utf8).drop_nulls()).alias("custom_fields"),
    ).with_columns(
        pl.col("budget_status").fill_null("unknown"),
        pl.when(pl.col("custom_fields").list.len() > 0)
        .then(pl.col("custom_fields").map_elements(lambda v: merge_custom_fields(v.to_list()), return_dtype=pl.Utf8))
        .alias("custom_fields"),
    )
    if contacts.height:
        crm = contacts.select(
            "contact_id",
            pl.col("first_name").alias("_c_first"), pl.col("last_name").alias("_c_last"),
            pl.col("email").alias("_c_email"), pl.col("phone").alias("_c_phone"),
            pl.col("job_title").alias("_c_title"), pl.col("account_id").alias("contact_account_id"),
        )
        profiles = profiles.join(crm, on="contact_id", how="left").with_columns(
            pl.coalesce("_c_first", "first_name").alias("first_name"),
            pl.coalesce("_c_last", "last_name").alias("last_name"),
            pl.coalesce("_c_email", "email").alias("email"),
            pl.coalesce("phone", "_c_phone").alias("phone"),
            pl.coalesce("job_title", "_c_title").alias("job_title"),
        ).drop("_c_first", "_c_last", "_c_email", "_c_phone", "_c_title")
    else:
        profiles = profiles.with_columns(pl.lit(None, dtype=pl.Utf8).alias("contact_account_id"))
    return profiles
