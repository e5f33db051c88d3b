-- the latest verdict per unordered pair of record keys
SELECT feedback_id, left_key, right_key, verdict, applied_run_id FROM (
  SELECT *, row_number() OVER (PARTITION BY least(left_key, right_key), greatest(left_key, right_key)
                               ORDER BY decided_at DESC, feedback_id DESC) AS n
  FROM core.match_feedback) WHERE n = 1
ORDER BY least(left_key, right_key), greatest(left_key, right_key)
