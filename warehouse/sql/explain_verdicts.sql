-- reviewers' verdicts on pairs involving one lead's records ($lead_id): the latest verdict on each pair, with the
-- lead's record first; applied_at NULL: it takes effect on the next run
WITH own AS (SELECT record_key FROM core.lead_sources WHERE lead_id = $lead_id),
latest AS (
    SELECT * FROM core.match_feedback
    WHERE left_key IN (SELECT record_key FROM own) OR right_key IN (SELECT record_key FROM own)
    QUALIFY row_number() OVER (PARTITION BY least(left_key, right_key), greatest(left_key, right_key)
                               ORDER BY decided_at DESC) = 1
)
SELECT CASE WHEN left_key IN (SELECT record_key FROM own) THEN left_key ELSE right_key END AS own_key,
       CASE WHEN left_key IN (SELECT record_key FROM own) THEN right_key ELSE left_key END AS other_key,
       verdict, reviewer, note, source, decided_at, applied_at
FROM latest ORDER BY decided_at, own_key, other_key
