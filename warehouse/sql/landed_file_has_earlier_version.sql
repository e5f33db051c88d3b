-- whether any landed file (this import) has an earlier version under the same path: only then can its records
-- supersede published ones (core.superseded_lead_sources, quarantine.superseded_rejections)
SELECT EXISTS (
  SELECT 1 FROM core.import_files f JOIN core.import_files e
    ON e.source_file = f.source_file AND e.file_sha256 <> f.file_sha256
  WHERE f.status = 'landed')
