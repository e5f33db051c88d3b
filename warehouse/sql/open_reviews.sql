-- pairs waiting for a person's verdict, most likely matches first ($limit rows; NULL: all)
SELECT left_key, right_key, round(match_probability, 4) AS match_probability, reason, left_summary, right_summary,
       left_lead_id, right_lead_id, created_at
FROM core.match_review WHERE status = 'open' ORDER BY match_probability DESC, left_key, right_key LIMIT $limit
