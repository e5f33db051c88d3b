-- the leads this run qualifies again, with why (`requalify`: reason, lead_id; leadflow/qualify/scope.py): the
-- import's touched leads (`touched_leads`), leads of accounts whose published inputs change (`staged_accounts`),
-- leads linked to the CRM snapshot's leads (`crm_lead_ids`), leads whose campaign's channel changes
-- (`campaign_channels`), overrides (`override_leads`), statuses a person set, leads waiting for a team member
-- that the team has room for this week (`team_room`: team, room; null room: no limit), and leads a time field
-- moves across a rule's day count (`time_windows`)
CREATE OR REPLACE TEMP TABLE requalify AS
WITH changed_accounts AS (
    SELECT s.account_id FROM staged_accounts s LEFT JOIN core.accounts a USING (account_id)
    WHERE a.account_id IS NULL
       OR s.owner IS DISTINCT FROM a.owner OR s.is_customer IS DISTINCT FROM a.is_customer
       OR s.industry IS DISTINCT FROM a.industry OR s.employee_count IS DISTINCT FROM a.employee_count
       OR s.country IS DISTINCT FROM a.country OR s.state IS DISTINCT FROM a.state OR s.city IS DISTINCT FROM a.city
    UNION ALL
    SELECT account_id FROM core.accounts WHERE account_id NOT IN (SELECT account_id FROM staged_accounts)
)
SELECT 'touched' AS reason, lead_id FROM touched_leads
UNION ALL
SELECT 'account', lead_id FROM core.leads WHERE account_id IN (SELECT account_id FROM changed_accounts)
UNION ALL
SELECT 'crm lead', lead_id FROM core.leads WHERE crm_lead_id IN (SELECT crm_lead_id FROM crm_lead_ids)
UNION ALL
SELECT 'campaign', l.lead_id FROM core.leads l LEFT JOIN campaign_channels c ON c.campaign_id = l.campaign_id
WHERE l.campaign_channel IS DISTINCT FROM c.channel
UNION ALL
SELECT 'override', lead_id FROM override_leads
UNION ALL
SELECT 'set by a person', lead_id FROM core.leads WHERE status_source IS DISTINCT FROM 'rules'
UNION ALL
SELECT 'waiting for a team member', w.lead_id FROM (
    -- in the order round-robin hands leads out; a lead linked to a CRM lead (whose creation date the CRM may have
    -- changed) is taken whatever its place
    SELECT a.lead_id, a.team, l.crm_lead_id IS NOT NULL AS crm_linked,
           row_number() OVER (PARTITION BY a.team, l.crm_lead_id IS NOT NULL
                              ORDER BY coalesce(l.created_at, l.first_touch_at) NULLS FIRST, a.lead_id) AS place
    FROM core.assignments a JOIN core.leads l ON l.lead_id = a.lead_id
    WHERE a.is_current AND a.owner = $fallback_owner AND a.team IS NOT NULL
) w LEFT JOIN team_room r ON r.team = w.team
WHERE w.crm_linked OR r.team IS NULL OR r.room IS NULL OR w.place <= r.room
UNION ALL
SELECT 'time', l.lead_id FROM core.leads l JOIN time_windows w
    ON w.moment = 'created_at' AND coalesce(l.created_at, l.first_touch_at) BETWEEN w.after AND w.until
UNION ALL
SELECT 'time', l.lead_id FROM core.leads l JOIN time_windows w
    ON w.moment = 'last_touch_at' AND l.last_touch_at BETWEEN w.after AND w.until
