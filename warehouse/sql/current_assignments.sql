-- each lead's current assignment
SELECT lead_id, owner, team, territory, rule_id FROM core.assignments WHERE is_current
