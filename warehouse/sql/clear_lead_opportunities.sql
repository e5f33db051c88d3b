-- core.lead_opportunities is rebuilt whole from the current CRM snapshot at each run
DELETE FROM core.lead_opportunities
