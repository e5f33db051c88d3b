"""Publish: the import's results into the tables analysts and the CRM sync read, with their checks."""

from datetime import datetime

import polars as pl
from dagster import (
    AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetExecutionContext, AssetIn, AssetKey,
    AssetSpec, MaterializeResult, MetadataValue, asset_check, multi_asset,
)

from assets.ingest import raw_key
from assets.metadata import typed
from leadflow.config.progress import ProgressResource
from leadflow.config.resources import QualityThresholds
from leadflow.qualify.resources import RulesResource
from schemas.sources import LEAD_SOURCES
from warehouse.checks import account_links, file_ledger, lead_integrity, lead_ledger, quarantine_rate
from warehouse.publish import PublishBatch, publish_import
from warehouse.resource import WAREHOUSE_POOL, WarehouseResource

# the staging frames publish takes as inputs (normalized_records, lead_assignments and match_decisions it reads in the
# warehouse: they are deps of the tables made from them, not frames held until publish)
STAGED = ("rejected_records", "normalize_rejections", "crm_rejections",
          "accounts", "account_field_sources", "lead_qualification", "status_changes",
          "lead_moves", "lead_merges", "feedback_applied", "crm_people", "assignments", "routing_state",
          "lead_overrides", "crm_campaigns", "qualification_state")
RAW_LEAD_TABLES = [raw_key(spec) for spec in LEAD_SOURCES]
# published table -> (what it holds, what it is made from)
PUBLISHED = {
    ("core", "lead_sources"): ("Every accepted input record with the lead it belongs to, its match score and its "
                               "values as cleaned.", ["normalized_records", "lead_assignments", "lead_moves"]),
    ("quarantine", "rejected_rows"): ("Every input record that could not be used, with the reason and the record as "
                                      "it arrived.", ["rejected_records", "normalize_rejections", "crm_rejections"]),
    ("core", "accounts"): ("Companies: CRM accounts and prospect accounts created for companies new to the CRM, "
                           "each field from its best source, with the enrichment status.", ["accounts"]),
    ("core", "account_field_sources"): ("Every candidate value of every account field: CRM, enrichment or form, "
                                        "when it was seen, and which won.", ["account_field_sources"]),
    ("core", "leads"): ("One row per real-world lead, deduplicated across files and weeks, with status, score, rank, "
                        "owner and CRM links.", ["lead_qualification", "lead_merges"]),
    ("core", "lead_status_history"): ("Every status change of a lead with the rule that caused it.",
                                      ["status_changes"]),
    ("core", "match_decisions"): ("Every compared pair of records with per-field similarities, weights and the "
                                  "decision.", ["match_decisions"]),
    ("core", "match_review"): ("Pairs waiting for a person's verdict, both sides described.",
                               ["match_decisions", "crm_people"]),
    ("core", "lead_merges"): ("Leads emptied by a verdict or a corrected file, and where their records went.",
                              ["lead_merges"]),
    ("core", "lead_source_moves"): ("Records a verdict or a corrected file moved between leads.", ["lead_moves"]),
    ("core", "superseded_records"): ("Earlier versions of records that a corrected file replaced.", []),
    ("core", "match_feedback"): ("Reviewer verdicts (recorded by `leadflow review`); a run marks those it applied.",
                                 ["feedback_applied"]),
    ("core", "assignments"): ("Every assignment of a lead to an owner, with team, territory, rule, reason and the "
                              "rules' version; the current one per lead has is_current.", ["assignments"]),
    ("core", "routing_state"): ("Round-robin state per team member: leads assigned in total and this week.",
                                ["routing_state"]),
    ("core", "lead_overrides"): ("Statuses, ranks and owners a person set, which win over the rules.",
                                 ["lead_overrides"]),
    ("core", "qualification_state"): ("The rules' version and run date of the last qualification: the next run "
                                      "qualifies again only the leads whose result can change since.",
                                      ["qualification_state"]),
    ("core", "campaigns"): ("The CRM's campaigns as of its latest snapshot, with channel, cost and start date.",
                            ["crm_campaigns"]),
}


