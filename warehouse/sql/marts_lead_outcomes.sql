-- marts.lead_outcomes: one row per lead with what the funnel marts count (docs/marts.md); no personal data.
CREATE OR REPLACE TABLE marts.lead_outcomes AS
WITH first_records AS (  -- where the lead's first record came from: the input source and telemarketing vendor
    SELECT lead_id, source_type, CASE WHEN source_type = 'telemarketer' THEN vendor END AS vendor
    FROM core.lead_sources
    QUALIFY row_number() OVER (PARTITION BY lead_id ORDER BY touch_at NULLS LAST, source_file, source_record_id) = 1
),
direct AS (
    SELECT lead_id, count(*) AS opportunities, bool_or(is_won) AS is_won,
           min(closed_at) FILTER (WHERE is_won) AS won_at
    FROM core.lead_opportunities
    WHERE link_via <> 'account'
    GROUP BY lead_id
)
SELECT l.lead_id,
       CAST(date_trunc('week', l.created_at) AS DATE) AS week_start,
       l.source,
       f.source_type, f.vendor,
       l.campaign_id, c.name AS campaign_name, coalesce(c.channel, l.campaign_channel) AS channel,
       l.owner, l.territory, l.rank, l.status,
       CAST(l.created_at AS DATE) AS created_on,
       CAST(l.last_touch_at AS DATE) AS last_touch_on,
       l.qualified_at IS NOT NULL OR l.status = 'Converted' AS is_qualified,
       l.status = 'Converted' AS is_converted,
       coalesce(d.is_won, false) AS is_won,
       l.status = 'Retired' AS is_retired,
       l.status IN ('Unqualified', 'Qualified') AS is_open,
       -- days never below 0 (an event dated before the lead); NULL when it did not happen (greatest() skips NULLs)
       CASE WHEN l.qualified_at IS NOT NULL OR l.converted_at IS NOT NULL
            THEN greatest(date_diff('day', l.created_at, coalesce(l.qualified_at, l.converted_at)), 0)
       END AS days_to_qualify,
       CASE WHEN l.converted_at IS NOT NULL THEN greatest(date_diff('day', l.created_at, l.converted_at), 0)
       END AS days_to_convert,
       CASE WHEN d.won_at IS NOT NULL THEN greatest(date_diff('day', l.created_at, d.won_at), 0) END AS days_to_win,
       coalesce(d.opportunities, 0) AS opportunities
FROM core.leads l
LEFT JOIN first_records f USING (lead_id)
LEFT JOIN direct d USING (lead_id)
LEFT JOIN core.campaigns c USING (campaign_id)
