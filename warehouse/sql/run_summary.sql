-- what one import run ($run_id) did, as counts (no personal data)
WITH run_sources AS (SELECT lead_id, run_id, cleaning_notes FROM core.lead_sources WHERE run_id = $run_id),
run_leads AS (SELECT DISTINCT lead_id FROM run_sources),
run_files AS (SELECT * FROM core.import_files WHERE run_id = $run_id)
SELECT
  (SELECT count(*) FROM run_files WHERE status = 'imported' AND source_type <> 'crm') AS files_imported,
  (SELECT count(*) FROM run_files WHERE status = 'imported' AND source_type = 'crm') AS crm_files_imported,
  (SELECT coalesce(sum(records_read), 0) FROM run_files WHERE status = 'imported' AND source_type <> 'crm')
    AS records_read,
  (SELECT count(*) FROM run_sources) AS records_accepted,
  (SELECT count(*) FROM quarantine.rejected_rows WHERE run_id = $run_id AND source_type <> 'crm')
    AS records_quarantined,
  (SELECT count(*) FROM quarantine.rejected_rows WHERE run_id = $run_id AND source_type = 'crm')
    AS crm_records_quarantined,
  (SELECT count(*) FROM run_sources WHERE cleaning_notes IS NOT NULL) AS records_cleaned,
  (SELECT count(*) FROM core.superseded_records WHERE run_id = $run_id) AS records_superseded,
  (SELECT count(*) FROM run_files WHERE status = 'duplicate') AS files_duplicate,
  (SELECT count(*) FROM core.leads WHERE do_not_contact AND lead_id IN (SELECT lead_id FROM run_leads))
    AS leads_do_not_contact,
  (SELECT count(*) FROM core.lead_status_history WHERE run_id = $run_id AND rule_id = 'new-lead') AS leads_created,
  (SELECT count(*) FROM run_sources s WHERE s.lead_id IN
     (SELECT lead_id FROM core.lead_sources WHERE run_id <> $run_id)) AS records_merged_into_existing_leads,
  (SELECT count(*) FROM run_leads) AS leads_touched,
  (SELECT count(*) FROM core.leads WHERE contact_id IS NOT NULL AND lead_id IN (SELECT lead_id FROM run_leads))
    AS leads_matched_to_crm_contacts,
  (SELECT count(*) FROM core.leads WHERE crm_lead_id IS NOT NULL AND lead_id IN (SELECT lead_id FROM run_leads))
    AS leads_matched_to_crm_leads,
  (SELECT count(*) FROM core.leads l JOIN core.accounts a USING (account_id)
   WHERE a.account_source = 'crm' AND l.lead_id IN (SELECT lead_id FROM run_leads)) AS leads_on_crm_accounts,
  (SELECT count(DISTINCT lead_id) FROM core.lead_status_history WHERE run_id = $run_id AND to_status = 'Qualified')
    AS leads_qualified,
  (SELECT count(DISTINCT lead_id) FROM core.lead_status_history WHERE run_id = $run_id AND to_status = 'Converted')
    AS leads_converted,
  (SELECT count(*) FROM core.leads) AS total_leads,
  (SELECT count(*) FROM core.match_feedback WHERE applied_run_id = $run_id) AS verdicts_applied,
  (SELECT count(*) FROM core.lead_source_moves WHERE run_id = $run_id AND reason = 'reviewer verdict')
    AS records_moved_by_verdicts,
  (SELECT count(*) FROM core.lead_merges WHERE run_id = $run_id AND reason = 'reviewer verdict')
    AS leads_merged_by_verdicts,
  (SELECT count(*) FROM core.match_review WHERE run_id = $run_id) AS pairs_for_review,
  (SELECT count(*) FROM core.match_review WHERE status = 'open') AS pairs_waiting_for_review
