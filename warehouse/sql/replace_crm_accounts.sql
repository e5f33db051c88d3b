-- CRM accounts come whole from each snapshot
DELETE FROM core.accounts WHERE account_source = 'crm'
