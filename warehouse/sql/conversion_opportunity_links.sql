-- the CRM opportunities linked to the leads in `conversion_leads` (the export's candidates), every kind of link
SELECT lead_id, opportunity_id, stage, link_via, created_at FROM core.lead_opportunities
WHERE lead_id IN (SELECT lead_id FROM conversion_leads)
ORDER BY lead_id, created_at, opportunity_id
