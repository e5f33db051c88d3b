-- Migration 3: company enrichment. Lookups are cached per domain (a paid API is asked once per time to live);
-- accounts carry the firmographics chosen field by field (CRM > enrichment > form by default) with the source
-- of every candidate value, and their enrichment status.
CREATE SCHEMA IF NOT EXISTS enrichment;

CREATE TABLE IF NOT EXISTS enrichment.company_cache (
    domain          VARCHAR PRIMARY KEY,
    provider        VARCHAR NOT NULL,   -- e.g. http:enrich.example.com (never a key)
    status          VARCHAR NOT NULL CHECK (status IN ('found', 'not_found')),
    name VARCHAR, industry VARCHAR, employee_count INTEGER, country VARCHAR, state VARCHAR, city VARCHAR,
    website VARCHAR, description VARCHAR, linkedin VARCHAR,
    fields          VARCHAR,            -- JSON: the returned fields
    fetched_at      TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL
);

ALTER TABLE core.accounts ADD COLUMN IF NOT EXISTS state VARCHAR;
ALTER TABLE core.accounts ADD COLUMN IF NOT EXISTS city VARCHAR;
ALTER TABLE core.accounts ADD COLUMN IF NOT EXISTS website VARCHAR;
ALTER TABLE core.accounts ADD COLUMN IF NOT EXISTS description VARCHAR;
ALTER TABLE core.accounts ADD COLUMN IF NOT EXISTS enrichment_status VARCHAR;  -- enriched|not_found|pending|skipped
ALTER TABLE core.accounts ADD COLUMN IF NOT EXISTS enrichment_reason VARCHAR;  -- why pending or skipped
ALTER TABLE core.accounts ADD COLUMN IF NOT EXISTS enriched_at TIMESTAMP;      -- when the provider's answer was fetched

-- every candidate value of an account field, where it came from, and whether it won
CREATE TABLE IF NOT EXISTS core.account_field_sources (
    account_id   VARCHAR NOT NULL,
    field        VARCHAR NOT NULL,
    value        VARCHAR,
    source       VARCHAR NOT NULL CHECK (source IN ('crm', 'enrichment', 'form')),
    provider     VARCHAR,            -- enrichment: which provider answered
    observed_at  TIMESTAMP,          -- enrichment: fetched_at; crm: when the snapshot was loaded; form: the touch
    chosen       BOOLEAN NOT NULL
);
