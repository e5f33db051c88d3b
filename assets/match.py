"""Match: who is who. Pairs compared with recordlinkage, clustered into one lead per person, and survivorship into
one golden profile per touched lead. Reads what earlier runs published (core.lead_sources, core.leads,
core.match_feedback, core.match_decisions, core.lead_merges) as state."""

from dagster import AssetExecutionContext, AssetIn, AssetOut, Output, asset, multi_asset

from assets.ingest import raw_key
from assets.metadata import typed
from dedupe.resolve import MatchHistory, resolve_import
from dedupe.verdicts import plan_verdicts
from leadflow.config.progress import ProgressResource
from leadflow.config.resources import ComparisonCluster, MatchSettingsResource
from leadflow.qualify.profiles import touched_lead_profiles, touched_leads
from schemas.sources import LEAD_SOURCES
from warehouse.resource import WAREHOUSE_POOL, WarehouseResource
from warehouse.state import (
    current_leads, known_lead_records, lead_sources_of, leads_with_new_opportunity, retired_lead_ids,
    reviewer_verdicts, standing_links, superseded_sources as replaced_sources,
)

MATCH_OUTPUTS = {
    "lead_assignments": "The lead each record of this import (and of re-opened leads) belongs to.",
    "match_decisions": "Every compared pair with per-field similarities, weights, probability and decision.",
    "lead_moves": "Records re-clustering moved from one lead to another, with the reason.",
    "lead_merges": "Leads emptied by re-clustering, and where their records went.",
    "feedback_applied": "Reviewer verdicts this run applies for the first time.",
}


@asset(pool=WAREHOUSE_POOL, key=["staging", "superseded_sources"], deps=[raw_key(spec) for spec in LEAD_SOURCES], group_name="match",
       kinds={"duckdb"})
def superseded_sources(warehouse: WarehouseResource):
    """Published records that a corrected file of this import replaces (same path, new bytes, same record id, or
    any positional record): the lead each belonged to and the key its earlier version is matched under."""
    frame = replaced_sources(warehouse.session())
    return Output(frame, metadata=typed({"records": frame.height}))


@multi_asset(
    pool=WAREHOUSE_POOL, outs={name: AssetOut(key=["staging", name], kinds={"recordlinkage", "polars"}, description=text)
          for name, text in MATCH_OUTPUTS.items()},
    ins={"normalized_records": AssetIn(["staging", "normalized_records"]),
         "crm_people": AssetIn(["staging", "crm_people"]),
         "superseded_sources": AssetIn(["staging", "superseded_sources"])},
    group_name="match",
)
def lead_matches(context: AssetExecutionContext, normalized_records, crm_people, superseded_sources,
                 warehouse: WarehouseResource, match_settings: MatchSettingsResource,
                 comparison_cluster: ComparisonCluster, progress: ProgressResource):
    """Which lead each of this import's records belongs to: matched within the batch, against earlier weeks' leads
    and against CRM contacts and leads (dedupe.resolve.resolve_import). Reviewer verdicts apply on every run as
    must-link / cannot-link; a verdict's first run re-opens the leads it touches. A corrected record finds its
    lead by matching."""
    wh = warehouse.session()
    stored = reviewer_verdicts(wh)
    verdicts = plan_verdicts(stored.latest, stored.pending, stored.lead_records, crm_people)
    history = MatchHistory(known_lead_records(wh), retired_lead_ids(wh), standing_links(wh, verdicts.leads_to_split))
    matching, comparing = (progress.tracker(context.log, "matching", normalized_records.height),
                           progress.tracker(context.log, "comparing candidate pairs", 0, unit="pairs"))
    with comparison_cluster.engine(comparing) as engine:  # candidate pairs compared here or on a Dask cluster
        result = resolve_import(normalized_records, crm_people, superseded_sources, verdicts, history,
                                match_settings.settings(), engine)
    matching.finish()
    summary = typed({**result.summary(verdicts.pending.height, superseded_sources.height),
                     "pairs_by_model_decision": result.resolution.pairs_by_decision,
                     "pairs_per_blocking_pass": result.resolution.pairs_per_pass,
                     "blocks_skipped_as_too_large": result.resolution.blocks_skipped})
    yield Output(result.assignments, "lead_assignments", metadata=summary)
    yield Output(result.decisions, "match_decisions", metadata=typed({"pairs": result.decisions.height}))
    yield Output(result.moves, "lead_moves", metadata=typed({"records": result.moves.height}))
    yield Output(result.merges, "lead_merges", metadata=typed({"leads": result.merges.height}))
    yield Output(verdicts.pending.select("feedback_id"), "feedback_applied",
                 metadata=typed({"verdicts": verdicts.pending.height}))


@asset(pool=WAREHOUSE_POOL, key=["staging", "lead_profiles"], group_name="match", kinds={"polars"},
       ins={name: AssetIn(["staging", name]) for name in (
           "normalized_records", "lead_assignments", "lead_moves", "superseded_sources", "crm_people",
           "crm_opportunities")})
def lead_profiles(normalized_records, lead_assignments, lead_moves, superseded_sources, crm_people, crm_opportunities,
                  warehouse: WarehouseResource):
    """One golden profile per lead touched by this import, built from all of its source records: CRM contact
    values beat imported ones, the latest phone and title win, the first touch's source, campaign and date are
    kept. Leads a new CRM opportunity points at are refreshed too, and so are leads a verdict split or merged."""
    wh = warehouse.session()
    touched = touched_leads(lead_assignments, lead_moves, superseded_sources,
                            leads_with_new_opportunity(wh, crm_opportunities))
    profiles = touched_lead_profiles(normalized_records, lead_assignments, superseded_sources,
                                     lead_sources_of(wh, touched), crm_people, current_leads(wh, touched),
                                     crm_opportunities)
    return Output(profiles, metadata=typed({"leads_touched": profiles.height,
                                            "new_leads": profiles.filter(profiles["status"].is_null()).height}))
