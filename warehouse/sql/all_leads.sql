-- every published lead (each run re-evaluates them all)
SELECT * FROM core.leads ORDER BY lead_id
