-- counts of what must not happen in core.leads (statuses are held by a CHECK constraint; ranks come from the
-- rules file: $ranks)
SELECT
  (SELECT count(*) FROM core.lead_sources s WHERE s.lead_id NOT IN (SELECT lead_id FROM core.leads))
    AS sources_without_lead,
  (SELECT count(*) FROM core.leads l WHERE l.lead_id NOT IN (SELECT lead_id FROM core.lead_sources))
    AS leads_without_source,
  (SELECT count(*) FROM core.leads WHERE rank IS NULL OR NOT list_contains($ranks, rank)) AS bad_rank,
  (SELECT count(*) FROM core.leads WHERE score IS NULL OR score NOT BETWEEN 1 AND 100) AS bad_score
