-- the records of the leads in `conversion_leads` (the export's candidates): when, their notes and their opt-in
SELECT lead_id, touch_at, notes, opt_in FROM core.lead_sources
WHERE lead_id IN (SELECT lead_id FROM conversion_leads)
ORDER BY lead_id, touch_at, source_file, source_record_id
