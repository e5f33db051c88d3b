-- whether this exact file version (path and bytes) was seen before
SELECT count(*) > 0 FROM core.import_files WHERE source_file = $source_file AND file_sha256 = $file_sha256
