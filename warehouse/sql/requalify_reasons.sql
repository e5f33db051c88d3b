-- how many leads `requalify_leads` chose for each reason (a lead can have several)
SELECT reason, count(DISTINCT lead_id) AS leads FROM requalify GROUP BY reason ORDER BY reason
