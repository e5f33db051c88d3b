-- when the inbox last brought a lead file that was not refused
SELECT max(first_seen_at) FROM core.import_files WHERE source_type <> 'crm' AND status <> 'refused'
