-- cached lookups to ask again: one domain ($domain) or all, fetched before $fetched_before (NULL: any time)
SELECT domain, name FROM enrichment.company_cache
WHERE ($domain IS NULL OR domain = $domain) AND ($fetched_before IS NULL OR fetched_at < $fetched_before)
ORDER BY domain
