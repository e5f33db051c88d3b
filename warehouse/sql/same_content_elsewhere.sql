-- another path already landed or imported with the same bytes
SELECT min(source_file) FROM core.import_files WHERE file_sha256 = $file_sha256 AND status IN ('landed', 'imported')
