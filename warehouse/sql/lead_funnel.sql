-- marts.lead_funnel: one row per (week the lead was created, first-touch source, first-touch campaign).
-- qualified counts leads that reached Qualified at some point or were converted; rates are shares of leads.
CREATE OR REPLACE TABLE marts.lead_funnel AS
WITH leads AS (
    SELECT l.lead_id, CAST(date_trunc('week', l.created_at) AS DATE) AS week_start, l.source, l.campaign_id,
           l.status, l.created_at, l.qualified_at, l.converted_at, l.retired_at
    FROM core.leads l
),
campaigns AS (
    SELECT campaign_id, any_value(name) AS campaign_name FROM raw.crm_campaigns GROUP BY campaign_id
),
funnel AS (
    SELECT week_start, source, campaign_id,
           count(*) AS leads,
           count(*) FILTER (WHERE qualified_at IS NOT NULL OR status = 'Converted') AS qualified,
           count(*) FILTER (WHERE status = 'Converted') AS converted,
           count(*) FILTER (WHERE status = 'Retired') AS retired,
           median(date_diff('day', created_at, qualified_at)) AS median_days_to_qualify,
           median(date_diff('day', created_at, converted_at)) AS median_days_to_convert
    FROM leads
    GROUP BY week_start, source, campaign_id
)
SELECT f.week_start, f.source, f.campaign_id, c.campaign_name, f.leads, f.qualified, f.converted, f.retired,
       round(f.qualified / f.leads, 4) AS qualification_rate,
       round(f.converted / f.leads, 4) AS conversion_rate,
       round(f.converted / nullif(f.qualified, 0), 4) AS qualified_to_converted_rate,
       f.median_days_to_qualify, f.median_days_to_convert
FROM funnel f LEFT JOIN campaigns c USING (campaign_id)
ORDER BY f.week_start, f.source, f.campaign_id
