-- one lead's assignments ($lead_id): the current one first, then the earlier ones, newest first
SELECT owner, team, territory, rule_id, reason, rules_version, assigned_at, ended_at, is_current
FROM core.assignments WHERE lead_id = $lead_id
ORDER BY is_current DESC, assigned_at DESC
