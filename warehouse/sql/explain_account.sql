-- the account of one lead ($lead_id) and its enrichment status (no row: no account)
SELECT a.account_id, a.name, a.domain, a.account_source, a.is_customer, a.owner, a.industry, a.employee_count,
       a.country, a.state, a.city, a.website, a.enrichment_status, a.enrichment_reason, a.enriched_at
FROM core.leads l JOIN core.accounts a USING (account_id) WHERE l.lead_id = $lead_id
