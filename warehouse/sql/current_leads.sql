-- the published rows of the leads in `wanted_leads` (lead_id)
SELECT * FROM core.leads WHERE lead_id IN (SELECT lead_id FROM wanted_leads)
