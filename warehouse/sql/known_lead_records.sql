-- every published lead source record with its lead's CRM links: what a new batch is matched against. In record_key
-- order: a join's rows come back in another order on each read, and the matcher's sample of random pairs (u) and
-- its ties are taken by position, so an unordered read made two runs of one input decide differently. Country,
-- state and city are compared as place keys (dedupe.normalize.places)
SELECT ls.record_key, 'lead' AS kind, ls.lead_id, l.contact_id, l.crm_lead_id, ls.first_name_canonical, ls.first_name_key,
       ls.last_name_key, ls.email, ls.phone, ls.company_key, ls.domain, ls.country, ls.state, ls.city
FROM core.lead_sources ls JOIN core.leads l USING (lead_id)
ORDER BY ls.record_key
