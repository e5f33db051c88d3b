-- an earlier version of a lead file that never got published is replaced before it counts
UPDATE core.import_files SET status = 'superseded', reason = 'a newer version arrived before it was imported'
WHERE source_file = $source_file AND status = 'landed'
