-- lead ids merged away (never issued again)
SELECT from_lead_id FROM core.lead_merges
