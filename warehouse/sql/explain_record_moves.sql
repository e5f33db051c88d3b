-- records moved to or from one lead ($lead_id) by re-clustering (reviewer verdicts, corrected files), oldest first
SELECT source_file || '#' || source_record_id AS record_key, from_lead_id, to_lead_id, reason, moved_at
FROM core.lead_source_moves WHERE from_lead_id = $lead_id OR to_lead_id = $lead_id
ORDER BY moved_at, record_key
