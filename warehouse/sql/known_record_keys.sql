-- which of the record keys in `keys` (key) name a record leadflow knows (a lead record or a compared record)
SELECT k FROM (
  SELECT record_key AS k FROM core.lead_sources
  UNION SELECT left_key FROM core.match_decisions UNION SELECT right_key FROM core.match_decisions
) WHERE k IN (SELECT key FROM keys)
