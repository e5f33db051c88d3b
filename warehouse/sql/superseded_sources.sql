-- published records that an incoming version of their file replaces: the lead each belonged to, the key its
-- earlier version is matched under this run (`<key>@<sha prefix>`), whether its id is positional, and whether
-- its lead has no other current record
SELECT r.record_key, r.lead_id, r.record_key || '@' || left(r.file_sha256, 12) AS earlier_version_key,
       r.source_record_id LIKE 'row-%' AS positional,
       NOT EXISTS (SELECT 1 FROM core.lead_sources o WHERE o.lead_id = r.lead_id AND NOT EXISTS (
           SELECT 1 FROM core.superseded_lead_sources x
           WHERE x.source_file = o.source_file AND x.source_record_id = o.source_record_id))
         AS lead_has_no_other_record
FROM core.superseded_lead_sources r
ORDER BY r.record_key
