-- verdicts no run has applied yet
SELECT feedback_id, left_key, right_key, verdict FROM core.match_feedback WHERE applied_run_id IS NULL
ORDER BY feedback_id
