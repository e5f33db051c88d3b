-- the published rows of the leads `requalify_leads` chose, in lead_id order
SELECT * FROM core.leads WHERE lead_id IN (SELECT lead_id FROM requalify) ORDER BY lead_id
