"""Every lead re-evaluated on every run: the candidates (a touched lead's fresh profile, an untouched lead's published
row) with their account, CRM lead and overrides; then the lifecycle and routing; then the published rows, of which
only those that really change are written (so a re-run with nothing new writes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from leadflow.qualify.lifecycle import evaluate_lifecycle
from leadflow.qualify.routing import route_leads
from leadflow.qualify.rules import Rules

LEAD_COLUMNS = (
    "lead_id", "status", "score", "rank", "owner", "territory", "first_name", "last_name", "email", "phone",
    "company", "domain", "account_id", "contact_id", "crm_lead_id", "is_existing_customer", "source",
    "campaign_id", "job_title", "country", "state", "city", "industry", "employee_count", "product_interest",
    "budget_status", "timeframe_months", "decision_maker", "do_not_contact", "touch_count", "first_touch_at",
    "last_touch_at", "qualified_at", "converted_at", "retired_at", "created_at", "updated_at", "custom_fields",
    # what the rules read and made (for the next run's re-evaluation and for explanations)
    "team", "vendor", "campaign_channel", "response_types", "last_disposition", "has_opportunity",
    "assessment_id", "assessment_score", "assessment_answers", "score_rules", "rules_version", "status_source",
)
# a lead's profile fields (what its records say), as a touched lead's profile has them
PROFILE_FIELDS = (
    "first_name", "last_name", "email", "phone", "company", "domain", "contact_id", "crm_lead_id", "source",
    "campaign_id", "job_title", "country", "state", "city", "product_interest", "budget_status", "timeframe_months",
    "decision_maker", "do_not_contact", "touch_count", "first_touch_at", "last_touch_at", "custom_fields",
    "response_types", "last_disposition", "vendor", "has_opportunity", "converted_event_at",
)
PUBLISHED_STATE = ("status", "rank", "created_at", "qualified_at", "converted_at", "retired_at", "account_id")
STATUS_TIMES = {"Qualified": "qualified_at", "Converted": "converted_at", "Retired": "retired_at"}
LOCATION = ("country", "state", "city")


def lead_candidates(touched: pl.DataFrame, lead_accounts: pl.DataFrame, published: pl.DataFrame,
                    accounts: pl.DataFrame, crm_leads: pl.DataFrame, campaigns: pl.DataFrame,
                    overrides: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """One row per lead to evaluate: the touched leads' profiles (with their account from `lead_accounts`) and every
    other published lead as published; each with its account's owner, customer flag, industry, size and location
    (the company's, when its country is known), its CRM lead's status (mapped by `crm_statuses`), rank, owner,
    creation date and source (which the lead keeps), its first-touch campaign's channel, and the overrides a person
    set (`overrides`: lead_id, field, value, source)."""
    fresh = touched.join(lead_accounts.select("lead_id", "account_id"), on="lead_id", how="left")
    fresh = fresh.select(*[c for c in ("lead_id", *PROFILE_FIELDS, "account_id") if c in fresh.columns]).join(
        published.select("lead_id", *(c for c in PUBLISHED_STATE if c != "account_id")), on="lead_id", how="left")
    rest = published.join(touched.select("lead_id"), on="lead_id", how="anti").with_columns(
        pl.col("converted_at").alias("converted_event_at"))
    columns = dict.fromkeys(["lead_id", *PROFILE_FIELDS, *PUBLISHED_STATE])
    frame = pl.concat([fresh, rest.select([c for c in columns if c in rest.columns])], how="diagonal_relaxed")
    company = accounts.select("account_id", pl.col("owner").alias("account_owner"),
                              pl.col("is_customer").alias("is_existing_customer"), "industry", "employee_count",
                              *(pl.col(c).alias(f"_company_{c}") for c in LOCATION))
    known = pl.col("_company_country").is_not_null()
    frame = frame.drop("industry", "employee_count", "is_existing_customer", strict=False).join(
        company, on="account_id", how="left").with_columns(
        *(pl.when(known).then(pl.col(f"_company_{c}")).otherwise(pl.col(c)).alias(c) for c in LOCATION),
        pl.col("is_existing_customer").fill_null(False),
    ).drop(*(f"_company_{c}" for c in LOCATION))
    crm = crm_leads.select(pl.col("lead_id").alias("crm_lead_id"), pl.col("owner").alias("crm_owner"),
                           pl.col("status").str.strip_chars().str.to_lowercase().replace_strict(
                               rules.crm_statuses, default=None, return_dtype=pl.Utf8).alias("_crm_status"),
                           pl.col("rank").alias("_crm_rank"), pl.col("created_at").alias("_crm_created_at"),
                           pl.col("source").alias("_crm_source"))
    frame = frame.join(crm, on="crm_lead_id", how="left").join(
        campaigns.select("campaign_id", pl.col("channel").alias("campaign_channel")).unique("campaign_id"),
        on="campaign_id", how="left").with_columns(
        pl.coalesce("_crm_created_at", "created_at", "first_touch_at").alias("created_at"),
        pl.coalesce("_crm_source", "source").alias("source"),
    )
    return with_overrides(frame, overrides, rules)


def with_overrides(frame: pl.DataFrame, overrides: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """status_override / rank_override / owner_override and their sources: an overrides file's value beats the
    CRM's (a CRM status that `crm_statuses` maps; a CRM rank that is one of the rules' ranks)."""
    wanted = overrides.select("lead_id", "field", "value", "source")
    for field in ("status", "rank", "owner"):
        mine = wanted.filter(pl.col("field") == field).select(
            "lead_id", pl.col("value").alias(f"_{field}_file"), pl.col("source").alias(f"_{field}_file_source"))
        frame = frame.join(mine, on="lead_id", how="left")
    crm_rank = pl.when(pl.col("_crm_rank").is_in(rules.rank_names)).then(pl.col("_crm_rank"))
    return frame.with_columns(
        pl.coalesce("_status_file", "_crm_status").alias("status_override"),
        pl.when(pl.col("_status_file").is_not_null()).then(pl.col("_status_file_source"))
        .when(pl.col("_crm_status").is_not_null()).then(pl.lit("crm")).alias("status_override_source"),
        pl.coalesce("_rank_file", crm_rank).alias("rank_override"),
        pl.col("_owner_file").alias("owner_override"),
        pl.col("_owner_file_source").alias("owner_override_source"),
    ).drop("_status_file", "_status_file_source", "_rank_file", "_rank_file_source", "_owner_file",
           "_owner_file_source", "_crm_status", "_crm_rank", "_crm_created_at", "_crm_source")


def published_rows(evaluated: pl.DataFrame, transitions: pl.DataFrame, current: pl.DataFrame,
                   now: datetime) -> pl.DataFrame:
    """The lead rows to publish: every evaluated lead in LEAD_COLUMNS, its status times (qualified and converted
    at the first time, retired at the latest), its first touch and first-touch campaign never overwritten; only
    the leads whose row differs from the published one, stamped `now`."""
    frame = evaluated
    for status, column in STATUS_TIMES.items():
        reached = transitions.filter(pl.col("to_status") == status).group_by("lead_id").agg(
            (pl.col("changed_at").max() if status == "Retired" else pl.col("changed_at").min()).alias(f"_{column}"))
        frame = frame.join(reached, on="lead_id", how="left")
    old = current.select("lead_id", *(pl.col(c).alias(f"_old_{c}") for c in LEAD_COLUMNS if c != "lead_id"))
    frame = frame.join(old, on="lead_id", how="left").with_columns(
        pl.coalesce("_old_qualified_at", "_qualified_at").alias("qualified_at"),
        pl.coalesce("_old_converted_at", "_converted_at").alias("converted_at"),
        pl.coalesce("_retired_at", "_old_retired_at").alias("retired_at"),
        pl.coalesce("_old_first_touch_at", "first_touch_at").alias("first_touch_at"),
        pl.coalesce("_old_campaign_id", "campaign_id").alias("campaign_id"),
        pl.lit(None, dtype=pl.Datetime("us")).alias("updated_at"),
        *(pl.col(c).cast(pl.Int32) for c in ("employee_count", "touch_count", "timeframe_months", "score",
                                              "assessment_score")),
    )
    frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in LEAD_COLUMNS if c not in frame.columns)
    # the rules' version is stamped on rows that change, never a reason to change one
    same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"_old_{c}").cast(frame.schema[c]))
                             for c in LEAD_COLUMNS if c not in ("lead_id", "updated_at", "rules_version"))
    return frame.filter(~same).select(LEAD_COLUMNS).with_columns(
        pl.lit(now, dtype=pl.Datetime("us")).alias("updated_at"))


@dataclass(frozen=True)
class Qualification:
    """A run's lifecycle and routing: changed lead rows, status changes, new assignments, the routing state, how many
    leads were evaluated per status and rank, and (when asked for) every lead as evaluated, for simulations and
    explanations."""

    leads: pl.DataFrame
    status_changes: pl.DataFrame
    assignments: pl.DataFrame
    routing_state: pl.DataFrame
    evaluated_counts: pl.DataFrame  # status, rank, leads
    evaluated: pl.DataFrame | None = None


# leads evaluated together: the rules, routing and change detection of a slice hold a few copies of its rows
QUALIFY_SLICE = 250_000


def qualify_leads(candidates: pl.DataFrame, published: pl.DataFrame, current_assignments: pl.DataFrame,
                  routing_state: pl.DataFrame, rules: Rules, as_of: datetime, now: datetime | None = None,
                  slice_leads: int = QUALIFY_SLICE, keep_evaluated: bool = True) -> Qualification:
    """Evaluate the lifecycle of every candidate (score, rank, assessment, status) and route it; return what
    changed.

    The leads go through in slices of `slice_leads`, in the order round-robin hands out leads (created_at, then
    lead_id): a lead's rules and its change read only that lead, and the routing state each slice leaves is where
    the next one starts, so the result is the one of all the leads at once, with a slice's working copies in memory
    instead of every lead's (4.8 million leads took 21.8 GiB at once). Each slice is gathered from `candidates` by
    that order (no sorted copy of every candidate). Without `keep_evaluated` only the counts per status and rank of
    the evaluated leads are kept, not every lead as evaluated (what a run needs; a simulation wants the leads)."""
    now = now or datetime.now()
    order = (candidates.select(pl.arg_sort_by("created_at", "lead_id", nulls_last=False)).to_series()
             if candidates.height > slice_leads else None)
    parts, counts, state = [], [], routing_state
    for start in range(0, max(candidates.height, 1), slice_leads):
        part = candidates.slice(start, slice_leads) if order is None else candidates[order.slice(start, slice_leads)]
        ids = part.select("lead_id")
        lifecycle = evaluate_lifecycle(part, rules, as_of)
        del part
        routed = route_leads(lifecycle.leads, current_assignments.join(ids, on="lead_id", how="semi"), state, rules,
                             as_of)
        rows = published_rows(routed.leads.with_columns(pl.lit(rules.version).alias("rules_version")),
                              lifecycle.transitions, published.join(ids, on="lead_id", how="semi"), now)
        changes = lifecycle.transitions.join(rows.select("lead_id"), on="lead_id", how="semi")
        counts.append(routed.leads.group_by("status", "rank").agg(pl.len().alias("leads")))
        parts.append((rows, changes, routed.assignments, routed.leads if keep_evaluated else None))
        state = routed.state  # every member of the state it started from, with this slice's leads added

    def joined(k: int) -> pl.DataFrame:
        return parts[0][k] if len(parts) == 1 else pl.concat([p[k] for p in parts], how="diagonal_relaxed")
    evaluated_counts = pl.concat(counts).group_by("status", "rank").agg(pl.col("leads").sum()).sort(
        "status", "rank", nulls_last=True)
    return Qualification(joined(0), joined(1), joined(2), state, evaluated_counts,
                         joined(3) if keep_evaluated else None)
