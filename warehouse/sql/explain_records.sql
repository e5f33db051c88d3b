-- the source records of one lead ($lead_id), oldest touch first: key (inbox-relative file # record id), what
-- the touch was, and the match that put the record in this lead
SELECT record_key, source_file, source_record_id, source_type, vendor, touch_at, campaign_id, response_type,
       disposition, match_score, match_reason, cleaning_notes
FROM core.lead_sources WHERE lead_id = $lead_id
ORDER BY touch_at NULLS LAST, record_key