@multi_asset(
    pool=WAREHOUSE_POOL, specs=[AssetSpec(list(key), description=text, group_name="publish", kinds={"duckdb"},
                     deps=[AssetKey(["staging", name]) for name in made_from]
                     + (RAW_LEAD_TABLES if key[1] in ("lead_sources", "superseded_records") else []))
           for key, (text, made_from) in PUBLISHED.items()],
    ins={name: AssetIn(["staging", name]) for name in STAGED},
    can_subset=False,
)
def published_import(context: AssetExecutionContext, warehouse: WarehouseResource, progress: ProgressResource,
                     **staged: pl.DataFrame):
    """Write the import to core.* and quarantine.* in one transaction and mark its files imported."""
    now = datetime.now()
    batch = PublishBatch(
        rejected_rows=pl.concat([staged[n] for n in ("rejected_records", "normalize_rejections", "crm_rejections")],
                                how="vertical_relaxed"),
        accounts=staged["accounts"], account_field_sources=staged["account_field_sources"],
        leads=staged["lead_qualification"],
        status_changes=staged["status_changes"],
        lead_moves=staged["lead_moves"], lead_merges=staged["lead_merges"],
        feedback_applied=staged["feedback_applied"], crm_people=staged["crm_people"],
        assignments=staged["assignments"], routing_state=staged["routing_state"],
        lead_overrides=staged["lead_overrides"], campaigns=staged["crm_campaigns"],
        qualification_state=staged["qualification_state"])
    publishing = progress.tracker(context.log, "publishing", 0, unit="rows")
    counts = publish_import(warehouse.session(), batch, context.run.run_id, now, publishing)
    publishing.finish()
    for key in PUBLISHED:
        yield MaterializeResult(asset_key=AssetKey(list(key)), metadata=typed(
            {k: v for k, v in counts.items() if k.startswith(key[1]) or k == f"{key[1]}_written"}))


@asset_check(pool=WAREHOUSE_POOL, asset=AssetKey(["core", "lead_sources"]), blocking=True)
def record_ledger(warehouse: WarehouseResource) -> AssetCheckResult:
    """Per imported file version, every record read is in exactly one of core.lead_sources and
    quarantine.rejected_rows (or, once a corrected version replaced it, core.superseded_records)."""
    ledger = lead_ledger(warehouse.session())
    per_file = file_ledger(warehouse.session())
    table = "\n".join(["| file | version | read | accepted | rejected | superseded |", "|---|---|---|---|---|---|"] + [
        f"| {r['source_file']} | {r['version']} | {r['records_read']} | {r['accepted']} | {r['rejected']} | "
        f"{r['superseded']} |" for r in per_file.tail(50).iter_rows(named=True)])
    return AssetCheckResult(passed=ledger["unbalanced_files"] == 0 and ledger["in_both"] == 0,
                            metadata=typed({**ledger, "per_file": MetadataValue.md(table)}))


@asset_check(pool=WAREHOUSE_POOL, asset=AssetKey(["quarantine", "rejected_rows"]))
def quarantine_rate_below_threshold(context: AssetCheckExecutionContext, warehouse: WarehouseResource,
                                    thresholds: QualityThresholds) -> AssetCheckResult:
    """Warns when this run quarantined more than the configured share of the records it read
    (LEADFLOW_QUARANTINE_RATE_WARN, default 5%): a vendor changed its layout or a mapping is out of date."""
    rate = quarantine_rate(warehouse.session(), context.run.run_id)
    return AssetCheckResult(passed=rate["quarantine_rate"] <= thresholds.quarantine_rate_warn,
                            severity=AssetCheckSeverity.WARN,
                            metadata=typed({**rate, "threshold": thresholds.quarantine_rate_warn}))


@asset_check(pool=WAREHOUSE_POOL, asset=AssetKey(["core", "leads"]))
def leads_are_consistent(warehouse: WarehouseResource, rules: RulesResource) -> AssetCheckResult:
    """Every source record points to an existing lead, every lead has at least one source record, scores lie in
    1..100 and ranks are the rules file's bands (statuses are held by a CHECK constraint)."""
    problems = lead_integrity(warehouse.session(), rules.rules().rank_names)
    return AssetCheckResult(passed=sum(problems.values()) == 0, metadata=typed(problems))


@asset_check(pool=WAREHOUSE_POOL, asset=AssetKey(["core", "accounts"]))
def lead_accounts_resolve(warehouse: WarehouseResource) -> AssetCheckResult:
    """Every lead's account_id points into core.accounts."""
    dangling = account_links(warehouse.session())
    return AssetCheckResult(passed=dangling == 0, severity=AssetCheckSeverity.ERROR,
                            metadata=typed({"leads_with_unknown_account": dangling}))
