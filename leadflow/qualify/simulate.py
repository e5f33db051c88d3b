"""What proposed rules would change, computed on the leads as published and never written: leads moving between
statuses and ranks, each owner's load before and after, and example leads with the rules that fired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from leadflow.qualify.leads import lead_candidates, qualify_leads
from leadflow.qualify.rules import Rules

EXAMPLES = 5


@dataclass(frozen=True)
class Simulation:
    """Counts of what would change under the proposed rules (nothing is written)."""

    leads: int
    changed: int
    status_moves: pl.DataFrame   # from_status, to_status, leads
    rank_moves: pl.DataFrame     # from_rank, to_rank, leads
    owner_load: pl.DataFrame     # owner, before, after, change
    examples: pl.DataFrame       # lead_id, status, rank, owner (before -> after) and the rules that fired
    rules_version: str


def _moves(before: pl.DataFrame, after: pl.DataFrame, column: str) -> pl.DataFrame:
    paired = before.select("lead_id", pl.col(column).alias(f"from_{column}")).join(
        after.select("lead_id", pl.col(column).alias(f"to_{column}")), on="lead_id")
    return paired.filter(pl.col(f"from_{column}").ne_missing(pl.col(f"to_{column}"))).group_by(
        f"from_{column}", f"to_{column}").len("leads").sort("leads", f"from_{column}", descending=[True, False])


def simulate(published: pl.DataFrame, accounts: pl.DataFrame, crm_leads: pl.DataFrame, campaigns: pl.DataFrame,
             overrides: pl.DataFrame, assignments: pl.DataFrame, routing_state: pl.DataFrame, rules: Rules,
             as_of: datetime) -> Simulation:
    """Evaluate every published lead under `rules` as a run would (overrides, assignments and routing state as they
    stand) and compare with what is published."""
    no_profiles = pl.DataFrame(schema={"lead_id": pl.Utf8})
    no_links = pl.DataFrame(schema={"lead_id": pl.Utf8, "account_id": pl.Utf8})
    candidates = lead_candidates(no_profiles, no_links, published, accounts, crm_leads, campaigns, overrides, rules)
    result = qualify_leads(candidates, published, assignments, routing_state, rules, as_of)
    after = result.evaluated
    before_load = published.group_by("owner").agg(pl.len().cast(pl.Int64).alias("before"))
    after_load = after.group_by("owner").agg(pl.len().cast(pl.Int64).alias("after"))
    load = before_load.join(after_load, on="owner", how="full", coalesce=True).with_columns(
        pl.col("before").fill_null(0), pl.col("after").fill_null(0)).with_columns(
        (pl.col("after") - pl.col("before")).alias("change")).filter(pl.col("change") != 0).sort(
        "change", "owner", descending=[True, False])
    changed = result.leads["lead_id"]
    fired = result.status_changes.group_by("lead_id", maintain_order=True).agg(
        pl.col("rule_id").str.join(", ").alias("status_rules"))
    examples = published.select("lead_id", *(pl.col(c).alias(f"{c}_before") for c in ("status", "rank", "owner"))) \
        .join(after.select("lead_id", "status", "rank", "owner", "score", "score_rules", "rule_id"), on="lead_id") \
        .filter(pl.col("lead_id").is_in(changed.implode())).join(fired, on="lead_id", how="left") \
        .sort("lead_id").head(EXAMPLES)
    return Simulation(published.height, changed.len(), _moves(published, after, "status"),
                      _moves(published, after, "rank"), load, examples, rules.version)
