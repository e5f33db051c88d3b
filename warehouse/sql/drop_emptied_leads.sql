-- a lead whose every record a corrected file replaced (or rejected) has nothing left: it leaves core.leads and
-- core.lead_merges records where it went (nowhere); its id is never issued again
INSERT INTO core.lead_merges BY NAME
SELECT DISTINCT x.lead_id AS from_lead_id, NULL AS into_lead_id,
       'every record replaced by a corrected file version' AS reason, $run_id AS run_id, $now AS merged_at
FROM core.superseded_records x
WHERE x.run_id = $run_id AND x.lead_id IS NOT NULL
  AND x.lead_id NOT IN (SELECT lead_id FROM core.lead_sources)
  AND x.lead_id IN (SELECT lead_id FROM core.leads);
DELETE FROM core.leads WHERE lead_id IN (
  SELECT from_lead_id FROM core.lead_merges WHERE run_id = $run_id AND into_lead_id IS NULL)
