-- all published source records of the leads in `wanted_leads` (lead_id), with the lead's CRM links and the
-- record's source label (campaign_response, or telemarketer/<vendor>)
SELECT ls.*, l.contact_id, l.crm_lead_id,
       CASE WHEN ls.source_type = 'telemarketer' THEN 'telemarketer/' || ls.vendor ELSE ls.source_type END AS source
FROM core.lead_sources ls JOIN core.leads l USING (lead_id)
WHERE ls.lead_id IN (SELECT lead_id FROM wanted_leads)
