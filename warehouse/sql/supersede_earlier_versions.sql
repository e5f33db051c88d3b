-- Move the earlier versions of the records this import's corrected files re-send (same path and record id;
-- every positional record of an earlier version) out of core.lead_sources and quarantine.rejected_rows into
-- core.superseded_records, and count them on the earlier file versions.
INSERT INTO core.superseded_records BY NAME
SELECT s.source_file, s.source_record_id, s.file_sha256, s.source_row, 'accepted' AS outcome, s.lead_id,
       NULL AS reason, to_json(s)::VARCHAR AS record, s.superseded_by_sha256, $now AS superseded_at, $run_id AS run_id
FROM (SELECT * EXCLUDE (record_key) FROM core.superseded_lead_sources) s;
INSERT INTO core.superseded_records BY NAME
SELECT s.source_file, s.source_record_id, s.file_sha256, s.source_row, 'rejected' AS outcome, NULL AS lead_id,
       s.reason, to_json(s)::VARCHAR AS record, s.superseded_by_sha256, $now AS superseded_at, $run_id AS run_id
FROM quarantine.superseded_rejections s;
DELETE FROM core.lead_sources s WHERE EXISTS (
  SELECT 1 FROM core.superseded_records x
  WHERE x.source_file = s.source_file AND x.source_record_id = s.source_record_id
    AND x.file_sha256 = s.file_sha256 AND x.run_id = $run_id);
DELETE FROM quarantine.rejected_rows s WHERE EXISTS (
  SELECT 1 FROM core.superseded_records x
  WHERE x.source_file = s.source_file AND x.source_record_id = s.source_record_id
    AND x.file_sha256 = s.file_sha256 AND x.run_id = $run_id);
UPDATE core.import_files f
SET superseded_at = $now, records_accepted = c.accepted, records_rejected = c.rejected,
    records_superseded = c.superseded
FROM core.file_record_counts c
WHERE c.source_file = f.source_file AND c.file_sha256 = f.file_sha256
  AND (f.source_file, f.file_sha256) IN (SELECT source_file, file_sha256 FROM core.superseded_records
                                         WHERE run_id = $run_id)
