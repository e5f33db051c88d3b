-- the lead of each record key in `keys` (key) that is a lead record, with that lead's CRM links
SELECT s.record_key, s.lead_id, l.contact_id, l.crm_lead_id
FROM core.lead_sources s JOIN core.leads l USING (lead_id)
WHERE s.record_key IN (SELECT key FROM keys)
