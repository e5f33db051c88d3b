-- prospect accounts published earlier (created for companies new to the CRM); they stay, with their creation time
SELECT account_id, domain, company_key, created_at FROM core.accounts WHERE account_source = 'prospect'
