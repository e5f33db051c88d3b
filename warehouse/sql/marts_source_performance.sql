-- marts.source_performance: one row per source x telemarketing vendor (docs/marts.md).
CREATE OR REPLACE TABLE marts.source_performance AS
-- A record is a duplicate unless it is its lead's first (marts.lead_outcomes names the source and vendor of each
-- lead's first record): a group's duplicates are its accepted records less the leads whose first record it holds.
WITH accepted AS (
    SELECT source_type AS source, CASE WHEN source_type = 'telemarketer' THEN vendor END AS vendor
    FROM core.lead_sources
),
quarantined AS (
    SELECT source_type AS source,
           CASE WHEN source_type = 'telemarketer' THEN split_part(source_file, '/', 2) END AS vendor
    FROM quarantine.rejected_rows
    WHERE source_type IN ('campaign_response', 'telemarketer')
),
records AS (
    SELECT source, vendor, count(*) AS accepted, 0 AS quarantined
    FROM accepted GROUP BY ALL
    UNION ALL
    SELECT source, vendor, 0, count(*) FROM quarantined GROUP BY ALL
),
record_counts AS (
    SELECT source, coalesce(vendor, '') AS vendor_key, sum(accepted) AS accepted, sum(quarantined) AS quarantined
    FROM records GROUP BY ALL
),
lead_costs AS (
    SELECT o.lead_id, c.cost / count(*) OVER (PARTITION BY o.campaign_id) AS cost_share
    FROM marts.lead_outcomes o JOIN core.campaigns c USING (campaign_id)
    WHERE c.cost IS NOT NULL
),
lead_counts AS (
    SELECT o.source_type AS source, coalesce(o.vendor, '') AS vendor_key, count(*) AS leads,
           count(*) FILTER (WHERE o.is_qualified) AS qualified,
           count(*) FILTER (WHERE o.is_converted) AS converted,
           sum(k.cost_share) AS cost,
           count(*) FILTER (WHERE o.is_converted AND k.cost_share IS NOT NULL) AS converted_with_cost
    FROM marts.lead_outcomes o LEFT JOIN lead_costs k USING (lead_id)
    GROUP BY ALL
)
SELECT source, nullif(vendor_key, '') AS vendor,
       CAST(coalesce(r.accepted, 0) + coalesce(r.quarantined, 0) AS BIGINT) AS records,
       CAST(coalesce(r.accepted, 0) AS BIGINT) AS accepted,
       CAST(coalesce(r.quarantined, 0) AS BIGINT) AS quarantined,
       round(r.quarantined / nullif(r.accepted + r.quarantined, 0), 4) AS quarantine_rate,
       CAST(coalesce(r.accepted, 0) - coalesce(l.leads, 0) AS BIGINT) AS duplicates,
       round((r.accepted - coalesce(l.leads, 0)) / nullif(r.accepted, 0), 4) AS duplicate_rate,
       coalesce(l.leads, 0) AS leads, coalesce(l.qualified, 0) AS qualified, coalesce(l.converted, 0) AS converted,
       round(l.qualified / nullif(l.leads, 0), 4) AS qualification_rate,
       round(l.converted / nullif(l.leads, 0), 4) AS conversion_rate,
       round(l.cost, 2) AS cost,
       round(l.cost / nullif(l.converted_with_cost, 0), 2) AS cost_per_converted_lead
FROM record_counts r FULL JOIN lead_counts l USING (source, vendor_key)  -- '' stands for "no vendor" in the join
ORDER BY source, vendor NULLS FIRST
