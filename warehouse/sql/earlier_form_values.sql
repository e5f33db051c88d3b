-- what leads said about their companies, as published by earlier runs
SELECT account_id, field, value, source, provider, observed_at FROM core.account_field_sources WHERE source = 'form'
