-- the leads linked to a CRM contact or CRM lead (warehouse.state.known_lead_records)
SELECT lead_id, contact_id, crm_lead_id FROM core.leads WHERE contact_id IS NOT NULL OR crm_lead_id IS NOT NULL
