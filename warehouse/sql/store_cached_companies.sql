-- lookups just answered (`answered`: the cache columns) replace earlier entries of their domains
INSERT OR REPLACE INTO enrichment.company_cache BY NAME SELECT * FROM answered
