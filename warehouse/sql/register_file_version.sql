-- a file version in the registry, with the next version number of its path
INSERT INTO core.import_files BY NAME
SELECT $source_file AS source_file, $file_sha256 AS file_sha256, $source_type AS source_type,
       $size_bytes AS size_bytes, $status AS status, $records_read AS records_read, $reason AS reason,
       $now AS first_seen_at, $run_id AS run_id, $source_name AS source_name,
       1 + (SELECT count(*) FROM core.import_files WHERE source_file = $source_file) AS version,
       $modified_at AS modified_at
