"""What one import run did, read back from the warehouse for the CLI summary (counts only, no personal data)."""

from __future__ import annotations

from warehouse.connection import WarehouseSession


def run_summary(wh: WarehouseSession, run_id: str) -> dict:
    one = lambda sql: wh.scalar(sql, [run_id]) or 0  # noqa: E731
    reasons = wh.query(
        "SELECT reason, count(*) AS n FROM quarantine.rejected_rows WHERE run_id = ? GROUP BY reason "
        "ORDER BY n DESC, reason LIMIT 5", [run_id])
    refused = wh.query(
        "SELECT source_file, reason FROM core.import_files WHERE run_id = ? AND status = 'refused' "
        "ORDER BY source_file", [run_id])
    return {
        "files_imported": one("SELECT count(*) FROM core.import_files WHERE run_id = ? AND status = 'imported' "
                              "AND source_type <> 'crm'"),
        "crm_files_imported": one("SELECT count(*) FROM core.import_files WHERE run_id = ? AND status = 'imported' "
                                  "AND source_type = 'crm'"),
        "files_refused": [tuple(r) for r in refused.iter_rows()],
        "records_read": one("SELECT sum(records_read) FROM core.import_files WHERE run_id = ? "
                            "AND source_type <> 'crm' AND status = 'imported'"),
        "records_accepted": one("SELECT count(*) FROM core.lead_sources WHERE run_id = ?"),
        "records_quarantined": one("SELECT count(*) FROM quarantine.rejected_rows WHERE run_id = ? "
                                   "AND source_type <> 'crm'"),
        "crm_records_quarantined": one("SELECT count(*) FROM quarantine.rejected_rows WHERE run_id = ? "
                                       "AND source_type = 'crm'"),
        "top_reasons": [tuple(r) for r in reasons.iter_rows()],
        "records_cleaned": one("SELECT count(*) FROM core.lead_sources WHERE run_id = ? AND cleaning_notes IS NOT NULL"),
        "records_superseded": one("SELECT count(*) FROM core.superseded_records WHERE run_id = ?"),
        "files_duplicate": one("SELECT count(*) FROM core.import_files WHERE run_id = ? AND status = 'duplicate'"),
        "leads_do_not_contact": one(
            "SELECT count(*) FROM core.leads WHERE do_not_contact AND lead_id IN "
            "(SELECT lead_id FROM core.lead_sources WHERE run_id = ?)"),
        "leads_created": one("SELECT count(*) FROM core.lead_status_history WHERE run_id = ? AND rule_id = 'new-lead'"),
        "records_merged_into_existing_leads": one(
            "SELECT count(*) FROM core.lead_sources s WHERE s.run_id = ? AND s.lead_id IN "
            "(SELECT lead_id FROM core.lead_sources WHERE run_id <> s.run_id)"),
        "leads_touched": one("SELECT count(DISTINCT lead_id) FROM core.lead_sources WHERE run_id = ?"),
        "leads_matched_to_crm_contacts": one(
            "SELECT count(*) FROM core.leads WHERE contact_id IS NOT NULL AND lead_id IN "
            "(SELECT lead_id FROM core.lead_sources WHERE run_id = ?)"),
        "leads_matched_to_crm_leads": one(
            "SELECT count(*) FROM core.leads WHERE crm_lead_id IS NOT NULL AND lead_id IN "
            "(SELECT lead_id FROM core.lead_sources WHERE run_id = ?)"),
        "leads_on_crm_accounts": one(
            "SELECT count(*) FROM core.leads l JOIN core.accounts a USING (account_id) WHERE a.account_source = 'crm' "
            "AND l.lead_id IN (SELECT lead_id FROM core.lead_sources WHERE run_id = ?)"),
        "leads_qualified": one("SELECT count(DISTINCT lead_id) FROM core.lead_status_history WHERE run_id = ? "
                               "AND to_status = 'Qualified'"),
        "leads_converted": one("SELECT count(DISTINCT lead_id) FROM core.lead_status_history WHERE run_id = ? "
                               "AND to_status = 'Converted'"),
        "total_leads": wh.scalar("SELECT count(*) FROM core.leads"),
        "verdicts_applied": one("SELECT count(*) FROM core.match_feedback WHERE applied_run_id = ?"),
        "records_moved_by_verdicts": one("SELECT count(*) FROM core.lead_source_moves WHERE run_id = ?"),
        "leads_merged_by_verdicts": one("SELECT count(*) FROM core.lead_merges WHERE run_id = ?"),
        "pairs_for_review": one("SELECT count(*) FROM core.match_review WHERE run_id = ?"),
        "pairs_waiting_for_review": wh.scalar("SELECT count(*) FROM core.match_review WHERE status = 'open'"),
    }
