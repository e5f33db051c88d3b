-- leads emptied by re-clustering (`merges`: from_lead_id, into_lead_id, reason) leave core.leads; where their
-- records went is recorded
DELETE FROM core.leads WHERE lead_id IN (SELECT from_lead_id FROM merges);
INSERT INTO core.lead_merges BY NAME
SELECT from_lead_id, into_lead_id, reason, $run_id AS run_id, $now AS merged_at FROM merges
