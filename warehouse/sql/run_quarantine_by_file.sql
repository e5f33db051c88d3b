-- the lead file versions a run imported, with what each read and rejected
SELECT source_file, records_read, rejected
FROM core.file_record_counts
WHERE run_id = $run_id AND status = 'imported' AND source_type <> 'crm'
