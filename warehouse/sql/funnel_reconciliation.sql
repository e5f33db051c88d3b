-- the funnel's totals three ways: from core.leads and core.lead_opportunities, and summed over both funnel marts
WITH core_counts AS (
    SELECT count(*) AS core_leads,
           count(*) FILTER (WHERE qualified_at IS NOT NULL OR status = 'Converted') AS core_qualified,
           count(*) FILTER (WHERE status = 'Converted') AS core_converted,
           count(*) FILTER (WHERE lead_id IN (SELECT lead_id FROM core.lead_opportunities
                                             WHERE is_won AND link_via <> 'account')) AS core_won
    FROM core.leads
),
funnel AS (
    SELECT sum(leads) AS funnel_leads, sum(qualified) AS funnel_qualified, sum(converted) AS funnel_converted,
           sum(won) AS funnel_won
    FROM marts.lead_funnel
),
detail AS (
    SELECT sum(leads) AS detail_leads, sum(qualified) AS detail_qualified, sum(converted) AS detail_converted,
           sum(won) AS detail_won
    FROM marts.lead_funnel_detail
)
SELECT * FROM core_counts, funnel, detail
