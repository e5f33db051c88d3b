"""Publish one import into core.* and quarantine.* in a single transaction, then rebuild the marts.

Everything before this step writes only staging.*: a run that fails half-way leaves the published tables as
they were and its files `landed`, to be picked up by the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import polars as pl

from dedupe.resolve import EARLIER_VERSION_KEY
from warehouse.connection import WarehouseSession
from warehouse.supersede import supersede_earlier_versions
from warehouse.verdicts import apply_verdicts, drop_emptied_leads, open_match_reviews


@dataclass(frozen=True)
class PublishBatch:
    """One import's results, ready to publish: every frame as the steps before made it. The accepted records with
    their leads (core.lead_sources) and the match decisions are not among them: they are read inside the warehouse
    from staging.normalized_records, staging.lead_assignments and staging.match_decisions, the tables this run's
    steps wrote."""

    rejected_rows: pl.DataFrame     # quarantine rows of this import (validation, normalization, CRM files)
    accounts: pl.DataFrame          # CRM and prospect accounts, every field chosen from its sources
    account_field_sources: pl.DataFrame  # every candidate value of every account field, and which won
    leads: pl.DataFrame             # leads whose published row changes
    status_changes: pl.DataFrame
    lead_moves: pl.DataFrame        # records re-clustering moved: record_key, from_lead_id, to_lead_id, reason
    lead_merges: pl.DataFrame       # leads emptied by re-clustering: from_lead_id, into_lead_id, reason
    feedback_applied: pl.DataFrame  # verdicts applied for the first time: feedback_id
    crm_people: pl.DataFrame        # CRM contacts and leads, to describe review pairs
    assignments: pl.DataFrame       # new current assignments (a lead's earlier one becomes history)
    routing_state: pl.DataFrame     # round-robin state of the team members who took leads
    lead_overrides: pl.DataFrame    # overrides a person set in this run's overrides file
    campaigns: pl.DataFrame         # the CRM snapshot's campaigns (campaign_id, name, channel, cost, start_date)
    qualification_state: pl.DataFrame | None = None  # this run's qualification (rules_version, as_of, evaluated_at)


def _stamped(frame: pl.DataFrame, run_id: str, **times: datetime) -> pl.DataFrame:
    return frame.with_columns(pl.lit(run_id).alias("run_id"),
                              *(pl.lit(t, dtype=pl.Datetime("us")).alias(name) for name, t in times.items()))


PUBLISH_MEMORY_LIMIT = "2GB"
# the frames of a batch that become rows of a published table (progress counts them)
WRITTEN = ("rejected_rows", "campaigns", "accounts", "account_field_sources", "leads", "status_changes",
           "lead_overrides", "assignments")


class _RowsWritten:
    """Rows the publish transaction has written so far, told to `progress` (done, total) after each table."""

    def __init__(self, total: int, progress: Callable[[int, int], None] | None):
        self.total, self.rows, self.progress = total, 0, progress

    def __call__(self, count: int) -> int:
        self.rows += count
        if self.progress is not None:
            self.progress(self.rows, self.total)
        return count


def publish_import(wh: WarehouseSession, batch: PublishBatch, run_id: str, now: datetime,
                   progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write this import to the published tables in one transaction and mark its files imported; return counts
    per table. `progress(rows written, rows to write)` after each table."""
    accepted = wh.fetch_value("accepted_records_to_publish")
    decided = wh.scalar("SELECT count(*) FROM staging.match_decisions")
    wrote = _RowsWritten(accepted + decided + sum(getattr(batch, name).height for name in WRITTEN), progress)
    columns = sorted(set(wh.columns("staging.normalized_records")) & set(wh.columns("core.lead_sources")))
    decision_columns = sorted(set(wh.columns("staging.match_decisions")) & set(wh.columns("core.match_decisions")))
    # the transaction holds the import's new rows until it commits, next to the joins over every published lead:
    # at 512MB (the session default then) a warehouse of a few million leads ran out of memory here
    with wh.memory_at_least(PUBLISH_MEMORY_LIMIT), wh.transaction():
        counts = {"records_superseded": supersede_earlier_versions(wh, run_id, now)}
        counts["lead_sources"] = wrote(wh.insert_from("insert_lead_sources", "core.lead_sources",
                                                      columns=columns, run_id=run_id, now=now))
        counts["rejected_rows"] = wrote(wh.insert("quarantine.rejected_rows",
                                                  _stamped(batch.rejected_rows, run_id, rejected_at=now)))
        with wh.registered("new_campaigns", batch.campaigns):
            wh.run("replace_campaigns")
        counts["campaigns"] = wrote(batch.campaigns.height)
        # accounts and their field sources are rebuilt whole by each run; only the rows that differ are written
        counts["accounts"], counts["accounts_written"] = batch.accounts.height, wrote(
            wh.replace_rows("core.accounts", batch.accounts))
        counts["account_field_sources"] = batch.account_field_sources.height
        counts["account_field_sources_written"] = wrote(
            wh.replace_rows("core.account_field_sources", batch.account_field_sources))
        with wh.registered("changed_leads", batch.leads.select("lead_id")):
            wh.run("replace_leads")
        counts["leads_written"] = wrote(wh.insert("core.leads", batch.leads))
        counts["status_changes"] = wrote(wh.insert("core.lead_status_history",
                                                   _stamped(batch.status_changes, run_id, recorded_at=now)))
        counts["lead_overrides"] = wrote(wh.insert("core.lead_overrides",
                                                   _stamped(batch.lead_overrides, run_id, set_at=now)))
        counts["match_decisions"] = wrote(wh.insert_from(
            "insert_match_decisions", "core.match_decisions", columns=decision_columns, run_id=run_id, now=now,
            earlier_version=EARLIER_VERSION_KEY))
        counts |= apply_verdicts(wh, batch.lead_moves, batch.lead_merges, batch.feedback_applied, run_id, now)
        counts["leads_emptied"] = drop_emptied_leads(wh, run_id, now)
        with wh.registered("new_assignments", batch.assignments), \
                wh.registered("new_routing_state", batch.routing_state):
            wh.run("publish_assignments", run_id=run_id, now=now)
            wh.run("publish_routing_state")
        counts["assignments"] = wrote(batch.assignments.height)
        counts["match_review_opened"] = open_match_reviews(wh, batch.crm_people, run_id, now)
        if batch.qualification_state is not None:
            with wh.registered("new_qualification_state", batch.qualification_state):
                wh.run("replace_qualification_state")
        wh.run("mark_files_imported", now=now)
    return counts

