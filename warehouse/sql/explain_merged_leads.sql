-- leads merged into one lead ($lead_id), oldest first
SELECT from_lead_id, reason, merged_at FROM core.lead_merges WHERE into_lead_id = $lead_id
ORDER BY merged_at, from_lead_id
