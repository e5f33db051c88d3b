"""Which qualified leads are ready to convert, and why the others are not.

A candidate is a lead that reached Qualified (the warehouse read picks them). It is ready when nothing stops it;
otherwise it goes to the rejects file with every reason that applies, the most important first (REASONS order):
converted leads are done whatever else is true, a retired or reopened lead is no longer the sales team's, a
do-not-contact lead must not be contacted whatever its data, and only then do missing company or last name matter
(the CRM refuses an account without a name and a contact without a last name).
"""

from __future__ import annotations

import polars as pl

# link kinds that make a lead converted (an `account` link only says the company has a deal: not a conversion)
DIRECT_LINKS = ("lead_id", "crm_lead", "contact")

# every reason a candidate is not converted, by its code, in the order they are given when several apply
REASONS = ("already converted", "retired", "no longer qualified", "do-not-contact", "no company", "no last name")


def _blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")


def converting_opportunities(links: pl.DataFrame) -> pl.DataFrame:
    """Per lead, its directly linked CRM opportunities in words: lead_id, opportunities
    (`opportunity OP-00017 (Closed Won)`, or `opportunities OP-1 (Prospecting), OP-2 (Closed Won)`), oldest first.

    `links`: lead_id, opportunity_id, stage, link_via, created_at (core.lead_opportunities)."""
    direct = links.filter(pl.col("link_via").is_in(DIRECT_LINKS)).sort("lead_id", "created_at", "opportunity_id",
                                                                       nulls_last=True)
    described = direct.with_columns(
        pl.format("{} ({})", "opportunity_id", pl.col("stage").fill_null("no stage")).alias("_one"))
    return described.group_by("lead_id", maintain_order=True).agg(
        pl.when(pl.len() == 1).then(pl.lit("opportunity ")).otherwise(pl.lit("opportunities "))
        .first().alias("_word"),
        pl.col("_one").str.join(", ").alias("_list"),
    ).select("lead_id", (pl.col("_word") + pl.col("_list")).alias("opportunities"))


def _set_by(status_source: pl.Expr) -> pl.Expr:
    return (pl.when(status_source == "crm").then(pl.lit("set in the CRM"))
            .when(status_source.str.starts_with("file:"))
            .then(pl.lit("set by ") + status_source.str.strip_prefix("file:"))
            .otherwise(pl.lit("set by the rules")))


def reject_reasons(candidates: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """`candidates` with `reasons`: every reason the lead cannot be converted, in REASONS order (empty when it is
    ready).

    `candidates`: lead_id, status, status_source, company, account_name, last_name, do_not_contact, retired_at.
    `links`: as for `converting_opportunities`.
    """
    with_links = candidates.join(converting_opportunities(links), on="lead_id", how="left")
    status = pl.col("status")
    checks = [
        pl.when(pl.col("opportunities").is_not_null())
        .then(pl.lit("already converted: ") + pl.col("opportunities"))
        .when(status == "Converted")
        .then(pl.format("already converted: status Converted ({})", _set_by(pl.col("status_source")))),
        pl.when(status == "Retired").then(
            pl.format("retired on {}", pl.col("retired_at").dt.strftime("%Y-%m-%d")).fill_null(pl.lit("retired"))),
        pl.when(status == "Unqualified").then(
            pl.format("no longer qualified: status Unqualified ({})", _set_by(pl.col("status_source")))),
        pl.when(pl.col("do_not_contact").fill_null(False)).then(pl.lit("do-not-contact")),
        pl.when(_blank("company") & _blank("account_name")).then(pl.lit("no company")),
        pl.when(_blank("last_name")).then(pl.lit("no last name")),
    ]
    return with_links.with_columns(
        pl.concat_list(checks).list.drop_nulls().alias("reasons")).drop("opportunities")


def reason_code(reason: pl.Expr) -> pl.Expr:
    """The code of a reason (`already converted: opportunity OP-1 (Won)` -> `already converted`): one of REASONS."""
    return (pl.when(reason.str.starts_with("retired")).then(pl.lit("retired"))
            .otherwise(reason.str.split(":").list.first()))


def split_ready(candidates: pl.DataFrame, links: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(ready, rejected): the candidates that can be converted, and the others with `reason` (the first of their
    reasons), `other_reasons` (the rest, `; `-separated, null when none) and `reason_code`."""
    judged = reject_reasons(candidates, links)
    ready = judged.filter(pl.col("reasons").list.len() == 0).drop("reasons")
    rejected = judged.filter(pl.col("reasons").list.len() > 0).with_columns(
        pl.col("reasons").list.first().alias("reason"),
        pl.when(pl.col("reasons").list.len() > 1)
        .then(pl.col("reasons").list.slice(1).list.join("; ")).alias("other_reasons"),
    ).with_columns(reason_code(pl.col("reason")).alias("reason_code")).drop("reasons")
    return ready, rejected
