-- the five most frequent quarantine reasons of a run
SELECT reason, count(*) AS n FROM quarantine.rejected_rows WHERE run_id = $run_id
GROUP BY reason ORDER BY n DESC, reason LIMIT 5
