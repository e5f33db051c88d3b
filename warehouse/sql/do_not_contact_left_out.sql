-- how many do-not-contact leads an export of leads updated since $since (NULL: all) leaves out
SELECT count(*) FROM core.leads
WHERE ($since IS NULL OR updated_at >= $since) AND coalesce(do_not_contact, false)
