-- Migration 2: a lead source record's key is stored (as match decisions and reviews name it), and the
-- accepted / rejected / superseded counts of each file version are one view.
ALTER TABLE core.lead_sources ADD COLUMN IF NOT EXISTS record_key VARCHAR;  -- <source_file>#<source_record_id>
UPDATE core.lead_sources SET record_key = source_file || '#' || source_record_id WHERE record_key IS NULL;

-- per file version: its records as they stand now (accepted, rejected, replaced by a later version)
CREATE OR REPLACE VIEW core.file_record_counts AS
SELECT f.source_file, f.file_sha256, f.source_type, f.status, f.version, f.run_id, f.records_read,
       coalesce(a.n, 0) AS accepted, coalesce(r.n, 0) AS rejected, coalesce(x.n, 0) AS superseded
FROM core.import_files f
LEFT JOIN (SELECT source_file, file_sha256, count(*) AS n FROM core.lead_sources GROUP BY ALL) a
  USING (source_file, file_sha256)
LEFT JOIN (SELECT source_file, file_sha256, count(*) AS n FROM quarantine.rejected_rows GROUP BY ALL) r
  USING (source_file, file_sha256)
LEFT JOIN (SELECT source_file, file_sha256, count(*) AS n FROM core.superseded_records GROUP BY ALL) x
  USING (source_file, file_sha256);

-- records of lead file versions that are landed but not yet published (this import's incoming records)
CREATE OR REPLACE VIEW raw.pending_lead_records AS
SELECT DISTINCT r.source_file, r.source_record_id, r.file_sha256
FROM raw.campaign_responses r JOIN core.import_files f USING (source_file, file_sha256) WHERE f.status = 'landed'
UNION
SELECT DISTINCT r.source_file, r.source_record_id, r.file_sha256
FROM raw.telemarketer_calls r JOIN core.import_files f USING (source_file, file_sha256) WHERE f.status = 'landed';

-- published records that an incoming version of their file replaces: those whose record id the new version
-- repeats, and every positional (`row-N`) record of an earlier version (positions shift between versions)
CREATE OR REPLACE VIEW core.superseded_lead_sources AS
WITH versions AS (SELECT DISTINCT source_file, file_sha256 FROM raw.pending_lead_records)
SELECT s.*, v.file_sha256 AS superseded_by_sha256
FROM core.lead_sources s JOIN versions v ON v.source_file = s.source_file AND v.file_sha256 <> s.file_sha256
WHERE s.source_record_id LIKE 'row-%'
   OR EXISTS (SELECT 1 FROM raw.pending_lead_records i WHERE i.source_file = s.source_file
              AND i.file_sha256 = v.file_sha256 AND i.source_record_id = s.source_record_id);

-- the same for quarantined records
CREATE OR REPLACE VIEW quarantine.superseded_rejections AS
WITH versions AS (SELECT DISTINCT source_file, file_sha256 FROM raw.pending_lead_records)
SELECT s.*, v.file_sha256 AS superseded_by_sha256
FROM quarantine.rejected_rows s JOIN versions v ON v.source_file = s.source_file AND v.file_sha256 <> s.file_sha256
WHERE s.source_record_id LIKE 'row-%'
   OR EXISTS (SELECT 1 FROM raw.pending_lead_records i WHERE i.source_file = s.source_file
              AND i.file_sha256 = v.file_sha256 AND i.source_record_id = s.source_record_id);
