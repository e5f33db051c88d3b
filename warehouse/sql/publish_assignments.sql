-- the leads of `new_assignments` get them as their current assignment; the earlier one ends now
UPDATE core.assignments SET is_current = false, ended_at = $now
WHERE is_current AND lead_id IN (SELECT lead_id FROM new_assignments);
INSERT INTO core.assignments BY NAME
SELECT *, true AS is_current, $run_id AS run_id FROM new_assignments;
-- assignments of leads no longer in core.leads (merged away, emptied) end too
UPDATE core.assignments SET is_current = false, ended_at = $now
WHERE is_current AND lead_id NOT IN (SELECT lead_id FROM core.leads)
