"""Marts: the tables analysts query (docs/marts.md), rebuilt from core.* after each publish, the lead-opportunity
links they count, and the analysts' copy swapped in at the end of every successful run."""

from datetime import datetime
from pathlib import Path

import polars as pl
from dagster import (
    AssetCheckResult, AssetExecutionContext, AssetIn, AssetKey, AssetSpec, MaterializeResult, MetadataValue, asset,
    asset_check, multi_asset,
)

from assets.metadata import typed
from assets.publish import PUBLISHED
from leadflow.config.progress import ProgressResource
from leadflow.qualify.opportunities import lead_opportunities as link_opportunities
from warehouse.analytics import publish_analytics_copy
from warehouse.checks import funnel_reconciliation
from warehouse.marts import MART_TABLES, rebuild_marts
from warehouse.opportunities import lead_link_keys, replace_lead_opportunities
from warehouse.resource import WAREHOUSE_POOL, WarehouseResource

LEAD_OUTCOMES = AssetKey(["marts", "lead_outcomes"])


def _core(*names: str) -> list[AssetKey]:
    return [AssetKey(["core", name]) for name in names]


@asset(pool=WAREHOUSE_POOL, key=["core", "lead_opportunities"], group_name="publish", kinds={"duckdb", "polars"},
       deps=_core("leads"), ins={"crm_opportunities": AssetIn(["staging", "crm_opportunities"])})
def lead_opportunities(warehouse: WarehouseResource, crm_opportunities: pl.DataFrame) -> MaterializeResult:
    """Every link between a lead and a CRM opportunity: amount, stage, won, created and closed, and how it is linked
    (the lead's id, its CRM lead, its contact, or only its account) with the evidence; each opportunity credited to
    one lead."""
    wh = warehouse.session()
    links = link_opportunities(lead_link_keys(wh), crm_opportunities)
    return MaterializeResult(metadata=typed(replace_lead_opportunities(wh, links)))


def _mart(key: str, sql_file: str, description: str, deps: list[AssetKey]):
    @asset(pool=WAREHOUSE_POOL, key=["marts", key], group_name="marts", kinds={"duckdb", "sql"}, deps=deps,
           description=description)
    def _build(warehouse: WarehouseResource) -> MaterializeResult:
        return MaterializeResult(metadata=typed(rebuild_marts(warehouse.session(), sql_file)))
    return _build


lead_outcomes = _mart(
    "lead_outcomes", "marts_lead_outcomes",
    "One row per lead with what the funnel counts: week, source, vendor, campaign and channel, owner, territory, "
    "rank, qualified / converted / won / retired / open, and days to each (no personal data).",
    _core("leads", "lead_opportunities", "campaigns"))
campaign_roi = _mart(
    "campaign_roi", "marts_campaign_roi",
    "Per campaign: cost, leads, cost per lead, qualified, opportunities, pipeline and won amounts, cost per won "
    "customer and ROI (NULL with a note where the cost is unknown); first-touch, each opportunity counted once.",
    [LEAD_OUTCOMES, *_core("lead_opportunities", "campaigns")])
source_performance = _mart(
    "source_performance", "marts_source_performance",
    "Per source and telemarketing vendor: records received, quarantine and duplicate rates, leads, qualification "
    "and conversion rates, and cost per converted lead where campaign costs are known.",
    [LEAD_OUTCOMES, *_core("lead_sources", "campaigns"), AssetKey(["quarantine", "rejected_rows"])])
lead_aging = _mart(
    "lead_aging", "marts_lead_aging",
    "Open leads by age band, rank and owner, ages measured to the newest date in the data.",
    [LEAD_OUTCOMES])


@multi_asset(pool=WAREHOUSE_POOL, specs=[
    AssetSpec(["marts", "lead_funnel"], group_name="marts", kinds={"duckdb", "sql"}, deps=[LEAD_OUTCOMES],
              description="Weekly funnel by first-touch source and campaign: leads, qualified, converted, won, "
                          "retired, rates and median days to qualify, convert and win."),
    AssetSpec(["marts", "lead_funnel_detail"], group_name="marts", kinds={"duckdb", "sql"}, deps=[LEAD_OUTCOMES],
              description="The funnel by week, source, campaign, vendor, channel, owner, territory and rank."),
])
def lead_funnel(warehouse: WarehouseResource):
    """marts.lead_funnel and marts.lead_funnel_detail, the same measures over both groupings."""
    rows = rebuild_marts(warehouse.session(), "marts_lead_funnel")
    for table, count in rows.items():
        yield MaterializeResult(asset_key=AssetKey(["marts", table]), metadata=typed({"rows": count}))


@asset_check(pool=WAREHOUSE_POOL, asset=AssetKey(["marts", "lead_funnel"]))
def funnel_adds_up(warehouse: WarehouseResource) -> AssetCheckResult:
    """The funnel counts every lead once: its leads, qualified, converted and won add up to core.leads, and the
    detail mart adds up to the funnel."""
    totals = funnel_reconciliation(warehouse.session())
    mismatched = [name for name, (core, funnel, detail) in totals.items() if not core == funnel == detail]
    return AssetCheckResult(passed=not mismatched, metadata=typed({
        "mismatched": mismatched, **{f"{name}_{where}": value for name, values in totals.items()
                                     for where, value in zip(("core", "funnel", "detail"), values)}}))


@asset(pool=WAREHOUSE_POOL, key=["analytics", "analysts_copy"], group_name="marts", kinds={"duckdb"},
       deps=[*(AssetKey(list(key)) for key in PUBLISHED), AssetKey(["core", "lead_opportunities"]),
             *(AssetKey(["marts", table]) for table in MART_TABLES)])
def analysts_copy(context: AssetExecutionContext, warehouse: WarehouseResource,
                  progress: ProgressResource) -> MaterializeResult:
    """`<warehouse>.analytics.duckdb`: core, marts and quarantine copied aside (from the previous copy: large tables
    row by row where they differ, tables runs only append to by run) and swapped in with an atomic rename, for analysts to query (and hold open) while
    runs write the warehouse."""
    copying = progress.tracker(context.log, "analysts' copy", 0, unit="rows")
    done = publish_analytics_copy(warehouse.session(), warehouse.path, context.run.run_id, datetime.now(), copying)
    copying.finish()
    return MaterializeResult(metadata=typed({**done, "path": MetadataValue.path(str(Path(done["path"]).resolve()))}))
