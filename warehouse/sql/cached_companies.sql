-- cache entries of the domains in `wanted_domains` (domain)
SELECT * FROM enrichment.company_cache WHERE domain IN (SELECT domain FROM wanted_domains)
