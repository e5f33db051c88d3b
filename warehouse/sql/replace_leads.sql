-- the leads this import changed (`changed_leads`: lead_id) are written anew
DELETE FROM core.leads WHERE lead_id IN (SELECT lead_id FROM changed_leads)
