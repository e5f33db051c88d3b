-- records that are both accepted and quarantined (must be none)
SELECT count(*) FROM core.lead_sources s JOIN quarantine.rejected_rows q
  ON s.source_file = q.source_file AND s.file_sha256 = q.file_sha256 AND s.source_row = q.source_row
