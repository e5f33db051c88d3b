"""Publish one import into core.* and quarantine.* in a single transaction, then rebuild the marts.

Everything before this step writes only staging.*: a run that fails half-way leaves the published
tables as they were and its files `landed`, to be picked up by the next run.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources

import polars as pl

from warehouse.connection import WarehouseSession
from warehouse.queries import EARLIER_VERSION_KEY, superseded_rows_sql

LEAD_TYPES = ("campaign_response", "telemarketer")
# a lead file version's accepted and rejected records, as they stand now
LEAD_FILE_COUNTS = """
  records_accepted = (SELECT count(*) FROM core.lead_sources s
                      WHERE s.source_file = f.source_file AND s.file_sha256 = f.file_sha256),
  records_rejected = (SELECT count(*) FROM quarantine.rejected_rows q
                      WHERE q.source_file = f.source_file AND q.file_sha256 = f.file_sha256)
"""


def _stamp(frame: pl.DataFrame, run_id: str, **times: datetime) -> pl.DataFrame:
    return frame.with_columns(pl.lit(run_id).alias("run_id"),
                              *(pl.lit(t, dtype=pl.Datetime("us")).alias(name) for name, t in times.items()))


def publish_import(wh: WarehouseSession, run_id: str, now: datetime) -> dict[str, int]:
    """Write this import's staged results to the published tables; return counts per table."""
    normalized = wh.read_table("staging.normalized_records")
    assignments = wh.read_table("staging.lead_assignments")
    sources = normalized.join(assignments.select("record_key", "lead_id", "match_score", "match_reason"),
                              on="record_key", how="inner")
    landed_crm = wh.query("SELECT source_file FROM core.import_files WHERE status = 'landed' AND source_type = 'crm'")
    rejected = pl.concat([
        wh.read_table("staging.rejected_records"),
        wh.read_table("staging.normalize_rejections"),
        wh.read_table("staging.crm_rejections").join(landed_crm, on="source_file", how="semi"),
    ], how="vertical_relaxed")
    enrichment = wh.read_table("staging.company_enrichment").select("domain", "industry", "employee_count")
    crm_accounts = wh.read_table("staging.crm_accounts").join(
        enrichment.rename({"industry": "_industry"}), on="domain", how="left"
    ).with_columns(pl.coalesce("industry", "_industry").alias("industry"), pl.lit("crm").alias("account_source"))
    prospects = wh.read_table("staging.prospect_accounts").join(enrichment, on="domain", how="left").with_columns(
        pl.lit(False).alias("is_customer"), pl.lit("prospect").alias("account_source"),
        pl.lit(now, dtype=pl.Datetime("us")).alias("created_at"),
    )
    leads = wh.read_table("staging.lead_qualification")
    changes = wh.read_table("staging.status_changes")
    # pairs with a replaced earlier version only served to find its corrected record's lead this run
    decisions = wh.read_table("staging.match_decisions").filter(
        ~pl.col("left_key").str.contains(EARLIER_VERSION_KEY) & ~pl.col("right_key").str.contains(EARLIER_VERSION_KEY))
    moves = wh.read_table("staging.lead_moves")
    merges = wh.read_table("staging.lead_merges")
    applied = wh.read_table("staging.feedback_applied")

    with wh.transaction():
        counts = {"records_superseded": _supersede_earlier_versions(wh, run_id, now)}
        counts |= {
            "lead_sources": wh.insert("core.lead_sources", _stamp(sources, run_id, loaded_at=now)),
            "rejected_rows": wh.insert("quarantine.rejected_rows", _stamp(rejected, run_id, rejected_at=now)),
        }
        wh.execute("DELETE FROM core.accounts WHERE account_source = 'crm'")
        wh.insert("core.accounts", crm_accounts)
        existing = wh.query("SELECT account_id FROM core.accounts")
        wh.insert("core.accounts", prospects.join(existing, on="account_id", how="anti"))
        counts["accounts"] = wh.scalar("SELECT count(*) FROM core.accounts")
        with wh.registered(leads.select("lead_id")) as changed:
            wh.execute(f"DELETE FROM core.leads WHERE lead_id IN (SELECT lead_id FROM {changed})")
        counts["leads_written"] = wh.insert("core.leads", leads)
        counts["status_changes"] = wh.insert("core.lead_status_history", _stamp(changes, run_id, recorded_at=now))
        counts["match_decisions"] = wh.insert("core.match_decisions", _stamp(decisions, run_id, decided_at=now))
        counts.update(_apply_verdicts(wh, moves, merges, applied, run_id, now))
        counts["leads_emptied"] = _drop_emptied_leads(wh, run_id, now)
        counts["match_review_opened"] = _open_reviews(wh, decisions, run_id, now)
        wh.execute(
            f"""
            UPDATE core.import_files f SET status = 'imported', imported_at = ?, {LEAD_FILE_COUNTS}
            WHERE f.status = 'landed' AND f.source_type IN ('campaign_response', 'telemarketer')
            """,
            [now],
        )
        wh.execute(
            """
            UPDATE core.import_files f SET status = 'imported', imported_at = ?,
              records_rejected = (SELECT count(*) FROM quarantine.rejected_rows q
                                  WHERE q.source_file = f.source_file AND q.file_sha256 = f.file_sha256),
              records_accepted = f.records_read - (SELECT count(*) FROM quarantine.rejected_rows q
                                  WHERE q.source_file = f.source_file AND q.file_sha256 = f.file_sha256)
            WHERE f.status = 'landed' AND f.source_type = 'crm'
            """,
            [now],
        )
    return counts


