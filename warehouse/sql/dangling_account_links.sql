-- leads whose account_id points nowhere
SELECT count(*) FROM core.leads
WHERE account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM core.accounts)
