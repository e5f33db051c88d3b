-- quarantined records with their reason and the record as it arrived; $source_file: only that file (NULL: all)
SELECT source_file, source_record_id, source_row, reason, failed_column, failed_check, raw_record, rejected_at
FROM quarantine.rejected_rows
WHERE $source_file IS NULL OR source_file = $source_file
ORDER BY source_file, source_row, source_record_id
