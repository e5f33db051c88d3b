-- a new export of a CRM file replaces the earlier one whole (its raw rows are deleted by the caller)
UPDATE core.import_files SET status = 'replaced' WHERE source_file = $source_file AND status <> 'refused'
