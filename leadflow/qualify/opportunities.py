"""Links between leads and CRM opportunities: which opportunities a lead converted into, by what evidence, and which
single lead each opportunity is credited to.

An opportunity names a lead directly by the leadflow lead id, by the CRM lead matched to the lead, or by the CRM
contact matched to it; those direct links convert the lead. An opportunity that names only an account is linked to
the account's leads whose first touch came before it (`account`): kept for the story, never a conversion and never
credited with its money.
"""

from __future__ import annotations

import polars as pl

from schemas.vocabulary import DIRECT_LINKS, LINK_VIA

LINK_COLUMNS = ["lead_id", "opportunity_id", "opportunity_name", "account_id", "amount", "stage", "is_won", "is_closed",
                "created_at", "closed_at", "link_via", "evidence", "is_attributed"]
LINK_SCHEMA = {"lead_id": pl.Utf8, "opportunity_id": pl.Utf8, "opportunity_name": pl.Utf8, "account_id": pl.Utf8,
               "amount": pl.Float64, "stage": pl.Utf8, "is_won": pl.Boolean, "is_closed": pl.Boolean,
               "created_at": pl.Datetime("us"), "closed_at": pl.Datetime("us"), "link_via": pl.Utf8,
               "evidence": pl.Utf8, "is_attributed": pl.Boolean}


def direct_links(leads: pl.DataFrame, opportunities: pl.DataFrame) -> pl.DataFrame:
    """(lead_id, opportunity_id, link_via, evidence) for every opportunity naming a lead directly: its leadflow lead
    id, the CRM lead matched to it (`crm_lead_id`) or the CRM contact matched to it (`contact_id`). `leads` has
    lead_id, crm_lead_id, contact_id; `opportunities` has opportunity_id, lead_id, contact_id. One row per pair, by
    its strongest link."""
    keys = leads.select("lead_id", "crm_lead_id", "contact_id")
    opps = opportunities.select("opportunity_id", pl.col("lead_id").alias("opp_lead_id"), "contact_id")
    by_id = keys.select("lead_id").join(opps.drop("contact_id"), left_on="lead_id", right_on="opp_lead_id").select(
        "lead_id", "opportunity_id", pl.lit("lead_id").alias("link_via"),
        pl.format("opportunity {} names lead {}", "opportunity_id", "lead_id").alias("evidence"))
    by_crm_lead = keys.filter(pl.col("crm_lead_id").is_not_null()).join(
        opps.drop("contact_id"), left_on="crm_lead_id", right_on="opp_lead_id").select(
        "lead_id", "opportunity_id", pl.lit("crm_lead").alias("link_via"),
        pl.format("opportunity {} names CRM lead {}, matched to this lead", "opportunity_id", "crm_lead_id")
        .alias("evidence"))
    by_contact = keys.filter(pl.col("contact_id").is_not_null()).join(
        opps.filter(pl.col("contact_id").is_not_null()).drop("opp_lead_id"), on="contact_id").select(
        "lead_id", "opportunity_id", pl.lit("contact").alias("link_via"),
        pl.format("opportunity {} names CRM contact {}, matched to this lead", "opportunity_id", "contact_id")
        .alias("evidence"))
    return _strongest(pl.concat([by_id, by_crm_lead, by_contact]))


def account_links(leads: pl.DataFrame, opportunities: pl.DataFrame, linked: pl.DataFrame) -> pl.DataFrame:
    """(lead_id, opportunity_id, link_via, evidence) for opportunities that name no lead of `linked` (the direct
    links) and whose account is the lead's, created on or after the lead's first touch. `leads` has lead_id,
    account_id, first_touch_at; `opportunities` has opportunity_id, account_id, created_at."""
    orphans = opportunities.filter(
        pl.col("account_id").is_not_null() & ~pl.col("opportunity_id").is_in(linked["opportunity_id"].implode()))
    return leads.filter(pl.col("account_id").is_not_null()).select("lead_id", "account_id", "first_touch_at").join(
        orphans.select("opportunity_id", "account_id", "created_at"), on="account_id"
    ).filter(pl.col("first_touch_at").is_null() | (pl.col("created_at") >= pl.col("first_touch_at"))).select(
        "lead_id", "opportunity_id", pl.lit("account").alias("link_via"),
        pl.format("opportunity {} names only account {}, the lead's, and was created after the lead's first touch",
                  "opportunity_id", "account_id").alias("evidence"))


def _strongest(links: pl.DataFrame) -> pl.DataFrame:
    strength = pl.col("link_via").replace_strict(list(LINK_VIA), list(range(len(LINK_VIA))), return_dtype=pl.Int8)
    return links.sort(["lead_id", "opportunity_id", strength]).unique(["lead_id", "opportunity_id"], keep="first",
                                                                      maintain_order=True)


def lead_opportunities(leads: pl.DataFrame, opportunities: pl.DataFrame) -> pl.DataFrame:
    """Every link between a lead and a CRM opportunity (columns `LINK_COLUMNS`), with the opportunity's facts and
    `is_attributed` on the one lead credited with it: among its direct links the strongest, then the lead created
    first, then the smallest lead id. `leads` has lead_id, crm_lead_id, contact_id, account_id, created_at,
    first_touch_at; `opportunities` the staged CRM opportunities (opportunity_id, lead_id, account_id, contact_id,
    name, amount, stage, is_won, is_closed, created_at, closed_at; see leadflow.validate.crm.opportunity_facts)."""
    direct = direct_links(leads, opportunities)
    links = pl.concat([direct, account_links(leads, opportunities, direct)])
    strength = pl.col("link_via").replace_strict(list(LINK_VIA), list(range(len(LINK_VIA))), return_dtype=pl.Int8)
    facts = opportunities.select(
        "opportunity_id", pl.col("name").alias("opportunity_name"), pl.col("account_id").alias("opp_account_id"),
        "amount", "stage", "is_won", "is_closed", "created_at", "closed_at")
    frame = links.join(facts, on="opportunity_id").join(
        leads.select("lead_id", pl.col("account_id").alias("lead_account_id"),
                     pl.col("created_at").alias("lead_created_at")), on="lead_id", how="left")
    credited = (frame.filter(pl.col("link_via").is_in(list(DIRECT_LINKS)))
                .sort(["opportunity_id", strength, "lead_created_at", "lead_id"], nulls_last=True)
                .unique("opportunity_id", keep="first").select("opportunity_id", "lead_id",
                                                               pl.lit(True).alias("is_attributed")))
    return frame.join(credited, on=["opportunity_id", "lead_id"], how="left").with_columns(
        pl.coalesce("opp_account_id", "lead_account_id").alias("account_id"),
        pl.col("is_attributed").fill_null(False),
    ).select(LINK_COLUMNS).cast(LINK_SCHEMA).sort(["lead_id", "created_at", "opportunity_id"])


def converted_event_at(leads: pl.DataFrame, opportunities: pl.DataFrame) -> pl.DataFrame:
    """(lead_id, converted_event_at): the creation of each lead's first directly linked opportunity."""
    links = direct_links(leads, opportunities)
    return links.join(opportunities.select("opportunity_id", "created_at"), on="opportunity_id").group_by(
        "lead_id").agg(pl.col("created_at").min().alias("converted_event_at"))
