-- how many of this import's records core.lead_sources is about to receive (insert_lead_sources)
SELECT count(*) FROM staging.normalized_records JOIN staging.lead_assignments USING (record_key)
