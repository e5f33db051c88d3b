-- marts.campaign_roi: one row per campaign, first-touch attribution, each opportunity counted once (docs/marts.md).
CREATE OR REPLACE TABLE marts.campaign_roi AS
WITH leads AS (
    SELECT campaign_id, count(*) AS leads,
           count(*) FILTER (WHERE is_qualified) AS qualified,
           count(*) FILTER (WHERE is_converted) AS converted
    FROM marts.lead_outcomes
    WHERE campaign_id IS NOT NULL
    GROUP BY campaign_id
),
money AS (
    SELECT l.campaign_id, count(*) AS opportunities, sum(o.amount) AS pipeline_amount,
           count(*) FILTER (WHERE o.is_won) AS won_opportunities,
           sum(o.amount) FILTER (WHERE o.is_won) AS won_amount,
           count(DISTINCT coalesce(o.account_id, o.lead_id)) FILTER (WHERE o.is_won) AS won_customers
    FROM core.lead_opportunities o JOIN marts.lead_outcomes l USING (lead_id)
    WHERE o.is_attributed AND l.campaign_id IS NOT NULL
    GROUP BY l.campaign_id
),
campaigns AS (
    SELECT campaign_id FROM core.campaigns UNION SELECT campaign_id FROM leads
),
cells AS (
    SELECT k.campaign_id, c.name AS campaign_name, c.channel, c.start_date, c.cost,
           c.campaign_id IS NOT NULL AS listed,
           coalesce(n.leads, 0) AS leads, coalesce(n.qualified, 0) AS qualified, coalesce(n.converted, 0) AS converted,
           coalesce(m.opportunities, 0) AS opportunities, coalesce(m.pipeline_amount, 0) AS pipeline_amount,
           coalesce(m.won_opportunities, 0) AS won_opportunities, coalesce(m.won_amount, 0) AS won_amount,
           coalesce(m.won_customers, 0) AS won_customers
    FROM campaigns k
    LEFT JOIN core.campaigns c USING (campaign_id)
    LEFT JOIN leads n USING (campaign_id)
    LEFT JOIN money m USING (campaign_id)
)
SELECT campaign_id, campaign_name, channel, start_date, cost, leads,
       round(cost / nullif(leads, 0), 2) AS cost_per_lead,
       qualified, converted, opportunities, pipeline_amount, won_opportunities, won_amount, won_customers,
       round(cost / nullif(won_customers, 0), 2) AS cost_per_won_customer,
       CASE WHEN cost > 0 THEN round((won_amount - cost) / cost, 4) END AS roi,
       CASE WHEN NOT listed THEN 'cost unknown: the CRM campaigns file does not list this campaign'
            WHEN cost IS NULL THEN 'cost unknown: the CRM campaigns file gives no cost for it'
            WHEN cost = 0 THEN 'cost is zero: ROI is undefined'
       END AS note
FROM cells
ORDER BY campaign_id
