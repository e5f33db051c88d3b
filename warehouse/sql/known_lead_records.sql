-- every published lead source record: what a new batch is matched against. Unordered and without its lead's CRM
-- links: warehouse.state.known_lead_records adds those (known_lead_links: the few leads that have one) and sorts by
-- record_key in polars (a join's rows come back in another order on each read, and the matcher's sample of random
-- pairs (u) and its ties are taken by position). Joining 5M sources to their leads here spilled past the run's
-- DuckDB memory limit (5.9 s against 1.3 s). Country, state and city are compared as place keys
-- (dedupe.normalize.places)
SELECT record_key, 'lead' AS kind, lead_id, first_name_canonical, first_name_key, last_name_key, email, phone,
       company_key, domain, country, state, city
FROM core.lead_sources
