SELECT count(*) > 0 FROM core.import_files WHERE source_file = $source_file
