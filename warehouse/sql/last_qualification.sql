-- the last qualification of the leads (none before the first run)
SELECT rules_version, as_of FROM core.qualification_state
