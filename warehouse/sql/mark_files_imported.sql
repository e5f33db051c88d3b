-- this import's landed files are imported: lead files with their accepted and rejected records as they stand,
-- CRM files with their rejected rows (the rest of a CRM file was taken whole)
UPDATE core.import_files f
SET status = 'imported', imported_at = $now, records_accepted = c.accepted, records_rejected = c.rejected
FROM core.file_record_counts c
WHERE c.source_file = f.source_file AND c.file_sha256 = f.file_sha256 AND f.status = 'landed'
  AND f.source_type <> 'crm';
UPDATE core.import_files f
SET status = 'imported', imported_at = $now, records_rejected = c.rejected,
    records_accepted = f.records_read - c.rejected
FROM core.file_record_counts c
WHERE c.source_file = f.source_file AND c.file_sha256 = f.file_sha256 AND f.status = 'landed'
  AND f.source_type = 'crm'
