-- the pairs this run's matching left for a person (decision 'review'), from staging.match_decisions, without the
-- pairs of a replaced earlier version of a record (key ending in $earlier_version)
SELECT left_key, right_key, left_kind, right_kind, match_probability, total_score, reason
FROM staging.match_decisions
WHERE decision = 'review'
  AND NOT regexp_matches(left_key, $earlier_version) AND NOT regexp_matches(right_key, $earlier_version)
