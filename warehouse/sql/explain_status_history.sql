-- one lead's status changes ($lead_id) in the order they were made: run by run, each run's changes as applied
SELECT from_status, to_status, changed_at, reason, rule_id, rules_version, recorded_at
FROM core.lead_status_history WHERE lead_id = $lead_id
ORDER BY recorded_at, rowid
