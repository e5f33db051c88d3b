-- The funnel report's weekly counts (leadflow/report/marts.py names the columns it reads).
SELECT week_start, leads, qualified, converted, won
FROM marts.lead_funnel
ORDER BY week_start, source, campaign_id
