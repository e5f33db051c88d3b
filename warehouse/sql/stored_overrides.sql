-- overrides people set, oldest first (the newest per lead and field is in force)
SELECT lead_id, field, value, source, note FROM core.lead_overrides ORDER BY set_at, rowid
