-- core.leads rows a CRM admin uploads; $since: only leads updated on or after it (NULL: all); do-not-contact
-- leads only with $include_do_not_contact (unknown counts as contactable, as routing reads it)
SELECT lead_id, first_name, last_name, email, phone, company, domain, job_title, country, status, score, rank,
       owner, territory, source, campaign_id, do_not_contact, crm_lead_id, contact_id, account_id,
       created_at, updated_at
FROM core.leads
WHERE ($since IS NULL OR updated_at >= $since)
  AND ($include_do_not_contact OR NOT coalesce(do_not_contact, false))
ORDER BY lead_id
