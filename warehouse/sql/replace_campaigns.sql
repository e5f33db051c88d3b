-- core.campaigns: the current CRM snapshot's campaigns (`new_campaigns`), replacing the earlier snapshot's
DELETE FROM core.campaigns;
INSERT INTO core.campaigns BY NAME
SELECT campaign_id, name, channel, cost, CAST(start_date AS DATE) AS start_date FROM new_campaigns
