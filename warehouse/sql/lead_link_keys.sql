-- what links a published lead to CRM opportunities: its ids in the CRM, its account and when it was first touched
SELECT lead_id, crm_lead_id, contact_id, account_id, created_at, first_touch_at
FROM core.leads
ORDER BY lead_id
