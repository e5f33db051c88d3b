-- this import's accepted records with the lead each joined, its best match probability and reason, joined inside
-- the warehouse from the staging tables this run's steps wrote: a million records are not read into Python to be
-- copied back. $columns: the columns of staging.normalized_records that core.lead_sources has.
INSERT INTO core.lead_sources BY NAME
SELECT n.*, a.lead_id, a.match_score, a.match_reason, $run_id AS run_id, $now AS loaded_at
FROM (SELECT COLUMNS(lambda c: list_contains($columns, c)) FROM staging.normalized_records) n
JOIN (SELECT record_key, lead_id, match_score, match_reason FROM staging.lead_assignments) a USING (record_key)
