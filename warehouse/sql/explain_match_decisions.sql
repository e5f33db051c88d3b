-- the `match` decisions that joined one lead's records ($lead_id): between two of its records, or between one
-- of its records and its CRM lead or contact; the latest decision on each pair, most likely first
WITH own AS (SELECT record_key FROM core.lead_sources WHERE lead_id = $lead_id),
crm AS (SELECT crm_lead_id, contact_id FROM core.leads WHERE lead_id = $lead_id),
linked AS (
    SELECT d.* FROM core.match_decisions d, crm
    WHERE (d.left_key IN (SELECT record_key FROM own) OR d.right_key IN (SELECT record_key FROM own))
      AND (   (d.left_key IN (SELECT record_key FROM own) AND d.right_key IN (SELECT record_key FROM own))
           OR (d.right_kind = 'crm_lead' AND suffix(d.right_key, '#' || crm.crm_lead_id))
           OR (d.right_kind = 'contact' AND suffix(d.right_key, '#' || crm.contact_id))
           OR (d.left_kind = 'crm_lead' AND suffix(d.left_key, '#' || crm.crm_lead_id))
           OR (d.left_kind = 'contact' AND suffix(d.left_key, '#' || crm.contact_id)))
    QUALIFY row_number() OVER (PARTITION BY least(d.left_key, d.right_key), greatest(d.left_key, d.right_key)
                               ORDER BY d.decided_at DESC) = 1
)
SELECT left_key, right_key, left_kind, right_kind, match_probability, total_score, reason, decided_at
FROM linked WHERE decision = 'match'
ORDER BY match_probability DESC, left_key, right_key
