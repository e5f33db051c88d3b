-- per imported lead file version: records read, accepted, rejected and superseded by a later version
SELECT source_file, version, records_read, accepted, rejected, superseded
FROM core.file_record_counts
WHERE status = 'imported' AND source_type <> 'crm'
ORDER BY source_file, version
