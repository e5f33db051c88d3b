-- where a lead id merged away went ($lead_id): each step of the chain of merges, first step first
-- (into_lead_id NULL: the lead was emptied, its id went nowhere)
WITH RECURSIVE merges AS (
    SELECT from_lead_id, into_lead_id, reason, merged_at FROM core.lead_merges
    QUALIFY row_number() OVER (PARTITION BY from_lead_id ORDER BY merged_at DESC) = 1
), chain(step, from_lead_id, into_lead_id, reason, merged_at) AS (
    SELECT 1, from_lead_id, into_lead_id, reason, merged_at FROM merges WHERE from_lead_id = $lead_id
    UNION ALL
    SELECT c.step + 1, m.from_lead_id, m.into_lead_id, m.reason, m.merged_at
    FROM chain c JOIN merges m ON m.from_lead_id = c.into_lead_id
    WHERE c.step < 50
)
SELECT step, from_lead_id, into_lead_id, reason, merged_at FROM chain ORDER BY step
