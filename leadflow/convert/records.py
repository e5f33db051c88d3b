"""The conversion records: one row per account and one per lead ready to convert, holding every field a mapping can
read (`schemas.conversion_mapping.FIELDS`) under its mapping name (`lead.email`, `account.action` ...).

Decisions a CRM admin relies on:
- an account is the lead's `account_id`: a CRM account (`account_source = 'crm'`) is `existing` and keeps its CRM id;
  a prospect account (`PA-...`) is `create`, with leadflow's id as its external id, so importing the same file again
  updates it instead of creating the company twice. Several leads of one company make one account row; a new
  account's owner is the owner of the company's first qualified lead, an existing one keeps its CRM owner;
- a contact is the CRM contact the lead was matched to (`existing`), else a new one whose external id is the lead id;
- one opportunity and one follow-up task per lead, for the lead's owner; the task is due `task_due_business_days`
  business days (Monday to Friday; no holidays) after the lead qualified, the opportunity's close date is
  `opportunity_close_days` days after it;
- notes are every note of the lead's touches, oldest first, each with its day (`2026-11-10: Asked for pricing`),
  on one line (CRM importers break on line breaks); tags are the lead's touch types, product interest and rank;
  opt-in is false when any touch opted out, true when one opted in and none out, else unknown.
"""

from __future__ import annotations

import json

import polars as pl

from dedupe.accounts import prospect_account_id
from dedupe.normalize.companies import company_key
from schemas.conversion_mapping import FIELDS

CUSTOM_FIELDS_JSON = "_custom_fields_json"  # the lead's custom fields as stored, for `custom.<name>` columns
NOTES_SEPARATOR = " | "


def lead_touch_summary(touches: pl.DataFrame) -> pl.DataFrame:
    """Per lead, what its touches say for the CRM: lead_id, notes (one line, oldest first, each note once, with
    its day), opt_in (false when any touch opted out, true when one opted in, else null).

    `touches`: lead_id, touch_at, notes, opt_in (core.lead_sources)."""
    cleaned = touches.sort("lead_id", "touch_at", nulls_last=True).with_columns(
        pl.col("notes").str.replace_all(r"[\r\n\t]+", " ").str.strip_chars().alias("_note"))
    notes = (cleaned.filter(pl.col("_note").is_not_null() & (pl.col("_note") != ""))
             .unique(["lead_id", "_note"], keep="first", maintain_order=True)
             .with_columns(pl.when(pl.col("touch_at").is_not_null())
                           .then(pl.format("{}: {}", pl.col("touch_at").dt.strftime("%Y-%m-%d"), "_note"))
                           .otherwise(pl.col("_note")).alias("_note"))
             .group_by("lead_id", maintain_order=True).agg(pl.col("_note").str.join(NOTES_SEPARATOR).alias("notes")))
    consent = touches.group_by("lead_id").agg(
        pl.when((pl.col("opt_in") == False).any()).then(pl.lit(False))  # noqa: E712 - polars expression
        .when((pl.col("opt_in") == True).any()).then(pl.lit(True))  # noqa: E712
        .otherwise(pl.lit(None, dtype=pl.Boolean)).alias("opt_in"))
    return consent.join(notes, on="lead_id", how="left").select("lead_id", "notes", "opt_in")


def custom_fields_text(custom_fields_json: pl.Expr) -> pl.Expr:
    """The custom fields JSON (`{"liste": "Q4", "call_duration_s": "184"}`) as one line of text, fields by name:
    `call_duration_s: 184; liste: Q4`."""
    def text(value: str | None) -> str | None:
        fields = json.loads(value) if value else {}
        shown = [f"{k}: {v}" for k, v in sorted(fields.items()) if v not in (None, "")]
        return "; ".join(shown) or None
    return custom_fields_json.map_elements(text, return_dtype=pl.String, skip_nulls=True)


def _prospect_id_of_company(company: str) -> str | None:
    key = company_key(company)
    return prospect_account_id(f"name:{key}") if key else None


def _account_key(account_id: pl.Expr, company: pl.Expr) -> pl.Expr:
    """The lead's account, or (a lead whose company found no account) the prospect id its company name gives, as
    the import would have made it."""
    from_name = company.map_elements(_prospect_id_of_company, return_dtype=pl.String, skip_nulls=True)
    return pl.coalesce(account_id, from_name)


