-- records re-clustering moved (`moves`: record_key, from_lead_id, to_lead_id, reason): recorded, then moved
INSERT INTO core.lead_source_moves BY NAME
SELECT s.source_file, s.source_record_id, m.from_lead_id, m.to_lead_id, m.reason, $run_id AS run_id,
       $now AS moved_at
FROM core.lead_sources s JOIN moves m ON s.record_key = m.record_key;
UPDATE core.lead_sources s SET lead_id = m.to_lead_id FROM moves m WHERE s.record_key = m.record_key
