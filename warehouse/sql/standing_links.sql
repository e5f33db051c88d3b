-- the match edges that once put records of the leads in `wanted_leads` together (both ends still in the same
-- lead), strongest first
WITH members AS (
  SELECT record_key, lead_id FROM core.lead_sources WHERE lead_id IN (SELECT lead_id FROM wanted_leads)
)
SELECT d.left_key, d.right_key, max(d.match_probability) AS p
FROM core.match_decisions d
JOIN members l ON l.record_key = d.left_key JOIN members r ON r.record_key = d.right_key AND r.lead_id = l.lead_id
WHERE d.decision = 'match'
GROUP BY ALL ORDER BY p DESC, d.left_key, d.right_key
