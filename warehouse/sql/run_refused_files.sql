-- files a run refused, with the reason
SELECT source_file, reason FROM core.import_files WHERE run_id = $run_id AND status = 'refused' ORDER BY source_file
