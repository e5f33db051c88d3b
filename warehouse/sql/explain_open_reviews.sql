-- pairs involving one lead ($lead_id: one of its records or the lead itself) that wait for a person's verdict,
-- with the lead's side first
WITH own AS (SELECT record_key FROM core.lead_sources WHERE lead_id = $lead_id),
pairs AS (
    SELECT *, (left_key IN (SELECT record_key FROM own) OR left_lead_id = $lead_id) AS left_is_own
    FROM core.match_review
    WHERE status = 'open'
      AND (left_key IN (SELECT record_key FROM own) OR right_key IN (SELECT record_key FROM own)
           OR left_lead_id = $lead_id OR right_lead_id = $lead_id)
)
SELECT CASE WHEN left_is_own THEN left_key ELSE right_key END AS own_key,
       CASE WHEN left_is_own THEN right_key ELSE left_key END AS other_key,
       CASE WHEN left_is_own THEN right_lead_id ELSE left_lead_id END AS other_lead_id,
       CASE WHEN left_is_own THEN right_summary ELSE left_summary END AS other_summary,
       match_probability, reason, created_at
FROM pairs ORDER BY match_probability DESC, own_key, other_key
