-- one lead's published row ($lead_id), as `leadflow explain` shows it (no row: no such lead)
SELECT lead_id, first_name, last_name, email, phone, company, job_title, status, status_source, score, rank,
       rules_version, owner, team, territory, created_at, updated_at, source, campaign_id, campaign_channel, vendor,
       first_touch_at, last_touch_at, touch_count, qualified_at, converted_at, retired_at, contact_id, crm_lead_id,
       account_id, is_existing_customer, has_opportunity, do_not_contact, score_rules, assessment_id,
       assessment_score
FROM core.leads WHERE lead_id = $lead_id
