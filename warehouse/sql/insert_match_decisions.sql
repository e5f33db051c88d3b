-- this run's match decisions, from the table the match step wrote (staging.match_decisions), leaving out the pairs
-- with a replaced earlier version of a record (key ending in $earlier_version): they only served to find its
-- corrected record's lead this run. $columns: the columns of staging.match_decisions that core.match_decisions has.
INSERT INTO core.match_decisions BY NAME
SELECT COLUMNS(lambda c: list_contains($columns, c)), $run_id AS run_id, $now AS decided_at
FROM staging.match_decisions
WHERE NOT regexp_matches(left_key, $earlier_version) AND NOT regexp_matches(right_key, $earlier_version)
