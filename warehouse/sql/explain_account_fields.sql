-- every candidate value of each field of one lead's account ($lead_id): the chosen one first, then those that
-- lost, newest first
SELECT f.field, f.value, f.source, f.provider, f.observed_at, f.chosen
FROM core.leads l JOIN core.account_field_sources f USING (account_id) WHERE l.lead_id = $lead_id
ORDER BY coalesce(list_position(['name', 'domain', 'website', 'industry', 'employee_count', 'country', 'state',
                                 'city'], f.field), 99), f.field, f.chosen DESC, f.observed_at DESC NULLS LAST,
         f.source, f.value