def _apply_verdicts(wh: WarehouseSession, moves: pl.DataFrame, merges: pl.DataFrame, applied: pl.DataFrame,
                    run_id: str, now: datetime) -> dict[str, int]:
    """Move re-clustered records to their new leads, drop emptied leads (recording where they went) and
    mark the verdicts applied."""
    with wh.registered(moves) as moved:
        wh.execute(
            f"""
            INSERT INTO core.lead_source_moves
            SELECT s.source_file, s.source_record_id, m.from_lead_id, m.to_lead_id, m.reason, ?, ?
            FROM core.lead_sources s JOIN {moved} m ON s.source_file || '#' || s.source_record_id = m.record_key
            """,
            [run_id, now],
        )
        wh.execute(
            f"""
            UPDATE core.lead_sources s SET lead_id = m.to_lead_id FROM {moved} m
            WHERE s.source_file || '#' || s.source_record_id = m.record_key
            """
        )
    with wh.registered(merges) as merged:
        wh.execute(f"DELETE FROM core.leads WHERE lead_id IN (SELECT from_lead_id FROM {merged})")
        wh.execute(f"INSERT INTO core.lead_merges SELECT from_lead_id, into_lead_id, reason, ?, ? "
                   f"FROM {merged}", [run_id, now])
    with wh.registered(applied) as done:
        wh.execute(f"UPDATE core.match_feedback SET applied_run_id = ?, applied_at = ? "
                   f"WHERE feedback_id IN (SELECT feedback_id FROM {done})", [run_id, now])
    return {"records_moved": moves.height, "leads_merged": merges.height, "verdicts_applied": applied.height}


SUPERSEDE = """
INSERT INTO core.superseded_records
SELECT s.source_file, s.source_record_id, s.file_sha256, s.source_row, '{outcome}', {lead_id}, {reason},
       to_json(s)::VARCHAR, s.superseded_by_sha256, ?, ?
FROM ({replaced}) s
"""

REMOVE_SUPERSEDED = """
DELETE FROM {table} s WHERE EXISTS (
  SELECT 1 FROM core.superseded_records x
  WHERE x.source_file = s.source_file AND x.source_record_id = s.source_record_id
    AND x.file_sha256 = s.file_sha256 AND x.run_id = ?)
"""


