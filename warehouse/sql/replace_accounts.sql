-- accounts and the sources of their fields are rebuilt whole by each run
DELETE FROM core.accounts;
DELETE FROM core.account_field_sources
