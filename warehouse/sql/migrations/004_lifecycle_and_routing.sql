-- Migration 4: the lead lifecycle and routing to people. Leads keep what the rules read and made (so every run can
-- re-evaluate every lead), status changes carry the rules' version, assignments keep their history, the
-- round-robin state carries from run to run, and manual overrides persist.
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS team VARCHAR;                -- the team holding the lead, if any
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS vendor VARCHAR;              -- latest telemarketing vendor
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS campaign_channel VARCHAR;    -- the first-touch campaign's channel
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS response_types VARCHAR[];
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS last_disposition VARCHAR;    -- of the latest touch
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS has_opportunity BOOLEAN;
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS assessment_id VARCHAR;
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS assessment_score INTEGER;
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS assessment_answers VARCHAR;  -- JSON: question, asked, answer, points
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS score_rules VARCHAR;         -- scoring rules that fired, with points
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS rules_version VARCHAR;       -- the rules that last changed the row
ALTER TABLE core.leads ADD COLUMN IF NOT EXISTS status_source VARCHAR;       -- rules | crm | file:<overrides file>

ALTER TABLE core.lead_status_history ADD COLUMN IF NOT EXISTS rules_version VARCHAR;

-- every assignment of a lead to an owner; the current one per lead has `is_current`
CREATE TABLE IF NOT EXISTS core.assignments (
    lead_id        VARCHAR NOT NULL,
    owner          VARCHAR NOT NULL,
    team           VARCHAR,
    territory      VARCHAR,
    rule_id        VARCHAR NOT NULL,
    reason         VARCHAR,
    rules_version  VARCHAR,
    assigned_at    TIMESTAMP NOT NULL,
    ended_at       TIMESTAMP,
    is_current     BOOLEAN NOT NULL,
    run_id         VARCHAR
);

-- round-robin state per team member: leads assigned in total and in the week starting week_start
CREATE TABLE IF NOT EXISTS core.routing_state (
    team            VARCHAR NOT NULL,
    member          VARCHAR NOT NULL,
    total_assigned  BIGINT NOT NULL,
    week_start      DATE NOT NULL,
    week_assigned   BIGINT NOT NULL,
    PRIMARY KEY (team, member)
);

-- a status, rank or owner a person set in an overrides file: wins over the rules until set back to `rules`
CREATE TABLE IF NOT EXISTS core.lead_overrides (
    lead_id   VARCHAR NOT NULL,
    field     VARCHAR NOT NULL CHECK (field IN ('status', 'rank', 'owner')),
    value     VARCHAR NOT NULL,
    source    VARCHAR NOT NULL,
    note      VARCHAR,
    set_at    TIMESTAMP NOT NULL,
    run_id    VARCHAR
);
