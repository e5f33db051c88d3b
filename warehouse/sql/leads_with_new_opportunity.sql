-- leads not yet Converted that an opportunity of the CRM snapshot (`crm_opportunities`) now points at, by lead
-- id, CRM lead id or contact id
SELECT DISTINCT l.lead_id FROM core.leads l JOIN crm_opportunities o
  ON o.lead_id = l.lead_id OR o.lead_id = l.crm_lead_id OR o.contact_id = l.contact_id
WHERE l.status <> 'Converted'
