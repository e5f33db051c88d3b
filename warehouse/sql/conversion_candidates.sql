-- `leadflow export conversions`: every lead that reached Qualified (qualified_at is set, or its status is Qualified)
-- with its account and first-touch campaign name; $since: only those qualified on or after that day (NULL: all).
-- A lead qualified before `qualified_at` was kept counts from its last update.
SELECT l.lead_id, l.status, l.status_source, l.first_name, l.last_name, l.email, l.phone, l.company, l.domain,
       l.job_title, l.country, l.state, l.city, l.score, l.rank, l.owner, l.team, l.territory, l.source,
       l.campaign_id,
       coalesce(c.name, (SELECT s.campaign_name FROM core.lead_sources s
                         WHERE s.lead_id = l.lead_id AND s.campaign_id = l.campaign_id AND s.campaign_name IS NOT NULL
                         ORDER BY s.touch_at, s.source_file, s.source_record_id LIMIT 1)) AS campaign_name,
       l.campaign_channel, l.vendor, l.product_interest, l.budget_status, l.timeframe_months, l.decision_maker,
       l.do_not_contact, l.touch_count, l.response_types, l.created_at, l.first_touch_at, l.last_touch_at,
       l.qualified_at, l.converted_at, l.retired_at, l.updated_at, l.custom_fields, l.crm_lead_id, l.contact_id,
       l.account_id,
       a.account_source, a.name AS account_name, a.domain AS account_domain, a.website AS account_website,
       a.industry AS account_industry, a.employee_count AS account_employee_count, a.country AS account_country,
       a.state AS account_state, a.city AS account_city, a.owner AS account_owner,
       a.is_customer AS account_is_customer
FROM core.leads l
LEFT JOIN core.accounts a ON a.account_id = l.account_id
LEFT JOIN core.campaigns c ON c.campaign_id = l.campaign_id
WHERE (l.qualified_at IS NOT NULL OR l.status = 'Qualified')
  AND ($since IS NULL OR coalesce(l.qualified_at, l.updated_at) >= $since)
ORDER BY l.lead_id
