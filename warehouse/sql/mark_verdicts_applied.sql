-- reviewer verdicts this run applied for the first time (`applied`: feedback_id)
UPDATE core.match_feedback SET applied_run_id = $run_id, applied_at = $now
WHERE feedback_id IN (SELECT feedback_id FROM applied)
