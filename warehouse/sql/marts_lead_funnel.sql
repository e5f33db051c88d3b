-- marts.lead_funnel (week x source x campaign) and marts.lead_funnel_detail (... x vendor x channel x owner x
-- territory x rank), the same measures computed once over both groupings (docs/marts.md).
CREATE OR REPLACE TEMP TABLE funnel_cells AS
SELECT grouping(vendor, channel, owner, territory, rank) = 0 AS is_detail,
       week_start, source, campaign_id, campaign_name, vendor, channel, owner, territory, rank,
       count(*) AS leads,
       count(*) FILTER (WHERE is_qualified) AS qualified,
       count(*) FILTER (WHERE is_converted) AS converted,
       count(*) FILTER (WHERE is_won) AS won,
       count(*) FILTER (WHERE is_retired) AS retired,
       round(count(*) FILTER (WHERE is_qualified) / count(*), 4) AS qualification_rate,
       round(count(*) FILTER (WHERE is_converted) / count(*), 4) AS conversion_rate,
       round(count(*) FILTER (WHERE is_converted) / nullif(count(*) FILTER (WHERE is_qualified), 0), 4)
           AS qualified_to_converted_rate,
       round(count(*) FILTER (WHERE is_won) / count(*), 4) AS win_rate,
       median(days_to_qualify) FILTER (WHERE is_qualified) AS median_days_to_qualify,
       median(days_to_convert) FILTER (WHERE is_converted) AS median_days_to_convert,
       median(days_to_win) FILTER (WHERE is_won) AS median_days_to_win
FROM marts.lead_outcomes
GROUP BY GROUPING SETS ((week_start, source, campaign_id, campaign_name),
                        (week_start, source, campaign_id, campaign_name, vendor, channel, owner, territory, rank));

CREATE OR REPLACE TABLE marts.lead_funnel AS
SELECT * EXCLUDE (is_detail, vendor, channel, owner, territory, rank)
FROM funnel_cells WHERE NOT is_detail
ORDER BY week_start, source, campaign_id NULLS LAST;

CREATE OR REPLACE TABLE marts.lead_funnel_detail AS
SELECT * EXCLUDE (is_detail)
FROM funnel_cells WHERE is_detail
ORDER BY ALL NULLS LAST;

DROP TABLE funnel_cells
