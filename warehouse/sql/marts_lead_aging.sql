-- marts.lead_aging: open leads by age band x rank x owner, ages measured to the newest date in the data (docs/marts.md).
CREATE OR REPLACE TABLE marts.lead_aging AS
WITH as_of AS (
    SELECT CAST(greatest(coalesce((SELECT max(last_touch_at) FROM core.leads), TIMESTAMP '1970-01-01'),
                         coalesce((SELECT max(created_at) FROM core.lead_opportunities), TIMESTAMP '1970-01-01'))
                AS DATE) AS as_of
),
open_leads AS (
    SELECT o.rank, o.owner, o.status, a.as_of,
           greatest(date_diff('day', o.created_on, a.as_of), 0) AS age_days,
           greatest(date_diff('day', o.last_touch_on, a.as_of), 0) AS days_since_touch
    FROM marts.lead_outcomes o CROSS JOIN as_of a
    WHERE o.is_open
),
banded AS (
    SELECT *,
           CASE WHEN age_days <= 7 THEN 1 WHEN age_days <= 30 THEN 2 WHEN age_days <= 90 THEN 3
                WHEN age_days <= 180 THEN 4 ELSE 5 END AS age_band_order
    FROM open_leads
)
SELECT any_value(as_of) AS as_of,
       ['0-7 days', '8-30 days', '31-90 days', '91-180 days', 'over 180 days'][age_band_order] AS age_band,
       age_band_order, rank, owner,
       count(*) AS open_leads,
       count(*) FILTER (WHERE status = 'Qualified') AS qualified,
       median(age_days) AS median_age_days,
       max(age_days) AS oldest_age_days,
       median(days_since_touch) AS days_since_touch_median
FROM banded
GROUP BY age_band_order, rank, owner
ORDER BY age_band_order, rank, owner
