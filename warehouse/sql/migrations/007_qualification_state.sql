-- Migration 7: the last qualification of the leads (one row): the rules' version and the run date it ran as of.
-- A run qualifies again only the leads whose result can have changed since (leadflow/qualify/scope.py); with no
-- row, other rules or an earlier run date, every lead.
CREATE TABLE IF NOT EXISTS core.qualification_state (
    rules_version  VARCHAR NOT NULL,
    as_of          TIMESTAMP NOT NULL,
    evaluated_at   TIMESTAMP NOT NULL
);