def _tags() -> pl.Expr:
    parts = [pl.col("response_types").fill_null([]),
             pl.concat_list(pl.col("product_interest"), pl.col("rank"))]
    return pl.concat_list(parts).list.drop_nulls().list.unique(maintain_order=True)


def lead_records(ready: pl.DataFrame, touches: pl.DataFrame, task_due_business_days: int,
                 opportunity_close_days: int) -> pl.DataFrame:
    """One row per ready lead with every lead.*, account.*, contact.*, opportunity.* and task.* field (and the
    custom fields JSON for `custom.<name>` columns), first qualified first.

    `ready`: the candidates `split_ready` let through (core.leads columns, the account's as `account_<field>`).
    `touches`: as for `lead_touch_summary`."""
    qualified_at = pl.coalesce("qualified_at", "updated_at")
    frame = (ready.join(lead_touch_summary(touches), on="lead_id", how="left")
             .with_columns(qualified_at.alias("_qualified_at"),
                           qualified_at.dt.date().alias("_qualified_on"),
                           _account_key(pl.col("account_id"), pl.col("company")).alias("_account_key"),
                           (pl.col("account_source") == "crm").fill_null(False).alias("_crm_account"),
                           pl.col("contact_id").is_not_null().alias("_crm_contact"))
             .sort("_qualified_at", "lead_id", nulls_last=True))
    first_owner = pl.col("owner").first().over("_account_key")  # the frame is in qualification order
    lead = {
        "id": pl.col("lead_id"),
        "full_name": pl.concat_str("first_name", "last_name", separator=" ", ignore_nulls=True),
        "created_on": pl.col("created_at").dt.date(),
        "qualified_at": pl.col("_qualified_at"),
        "qualified_on": pl.col("_qualified_on"),
        "tags": _tags(),
        "custom_fields": custom_fields_text(pl.col("custom_fields")),
    }
    account = {
        "id": pl.col("_account_key"),
        "crm_id": pl.when("_crm_account").then(pl.col("_account_key")),
        "external_id": pl.when(~pl.col("_crm_account")).then(pl.col("_account_key")),
        "action": pl.when("_crm_account").then(pl.lit("existing")).otherwise(pl.lit("create")),
        "name": pl.coalesce("account_name", "company"),
        "domain": pl.coalesce("account_domain", "domain"),
        "country": pl.coalesce("account_country", "country"),
        "state": pl.coalesce("account_state", "state"),
        "city": pl.coalesce("account_city", "city"),
        "owner": pl.when("_crm_account").then(pl.coalesce("account_owner", first_owner)).otherwise(first_owner),
        "is_customer": pl.col("account_is_customer").fill_null(False),
    }
    contact = {
        "id": pl.coalesce("contact_id", "lead_id"),
        "crm_id": pl.col("contact_id"),
        "external_id": pl.when(~pl.col("_crm_contact")).then(pl.col("lead_id")),
        "action": pl.when("_crm_contact").then(pl.lit("existing")).otherwise(pl.lit("create")),
    }
    opportunity = {
        "external_id": pl.col("lead_id"),
        "close_date": pl.col("_qualified_on").dt.offset_by(f"{opportunity_close_days}d"),
    }
    task = {"due_date": pl.col("_qualified_on").dt.add_business_days(task_due_business_days, roll="forward")}
    made = {"lead": lead, "account": account, "contact": contact, "opportunity": opportunity, "task": task}
    columns = []
    for namespace, names in FIELDS.items():
        for name in names:
            default = pl.col(f"account_{name}") if namespace == "account" else pl.col(name)
            columns.append(made[namespace].get(name, default).alias(f"{namespace}.{name}"))
    return frame.select(*columns, pl.col("custom_fields").alias(CUSTOM_FIELDS_JSON))


def account_records(leads: pl.DataFrame) -> pl.DataFrame:
    """One row per account of the lead records (its first qualified lead's view of it), with the account.* fields."""
    account_columns = [c for c in leads.columns if c.startswith("account.")]
    return leads.select(account_columns).unique("account.id", keep="first", maintain_order=True)
