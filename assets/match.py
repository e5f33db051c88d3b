"""Match: who is who. Pairs compared with recordlinkage, clustered into one lead per person, and
survivorship into one golden profile per touched lead."""

import polars as pl
from dagster import AssetExecutionContext, MaterializeResult, asset

from assets.normalize import crm_reference, normalized_lead_records
from dedupe.resolve import ENTITY_COLUMNS, HINT_COLUMNS, reassignments, resolve_people
from dedupe.survivorship import build_lead_profiles
from dedupe.survivorship import lead_sources_for_profiles
from leadflow.qualify.state import with_lead_state
from pipelines.resources import LeadflowSettings
from warehouse.queries import (
    current_leads, known_lead_records, lead_sources_of, leads_with_new_opportunity, standing_links,
    superseded_sources,
)
from warehouse.review import verdicts_to_apply


@asset(deps=[normalized_lead_records, crm_reference], group_name="match", kinds={"recordlinkage", "polars"})
def lead_matches(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """Which lead each of this import's records belongs to (staging.lead_assignments): matched within the
    batch, against earlier weeks' leads and against CRM contacts and leads. Every compared pair, with its
    per-field similarities and weights, lands in staging.match_decisions.

    Reviewer verdicts (core.match_feedback) apply on every run as must-link / cannot-link; a verdict's first
    run re-opens the leads it touches and clusters their records again, so a rejected pair is split and an
    accepted pair of leads merged (staging.lead_moves, staging.lead_merges).

    A corrected file (same name, new bytes) replaces its earlier records with the same record id (and all
    positional ones): an earlier version stays matchable this run under `<key>@<sha prefix>`, so a corrected
    record finds its lead by matching; one that matches nothing keeps its earlier lead if that lead has no
    other record (only a record with a real id: positions say nothing about who a row is)."""
    match_settings = settings.match_settings()
    with settings.warehouse().connect() as wh:
        verdicts = verdicts_to_apply(wh)
        superseded = superseded_sources(wh)
        replaced_keys = superseded["record_key"].implode()
        batch = wh.read_table("staging.normalized_records").with_columns(
            pl.lit("batch").alias("kind"), pl.lit(None, dtype=pl.Utf8).alias("original_lead_id"),
            *(pl.lit(None, dtype=pl.Utf8).alias(c) for c in ("lead_id", "contact_id", "crm_lead_id")))
        preference = superseded.filter(~pl.col("positional") & pl.col("lead_has_no_other_record")).select(
            "record_key", pl.col("lead_id").alias("preferred_lead_id"))
        batch = batch.join(preference, on="record_key", how="left")
        crm_people = wh.read_table("staging.crm_people").with_columns(pl.lit(None, dtype=pl.Utf8).alias("lead_id"))
        lead_records, reopened = known_lead_records(wh, verdicts.leads_to_open, verdicts.leads_kept_whole)
        lead_records = lead_records.join(superseded.select("record_key", "earlier_version_key"), on="record_key",
                                         how="left").with_columns(
            pl.coalesce("earlier_version_key", "record_key").alias("record_key"))
        reopened = reopened.filter(~pl.col("record_key").is_in(replaced_keys))
        retired = set(wh.query("SELECT from_lead_id FROM core.lead_merges")["from_lead_id"].to_list())
        known = pl.concat([lead_records.select(ENTITY_COLUMNS), crm_people.select(ENTITY_COLUMNS)],
                          how="vertical_relaxed")
        records = pl.concat([batch.select(*ENTITY_COLUMNS, *HINT_COLUMNS),
                             reopened.select(*ENTITY_COLUMNS, "original_lead_id").with_columns(
                                 pl.lit(None, dtype=pl.Utf8).alias("preferred_lead_id"))], how="vertical_relaxed")
        # a lead only joined to another stays whole (its records chained); a lead being split keeps the
        # earlier match edges between its records that no cannot-link cuts
        whole = reopened.filter(pl.col("original_lead_id").is_in(verdicts.leads_kept_whole)).sort("record_key")
        keep_together = [(a, b) for _, group in whole.group_by("original_lead_id", maintain_order=True)
                         for a, b in zip(group["record_key"], group["record_key"][1:])]
        replaced = set(superseded["record_key"].to_list())
        keep_together += [(a, b) for a, b in standing_links(wh, sorted(set(verdicts.leads_to_open)
                                                                         - set(verdicts.leads_kept_whole)))
                          if a not in replaced and b not in replaced]
        resolution = resolve_people(records, known, match_settings, verdicts.must_link, verdicts.cannot_link,
                                    retired, keep_together)
        moves, merges = reassignments(resolution.assignments)
        # a corrected record whose lead changed moved, whether or not its earlier lead keeps other records
        earlier = superseded.filter(~pl.col("positional")).select("record_key", pl.col("lead_id").alias("from_lead_id"))
        corrected_moves = resolution.assignments.join(earlier, on="record_key").filter(
            pl.col("lead_id") != pl.col("from_lead_id")).select("record_key", "from_lead_id",
                                                                pl.col("lead_id").alias("to_lead_id"))
        moves = pl.concat([moves, corrected_moves.join(moves, on="record_key", how="anti")], how="vertical_relaxed")
        corrected = pl.col("record_key").is_in(replaced_keys)
        moves = moves.with_columns(pl.when(corrected).then(pl.lit("corrected file version"))
                                   .otherwise(pl.lit("reviewer verdict")).alias("reason"))
        merges = merges.with_columns(
            pl.when(pl.col("from_lead_id").is_in(verdicts.leads_to_open)).then(pl.lit("reviewer verdict"))
            .otherwise(pl.lit("corrected file version")).alias("reason"))
        wh.replace_table("staging.lead_assignments", resolution.assignments)
        wh.replace_table("staging.match_decisions", resolution.decisions)
        wh.replace_table("staging.lead_moves", moves)
        wh.replace_table("staging.superseded_sources", superseded)
        wh.replace_table("staging.lead_merges", merges)
        wh.replace_table("staging.feedback_applied", verdicts.pending.select("feedback_id"))
    assignments, decisions = resolution.assignments, resolution.decisions
    new_records = assignments.join(reopened.select("record_key"), on="record_key", how="anti")
    return MaterializeResult(metadata={
        "records": new_records.height,
        "new_leads": new_records.filter("is_new_lead")["lead_id"].n_unique(),
        "records_joining_existing_leads": new_records.filter(~pl.col("is_new_lead")).height,
        "records_matched_to_crm_contacts": new_records.filter(pl.col("contact_id").is_not_null()).height,
        "pairs_compared": sum(resolution.pairs_by_decision.values()),
        "pairs_by_model_decision": str(resolution.pairs_by_decision),
        "pairs_explained": decisions.height,
        "pairs_kept_apart_by_guards_or_verdicts": decisions.filter(
            pl.col("reason").str.starts_with("kept apart")).height,
        "pairs_per_blocking_pass": str(resolution.pairs_per_pass),
        "reviewer_verdicts_applied": verdicts.pending.height,
        "leads_reopened": len(verdicts.leads_to_open),
        "records_moved_by_verdicts": moves.filter(pl.col("reason") == "reviewer verdict").height,
        "records_replacing_an_earlier_version": superseded.height,
        "leads_merged_by_verdicts": merges.height,
    })


@asset(deps=[lead_matches], group_name="match", kinds={"polars"})
def lead_profiles(context: AssetExecutionContext, settings: LeadflowSettings) -> MaterializeResult:
    """One golden profile per lead touched by this import (staging.lead_profiles), built from all of its
    source records: CRM contact values beat imported ones, the latest phone and title win, the first touch's
    source, campaign and date are kept. Leads a new CRM opportunity points at are refreshed too, and so are
    leads a reviewer's verdict split or merged."""
    with settings.warehouse().connect() as wh:
        batch = wh.read_table("staging.normalized_records")
        assignments = wh.read_table("staging.lead_assignments")
        moves = wh.read_table("staging.lead_moves")
        superseded = wh.read_table("staging.superseded_sources")
        replaced = superseded["record_key"].implode()
        # leads that lost a record to a corrected file version are rebuilt from what they have left
        touched = pl.concat([assignments.select("lead_id"), leads_with_new_opportunity(wh),
                             moves.select(pl.col("from_lead_id").alias("lead_id")),
                             superseded.select("lead_id")]).unique()
        prior = lead_sources_of(wh, touched).filter(
            ~pl.concat_str("source_file", pl.lit("#"), "source_record_id").is_in(replaced))
        sources = lead_sources_for_profiles(batch, assignments, prior)
        profiles = build_lead_profiles(sources, wh.read_table("staging.crm_people").filter(pl.col("kind") == "contact"))
        profiles = with_lead_state(profiles, current_leads(wh, touched), wh.read_table("staging.crm_opportunities"))
        wh.replace_table("staging.lead_profiles", profiles)
    return MaterializeResult(metadata={"leads_touched": profiles.height,
                                       "new_leads": profiles.filter(pl.col("status").is_null()).height})