def _supersede_earlier_versions(wh: WarehouseSession, run_id: str, now: datetime) -> int:
    """Move earlier versions of the records a corrected file re-sends (same path and record id; every
    positional record of the earlier version) out of
    core.lead_sources and quarantine.rejected_rows into core.superseded_records, and count them on the
    earlier file versions. Returns how many were superseded."""
    for table, outcome, lead_id, reason in (("core.lead_sources", "accepted", "s.lead_id", "NULL"),
                                            ("quarantine.rejected_rows", "rejected", "NULL", "s.reason")):
        wh.execute(SUPERSEDE.format(replaced=superseded_rows_sql(table), outcome=outcome, lead_id=lead_id,
                                    reason=reason), [now, run_id])
        wh.execute(REMOVE_SUPERSEDED.format(table=table), [run_id])
    wh.execute(
        f"""
        UPDATE core.import_files f SET superseded_at = ?, {LEAD_FILE_COUNTS},
          records_superseded = (SELECT count(*) FROM core.superseded_records x
                                WHERE x.source_file = f.source_file AND x.file_sha256 = f.file_sha256)
        WHERE (f.source_file, f.file_sha256) IN (SELECT source_file, file_sha256 FROM core.superseded_records
                                                 WHERE run_id = ?)
        """,
        [now, run_id],
    )
    return wh.scalar("SELECT count(*) FROM core.superseded_records WHERE run_id = ?", [run_id])


def _drop_emptied_leads(wh: WarehouseSession, run_id: str, now: datetime) -> int:
    """A lead whose every record a corrected file replaced (or rejected) has nothing left: it leaves
    core.leads and core.lead_merges records where it went (nowhere); its id is never issued again."""
    emptied = wh.query(
        """
        SELECT DISTINCT x.lead_id FROM core.superseded_records x
        WHERE x.run_id = ? AND x.lead_id IS NOT NULL
          AND x.lead_id NOT IN (SELECT lead_id FROM core.lead_sources)
          AND x.lead_id IN (SELECT lead_id FROM core.leads)
        """,
        [run_id],
    )
    if emptied.height:
        with wh.registered(emptied) as gone:
            wh.execute(f"DELETE FROM core.leads WHERE lead_id IN (SELECT lead_id FROM {gone})")
            wh.execute(f"INSERT INTO core.lead_merges SELECT lead_id, NULL, "
                       f"'every record replaced by a corrected file version', ?, ? FROM {gone}", [run_id, now])
    return emptied.height


def _open_reviews(wh: WarehouseSession, decisions: pl.DataFrame, run_id: str, now: datetime) -> int:
    """Pairs of this run's review band (or kept apart by a guard) that no one has ruled on yet, with a short
    description of each side and each side's lead, into core.match_review."""
    review = decisions.filter(pl.col("decision") == "review").select(
        "left_key", "right_key", "left_kind", "right_kind", "match_probability", "total_score", "reason")
    if review.height == 0:
        return 0
    with wh.registered(review) as pending:
        before = wh.scalar("SELECT count(*) FROM core.match_review")
        wh.execute(
            f"""
            INSERT INTO core.match_review
            WITH people AS (
              SELECT source_file || '#' || source_record_id AS record_key, lead_id,
                     concat_ws(' ', first_name, last_name) || coalesce(', ' || company, '') AS summary
              FROM core.lead_sources
              UNION ALL
              SELECT record_key, NULL, concat_ws(' ', first_name, last_name) || coalesce(', ' || company, '')
              FROM staging.crm_people
            )
            SELECT p.left_key, p.right_key, p.left_kind, p.right_kind, l.lead_id, r.lead_id, p.match_probability,
                   p.total_score, p.reason, l.summary, r.summary, 'open', ?, ?, NULL
            FROM {pending} p
            LEFT JOIN people l ON l.record_key = p.left_key LEFT JOIN people r ON r.record_key = p.right_key
            WHERE NOT EXISTS (
              SELECT 1 FROM core.match_review x
              WHERE least(x.left_key, x.right_key) = least(p.left_key, p.right_key)
                AND greatest(x.left_key, x.right_key) = greatest(p.left_key, p.right_key))
              AND NOT EXISTS (
              SELECT 1 FROM core.match_feedback f
              WHERE least(f.left_key, f.right_key) = least(p.left_key, p.right_key)
                AND greatest(f.left_key, f.right_key) = greatest(p.left_key, p.right_key))
            """,
            [run_id, now],
        )
        return wh.scalar("SELECT count(*) FROM core.match_review") - before


def rebuild_lead_funnel(wh: WarehouseSession) -> int:
    """Recreate marts.lead_funnel from core.leads (see warehouse/sql/lead_funnel.sql)."""
    wh.run_script(resources.files("warehouse").joinpath("sql/lead_funnel.sql").read_text(encoding="utf-8"))
    return wh.scalar("SELECT count(*) FROM marts.lead_funnel")
