-- the current assignment of each lead in `wanted_leads` (lead_id)
SELECT lead_id, owner, team, territory, rule_id FROM core.assignments
WHERE is_current AND lead_id IN (SELECT lead_id FROM wanted_leads)
