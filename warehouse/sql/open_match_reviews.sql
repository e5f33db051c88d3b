-- pairs of this run's review band (`review_pairs`) that no one has listed or ruled on yet, with a short
-- description of each side (lead records, or CRM people from `crm_people`) and each side's lead
-- (only the records the pairs name are described: in a warehouse of millions of records, describing them all would
-- not fit the session's memory next to the publish transaction's own rows)
INSERT INTO core.match_review BY NAME
WITH named AS (SELECT left_key AS record_key FROM review_pairs UNION SELECT right_key FROM review_pairs),
people AS (
  SELECT record_key, lead_id, concat_ws(' ', first_name, last_name) || coalesce(', ' || company, '') AS summary
  FROM core.lead_sources WHERE record_key IN (SELECT record_key FROM named)
  UNION ALL
  SELECT record_key, NULL, concat_ws(' ', first_name, last_name) || coalesce(', ' || company, '')
  FROM crm_people WHERE record_key IN (SELECT record_key FROM named)
)
SELECT p.left_key, p.right_key, p.left_kind, p.right_kind, l.lead_id AS left_lead_id, r.lead_id AS right_lead_id,
       p.match_probability, p.total_score, p.reason, l.summary AS left_summary, r.summary AS right_summary,
       'open' AS status, $run_id AS run_id, $now AS created_at
FROM review_pairs p
LEFT JOIN people l ON l.record_key = p.left_key LEFT JOIN people r ON r.record_key = p.right_key
WHERE NOT EXISTS (
  SELECT 1 FROM core.match_review x
  WHERE least(x.left_key, x.right_key) = least(p.left_key, p.right_key)
    AND greatest(x.left_key, x.right_key) = greatest(p.left_key, p.right_key))
  AND NOT EXISTS (
  SELECT 1 FROM core.match_feedback f
  WHERE least(f.left_key, f.right_key) = least(p.left_key, p.right_key)
    AND greatest(f.left_key, f.right_key) = greatest(p.left_key, p.right_key))
