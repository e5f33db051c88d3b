SELECT count(*) FROM core.match_review WHERE status = 'open'
