-- open reviews of the pairs just decided (`decided`: left_key, right_key, verdict) are closed
UPDATE core.match_review r SET decided_at = $now,
  status = CASE d.verdict WHEN 'accept' THEN 'accepted' ELSE 'rejected' END
FROM decided d
WHERE r.status = 'open' AND least(r.left_key, r.right_key) = least(d.left_key, d.right_key)
  AND greatest(r.left_key, r.right_key) = greatest(d.left_key, d.right_key)
